"""A dispute is known by a short subject its complainant writes, not only by its parties."""
from tests.web.helpers import location, page

ANSWERS = {"undertakings": ["s4.consultation"], "what_happened": "The grant was cut without consultation.",
           "outcome_sought": "Consult us.", "evidence": "The letter of 3 March."}


def test_a_dispute_is_listed_by_the_subject_its_complainant_gave(signed_in, cast):
    vl = signed_in("vl")
    raised = vl.submit("/disputes/new", {**ANSWERS, "respondent": str(cast.orgs["council"]),
                                         "subject": "Grant cut without consultation"})
    assert raised.status_code == 302
    assert "Grant cut without consultation (Crayford Community Kitchen and London Borough of Bexley)" in \
        page(vl.get(location(raised))).text
    assert "Grant cut without consultation" in page(vl.get("/cases")).text


def test_a_dispute_without_a_subject_is_refused_on_that_question(signed_in, cast):
    refused = signed_in("vl").submit("/disputes/new", {**ANSWERS, "respondent": str(cast.orgs["council"])})
    assert refused.status_code == 400
    assert "Enter subject" in page(refused).errors
