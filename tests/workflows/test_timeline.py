"""The projected timeline: the earliest date of every stage when every party uses its full
time, worked by hand from Tuesday 1 December 2026 across the Christmas holidays (25 and
28 December 2026 and 1 January 2027), Easter 2027 (26 and 29 March) and the May 2027 bank
holidays (3 and 31 May)."""
from datetime import date

import pytest
from click.testing import CliRunner

from web.cli import main
from workflows.calendar import WorkingCalendar
from workflows.limits import TimeLimits
from workflows.timeline import Milestone, project

START = date(2026, 12, 1)
D = date


def dates(route: str, limits: TimeLimits = TimeLimits(), calendar=None) -> list[tuple[date, str]]:
    return [(m.on, m.stage) for m in project(route, START, limits, calendar)]


def test_performance_route_dates_by_hand():
    assert dates("performance") == [
        (D(2026, 12, 1), "concern_raised"),            # concern raised
        (D(2026, 12, 8), "concern_raised"),            # acknowledgement: 5 WD
        (D(2026, 12, 31), "improvement_planning"),     # plan agreed: 20 WD of the concern, skipping 25 and 28 Dec
        (D(2027, 3, 31), "improvement_in_progress"),   # plan ends: 3 calendar months
        (D(2027, 4, 14), "performance_review"),        # review: 10 WD, after Easter
        (D(2027, 4, 14), "impact_assessment"),
        (D(2027, 4, 14), "consultation"),              # consultation opens
        (D(2027, 5, 13), "consultation"),              # closes: 20 WD, skipping 3 May
        (D(2027, 6, 11), "decision_pending"),          # decision: 20 WD, skipping 31 May
        (D(2027, 6, 11), "notice_pending"),            # notice emailed before 17:00 that day
        (D(2027, 6, 11), "notice_period"),             # deemed given the same (working) day
        (D(2027, 6, 18), "notice_period"),             # acknowledgement: 5 WD
        (D(2027, 9, 11), "notice_period"),             # notice period ends: 3 calendar months
        (D(2027, 9, 12), "closed_changed"),            # earliest lawful effective date: the day after
    ]


def test_resource_route_skips_concern_plan_and_review():
    assert dates("resource") == [
        (D(2026, 12, 1), "impact_assessment"),
        (D(2026, 12, 1), "consultation"),
        (D(2026, 12, 31), "consultation"),             # closes: 20 WD, skipping 25 and 28 Dec
        (D(2027, 1, 29), "decision_pending"),          # decision: 20 WD, skipping 1 Jan
        (D(2027, 1, 29), "notice_pending"),
        (D(2027, 1, 29), "notice_period"),
        (D(2027, 2, 5), "notice_period"),
        (D(2027, 4, 29), "notice_period"),
        (D(2027, 4, 30), "closed_changed"),
    ]


def test_milestones_are_labelled_in_plain_english():
    milestones = project("resource", START, TimeLimits())
    assert milestones[-1] == Milestone(D(2027, 4, 30), "closed_changed",
                                       "Earliest lawful date the change can take effect")
    assert milestones[2].label == "Consultation closes (20 working days)"


def test_configured_limits_change_the_projection():
    limits = TimeLimits(consultation_wd=30, notice_months=6)
    projected = dates("resource", limits)
    assert projected[2] == (D(2027, 1, 15), "consultation")     # 30 WD from 1 December 2026
    assert projected[-1] == (D(2027, 8, 13), "closed_changed")  # decided 12 February 2027: 6 months and a day


def test_a_one_off_holiday_moves_the_working_day_stages():
    calendar = WorkingCalendar()
    calendar.add_holiday(D(2026, 12, 3), "Royal funeral")
    assert dates("resource", calendar=calendar)[2] == (D(2027, 1, 4), "consultation")


def test_an_unknown_route_is_refused():
    with pytest.raises(ValueError, match="Unknown route 'closure'"):
        project("closure", START, TimeLimits())


def test_the_timeline_command_prints_each_date_and_stage(monkeypatch):
    monkeypatch.delenv("CASEWORK_LIMIT_NOTICE_MONTHS", raising=False)
    result = CliRunner().invoke(main, ["timeline", "--route", "performance", "--start", "2026-12-01"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Tue 01 Dec 2026  Concern raised with the organisation"
    assert lines[2] == "Thu 31 Dec 2026  Improvement plan agreed (20 working days from the concern)"
    assert lines[-1] == "Sun 12 Sep 2027  Earliest lawful date the change can take effect"


def test_the_timeline_command_uses_configured_limits(monkeypatch):
    monkeypatch.setenv("CASEWORK_LIMIT_NOTICE_MONTHS", "6")
    result = CliRunner().invoke(main, ["timeline", "--route", "resource", "--start", "2026-12-01"])
    assert result.output.splitlines()[-1] == "Fri 30 Jul 2027  Earliest lawful date the change can take effect"
