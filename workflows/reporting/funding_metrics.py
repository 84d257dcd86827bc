"""Funding-change metrics: case flow (M1), outcomes (M2), decision timeliness (M6), the
consultation window (M7) and the response rate (M8), from each case's audit trail."""
from datetime import date

from dateutil.relativedelta import relativedelta

from workflows.definitions import as_date
from workflows.limits import TimeLimits
from workflows.reporting.history import CaseFacts, Entry, History
from workflows.reporting.metric import RATE_COLUMNS, Metric, col, rate_cells, table
from workflows.reporting.period import Period
from workflows.reporting.rates import Rate, median, pct

TERMINAL = ("closed_resolved", "closed_no_change", "closed_changed", "withdrawn")
TERMINAL_WORDS = {"closed_resolved": "Resolved (performance improved)", "closed_no_change": "No change to funding",
                  "closed_changed": "Funding changed", "withdrawn": "Withdrawn"}
OUTCOME_WORDS = {"vary": "Varied", "reduce": "Reduced", "end": "Ended", "reallocate": "Re-allocated"}
ROUTES = (("performance", "Performance"), ("resource", "Resource"))
OPENINGS = ("open_consultation", "reopen_consultation")
CLOSINGS = ("submit_response", "consultation_closes")
DECISIONS = ("decide_change", "decide_no_change")


def started(case: CaseFacts) -> Entry | None:
    """The first move out of draft (a draft withdrawn before anyone was told never started)."""
    return case.once("started", _started)


def ended(case: CaseFacts) -> Entry | None:
    return case.once("ended", _ended)


def _started(case: CaseFacts) -> Entry | None:
    return next((e for e in case.entries if e.from_state == "draft" and e.to_state not in ("draft", "withdrawn")),
                None)


def _ended(case: CaseFacts) -> Entry | None:
    return next((e for e in case.entries if e.to_state in TERMINAL and e.from_state not in TERMINAL), None)


def _open_at(case: CaseFacts, day: date) -> bool:
    start, end = started(case), ended(case)
    return start is not None and start.day <= day and (end is None or end.day > day)


def case_flow(h: History, p: Period) -> Metric:
    m = Metric("m1", "Case flow", "Funding-change cases started (first move out of draft), closed (a final "
               "state entered) in the period, and open at its end; by route.")
    cases = [c for c in h.funding_cases() if started(c) is not None]
    rows, totals = [], [0, 0, 0]
    for route, words in ROUTES:
        mine = [c for c in cases if c.route == route]
        figures = (sum(started(c).day in p for c in mine), sum(_ended_in(c, p) for c in mine),
                   sum(_open_at(c, p.end) for c in mine))
        totals = [a + b for a, b in zip(totals, figures)]
        rows.append((words, *figures))
    rows.append(("All routes", *totals))
    m.count = totals[0] + totals[1] + totals[2]
    m.headline = f"{totals[0]} started, {totals[1]} closed, {totals[2]} open at the end"
    m.tables.append(table("m1_case_flow", "Funding-change cases started, closed and open, by route",
                          f"Funding-change cases by route, {p.label()}",
                          (col("route", "Route"), col("started", "Started", True), col("closed", "Closed", True),
                           col("open_at_end", "Open at the end", True)), rows))
    months = []
    month = p.start.replace(day=1)
    while month <= p.end:
        last = min(month + relativedelta(months=1, days=-1), p.end)
        span = Period(max(month, p.start), last)
        months.append((f"{month:%B %Y}", sum(started(c).day in span for c in cases),
                       sum(_ended_in(c, span) for c in cases), sum(_open_at(c, last) for c in cases)))
        month += relativedelta(months=1)
    m.tables.append(table("m1_case_flow_by_month", "Cases started and closed each month",
                          f"Funding-change cases started and closed by month, {p.label()}",
                          (col("month", "Month"), col("started", "Started", True), col("closed", "Closed", True),
                           col("open_at_month_end", "Open at the month's end", True)), months, chart="column",
                          overview=f"{totals[0]} cases started and {totals[1]} closed in the period."))
    return m


def _ended_in(case: CaseFacts, p: Period) -> bool:
    end = ended(case)
    return end is not None and end.day in p and started(case) is not None


def outcome_mix(h: History, p: Period) -> Metric:
    m = Metric("m2", "Outcome mix", "Funding-change cases closed in the period, by final state; funding "
               "changed split by the decision's outcome.")
    closed = [(c, ended(c)) for c in h.funding_cases() if _ended_in(c, p)]
    n = len(closed)
    rows = []
    for state in TERMINAL:
        here = [(c, e) for c, e in closed if e.to_state == state]
        rows.append((TERMINAL_WORDS[state], len(here), pct(len(here), n)))
        if state == "closed_changed":
            for key, words in OUTCOME_WORDS.items():
                k = sum(1 for c, e in here if (c.last("decide_change", before=e.at) or _none).data.get("outcome") == key)
                rows.append((f"Funding changed: {words.lower()}", k, pct(k, n)))
    m.count = n
    m.headline = f"{n} closed" + (f"; {rows[2][1]} with funding changed" if n else "")
    m.tables.append(table("m2_outcome_mix", "How funding-change cases ended", f"Funding-change cases closed, "
                          f"by outcome, {p.label()}", (col("outcome", "Outcome"), col("cases", "Cases", True),
                                                       col("percent", "Per cent", True)), rows))
    return m


