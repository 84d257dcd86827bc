"""The trend's three rates for the half-years other than the report's own are worked out
without building those reports (workflows.reporting.trend_rates): they must be the rates the
report gives for each half-year."""
from datetime import date, datetime, timezone

from tests.factories import dispute_at, funding_case_at
from workflows.reporting.period import Filters, Period
from workflows.reporting.report import build_report
from workflows.reporting.trend import trend
from workflows.sweep import sweep_due

UTC = timezone.utc


def test_the_trend_gives_each_half_year_the_rates_its_report_gives(service, cast, clock):
    # H2 2026/27 holds a dispute through every stage (M16), its deadlines (M3) and a notice (M9).
    clock.current = datetime(2026, 12, 1, 10, tzinfo=UTC)
    dispute_at(service, cast, clock, "closed")
    clock.current = datetime(2026, 12, 1, 10, tzinfo=UTC)
    funding_case_at(service, cast, clock, "notice_period")
    sweep_due(service.factory, datetime(2027, 1, 20, 10, tzinfo=UTC), "test", service.calendar, service.limits,
              service.hooks)
    as_at = datetime(2027, 5, 5, 12, tzinfo=UTC)
    halves = [Period(date(2025, 10, 1), date(2026, 3, 31)), Period(date(2026, 4, 1), date(2026, 9, 30)),
              Period(date(2026, 10, 1), date(2027, 3, 31)), Period(date(2027, 4, 1), date(2027, 9, 30))]
    with service.factory() as db:
        current = build_report(db, Filters(halves[-1]), as_at, calendar=service.calendar, limits=service.limits)
        over_time = trend(db, Filters(halves[-1]), as_at, calendar=service.calendar, limits=service.limits,
                          reuse=current)
        expected = []
        for half in halves:
            report = build_report(db, Filters(half), as_at, calendar=service.calendar, limits=service.limits)
            cells = []
            for key in ("m3", "m9", "m16"):
                rate = report.metric(key).rate
                cells += [rate.percent if rate.rated else None, rate.of]
            expected.append(cells)
    assert [list(row[1:]) for row in over_time.rows] == expected
    # Not a trend of nothing: H2 2026/27 has deadlines due, a notice and dispute stages.
    assert all(n > 0 for n in expected[2][1::2])
