"""Case flow (M1) and outcomes (M2) of funding-change cases, counted by the database from the
report's projection: each case's start (first move out of draft) and end (first move into a
final state), as they stood at the as-at time."""
from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, case as when_, func, or_, select

from casework.cases import Case
from casework.report_events import ReportCase, ReportEvent
from workflows.reporting.funding_facts import DECISIONS
from workflows.reporting.history import History, case_conditions
from workflows.reporting.metric import Metric, col, table
from workflows.reporting.period import Period
from workflows.reporting.rates import pct

TERMINAL = ("closed_resolved", "closed_no_change", "closed_changed", "withdrawn")
TERMINAL_WORDS = {"closed_resolved": "Resolved (performance improved)", "closed_no_change": "No change to funding",
                  "closed_changed": "Funding changed", "withdrawn": "Withdrawn"}
OUTCOME_WORDS = {"vary": "Varied", "reduce": "Reduced", "end": "Ended", "reallocate": "Re-allocated"}
ROUTES = (("performance", "Performance"), ("resource", "Resource"))
R, E = ReportCase.__table__, ReportEvent.__table__


def _funding(h: History, p: Period):
    """Funding cases started by the as-at time that were open at some time in the period, and
    when each ended (null: not by the as-at time)."""
    ended = when_((R.c.ended_at <= h.as_at, R.c.ended_day), else_=None)
    where = (*case_conditions(h.filters, h.as_at, h.earliest), Case.workflow == "funding_change",
             R.c.started_at <= h.as_at, R.c.started_day <= p.end,
             or_(R.c.ended_at.is_(None), R.c.ended_at > h.as_at, R.c.ended_day >= p.start))
    return ended, where


def _count(condition):
    return func.sum(when_((condition, 1), else_=0))


def case_flow(h: History, p: Period) -> Metric:
    m = Metric("m1", "Case flow", "Funding-change cases started (first move out of draft), closed (a final "
               "state entered) in the period, and open at its end; by route.")
    spans = [p]
    month = p.start.replace(day=1)
    while month <= p.end:
        spans.append(Period(max(month, p.start), min(month + relativedelta(months=1, days=-1), p.end)))
        month += relativedelta(months=1)
    ended, where = _funding(h, p)
    day = R.c.started_day
    sums = [_count(c) for s in spans for c in (and_(day >= s.start, day <= s.end), and_(ended >= s.start, ended <= s.end),
                                               and_(day <= s.end, or_(ended.is_(None), ended > s.end)))]
    query = select(Case.route, *sums).select_from(R.join(Case, Case.id == R.c.case_id)).where(*where) \
        .group_by(Case.route)
    by_route = {route: [int(n or 0) for n in figures] for route, *figures in h.db.execute(query)}
    everyone = [sum(f[i] for f in by_route.values()) for i in range(3 * len(spans))]
    rows, totals = [], [0, 0, 0]
    for route, words in ROUTES:
        figures = by_route.get(route, [0, 0, 0])[:3]
        totals = [a + b for a, b in zip(totals, figures)]
        rows.append((words, *figures))
    rows.append(("All routes", *totals))
    m.count = totals[0] + totals[1] + totals[2]
    m.headline = f"{totals[0]} started, {totals[1]} closed, {totals[2]} open at the end"
    m.tables.append(table("m1_case_flow", "Funding-change cases started, closed and open, by route",
                          f"Funding-change cases by route, {p.label()}",
                          (col("route", "Route"), col("started", "Started", True), col("closed", "Closed", True),
                           col("open_at_end", "Open at the end", True)), rows))
    months = [(f"{s.start:%B %Y}", *everyone[3 * i:3 * i + 3]) for i, s in enumerate(spans[1:], start=1)]
    m.tables.append(table("m1_case_flow_by_month", "Cases started and closed each month",
                          f"Funding-change cases started and closed by month, {p.label()}",
                          (col("month", "Month"), col("started", "Started", True), col("closed", "Closed", True),
                           col("open_at_month_end", "Open at the month's end", True)), months, chart="column",
                          overview=f"{totals[0]} cases started and {totals[1]} closed in the period."))
    return m


def outcome_mix(h: History, p: Period) -> Metric:
    m = Metric("m2", "Outcome mix", "Funding-change cases closed in the period, by final state; funding "
               "changed split by the decision's outcome.")
    ended, where = _funding(h, p)
    # The outcome of the last decision recorded by the time the case closed.
    decided = (select(E.c.facts["outcome"].as_string()).where(E.c.case_id == R.c.case_id, E.c.trigger == "decide_change",
                                                              E.c.at <= R.c.ended_at)
               .order_by(E.c.seq.desc()).limit(1).scalar_subquery())
    outcome = when_((R.c.ended_state == "closed_changed", decided), else_=None)
    query = (select(R.c.ended_state, outcome, func.count()).select_from(R.join(Case, Case.id == R.c.case_id))
             .where(*where, ended >= p.start, ended <= p.end).group_by(R.c.ended_state, outcome))
    if h.filters.decision_maker_role:   # the cases whose last decision was made as asked
        decided_as = (select(E.c.facts["decided_as"].as_string())
                      .where(E.c.case_id == R.c.case_id, E.c.trigger.in_(DECISIONS), E.c.at <= R.c.ended_at)
                      .order_by(E.c.seq.desc()).limit(1).scalar_subquery())
        query = query.where(decided_as.in_(h.filters.decision_maker_role))
    counted = list(h.db.execute(query))
    n = sum(k for _, _, k in counted)
    rows = []
    for state in TERMINAL:
        here = sum(k for s, _, k in counted if s == state)
        rows.append((TERMINAL_WORDS[state], here, pct(here, n)))
        if state == "closed_changed":
            for key, words in OUTCOME_WORDS.items():
                k = sum(k for s, o, k in counted if s == state and o == key)
                rows.append((f"Funding changed: {words.lower()}", k, pct(k, n)))
    m.count = n
    m.headline = f"{n} closed" + (f"; {rows[2][1]} with funding changed" if n else "")
    m.tables.append(table("m2_outcome_mix", "How funding-change cases ended", f"Funding-change cases closed, "
                          f"by outcome, {p.label()}", (col("outcome", "Outcome"), col("cases", "Cases", True),
                                                       col("percent", "Per cent", True)), rows))
    return m
