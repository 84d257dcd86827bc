"""Floors no configuration can lower (processes.md, "Clocks"): written notice of at least
3 calendar months and a consultation of at least 10 working days. The environment cannot
lower them (start-up is refused, see tests/web/test_floors_and_late_dates.py), nor can a
saved setting, and with the floor in place shorter notice still needs the decision-maker's
sign-off."""
import logging
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from casework.errors import GateRefused
from casework.persistence import unit_of_work
from casework.settings import TimeLimitSetting
from tests.factories import funding_case_at
from web.cli import main
from workflows import calendar as cal
from workflows.limits import TimeLimits


@pytest.mark.parametrize("months", [0, 1, 2])
def test_notice_shorter_than_three_months_cannot_be_configured(months):
    with pytest.raises(ValueError, match="notice_months cannot be below 3 calendar months"):
        TimeLimits(notice_months=months)
    with pytest.raises(ValueError, match="notice_months cannot be below 3 calendar months"):
        TimeLimits.from_environ({"CASEWORK_LIMIT_NOTICE_MONTHS": str(months)})


def test_the_floors_can_be_raised():
    limits = TimeLimits.from_environ({"CASEWORK_LIMIT_NOTICE_MONTHS": "4", "CASEWORK_LIMIT_CONSULTATION_MIN_WD": "12"})
    assert (limits.notice_months, limits.consultation_min_wd) == (4, 12)


def test_the_timeline_command_refuses_a_lowered_floor_in_one_line(monkeypatch):
    monkeypatch.setenv("CASEWORK_LIMIT_NOTICE_MONTHS", "1")
    result = CliRunner().invoke(main, ["timeline", "--route", "resource", "--start", "2026-12-01"])
    assert result.exit_code == 1
    assert result.output == ("Error: CASEWORK_LIMIT_NOTICE_MONTHS cannot be 1: written notice is at least 3 "
                             "calendar months under the Compact. Configuration can raise this floor, never lower it.\n")


def test_a_saved_notice_below_the_floor_is_ignored_with_a_warning(service, factory, caplog):
    with unit_of_work(factory) as s:   # saved by an earlier version, which allowed it
        s.add(TimeLimitSetting(name="notice_months", value=1, changed_at=datetime(2026, 11, 1, tzinfo=timezone.utc)))
        s.add(TimeLimitSetting(name="decision_wd", value=25, changed_at=datetime(2026, 11, 1, tzinfo=timezone.utc)))
    with caplog.at_level(logging.WARNING):
        service.load_limits(TimeLimits())
    assert (service.limits.notice_months, service.limits.decision_wd) == (3, 25)
    assert "The saved time limit notice_months (1) is below the Compact's floor and is ignored." in caplog.text


def test_notice_shorter_than_three_months_still_needs_the_decision_makers_sign_off(service, cast, clock):
    case = funding_case_at(service, cast, clock, "notice_pending")
    deemed = cal.deemed_given(clock.now(), "email")
    two_months = cal.earliest_effective_date(deemed, 2)
    with pytest.raises(GateRefused, match="A shorter notice needs exceptional circumstances"):
        service.fire(case.id, "issue_notice", cast["fo"],
                     {"channel": "email", "sent_at": clock.now(), "effective_on": two_months}, clock.now())
