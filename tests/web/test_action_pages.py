"""The action pages: what is offered to whom, and what each page shows before its questions."""
import re

from tests.factories import dispute_at, funding_case_at
from tests.web.helpers import page
from workflows import calendar as cal
from workflows.journeys import CONCERN


def test_responding_to_the_panels_findings_is_offered_only_to_a_decision_maker(service, cast, clock, signed_in):
    case = dispute_at(service, cast, clock, "panel_findings_issued")
    assert "/actions/respond_to_findings" not in signed_in("fo").get(f"/cases/{case.id}").get_data(as_text=True)
    assert "/actions/respond_to_findings" in signed_in("dm").get(f"/cases/{case.id}").get_data(as_text=True)


def test_the_respond_page_shows_the_panels_findings(service, cast, clock, signed_in):
    case = dispute_at(service, cast, clock, "panel_findings_issued")
    text = page(signed_in("dm").get(f"/cases/{case.id}/actions/respond_to_findings")).text
    assert "The panel's findings" in text
    assert "The Compact was" in text


def test_the_decision_asks_how_a_response_was_considered_as_a_required_question(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "decision_pending")
    text = page(signed_in("dm").get(f"/cases/{case.id}/actions/decide_change")).text
    assert "The organisation's response" in text
    if "No response was received" in text:
        assert "How the response was considered (optional)" in text
        assert "did not respond to the consultation, so this is optional" in text
    else:
        assert "How the response was considered (optional)" not in text
        assert "How the response was considered" in text
        assert "Required when" not in text


def test_an_earlier_answer_typed_on_several_lines_is_shown_on_several_lines(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "draft")
    service.fire(case.id, "raise_concern", cast["fo"],
                 {**CONCERN, "evidence": "Q1 <monitoring> return\nQ2 return", "letter_date": cal.local_date(clock.now())},
                 clock.now())
    html = signed_in("vl").get(f"/cases/{case.id}/actions/acknowledge_concern").get_data(as_text=True)
    assert "Q1 &lt;monitoring&gt; return<br>Q2 return" in html
    assert "&lt;br&gt;" not in html


def test_the_plans_actions_to_mark_done_give_their_dates_in_words(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "improvement_in_progress")
    text = page(signed_in("fo").get(f"/cases/{case.id}/actions/complete_action")).text
    assert re.search(r", by \d{1,2} [A-Z][a-z]+ \d{4}\)", text), text
    assert not re.search(r"by \d{4}-\d{2}-\d{2}", text)


def test_the_consultation_page_says_how_long_the_organisation_must_have(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "impact_assessment")
    minimum = service.limits.consultation_min_wd
    earliest = cal.add_working_days(cal.local_date(clock.now()), minimum, calendar=service.calendar)
    text = page(signed_in("fo").get(f"/cases/{case.id}/actions/open_consultation")).text
    assert f"At least {minimum} working days from today: {earliest.day} {earliest:%B %Y} or later." in text


def test_the_notice_page_says_when_this_service_sends_an_emailed_notice(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_pending")
    text = page(signed_in("fo").get(f"/cases/{case.id}/actions/issue_notice")).text
    assert "By email or the portal, this service sends it at this time (or at once, if the time has passed)." in text
