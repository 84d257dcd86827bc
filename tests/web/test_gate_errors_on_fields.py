"""A rule's refusal points at the answer it is about (WCAG 3.3.1, 3.3.3): the error summary
links to that answer, and the answer shows a GOV.UK error message. A refusal about the case
rather than an answer links to the message itself, shown on the page, never to the top of it.

The clock starts on Tuesday 1 December 2026, 10:00 London (tests/conftest.py)."""
import re
from datetime import timedelta
from html import unescape

from tests.factories import dispute_at, funding_case_at, panel_ready
from tests.web.helpers import page

#: Where the error summary sends people for a refusal about the case as a whole.
PAGE_PROBLEM = "page-problem"


def summary_links(response) -> list[str]:
    """Where each link in the error summary goes; each must go to something on the page."""
    html = response.get_data(as_text=True)
    summary = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert all(f'id="{target}"' in html for target in targets), targets
    return targets


def inline_error(response, element_id: str) -> str:
    """The text of the GOV.UK error message with this id (`<field>-error`), or ""."""
    html = response.get_data(as_text=True)
    found = re.search(rf'<p[^>]*id="{re.escape(element_id)}"[^>]*class="govuk-error-message"[^>]*>(.*?)</p>'
                      rf'|<p[^>]*class="govuk-error-message"[^>]*id="{re.escape(element_id)}"[^>]*>(.*?)</p>',
                      html, re.S)
    if not found:
        return ""
    text = re.sub(r"<[^>]+>", " ", found.group(1) or found.group(2))
    return " ".join(unescape(text).split())


def send(browser, url: str, answers: dict):
    return browser.submit(url, {"case_version": page(browser.get(url)).value("case_version"), **answers})


def assert_on_field(response, link: str, error_id: str, message: str) -> None:
    assert response.status_code == 400
    assert link in summary_links(response)
    assert "main-content" not in summary_links(response)
    assert message in inline_error(response, error_id)
    assert any(message in e for e in page(response).errors)


def test_a_concern_letter_dated_tomorrow_points_at_its_date(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "draft")
    response = send(signed_in("fo"), f"/cases/{case.id}/actions/raise_concern",
                    {"issues": "Attendance fell.", "evidence": "Returns.", "what_good_looks_like": "30 a week.",
                     "letter_date": ["2", "12", "2026"]})   # tomorrow: the letter has not been written yet
    assert_on_field(response, "letter_date-day", "letter_date-error",
                    "The date of the concern letter must be today or in the past.")


def test_a_plan_action_due_today_points_at_its_date(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "improvement_planning")
    today = clock.now().date()   # the walk moved the clock on: "today" is the case's today
    response = send(signed_in("fo"), f"/cases/{case.id}/actions/propose_plan",
                    {"action_1_what": "Recruit drivers", "action_1_who": "Manager",
                     "action_1_by": [str(today.day), str(today.month), str(today.year)],
                     "plan_end": ["1", "3", "2027"], "support_offered": "An advert."})
    assert_on_field(response, "action_1_by-day", "action_1_by-error", "Action 1 must be due after today.")


def test_a_consultation_shorter_than_ten_working_days_points_at_the_respond_by_date(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "impact_assessment", route="resource")
    from workflows.journeys import ASSESSMENT
    case = service.fire(case.id, "save_assessment", cast["fo"], ASSESSMENT, clock.now())
    today = clock.now().date()
    tomorrow = today + timedelta(days=1)   # one working day at most: far under ten
    response = send(signed_in("fo"), f"/cases/{case.id}/actions/open_consultation",
                    {"proposal": "Reduce by 10%.", "criteria_reasons": "Budget.", "impact_summary": "Small.",
                     "respond_by": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)]})
    assert_on_field(response, "respond_by-day", "respond_by-error",
                    "The organisation must have at least 10 working days to respond")


