"""The Compact compliance report: M1-M18 for a period and filters, as at a given time
(reporting.md section 6). `build_report` is the one entry point; it reads through `history`
and needs no web framework."""
import gc
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from datetime import datetime
from importlib.metadata import version

from sqlalchemy import select

from casework.clock import require_aware
from casework.settings import ReportSetting
from workflows import calendar as cal
from workflows.limits import TimeLimits
from workflows.reporting import case_flow as flow
from workflows.reporting import deadline_metrics as dm
from workflows.reporting import dispute_flow as df
from workflows.reporting import dispute_metrics as sm
from workflows.reporting import funding_facts as ff
from workflows.reporting import funding_metrics as fm
from workflows.reporting import notice_metrics as nm
from workflows.reporting.cohort import Cohort, cohorts
from workflows.reporting.history import History
from workflows.reporting.reading import load
from workflows.reporting.metric import Metric, col, table
from workflows.reporting.period import Filters, Period
from workflows.reporting.rates import DEFAULT_TARGETS, RAG_COLOURS
from workflows.reporting.tables import ReportTable


@dataclass
class Report:
    filters: Filters
    period: Period
    as_at: datetime
    calendar_version: str
    metrics: list[Metric]
    targets: dict[str, int]
    #: The same metrics for the previous period of the same length, when asked for.
    comparison: list[Metric] | None = None
    comparison_period: Period | None = None
    notes: list[str] = field(default_factory=list)

    def metric(self, metric_id: str) -> Metric:
        return next(m for m in self.metrics if m.id == metric_id)

    def rag(self, metric: Metric) -> str | None:
        return metric.rate.rag(self.targets.get(metric.id)) if metric.rate is not None else None

    def rag_colour(self, metric: Metric) -> str | None:
        tag = self.rag(metric)
        return RAG_COLOURS.get(tag) if tag else None

    def summary(self) -> ReportTable:
        """The headline table: each metric's figure, its target and RAG words."""
        previous = {m.id: m for m in self.comparison or ()}
        rows = []
        for m in self.metrics:
            target = self.targets.get(m.id)
            before = previous.get(m.id)
            rows.append((m.label, m.headline, m.rate.n if m.rate else None, m.rate.of if m.rate else None,
                         (m.rate.percent if m.rate.rated else None) if m.rate else None,
                         target, self.rag(m) or "", before.headline if before else None))
        columns = [col("metric", "Metric"), col("figure", "Figure"), col("n", "Number", True),
                   col("denominator", "Out of", True), col("percent", "Per cent", True),
                   col("target_percent", "Target, per cent", True), col("status", "Status")]
        if self.comparison is None:
            rows = [r[:-1] for r in rows]
        else:
            columns.append(col("previous_period", f"Previous period ({self.comparison_period.label()})"))
        return table("summary", "Compact compliance at a glance", f"Compact compliance summary, {self.period.label()}",
                     columns, rows)

    def tables(self) -> list[ReportTable]:
        """Every table in the report, the summary first (what an export writes)."""
        return [self.summary(), *(t for m in self.metrics for t in m.tables)]


def calendar_version(calendar: cal.WorkingCalendar) -> str:
    """Which holiday calendar the working days were counted on: the `holidays` release, and
    the one-off days added (with a short fingerprint of them)."""
    extra = calendar.extra_holidays()
    text = f"England and Wales bank holidays (holidays {_holidays_release()})"
    if extra:
        digest = hashlib.sha256(",".join(d.isoformat() for d in extra).encode()).hexdigest()[:8]
        text += f" with {len(extra)} one-off day{'s' if len(extra) != 1 else ''} ({digest})"
    return text


@cache
def _holidays_release() -> str:
    return version("holidays")


def load_targets(db) -> dict[str, int]:
    """The targets in force: the defaults, changed by an administrator's settings."""
    targets = dict(DEFAULT_TARGETS)
    for name, value in db.execute(select(ReportSetting.name, ReportSetting.value)
                                  .where(ReportSetting.name.like("target_%"))):
        targets[name.removeprefix("target_")] = value
    return targets


@dataclass
class FundingFacts:
    """What M6-M12 read, found once for all the report's periods (`funding_facts`)."""
    decisions: list
    openings: list
    closings: list
    notices: list


def funding_facts(h: History, limits: TimeLimits) -> FundingFacts:
    return FundingFacts(ff.decisions(h), ff.openings(h), ff.closings(h), nm.notices(h, limits))


def compute(h: History, p: Period, limits: TimeLimits, facts: FundingFacts, due: Cohort) -> list[Metric]:
    notices = facts.notices
    return [flow.case_flow(h, p), flow.outcome_mix(h, p), dm.compliance(h, p, due), dm.extensions_and_pauses(h, p, due),
            dm.breach_log(h, p), fm.decision_timeliness(h, p, limits, facts.decisions),
            fm.consultation_window(h, p, limits, facts.openings), fm.response_rate(h, p, facts.closings),
            nm.minimum_notice(h, p, notices, limits),
            nm.exceptional_shortening(h, p, notices), nm.notice_length(h, p, notices, limits),
            nm.post_notice_changes(h, p, notices), df.disputes_raised(h, p), df.escalation(h, p), df.outcomes(h, p),
            df.stage_times(h, p, limits)[0], sm.remedies(h, p), sm.learning(h, p)]


def build_report(db, filters: Filters, now: datetime, *, calendar: cal.WorkingCalendar, limits: TimeLimits,
                 targets: dict[str, int] | None = None) -> Report:
    """M1-M18 for `filters` (period, organisations, funder, route, internal filters) as the
    record stood at `now`: nothing recorded later is read, so re-running a past period with
    the same `now` gives the same numbers. `db` is a Session or Connection."""
    now = require_aware(now)
    periods = [filters.period] + ([filters.period.previous()] if filters.compare else [])
    with _collector_paused():
        h = load(db, filters, now, calendar, periods)
        facts, due = funding_facts(h, limits), cohorts(db, h, periods)
        report = Report(filters, filters.period, now, calendar_version(calendar),
                        compute(h, filters.period, limits, facts, due[filters.period]),
                        targets if targets is not None else load_targets(db))
        if filters.compare:
            report.comparison_period = periods[1]
            report.comparison = compute(h, periods[1], limits, facts, due[periods[1]])
    return report


@contextmanager
def _collector_paused():
    """Python's cycle collector paused while the report is built: reading a large history
    makes hundreds of thousands of objects, none in a cycle, and each full collection on the
    way would walk them all again (about a third of the time at 100,000 cases)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
