"""The organisation checks its consultation response before it is sent (GOV.UK "Check
answers"): nothing is sent until it confirms, and it can go back with its answer kept."""
from tests.factories import counts, funding_case_at
from tests.web.helpers import page

RESPONSE = "A second volunteer driver would\ndouble attendance."


def test_a_consultation_response_is_checked_before_it_is_sent(service, cast, clock, signed_in, factory):
    case = funding_case_at(service, cast, clock, "consultation")
    vl, url = signed_in("vl"), f"/cases/{case.id}/actions/submit_response"
    before = counts(factory, case.id)

    checking = vl.submit(url, {"case_version": str(case.version), "response": RESPONSE})
    assert checking.status_code == 200
    shown = page(checking)
    assert "Check your answers before you send them" in shown.text
    assert "A second volunteer driver would" in shown.text and "double attendance." in shown.text
    assert counts(factory, case.id) == before, "nothing is sent until the organisation confirms"

    back = vl.submit(url, {"case_version": str(case.version), "response": RESPONSE, "change": "1"})
    assert back.status_code == 200 and RESPONSE in back.get_data(as_text=True), "the answer is kept"

    sent = vl.submit(url, {"case_version": str(case.version), "response": RESPONSE, "confirm": "1"})
    assert sent.status_code == 302
    with factory() as s:
        from casework.cases import Case
        assert s.get(Case, case.id).status == "decision_pending"


def test_a_response_after_the_window_is_refused_before_the_check_page(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "consultation")
    clock.advance(days=60)   # long after the response date
    vl = signed_in("vl")
    refused = vl.submit(f"/cases/{case.id}/actions/submit_response",
                        {"case_version": str(case.version), "response": RESPONSE})
    assert refused.status_code == 400
    assert "Check your answers" not in page(refused).text


def test_a_response_of_nothing_but_a_nul_character_is_asked_for_again(service, cast, clock, signed_in, factory):
    case = funding_case_at(service, cast, clock, "consultation")
    before = counts(factory, case.id)
    refused = signed_in("vl").submit(f"/cases/{case.id}/actions/submit_response",
                                     {"case_version": str(case.version), "response": "\x00", "confirm": "1"})
    assert refused.status_code == 400
    assert page(refused).errors == ["Enter response"]
    assert counts(factory, case.id) == before
