"""The trend chart's figures (reporting.md section 6, "Charts"): deadline compliance (M3),
minimum notice met (M9) and dispute stages within their limit (M16) over the last four
financial half-years, the last being the half-year the report's period ends in.

The half-years of the report itself (and of its comparison) come from it; the others from
`trend_rates`, which works the three rates out as the report does, with the report's other
filters, so the figures are exactly those the report gives for that half-year."""
from datetime import datetime

from workflows import calendar as cal
from workflows.limits import TimeLimits
from workflows.reporting.metric import col, table
from workflows.reporting.period import Filters, Period, half_year_of
from workflows.reporting import trend_rates
from workflows.reporting.report import Report
from workflows.reporting.tables import ReportTable

#: The rates the trend follows, with the words its table and lines give them.
TRENDED = (("m3", "Deadlines met"), ("m9", "Notices with the minimum notice"), ("m16", "Dispute stages within the limit"))
HALF_YEARS = 4


def half_years(period: Period, count: int = HALF_YEARS) -> list[Period]:
    """The `count` financial half-years up to the one `period` ends in, oldest first."""
    found = [half_year_of(period.end)]
    while len(found) < count:
        found.append(found[-1].previous())
    return found[::-1]


def short_label(p: Period) -> str:
    """"H2 2026/27": a half-year as the chart's axis names it."""
    return p.label().split(" (")[0]


def trend(db, filters: Filters, now: datetime, *, calendar: cal.WorkingCalendar, limits: TimeLimits,
          targets: dict[str, int] | None = None, reuse: Report | None = None) -> ReportTable:
    """The three rates for each of the last four half-years: per cent (None when not rated)
    and n, the denominator. `reuse`: a report already built whose period is one of them."""
    periods = half_years(filters.period)
    reports: dict[Period, Report] = {}
    if reuse is not None:
        reports[reuse.period] = reuse
        if reuse.comparison is not None:
            reports[reuse.comparison_period] = reuse
    # The half-years no report built: only their three rates, worked out the report's way.
    missing = [p for p in periods if p not in reports]
    others = trend_rates.rates(db, filters, now, missing, calendar=calendar, limits=limits) if missing else {}
    rows = []
    for p in periods:
        if p in reports:
            report = reports[p]
            found = {m.id: m.rate for m in (report.metrics if report.period == p else report.comparison)}
        else:
            found = others[p]
        cells = []
        for key, _ in TRENDED:
            rate = found[key]
            cells += [rate.percent if rate.rated else None, rate.of]
        rows.append((short_label(p), *cells))
    columns = [col("period", "Half-year")]
    for key, words in TRENDED:
        columns += [col(f"percent_{key}", f"{words}, per cent", True), col(f"n_{key}", f"{words}, out of", True)]
    latest = rows[-1]
    return table("trend", "Three compliance rates over the last four half-years",
                 f"Deadlines met (M3), notices with the minimum notice (M9) and dispute stages within the limit "
                 f"(M16), {short_label(periods[0])} to {short_label(periods[-1])}", columns, rows, chart="line",
                 overview=_overview(latest))


def _overview(latest: tuple) -> str:
    said = [f"{words.lower()}: {_percent(latest[1 + 2 * i])}" for i, (_, words) in enumerate(TRENDED)]
    return f"In {latest[0]}, " + "; ".join(said) + "."


def _percent(value) -> str:
    return "not rated" if value is None else f"{value:g}%"
