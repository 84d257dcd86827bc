"""Funding-change metrics: decision timeliness (M6), the consultation window (M7) and the response
rate (M8), from the decisions, openings and closings the database finds (`funding_facts`; case
flow and outcomes: `case_flow`)."""
from datetime import date

from workflows.definitions import as_date
from workflows.limits import TimeLimits
from workflows.reporting.funding_facts import Closing, Decision, Opening
from workflows.reporting.history import History
from workflows.reporting.metric import RATE_COLUMNS, Metric, col, rate_cells, table
from workflows.reporting.period import Period
from workflows.reporting.rates import Rate, median


def _close_day(d: Decision) -> date | None:
    """The consultation's closing day before a decision: where the decision's 20 working days
    count from (the decision row's anchor), else the response day or the window's last day."""
    if d.anchor:
        return date.fromisoformat(d.anchor)
    if d.closing is None:
        return None
    return d.closing_day if d.closing == "submit_response" else as_date(d.closed_on) or d.closing_day


def decision_timeliness(h: History, p: Period, limits: TimeLimits, found: list[Decision]) -> Metric:
    m = Metric("m6", "Decision timeliness", f"Decisions recorded in the period: working days from the "
               f"consultation's close (response or lapse) to the decision, net of pauses; within "
               f"{limits.decision_wd} working days.")
    days = []
    for d in found:
        if d.day in p and (closed := _close_day(d)) is not None:
            days.append(h.wd_of(d.case_id, closed, d.day))
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


def consultation_window(h: History, p: Period, limits: TimeLimits, found: list[Opening]) -> Metric:
    m = Metric("m7", "Consultation window", f"Consultations opened in the period: initial and final window "
               f"in working days (final: after extensions, net of pauses); share with an initial window of at "
               f"least {limits.consultation_wd} working days; extension requests made and granted.")
    initial, final, asked, given = [], [], 0, 0
    for o in found:
        if o.day not in p:
            continue
        initial.append(h.wd(o.day, as_date(o.respond_by) or o.day))
        final.append(h.wd_of(o.case_id, o.day, o.due_on) if o.due_on is not None else initial[-1])
        asked, given = asked + o.asked, given + o.given
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


def response_rate(h: History, p: Period, found: list[Closing]) -> Metric:
    m = Metric("m8", "Response rate", "Consultations closed in the period (not withdrawn) with a response "
               "from the organisation, out of all closed; median working days to respond.")
    closed, answered, days = 0, 0, []
    for c in found:
        if c.day in p:
            closed += 1
            if c.trigger == "submit_response":
                answered += 1
                if c.opened is not None:
                    days.append(h.wd_of(c.case_id, c.opened, c.day))
    rate = Rate(answered, closed)
    m.count, m.rate = closed, rate
    m.headline = f"{rate.words()} with a response; median {_num(median(days))} working days to respond"
    m.tables.append(table("m8_response_rate", "Consultations answered", f"Consultations closed, {p.label()}",
                          (*RATE_COLUMNS, col("median_wd_to_respond", "Median working days to respond", True)),
                          [(*rate_cells(rate), median(days))]))
    return m
