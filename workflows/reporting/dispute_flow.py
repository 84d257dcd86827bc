"""Dispute metrics counted by the database from the report's events: disputes raised (M13),
escalation (M14), outcomes (M15) and time per stage (M16). Each "first" and "last" event of a
case is the one in the order of its trail (`seq`), among those recorded by the as-at time."""
import json
from collections import Counter
from datetime import date

from sqlalchemy import case as when_, exists, func, select

from casework.cases import Case, CaseLink
from casework.report_events import ReportCase, ReportEvent
from workflows.limits import TimeLimits
from workflows.reporting.history import History, case_conditions
from workflows.reporting.metric import RATE_COLUMNS, Metric, col, rate_cells, table
from workflows.reporting.period import STATUTORY, VCO, Period
from workflows.reporting.rates import Rate, median
from workflows.undertakings import UNDERTAKINGS

STAGES = {"informal_resolution": 1, "informal_response_given": 1, "senior_review": 2, "review_outcome_given": 2,
          "mediation_requested": 3, "in_mediation": 3, "no_agreement": 3, "panel_referred": 4, "panel_hearing": 4,
          "panel_findings_issued": 4}
STAGE_WORDS = {0: "Raised, not yet acknowledged", 1: "D1 informal resolution", 2: "D2 senior review",
               3: "D3 mediation", 4: "D4 Compact panel"}
TERMINAL = (("resolved", "Resolved"), ("closed", "Closed"), ("withdrawn", "Withdrawn"))
E, R = ReportEvent.__table__, ReportCase.__table__


def _events(h: History, p: Period, *triggers: str, first: bool = False, alias=E):
    """A query over the disputes' events of these kinds on a day in the period (only the first
    of them in each case's trail, if `first`)."""
    e = alias
    query = (select().select_from(e.join(Case, Case.id == e.c.case_id))
             .where(*case_conditions(h.filters, h.as_at, h.earliest), Case.workflow == "dispute",
                    e.c.trigger.in_(triggers), e.c.at <= h.as_at, e.c.day >= p.start, e.c.day <= p.end))
    if first:
        f = E.alias("earlier")
        query = query.where(~exists().where(f.c.case_id == e.c.case_id, f.c.trigger.in_(triggers),
                                            f.c.seq < e.c.seq, f.c.at <= h.as_at))
    return query


def _side(h: History, org_id: int | None) -> str:
    return STATUTORY if h.org_kinds.get(org_id) == "statutory" else VCO


def disputes_raised(h: History, p: Period) -> Metric:
    m = Metric("m13", "Disputes raised", "Disputes raised in the period, by the side that raised them and "
               "whether linked to a funding case; by Compact undertaking named (each counted once per "
               "dispute, so the total can exceed the disputes).")
    linked = exists().where(CaseLink.dispute_id == E.c.case_id)
    raised = list(h.db.execute(_events(h, p, "raise_dispute", first=True)
                               .add_columns(Case.complainant_org_id, linked,
                                            E.c.facts["undertakings"].as_string())))
    m.count = len(raised)
    by_side = [(side, sum(_side(h, org) == side for org, _, _ in raised)) for side in (STATUTORY, VCO)]
    n_linked = sum(bool(is_linked) for _, is_linked, _ in raised)
    m.headline = f"{len(raised)} raised; {n_linked} about a funding case"
    m.tables.append(table("m13_disputes_raised", "Disputes raised", f"Disputes raised, {p.label()}",
                          (col("group", "Group"), col("disputes", "Disputes", True)),
                          [*((f"Raised by a {s.lower()}", n) for s, n in by_side),
                           ("About a funding case", n_linked), ("Not about a funding case", len(raised) - n_linked),
                           ("All disputes", len(raised))]))
    named = {key: 0 for key, _ in UNDERTAKINGS}
    for listed, n in Counter(words for _, _, words in raised).items():   # the same lists come again and again
        for key in set(json.loads(listed) if listed else ()):
            named[key] = named.get(key, 0) + n
    m.tables.append(table("m13_undertakings", "Compact undertakings named in disputes",
                          f"Disputes raised by undertaking named, {p.label()}",
                          (col("undertaking", "Undertaking"), col("disputes", "Disputes", True)),
                          [(words, named[key]) for key, words in UNDERTAKINGS if named.get(key)]))
    return m


#: (from, to, the outcome that opens the choice, the state the choice is made in, the move to the next stage)
ESCALATIONS = (("D1", "D2", ("give_informal_response",), "informal_response_given", "escalate_to_review"),
               ("D2", "D3", ("give_review_outcome",), "review_outcome_given", "request_mediation"),
               ("D3", "D4", ("record_agreement", "record_no_agreement"), "no_agreement", "refer_to_panel"))


