"""The England & Wales working-day calendar: working days (Mon-Fri less bank holidays,
substitute days included), calendar months (Dodds v Walker), deemed-given dates and the
Europe/London day boundaries. Holidays come from the `holidays` package, which computes any
year offline, plus one-off days an administrator adds at run time."""
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

from casework.clock import require_aware

LONDON = ZoneInfo("Europe/London")
CHANNELS = ("email", "portal", "first_class_post", "hand")
#: Email and portal messages sent at or after this local time count from the next working day.
CUT_OFF = time(17, 0)

_ONE_DAY = timedelta(days=1)


def statutory_holidays(year: int) -> dict[date, str]:
    """England & Wales bank holidays for one year, substitute days included."""
    # Computed from rules, not a shipped list, so it needs no network and has no final year.
    # Weekend dates (Christmas on a Saturday) are listed too; they are never working days anyway.
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def _require_date(value: object) -> date:
    # datetime is a subclass of date but never equals one, so it would miss every holiday.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"Expected a date, got {type(value).__name__}.")
    return value


def _require_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Expected an int, got {type(value).__name__}.")
    return value


class WorkingCalendar:
    """Bank holidays from a yearly source, plus one-off holidays added at run time."""

    def __init__(self, source: Callable[[int], Mapping[date, str]] = statutory_holidays) -> None:
        self._source = source
        self._by_year: dict[int, Mapping[date, str]] = {}
        self._extra: dict[date, str] = {}

    def add_holiday(self, d: date, name: str) -> None:
        """Add a one-off holiday (a coronation-style day) not in the statutory list."""
        _require_date(d)
        if not isinstance(name, str) or not name.strip():
            raise ValueError("A one-off holiday needs a name.")
        self._extra[d] = name.strip()

    def remove_holiday(self, d: date) -> None:
        """Remove a one-off holiday; statutory holidays cannot be removed."""
        if _require_date(d) not in self._extra:
            raise KeyError(f"{d.isoformat()} is not a one-off holiday.")
        del self._extra[d]

    def extra_holidays(self) -> dict[date, str]:
        """The one-off holidays added at run time, by date."""
        return dict(sorted(self._extra.items()))

    def holiday_name(self, d: date) -> str | None:
        """The holiday's name if d is a bank or one-off holiday, else None."""
        _require_date(d)
        if d in self._extra:
            return self._extra[d]
        return self._statutory(d.year).get(d)

    def _statutory(self, year: int) -> Mapping[date, str]:
        found = self._by_year.get(year)
        if found is None:
            found = self._by_year[year] = self._source(year)
        return found

    def _working(self, d: date) -> bool:
        # is_working_day for a date already checked: the counting loops call it for every day.
        return d.weekday() < 5 and d not in self._extra and d not in self._statutory(d.year)

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Every holiday from start to end inclusive, weekend dates included, in date order."""
        span = (_require_date(end) - _require_date(start)).days
        days = (start + timedelta(days=i) for i in range(span + 1))
        return [(d, name) for d in days if (name := self.holiday_name(d)) is not None]

    def is_working_day(self, d: date) -> bool:
        """Whether d is Monday to Friday and not a holiday."""
        return _require_date(d).weekday() < 5 and self.holiday_name(d) is None

    def add_working_days(self, start: date, n: int) -> date:
        """The nth working day after start (start itself when n is 0)."""
        return self._step(start, n, _ONE_DAY)

    def subtract_working_days(self, d: date, n: int) -> date:
        """The nth working day before d (d itself when n is 0)."""
        return self._step(d, n, -_ONE_DAY)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start, up to and including end; 0 if end is not after start."""
        _require_date(start)
        days = (start + timedelta(days=i) for i in range(1, (_require_date(end) - start).days + 1))
        return sum(1 for d in days if self._working(d))

    def _step(self, d: date, n: int, step: timedelta) -> date:
        # Counting starts the day after (or before) the trigger, never on it.
        _require_date(d)
        if _require_int(n) < 0:
            raise ValueError("The number of working days cannot be negative.")
        while n:
            d += step
            n -= self._working(d)
        return d


DEFAULT_CALENDAR = WorkingCalendar()


def _chosen(calendar: WorkingCalendar | None) -> WorkingCalendar:
    return DEFAULT_CALENDAR if calendar is None else calendar


def is_working_day(d: date, *, calendar: WorkingCalendar | None = None) -> bool:
    """Whether d is a working day in England & Wales."""
    return _chosen(calendar).is_working_day(d)


def add_working_days(start: date, n: int, *, calendar: WorkingCalendar | None = None) -> date:
    """The nth working day after start, counting from the day after; n=0 returns start."""
    return _chosen(calendar).add_working_days(start, n)


def subtract_working_days(d: date, n: int, *, calendar: WorkingCalendar | None = None) -> date:
    """The nth working day before d, for reminders ahead of a due date; n=0 returns d."""
    return _chosen(calendar).subtract_working_days(d, n)


def working_days_between(start: date, end: date, *, calendar: WorkingCalendar | None = None) -> int:
    """Working days after start, up to and including end (0 if end <= start)."""
    return _chosen(calendar).working_days_between(start, end)


# The calendar-month functions take `calendar` only so that every deadline rule can be called
# the same way; a month's length does not depend on bank holidays.
def add_calendar_months(start: date, n: int, *, calendar: WorkingCalendar | None = None) -> date:
    """The corresponding date n months on, or that month's last day if none (Dodds v Walker)."""
    # One step from the anchor: month by month would drift (31 Jan -> 28 Feb -> 28 Mar).
    return _require_date(start) + relativedelta(months=_require_int(n))


def notice_period_end(
    deemed_given_on: date, months: int, *, calendar: WorkingCalendar | None = None
) -> date:
    """The last day of a notice period of `months` calendar months from the deemed-given date."""
    return add_calendar_months(deemed_given_on, months)


def earliest_effective_date(
    deemed_given_on: date, months: int, *, calendar: WorkingCalendar | None = None
) -> date:
    """The earliest date a change can take effect: the day after the notice period ends."""
    return notice_period_end(deemed_given_on, months) + _ONE_DAY


def local_date(instant: datetime) -> date:
    """The Europe/London calendar date of a timezone-aware instant."""
    return require_aware(instant).astimezone(LONDON).date()


def start_of_day_utc(d: date) -> datetime:
    """The UTC instant at which London date d begins."""
    # UK clocks change at 01:00 UTC, so London midnight always exists and is never ambiguous.
    return datetime.combine(_require_date(d), time(0), tzinfo=LONDON).astimezone(timezone.utc)


def end_of_day_utc(d: date) -> datetime:
    """The UTC instant at which London date d ends: midnight at the start of the next day."""
    return start_of_day_utc(_require_date(d) + _ONE_DAY)


def deemed_given(
    sent_at: datetime, channel: str, *, calendar: WorkingCalendar | None = None
) -> date:
    """The date a notice sent at sent_at by channel is deemed given (or received)."""
    if channel not in CHANNELS:
        raise ValueError(f"Unknown channel {channel!r}; expected one of: {', '.join(CHANNELS)}.")
    cal = _chosen(calendar)
    local = require_aware(sent_at).astimezone(LONDON)
    sent_on = local.date()
    if channel == "hand":
        return sent_on
    if channel == "first_class_post":
        return cal.add_working_days(sent_on, 2)
    if cal.is_working_day(sent_on) and local.time() < CUT_OFF:
        return sent_on
    return cal.add_working_days(sent_on, 1)
