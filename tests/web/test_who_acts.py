"""Who is offered a dispute's actions (processes.md, Revisions 2026-12-07): acknowledging a
dispute and assigning its senior reviewer only to those who may act for the respondent on it,
and the panel's own steps to the panel as soon as it is appointed."""
from tests.factories import dispute_at, funding_case_at
from tests.web.helpers import page


def test_the_officers_of_a_disputed_case_are_not_offered_its_acknowledgement(app, signed_in, service, cast, clock):
    funding = funding_case_at(service, cast, clock, "notice_period")
    dispute = dispute_at(service, cast, clock, "raised", linked=funding)
    action = f"/cases/{dispute.id}/actions/acknowledge_dispute"
    for who in ("fo", "dm", "reviewer"):
        browser = signed_in(who)
        assert action not in browser.get(f"/cases/{dispute.id}").get_data(as_text=True), who
        assert browser.get(action).status_code == 404, who
    other_officer = signed_in("fo2")
    assert action in other_officer.get(f"/cases/{dispute.id}").get_data(as_text=True)
    question = page(other_officer.get(action)).text
    assert "Mark Bell" in question and "Priya Shah" not in question     # the case's own officer is not offered


def test_the_chair_sees_the_referral_as_soon_as_the_panel_is_appointed(app, signed_in, service, cast, clock):
    dispute = dispute_at(service, cast, clock, "panel_referred")
    chair = signed_in("panel1")
    assert chair.get(f"/cases/{dispute.id}").status_code == 404       # not before
    service.fire(dispute.id, "appoint_panel", cast["convener"],
                 {"chair": cast["panel1"], "statutory_member": cast["panel2"], "vcs_member": cast["panel3"]}, clock.now())
    assert dispute.ref in page(chair.get("/")).text
    case_page = chair.get(f"/cases/{dispute.id}").get_data(as_text=True)
    assert f"/cases/{dispute.id}/actions/declare_no_involvement" in case_page
    assert f"/cases/{dispute.id}/actions/schedule_hearing" not in case_page   # not until all three have declared
    assert f"/cases/{dispute.id}/actions/appoint_panel" not in signed_in("mediator").get(
        f"/cases/{dispute.id}").get_data(as_text=True)