def _outcomes(h: History) -> list[tuple[int, str, str | None, date]]:
    """Every first stage outcome of a dispute (of each step's kind) on a day the report covers,
    in one query for all the periods and steps: (step, its action, the action that first moved
    the dispute out of the state the choice is made in, at or after it, if any; its day)."""
    if "outcomes" not in h.found:
        def step(column):
            return when_(*((column.in_(outcomes), i) for i, (_, _, outcomes, _, _) in enumerate(ESCALATIONS)),
                         else_=-1)

        o, later = E.alias("outcome"), E.alias("later")
        waiting = when_(*((step(o.c.trigger) == i, state) for i, (_, _, _, state, _) in enumerate(ESCALATIONS)))
        left = (select(later.c.trigger).where(later.c.case_id == o.c.case_id, later.c.at >= o.c.at,
                                              later.c.at <= h.as_at, later.c.from_state == waiting,
                                              later.c.to_state != waiting)
                .order_by(later.c.seq).limit(1).scalar_subquery())
        triggers = [t for _, _, outcomes, _, _ in ESCALATIONS for t in outcomes]
        h.found["outcomes"] = _firsts(h, o, triggers, step, (step(o.c.trigger), o.c.trigger, left, o.c.day))
    return h.found["outcomes"]


def _firsts(h: History, event, triggers: list[str], kind_of, columns: tuple) -> list[tuple]:
    """`columns` of the disputes' events of these actions on a day the report covers, each
    the first of its kind (`kind_of`: a stage or a step) in its case's trail."""
    earlier = E.alias("earlier")
    first = ~exists().where(earlier.c.case_id == event.c.case_id, earlier.c.trigger.in_(triggers),
                            kind_of(earlier.c.trigger) == kind_of(event.c.trigger), earlier.c.seq < event.c.seq,
                            earlier.c.at <= h.as_at)
    query = (select(*columns).select_from(event.join(Case, Case.id == event.c.case_id))
             .where(*case_conditions(h.filters, h.as_at, h.earliest), Case.workflow == "dispute",
                    event.c.trigger.in_(triggers), event.c.at <= h.as_at, event.c.day >= h.earliest,
                    event.c.day <= h.latest, first))
    return [tuple(row) for row in h.db.execute(query)]


def escalation(h: History, p: Period) -> Metric:
    m = Metric("m14", "Escalation rates", "Of disputes given a stage's outcome in the period whose choice to "
               "escalate had closed by the run date, the share that went on to the next stage (D1 to D2, D2 to "
               "D3, D3 to D4).")
    rows, reached = [], {}
    found = _outcomes(h)
    for i, (low, high, _, _, onward) in enumerate(ESCALATIONS):
        decided = went = 0
        for _, trigger, left_by, _ in (f for f in found if f[0] == i and f[3] in p):
            if trigger == "record_agreement" or left_by is not None:
                decided += 1
                went += left_by == onward
        rate = Rate(went, decided)
        rows.append((f"{low} to {high}", *rate_cells(rate)))
        reached[high] = rate
    m.count = sum(r[2] for r in rows)
    m.headline = "; ".join(f"{r[0]}: {reached[r[0][-2:]].words()}" for r in rows)
    m.tables.append(table("m14_escalation", "Disputes that went on to the next stage",
                          f"Stage outcomes with the choice to escalate closed, {p.label()}",
                          (col("step", "Step"), *RATE_COLUMNS), rows, chart="bar",
                          overview=f"Of disputes decided after D1, {reached['D2'].words()} went to senior review."))
    return m


def _stage(column):
    return when_(*((column == state, n) for state, n in STAGES.items()), else_=0)


def outcomes(h: History, p: Period) -> Metric:
    m = Metric("m15", "Dispute outcomes", "Disputes concluded in the period by the last stage reached; upheld "
               "rate: upheld or partly upheld, out of senior review (D2) outcomes in the period; breach-found "
               "rate: panel findings of a breach, out of findings issued in the period.")
    final = [state for state, _ in TERMINAL]
    concluded = (select(R.c.ended_state, func.max(_stage(E.c.from_state)), func.max(_stage(E.c.to_state)))
                 .select_from(R.join(Case, Case.id == R.c.case_id).join(E, E.c.case_id == R.c.case_id))
                 .where(*case_conditions(h.filters, h.as_at, h.earliest), Case.workflow == "dispute",
                        R.c.ended_state.in_(final), R.c.ended_at <= h.as_at, R.c.ended_day >= p.start,
                        R.c.ended_day <= p.end, E.c.at <= h.as_at)
                 .group_by(R.c.case_id, R.c.ended_state))
    ended = [(state, max(a or 0, b or 0)) for state, a, b in h.db.execute(concluded)]
    rows = []
    for stage, words in STAGE_WORDS.items():
        counts = [sum(1 for s, reached in ended if reached == stage and s == state) for state in final]
        rows.append((words, *counts, sum(counts)))
    upheld_by = E.c.facts["outcome"].as_string().in_(("upheld", "partly_upheld"))
    n_review, n_upheld = h.db.execute(_events(h, p, "give_review_outcome").add_columns(
        func.count(), func.sum(when_((upheld_by, 1), else_=0)))).one()
    upheld = Rate(int(n_upheld or 0), n_review)
    breach_found = E.c.facts["finding"].as_string() == "breach"
    n_findings, n_breach = h.db.execute(_events(h, p, "issue_findings").add_columns(
        func.count(), func.sum(when_((breach_found, 1), else_=0)))).one()
    breach = Rate(int(n_breach or 0), n_findings)
    m.count = len(ended) + n_review + n_findings
    m.headline = f"{len(ended)} concluded; upheld {upheld.words()}; breach found {breach.words()}"
    m.tables.append(table("m15_concluded_by_stage", "How disputes ended, by the last stage reached",
                          f"Disputes concluded, {p.label()}",
                          (col("last_stage", "Last stage reached"), *(col(s, w, True) for s, w in TERMINAL),
                           col("total", "All", True)), rows))
    m.tables.append(table("m15_rates", "Upheld and breach-found rates", f"Outcomes issued, {p.label()}",
                          (col("rate", "Rate"), *RATE_COLUMNS),
                          [("Upheld or partly upheld at senior review (D2)", *rate_cells(upheld)),
                           ("Breach found by the Compact panel (D4)", *rate_cells(breach))]))
    return m