class _None:
    data: dict = {}


_none = _None()


def _close_day(h: History, case: CaseFacts, decision: Entry) -> date | None:
    """The consultation's closing day before a decision: where the decision's 20 working days
    count from (the decision row's anchor), else the response day or the window's last day."""
    rows = [r for r in h.rows_of(case.id) if r.kind == "decision" and r.created_at <= decision.at]
    if rows and (rows[-1].basis or {}).get("anchor"):
        return date.fromisoformat(rows[-1].basis["anchor"])
    closing = case.last(*CLOSINGS, before=decision.at)
    if closing is None:
        return None
    return closing.day if closing.trigger == "submit_response" else as_date(case.consultation_closed_on) or closing.day


def decision_timeliness(h: History, p: Period, limits: TimeLimits) -> Metric:
    m = Metric("m6", "Decision timeliness", f"Decisions recorded in the period: working days from the "
               f"consultation's close (response or lapse) to the decision, net of pauses; within "
               f"{limits.decision_wd} working days.")
    days = []
    for case in h.funding_cases():
        for e in case.entries:
            if e.trigger in DECISIONS and e.day in p:
                closed = _close_day(h, case, e)
                if closed is not None:
                    days.append(h.case_wd(case, closed, e.day))
    within = Rate(sum(d <= limits.decision_wd for d in days), len(days))
    m.count, m.rate = len(days), within
    m.headline = f"Median {_num(median(days))} working days; within the limit: {within.words()}"
    m.tables.append(table("m6_decision_timeliness", "Working days from the consultation's close to the decision",
                          f"Decisions recorded, {p.label()}", _STAGE_COLUMNS,
                          [("Decision", len(days), median(days), max(days, default=None), *rate_cells(within)[:2],
                            rate_cells(within)[2])], chart="bar",
                          overview=f"The median decision took {_num(median(days))} working days."))
    return m


_STAGE_COLUMNS = (col("stage", "Stage"), col("n", "Number", True), col("median_wd", "Median working days", True),
                  col("max_wd", "Longest, working days", True), col("within_limit", "Within the limit", True),
                  col("denominator", "Out of", True), col("percent_within", "Per cent within", True))


def _num(value) -> str:
    return "–" if value is None else f"{value:g}"


def consultation_window(h: History, p: Period, limits: TimeLimits) -> Metric:
    m = Metric("m7", "Consultation window", f"Consultations opened in the period: initial and final window "
               f"in working days (final: after extensions, net of pauses); share with an initial window of at "
               f"least {limits.consultation_wd} working days; extension requests made and granted.")
    initial, final, asked, given = [], [], 0, 0
    for case in h.funding_cases():
        for i, e in enumerate(case.entries):
            if e.trigger not in OPENINGS or e.day not in p:
                continue
            initial.append(h.wd(e.day, as_date(e.data.get("respond_by")) or e.day))
            row = next((r for r in h.rows_of(case.id) if r.kind == "consultation_response" and r.created_at == e.at),
                       None)
            final.append(h.case_wd(case, e.day, row.due_on) if row is not None else initial[-1])
            for later in case.entries[i + 1:]:
                if later.trigger in CLOSINGS + OPENINGS:
                    break
                asked += later.trigger == "request_extension"
                given += later.trigger == "grant_extension"
    standard = Rate(sum(d >= limits.consultation_wd for d in initial), len(initial))
    m.count, m.rate = len(initial), standard
    m.headline = f"{len(initial)} opened; initial window at least {limits.consultation_wd} working days: {standard.words()}"
    m.tables.append(table("m7_consultation_window", "Consultation windows in working days",
                          f"Consultations opened, {p.label()}",
                          (col("window", "Window"), col("n", "Consultations", True), col("median_wd", "Median", True),
                           col("min_wd", "Shortest", True)),
                          [("Initial", len(initial), median(initial), min(initial, default=None)),
                           ("Final", len(final), median(final), min(final, default=None))]))
    m.tables.append(table("m7_extensions", "Requests for more time", f"Extension requests on consultations opened, "
                          f"{p.label()}", (col("what", "What"), col("count", "Number", True)),
                          [("Initial window at the standard or longer", standard.n),
                           ("Extension requests made", asked), ("Extensions granted", given)]))
    return m


def response_rate(h: History, p: Period) -> Metric:
    m = Metric("m8", "Response rate", "Consultations closed in the period (not withdrawn) with a response "
               "from the organisation, out of all closed; median working days to respond.")
    closed, answered, days = 0, 0, []
    for case in h.funding_cases():
        for e in case.entries:
            if e.trigger in CLOSINGS and e.day in p:
                closed += 1
                if e.trigger == "submit_response":
                    answered += 1
                    opened = case.last(*OPENINGS, before=e.at)
                    if opened is not None:
                        days.append(h.case_wd(case, opened.day, e.day))
    rate = Rate(answered, closed)
    m.count, m.rate = closed, rate
    m.headline = f"{rate.words()} with a response; median {_num(median(days))} working days to respond"
    m.tables.append(table("m8_response_rate", "Consultations answered", f"Consultations closed, {p.label()}",
                          (*RATE_COLUMNS, col("median_wd_to_respond", "Median working days to respond", True)),
                          [(*rate_cells(rate), median(days))]))
    return m
