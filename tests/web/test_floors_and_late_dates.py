"""Floors no configuration can lower, the configured consultation window as the date the form
offers, and dates set later than their limit (processes.md, "Clocks"): as an administrator,
a funder officer and the Compact panel see them. Dates are worked by hand in the comments."""
from dataclasses import fields as dc_fields
from datetime import date

import pytest

from tests.factories import funding_case_at, panel_ready
from tests.web.helpers import Page, location, page, snapshot
from web import create_app
from web.config import ConfigError
from web.composition import Container
from tests.web.conftest import settings_for
from workflows.limits import TimeLimits

LIMIT_NAMES = [f.name for f in dc_fields(TimeLimits)]


def limits_form(**changes) -> dict:
    values = {name: str(getattr(TimeLimits(), name)) for name in LIMIT_NAMES}
    return {**values, **changes}


# --- floors on the time limits page ------------------------------------------------------------

@pytest.mark.parametrize("months", ["0", "1", "2"])
def test_written_notice_shorter_than_three_months_is_refused_on_its_box(signed_in, engine, service, months):
    admin, before, limits_before = signed_in("admin"), snapshot(engine), service.limits
    response = admin.submit("/admin/time-limits", limits_form(notice_months=months))
    assert response.status_code == 400
    assert page(response).errors == ["Shortest written notice must be at least 3 calendar months"]
    assert 'href="#notice_months"' in response.get_data(as_text=True)
    assert page(response).value("notice_months") == months, "what was typed is kept"
    assert snapshot(engine) == before and service.limits == limits_before


def test_longer_notice_is_accepted(signed_in, service):
    response = signed_in("admin").submit("/admin/time-limits", limits_form(notice_months="4"))
    assert location(response) == "/admin/time-limits"
    assert service.limits.notice_months == 4


def test_the_time_limits_page_says_which_limits_are_floors(signed_in):
    text = page(signed_in("admin").get("/admin/time-limits")).text
    assert ("Two limits are floors set by the Compact: they can be raised but never lowered. Written notice "
            "is at least 3 calendar months, and a consultation at least 10 working days.") in text
    assert "It can never be less than 3 calendar months." in text


# --- floors in the environment: refused at start-up ----------------------------------------------

@pytest.mark.parametrize("variable, value, message", [
    ("CASEWORK_LIMIT_NOTICE_MONTHS", "1",
     "CASEWORK_LIMIT_NOTICE_MONTHS cannot be 1: written notice is at least 3 calendar months under the Compact. "
     "Configuration can raise this floor, never lower it."),
    ("CASEWORK_LIMIT_CONSULTATION_MIN_WD", "5",
     "CASEWORK_LIMIT_CONSULTATION_MIN_WD cannot be 5: a consultation is at least 10 working days under the "
     "Compact. Configuration can raise this floor, never lower it."),
])
def test_a_floor_lowered_in_the_environment_stops_the_app_from_starting(engine, service, clock, variable, value,
                                                                         message):
    settings = settings_for(engine, limits={variable: value})
    with pytest.raises(ConfigError) as refused:
        create_app(settings, Container(settings, engine, service.factory, service, clock))
    assert str(refused.value) == message


# --- the consultation form offers the configured window -----------------------------------------

def offered_response_date(browser, case) -> date:
    shown = Page(browser.get(f"/cases/{case.id}/actions/open_consultation").get_data(as_text=True))
    day, month, year = shown.fields["respond_by"]
    return date(int(year), int(month), int(day))


def test_the_consultation_form_offers_the_configured_window(signed_in, service, cast, clock):
    case = funding_case_at(service, cast, clock, "impact_assessment", route="resource")   # Wednesday 2 December 2026
    fo = signed_in("fo")
    # 20 WD from Wed 2 Dec 2026: 3-4 Dec (2), 7-11 (7), 14-18 (12), 21-24 (16), 25 and 28 Dec are
    # bank holidays, 29-31 (19), 1 Jan 2027 is a bank holiday, Mon 4 Jan 2027 (20).
    assert offered_response_date(fo, case) == date(2027, 1, 4)
    response = signed_in("admin").submit("/admin/time-limits", limits_form(consultation_wd="25"))
    assert location(response) == "/admin/time-limits"
    # 25 WD: on from Mon 4 Jan (20): 5, 6, 7, 8 Jan (24), Mon 11 January 2027 (25).
    assert offered_response_date(fo, case) == date(2027, 1, 11)


# --- late by choice: the panel's hearing date ---------------------------------------------------

def parts(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def test_a_late_hearing_date_asks_for_the_reason_on_its_own_question(signed_in, engine, service, cast, clock):
    case = panel_ready(service, cast, clock)
    chair, before = signed_in("panel1"), snapshot(engine)
    url = f"/cases/{case.id}/actions/schedule_hearing"
    assert "Why it is later than the time limit" in page(chair.get(url)).text
    # 30 WD after Sun 13 Dec 2026, skipping 25 and 28 Dec and 1 Jan, end on Wed 27 January 2027.
    response = chair.submit(url, {"case_version": str(case.version), "hearing_on": parts(date(2027, 7, 1)),
                                             "starts_at": "10:00", "place": "Civic Offices"})
    assert response.status_code == 400
    assert page(response).errors == ["A hearing on 1 July 2027 is after the time limit, 27 January 2027. "
                                     "Enter why it cannot be sooner"]
    assert 'href="#late_reason"' in response.get_data(as_text=True)
    assert page(response).fields["hearing_on"] == ["1", "7", "2027"], "what was typed is kept"
    assert snapshot(engine) == before


def test_a_late_hearing_with_its_reason_shows_the_missed_limit_on_the_timeline(signed_in, service, cast, clock):
    case = panel_ready(service, cast, clock)
    chair = signed_in("panel1")
    response = chair.submit(f"/cases/{case.id}/actions/schedule_hearing",
                            {"case_version": str(case.version), "hearing_on": parts(date(2027, 7, 1)),
                             "starts_at": "10:00", "place": "Civic Offices", "late_reason": "The chair is abroad until June."})
    assert location(response) == f"/cases/{case.id}"
    text = page(chair.get(f"/cases/{case.id}")).text
    assert "Time limit missed: Appoint the panel and hold the hearing: due by 27 January 2027; set for 1 July 2027" in text
    assert "Why it is later than the time limit: The chair is abroad until June." in text


def test_a_hearing_time_in_superscript_or_other_digits_is_refused_not_a_crash(signed_in, engine, service, cast, clock):
    # Found by the fuzzer: "¹" and "٣" are digits to Python's str.isdigit but not to int(),
    # and a start time of "¹" was a 500. Each is now refused like any other time not given.
    case = panel_ready(service, cast, clock)
    chair, before = signed_in("panel1"), snapshot(engine)
    url = f"/cases/{case.id}/actions/schedule_hearing"
    for typed in ("¹", "1²:00", "٣pm"):
        response = chair.submit(url, {"case_version": str(case.version), "hearing_on": parts(date(2027, 1, 20)),
                                      "starts_at": typed, "place": "Civic Offices"})
        assert response.status_code == 400, typed
        assert any("time" in error.lower() for error in page(response).errors), page(response).errors
        assert page(response).fields["starts_at"] == [typed], "what was typed is kept"
    assert snapshot(engine) == before
