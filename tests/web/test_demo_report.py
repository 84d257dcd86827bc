"""The demo data gives the compliance report something in every metric, M1 to M18, for the
current financial half-year (run as at 15 February 2027, mid-way through H2 2026/27)."""
from datetime import datetime, timezone

from web.demo import seed
from workflows import calendar as cal
from workflows.reporting.period import Filters, half_year_of
from workflows.reporting.report import build_report


def test_demo_report_has_data_in_every_metric(service):
    now = datetime(2027, 2, 15, 10, tzinfo=timezone.utc)
    seed(service, now)
    with service.factory() as db:
        report = build_report(db, Filters(half_year_of(cal.local_date(now))), now, calendar=service.calendar,
                              limits=service.limits)
    assert [m.id for m in report.metrics] == [f"m{i}" for i in range(1, 19)]
    empty = [m.label for m in report.metrics if not m.count or not any(t.rows for t in m.tables)]
    assert empty == []
    # What the demo sets up for the report in particular:
    assert report.metric("m5").count >= 1                    # a mediation session held later than its limit
    assert report.metric("m4").tables[0].rows[0][1] >= 1     # an extended dispute stage
    assert report.metric("m4").tables[0].rows[1][1] >= 1     # a paused deadline
    assert report.metric("m10").rate.n >= 1                  # shorter notice, exceptional circumstances
    assert report.metric("m12").rate.n >= 1                  # a notice extended
    assert report.metric("m17").rate.of >= 1                 # a remedy with an agreed date


def test_demo_has_decisions_by_an_officer_and_by_an_elected_member(service):
    now = datetime(2027, 2, 15, 10, tzinfo=timezone.utc)
    seed(service, now)
    with service.factory() as db:
        for kind in ("senior_officer", "elected_member"):
            filters = Filters(half_year_of(cal.local_date(now)), decision_maker_role=(kind,))
            report = build_report(db, filters, now, calendar=service.calendar, limits=service.limits)
            assert report.metric("m6").count >= 1, kind
