"""The case page's words: the notice's dates, letters, the timeline's labels and the banner
after an action."""
from datetime import date

from tests.factories import funding_case_at
from tests.web.helpers import page
from web.presenters.formatting import long_date


def test_a_sent_notice_shows_the_day_funding_changes_and_when_it_counts_as_given(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_period")
    text = page(signed_in("fo").get(f"/cases/{case.id}")).text
    effective = date.fromisoformat(case.data["notice"]["effective_on"])
    assert f"Funding changes on {long_date(effective)}" in text
    assert "The notice period ends" not in text
    assert f"Counts as given on: {long_date(date.fromisoformat(case.data['notice']['deemed_given_on']))}" in text
    assert "Decision-maker" in text and "Decision maker" not in text
    assert " — Now: Notice given" in text


def test_the_timeline_uses_the_questions_labels(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "consultation", route="resource")
    text = page(signed_in("fo").get(f"/cases/{case.id}")).text
    assert "Criteria reasons:" not in text


def test_the_banner_after_an_action_is_a_sentence(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "draft")
    fo = signed_in("fo")
    url = f"/cases/{case.id}/actions/withdraw"
    form = page(fo.get(url))
    response = fo.submit(url, {"case_version": form.value("case_version"), "reason": "Opened by mistake."},
                         follow_redirects=True)
    assert "The case was withdrawn." in page(response).text


def test_the_timeline_names_the_action_marked_done_not_its_number(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "improvement_in_progress")
    service.fire(case.id, "complete_action", cast["vl"], {"action": 1, "evidence": "Two drivers started."}, clock.now())
    text = page(signed_in("fo").get(f"/cases/{case.id}")).text
    assert "Action: Recruit two volunteer drivers" in text
    assert "Action number" not in text and "Action: 1" not in text


def test_a_missing_assessment_is_listed_where_start_consultation_will_be(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "impact_assessment", route="resource")
    service.fire(case.id, "save_assessment", cast["fo"], {"beneficiaries": "About 25 older residents."}, clock.now())
    text = page(signed_in("fo").get(f"/cases/{case.id}")).text
    assert "Before you can start consultation" in text
    assert "Impact assessment: volunteers affected" in text
    assert "Impact assessment: beneficiaries affected" not in text
    sections = {"beneficiaries": "About 25 older residents.", "service_users": "25 diners.",
                "volunteers": "Six cooks.", "equality": "Most diners are over 75.", "reallocation": "None nearby."}
    service.fire(case.id, "save_assessment", cast["fo"], sections, clock.now())
    text = page(signed_in("fo").get(f"/cases/{case.id}")).text
    assert "Before you can start consultation" not in text and "Start consultation" in text


def test_panel_members_are_listed_with_their_seat(service, cast, clock, signed_in):
    from tests.factories import panel_ready
    case = panel_ready(service, cast, clock)
    summary = page(signed_in("panel1").get(f"/cases/{case.id}")).text
    assert "Panel chair" in summary
    assert "Panel: statutory sector member" in summary and "Panel: voluntary sector member" in summary
    assert "Panel member" not in summary
