"""Time limits and one-off holidays an administrator saved are used by every server process:
read when the app starts, and reread by a running process within half a minute."""
from dataclasses import replace
from datetime import date

from tests.web.conftest import make_app
from web import SETTINGS_REFRESH_SECONDS
from workflows import calendar as cal
from workflows.limits import TimeLimits
from workflows.service import CaseService


def saved_elsewhere(factory, clock, **changes) -> None:
    """As another process would: save limits through its own service."""
    other = CaseService(factory, calendar=cal.WorkingCalendar())
    other.set_limits(replace(TimeLimits(), **changes), None, clock.now())


def test_saved_time_limits_are_used_when_the_app_starts(engine, factory, calendar, clock, cast):
    saved_elsewhere(factory, clock, consultation_wd=25)
    fresh = CaseService(factory, calendar=calendar)
    make_app(engine, fresh, clock)
    assert fresh.limits.consultation_wd == 25


def test_a_running_app_picks_up_limits_saved_by_another_process(engine, factory, calendar, clock, cast, monkeypatch):
    service = CaseService(factory, calendar=calendar)
    app = make_app(engine, service, clock)
    saved_elsewhere(factory, clock, consultation_wd=30)
    app.test_client().get("/healthz")
    assert service.limits.consultation_wd == TimeLimits().consultation_wd   # not yet: read at most every 30 s
    import time
    later = time.monotonic() + SETTINGS_REFRESH_SECONDS + 1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    app.test_client().get("/healthz")
    assert service.limits.consultation_wd == 30