def _spans(limits: TimeLimits) -> tuple:
    """(words, the actions that start the stage, those that end it, its limit in working days)."""
    return (("D1 informal resolution", ("acknowledge_dispute",), ("give_informal_response",), limits.informal_response_wd),
            ("D2 senior review", ("assign_reviewer",), ("give_review_outcome",), limits.review_outcome_wd),
            ("D3 mediation", ("request_mediation",), ("record_agreement", "record_no_agreement"),
             limits.mediation_agree_wd + limits.mediation_session_wd + limits.mediation_outcome_wd),
            ("D4 Compact panel", ("refer_to_panel",), ("issue_findings",), limits.panel_hearing_wd + limits.panel_findings_wd))


def _completed(h: History, limits: TimeLimits) -> list[tuple[int, int, date, date]]:
    """Every dispute stage completed on a day the report covers, in one query for all the
    periods and stages: (stage, case, day it started, day it ended). A stage's end is the
    first of its ending actions in the case's trail; its start, the last of its starting
    actions recorded by then."""
    if "stages" not in h.found:
        spans = _spans(limits)
        starts = [t for _, begin, _, _ in spans for t in begin]
        ends = [t for _, _, finish, _ in spans for t in finish]

        def stage(column, of: int):
            return when_(*((column.in_(span[of]), i) for i, span in enumerate(spans)), else_=-1)

        end, start = E.alias("stage_end"), E.alias("stage_start")
        started = (select(start.c.day).where(start.c.case_id == end.c.case_id, start.c.trigger.in_(starts),
                                             stage(start.c.trigger, 1) == stage(end.c.trigger, 2),
                                             start.c.at <= end.c.at)
                   .order_by(start.c.seq.desc()).limit(1).scalar_subquery())
        h.found["stages"] = _firsts(h, end, ends, lambda column: stage(column, 2),
                                    (stage(end.c.trigger, 2), end.c.case_id, started, end.c.day))
    return h.found["stages"]


def stage_times(h: History, p: Period, limits: TimeLimits) -> tuple[Metric, list[tuple]]:
    m = Metric("m16", "Time per dispute stage", "Stages completed in the period, in working days net of pauses: "
               "D1 acknowledgement to response, D2 reviewer assigned to outcome, D3 request to written outcome, "
               "D4 referral to findings; median, longest and share within the limit.")
    completed = _completed(h, limits)
    rows, within, total = [], 0, 0
    for i, (words, _, _, limit) in enumerate(_spans(limits)):
        days = [h.wd_of(case_id, began, ended) for stage, case_id, began, ended in completed
                if stage == i and began is not None and ended in p]
        rate = Rate(sum(d <= limit for d in days), len(days))
        within, total = within + rate.n, total + rate.of
        rows.append((words, len(days), median(days), max(days, default=None), *rate_cells(rate)[:2],
                     rate.percent if rate.rated else None))
    m.rate, m.count = Rate(within, total), total
    m.headline = f"Within the limit: {m.rate.words()}"
    m.tables.append(table("m16_time_per_stage", "Working days per dispute stage", f"Dispute stages completed, "
                          f"{p.label()}", (col("stage", "Stage"), col("n", "Number", True),
                                           col("median_wd", "Median working days", True),
                                           col("max_wd", "Longest, working days", True),
                                           col("within_limit", "Within the limit", True),
                                           col("denominator", "Out of", True),
                                           col("percent_within", "Per cent within", True)), rows, chart="bar",
                          overview=f"{m.rate.words()} dispute stages finished within their time limit."))
    return m, rows
