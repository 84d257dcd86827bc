"""Words of the improvement plan and the plan for the end of funding (issue #11, item 16): the
timeline says which version of the plan was agreed and lists each action as a person writes
it, never "Plan version: 1"; the plan for the end of funding asks for its dates with the GOV.UK
date input, refuses an impossible or too-late date beside the date, and keeps what was typed.

The clock starts on Tuesday 1 December 2026, 10:00 London (tests/conftest.py)."""
from tests.factories import funding_case_at
from tests.web.helpers import page
from tests.web.test_gate_errors_on_fields import assert_on_field, send


def test_the_timeline_says_which_version_of_the_plan_was_agreed(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "improvement_in_progress")
    text = page(signed_in("fo").get(f"/cases/{case.id}")).text
    assert "Plan version" not in text
    assert "Version 1 of the plan" in text
    # The plan was proposed on Fri 4 Dec 2026; its actions are due 30 and 31 days on.
    assert ("Actions: Recruit two volunteer drivers (Kitchen manager, by 3 January 2027); "
            "Publish the new menu in the parish newsletter (Chair, by 4 January 2027)") in text


def test_the_plan_for_the_end_of_funding_asks_for_its_dates_as_dates(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_period")
    response = signed_in("vl").get(f"/cases/{case.id}/actions/submit_exit_plan")
    html, form = response.get_data(as_text=True), page(response)
    for name in ("people_told_on", "service_changes_on"):
        assert len(form.fields[name]) == 3   # the day, month and year boxes
        assert all(f'id="{name}-{part}"' in html for part in ("day", "month", "year"))
    assert "dates" not in form.fields
    assert "Before the change takes effect on 13 April 2027." in form.text


def test_an_impossible_date_in_the_plan_for_the_end_of_funding_is_refused_and_kept(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_period")
    response = send(signed_in("vl"), f"/cases/{case.id}/actions/submit_exit_plan",
                    {"support_plan": "Diners move to the Erith club.",
                     "people_told_on": ["31", "2", "2027"], "service_changes_on": ["31", "3", "2027"]})
    assert_on_field(response, "people_told_on-day", "people_told_on-error",
                    "Date you will tell the people you support must be a real date")
    assert page(response).value("support_plan") == "Diners move to the Erith club."


def test_telling_people_on_the_day_funding_changes_is_too_late_and_points_at_that_date(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_period")
    # Notice emailed Tue 12 Jan 2027, counts as given that day; three months run to Mon 12
    # April, so the change takes effect on Tue 13 April 2027.
    assert case.data["notice"]["effective_on"] == "2027-04-13"
    response = send(signed_in("vl"), f"/cases/{case.id}/actions/submit_exit_plan",
                    {"support_plan": "Diners move to the Erith club.",
                     "people_told_on": ["13", "4", "2027"], "service_changes_on": ["13", "4", "2027"]})
    assert_on_field(response, "people_told_on-day", "people_told_on-error",
                    "The date you will tell the people you support must be before the change takes effect "
                    "on 13 April 2027.")


def test_telling_people_after_the_service_ends_points_at_that_date(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_period")
    response = send(signed_in("vl"), f"/cases/{case.id}/actions/submit_exit_plan",
                    {"support_plan": "Diners move to the Erith club.",
                     "people_told_on": ["1", "4", "2027"], "service_changes_on": ["31", "3", "2027"]})
    assert_on_field(response, "people_told_on-day", "people_told_on-error",
                    "The date you will tell the people you support must be on or before the date your service "
                    "will end or change, 31 March 2027.")


def test_a_plan_for_the_end_of_funding_with_its_dates_is_on_the_timeline(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_period")
    vl = signed_in("vl")
    response = send(vl, f"/cases/{case.id}/actions/submit_exit_plan",
                    {"support_plan": "Diners move to the Erith club.",
                     "people_told_on": ["1", "3", "2027"], "service_changes_on": ["31", "3", "2027"]})
    assert response.status_code == 302
    text = page(vl.get(f"/cases/{case.id}")).text
    assert "Date you will tell the people you support: 1 March 2027" in text
    assert "Date your service will end or change: 31 March 2027" in text
