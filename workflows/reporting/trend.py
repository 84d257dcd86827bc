"""The trend chart's figures (reporting.md section 6, "Charts"): deadline compliance (M3),
minimum notice met (M9) and dispute stages within their limit (M16) over the last four
financial half-years, the last being the half-year the report's period ends in.

Each half-year is computed by `build_report` with the report's other filters, two at a time
(a half-year and, as its comparison, the one before), so the figures are exactly those the
report gives for that half-year."""
from dataclasses import replace
from datetime import datetime

from workflows import calendar as cal
from workflows.limits import TimeLimits
from workflows.reporting.metric import col, table
from workflows.reporting.period import Filters, Period, half_year_of
from workflows.reporting.report import Report, build_report
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
    for later in periods[::-2]:   # the latest, then the second oldest: each with the one before
        if later in reports and later.previous() in reports:
            continue
        built = build_report(db, replace(filters, period=later, compare=True), now, calendar=calendar,
                             limits=limits, targets=targets)
        reports.setdefault(later, built)
        reports.setdefault(built.comparison_period, built)
    rows = []
    for p in periods:
        report = reports[p]
        metrics = report.metrics if report.period == p else report.comparison
        found = {m.id: m for m in metrics}
        cells = []
        for key, _ in TRENDED:
            rate = found[key].rate
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
