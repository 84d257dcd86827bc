"""A dispute about a funding case and that case link to each other from their pages, for the
people who may see both."""
from tests.factories import dispute_at, funding_case_at
from tests.web.helpers import page


def test_a_funding_case_and_the_dispute_about_it_link_to_each_other(service, cast, clock, signed_in):
    funding = funding_case_at(service, cast, clock, "consultation")
    dispute = dispute_at(service, cast, clock, "raised", linked=funding)
    vl = signed_in("vl")
    assert f"{dispute.ref}: {dispute.title}" in page(vl.get(f"/cases/{funding.id}")).text
    assert f"{funding.ref}: {funding.title}" in page(vl.get(f"/cases/{dispute.id}")).text


def test_a_case_with_no_links_shows_none(service, cast, clock, signed_in):
    funding = funding_case_at(service, cast, clock, "consultation")
    text = page(signed_in("vl").get(f"/cases/{funding.id}")).text
    assert "Linked disputes" not in text
