"""The report's period and filters (reporting.md section 6, "Conventions" and "Filters").

A period is a run of Europe/London dates, both ends included. Presets: the financial
half-years (H1 1 April to 30 September, H2 1 October to 31 March), the last six months, or
custom dates; the comparison period is the one of the same length just before."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from workflows import calendar as cal


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    def __contains__(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before: the previous half-year for a half-year."""
        if _is_half_year(self):
            start = self.start - relativedelta(months=6)
            return Period(start, self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def label(self) -> str:
        if _is_half_year(self):
            half = "H1" if self.start.month == 4 else "H2"
            first = self.start.year
            return f"{half} {first}/{str(first + 1)[-2:]} ({_words(self.start)} to {_words(self.end)})"
        return f"{_words(self.start)} to {_words(self.end)}"


def _words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _is_half_year(period: Period) -> bool:
    return (period.start.month, period.start.day) in ((4, 1), (10, 1)) and \
        period.end == period.start + relativedelta(months=6) - timedelta(days=1)


def half_year_of(day: date) -> Period:
    """The financial half-year a date falls in: H1 1 Apr-30 Sep, H2 1 Oct-31 Mar."""
    if 4 <= day.month <= 9:
        return Period(date(day.year, 4, 1), date(day.year, 9, 30))
    first = day.year if day.month >= 10 else day.year - 1
    return Period(date(first, 10, 1), date(first + 1, 3, 31))


def last_six_months(today: date) -> Period:
    return Period(today - relativedelta(months=6) + timedelta(days=1), today)


PRESETS = (("current_half", "This financial half-year"), ("previous_half", "Last financial half-year"),
           ("last_6_months", "Last 6 months"), ("custom", "Custom dates"))


def preset_period(preset: str, now: datetime, start: date | None = None, end: date | None = None) -> Period:
    """The period a preset names, as at `now` (custom: the dates given)."""
    today = cal.local_date(now)
    if preset == "previous_half":
        return half_year_of(today).previous()
    if preset == "last_6_months":
        return last_six_months(today)
    if preset == "custom":
        if start is None or end is None:
            raise ValueError("A custom period needs a start and an end date.")
        return Period(start, end)
    return half_year_of(today)


#: Organisations' kinds, as the report names the side that owes a deadline or raised a dispute.
STATUTORY, VCO, MEDIATOR, PANEL = "Statutory body", "Voluntary organisation", "Mediator (BVSC)", "Compact panel"
OWED_BY = (STATUTORY, VCO, MEDIATOR, PANEL)


@dataclass(frozen=True)
class Filters:
    """What the report is about. Empty tuples mean "all". `internal` filters (case type,
    deadline type, owed by, decision-maker role) are only offered to council-side users."""

    period: Period
    compare: bool = False
    organisations: tuple[int, ...] = ()     #: voluntary organisations (a VCO user: always their own)
    funders: tuple[int, ...] = ()           #: statutory bodies
    route: str = ""                         #: "performance", "resource" or "" (all)
    case_types: tuple[str, ...] = ()        #: "funding_change", "dispute"
    deadline_types: tuple[str, ...] = ()    #: deadline kinds (M3-M5)
    owed_by: tuple[str, ...] = ()           #: OWED_BY values (M3-M5)
    decision_maker_role: tuple[str, ...] = ()   #: how the decision-maker decided: DecidesAs values (M2, M6)
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def with_period(self, period: Period) -> "Filters":
        from dataclasses import replace
        return replace(self, period=period)