def test_an_effective_date_too_soon_points_at_the_effective_date(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_pending")
    today = clock.now().date()
    # Sent by email tonight, deemed given within a working day or two; two weeks on is after
    # that, but three months' notice runs to about three months on: too early.
    soon = today + timedelta(days=14)
    response = send(signed_in("fo"), f"/cases/{case.id}/actions/issue_notice",
                    {"channel": "email", "sent_at_date": [str(today.day), str(today.month), str(today.year)],
                     "sent_at_time": "23:00", "effective_on": [str(soon.day), str(soon.month), str(soon.year)]})
    assert_on_field(response, "effective_on-day", "effective_on-error", "months' notice")


def test_the_same_person_three_times_on_the_panel_points_at_the_second_seat(service, cast, clock, signed_in):
    case = dispute_at(service, cast, clock, "panel_referred")
    same = str(cast["panel1"])
    response = send(signed_in("convener"), f"/cases/{case.id}/actions/appoint_panel",
                    {"chair": same, "statutory_member": same, "vcs_member": same})
    assert_on_field(response, "statutory_member", "statutory_member-error", "The panel needs three different people.")


def test_a_hearing_too_soon_for_the_papers_points_at_the_hearing_date(service, cast, clock, signed_in):
    case = panel_ready(service, cast, clock)
    today = clock.now().date()
    response = send(signed_in("panel1"), f"/cases/{case.id}/actions/schedule_hearing",
                    {"hearing_on": [str(today.day), str(today.month), str(today.year)]})   # today: no time for papers
    assert_on_field(response, "hearing_on-day", "hearing_on-error", "Papers must be shared 5 working days before")


def test_findings_before_the_hearing_link_to_the_message_on_the_page(service, cast, clock, signed_in):
    case = dispute_at(service, cast, clock, "panel_hearing")   # the hearing is days away
    response = send(signed_in("panel1"), f"/cases/{case.id}/actions/issue_findings",
                    {"finding": "breach", "recommendations": "Consult again."})
    assert_on_field(response, PAGE_PROBLEM, PAGE_PROBLEM, "Findings can be issued once the hearing has taken place.")


def test_an_incomplete_assessment_links_to_the_message_naming_what_is_missing(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "impact_assessment", route="resource")   # nothing assessed yet
    response = send(signed_in("fo"), f"/cases/{case.id}/actions/open_consultation",
                    {"proposal": "Reduce by 10%.", "criteria_reasons": "Budget.", "impact_summary": "Small.",
                     "respond_by": ["1", "3", "2027"]})
    assert_on_field(response, PAGE_PROBLEM, PAGE_PROBLEM, "Complete every part of the impact assessment")
    assert "beneficiaries affected" in inline_error(response, PAGE_PROBLEM)


def test_a_blank_box_and_a_date_a_rule_refuses_are_shown_together(service, cast, clock, signed_in):
    """One round: the box left blank and the rule about the date, both at once."""
    case = funding_case_at(service, cast, clock, "draft")
    response = send(signed_in("fo"), f"/cases/{case.id}/actions/raise_concern",
                    {"issues": "", "evidence": "Returns.", "what_good_looks_like": "30 a week.",
                     "letter_date": ["2", "12", "2026"]})   # tomorrow
    assert response.status_code == 400
    assert summary_links(response) == ["issues", "letter_date-day"]
    assert "Enter issues found" in inline_error(response, "issues-error")
    assert "The date of the concern letter must be today or in the past." in inline_error(response, "letter_date-error")


def test_a_plan_with_no_end_date_and_an_action_due_today_shows_both(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "improvement_planning")
    today = clock.now().date()
    response = send(signed_in("fo"), f"/cases/{case.id}/actions/propose_plan",
                    {"action_1_what": "Recruit drivers", "action_1_who": "Manager",
                     "action_1_by": [str(today.day), str(today.month), str(today.year)],
                     "plan_end": ["", "", ""], "support_offered": "An advert."})
    assert response.status_code == 400
    assert set(summary_links(response)) == {"action_1_by-day", "plan_end-day"}
    assert "Action 1 must be due after today." in inline_error(response, "action_1_by-error")
