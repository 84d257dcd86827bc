"""Deadline metrics over the cohort D(P) (reporting.md section 6): compliance (M3), extensions
and pauses (M4) and the breach log (M5). D(P) is every deadline row whose final due date (after
extensions and pauses) is in P, other than windows and periods (a consultation window or a
notice period lapsing is not a breach) and rows cancelled by a withdrawal."""
from collections import Counter
from datetime import datetime

from workflows import calendar as cal
from workflows.reporting.cohort import CANCELLING, Cohort
from workflows.reporting.history import WINDOWS, CaseFacts, History
from workflows.reporting.metric import Metric, col, table
from workflows.reporting.period import MEDIATOR, PANEL, STATUTORY, VCO, Period
from workflows.reporting.rates import Rate, median

#: Who owes each kind of deadline; "respondent": the side the dispute is about.
OWER = {"concern_ack": VCO, "plan_agreement": STATUTORY, "action": VCO, "review": STATUTORY,
        "decision": STATUTORY, "notice_ack": VCO, "dispute_ack": "respondent", "informal_response": "respondent",
        "review_ack": "respondent", "review_outcome": "respondent", "findings_response": "respondent",
        "mediation_agreement": MEDIATOR, "mediation_session": MEDIATOR, "mediation_outcome": MEDIATOR,
        "panel_hearing": PANEL, "panel_findings": PANEL}
#: Deadline kinds a report can be filtered to, with the words people know them by.
KIND_WORDS = {"concern_ack": "Acknowledge the concern", "plan_agreement": "Agree the improvement plan",
              "action": "Plan action", "review": "Review performance", "decision": "Make the decision",
              "notice_ack": "Acknowledge the notice", "dispute_ack": "Acknowledge the dispute",
              "informal_response": "Informal written response (D1)", "review_ack": "Assign a senior reviewer",
              "review_outcome": "Senior review outcome (D2)", "mediation_agreement": "Agree to mediation",
              "mediation_session": "Hold the mediation session", "mediation_outcome": "Write up the mediation outcome",
              "panel_hearing": "Hold the panel hearing", "panel_findings": "Issue the panel's findings",
              "findings_response": "Respond to the panel's findings"}


def base_kind(kind: str) -> str:
    return kind.split(":")[0]


def owed_by(h: History, case: CaseFacts, kind: str) -> str:
    return owed_by_side(h, case.respondent_org_id, kind)


def owed_by_side(h: History, respondent_org_id: int | None, kind: str) -> str:
    side = OWER.get(base_kind(kind), STATUTORY)
    if side == "respondent":
        return STATUTORY if h.org_kinds.get(respondent_org_id) == "statutory" else VCO
    return side


def _cancelled(case: CaseFacts, row) -> bool:
    return row.closed_at is not None and row.closed_at in case.once("cancelled_at", _cancel_times)


def _cancel_times(case: CaseFacts) -> frozenset:
    return frozenset(e.at for e in case.entries if e.trigger in CANCELLING)


def _wanted(h: History, case: CaseFacts, row) -> bool:
    f = h.filters
    return base_kind(row.kind) not in WINDOWS and (not f.deadline_types or base_kind(row.kind) in f.deadline_types) \
        and (not f.owed_by or owed_by(h, case, row.kind) in f.owed_by)


def compliance(h: History, p: Period, due: Cohort) -> Metric:
    m = Metric("m3", "Deadline compliance", "Deadlines whose final due date is in the period: met on or before "
               "it, out of met and breached; by type and by who owes it (both sides). Late-remedied: breached, "
               "then met later.")
    tallies = due.groups.values()
    rate = Rate(sum(t.met for t in tallies), sum(t.met + t.breached for t in tallies))
    m.count, m.rate = due.due, rate
    m.headline = f"{rate.words()} met; {sum(t.late_remedied for t in tallies)} met late"
    rows = []
    for (kind, side), t in sorted(due.groups.items(), key=lambda kv: (kv[0][1], KIND_WORDS.get(kv[0][0], kv[0][0]))):
        r = Rate(t.met, t.met + t.breached)
        rows.append((KIND_WORDS.get(kind, kind), side, r.n, t.breached, r.percent if r.rated else None,
                     t.late_remedied, len(t.extensions), median(t.extensions)))
    m.tables.append(table("m3_deadline_compliance", "Deadlines met, by type and by who owes them",
                          f"Deadlines due, {p.label()}",
                          (col("deadline_type", "Deadline"), col("owed_by", "Owed by"), col("met", "Met", True),
                           col("breached", "Breached", True), col("percent_met", "Per cent met", True),
                           col("late_remedied", "Met late", True), col("extended", "Extended", True),
                           col("median_extension_wd", "Median extension, working days", True)), rows, chart="bar",
                          overview=f"{rate.words()} deadlines due in the period were met."))
    sides = []
    for side in sorted({side for _, side in due.groups}):
        items = [t for (_, s), t in due.groups.items() if s == side]
        r = Rate(sum(t.met for t in items), sum(t.met + t.breached for t in items))
        sides.append((side, r.n, r.of - r.n, r.of, r.percent if r.rated else None))
    m.tables.append(table("m3_by_side", "Deadlines met, by who owes them", f"Deadlines due, {p.label()}",
                          (col("owed_by", "Owed by"), col("met", "Met", True), col("breached", "Breached", True),
                           col("denominator", "Out of", True), col("percent_met", "Per cent met", True)), sides))
    return m


def extensions_and_pauses(h: History, p: Period, due: Cohort) -> Metric:
    m = Metric("m4", "Extensions and pauses", "Deadlines whose final due date is in the period: share with at "
               "least one extension and median working days added; share with at least one pause and median "
               "working days paused.")
    ext = [days for t in due.groups.values() for days in t.extensions]
    paused = due.paused
    extended, held = Rate(len(ext), due.due), Rate(len(paused), due.due)
    m.count = due.due
    m.headline = f"Extended: {extended.words()}; paused: {held.words()}"
    m.tables.append(table("m4_extensions_and_pauses", "Deadlines extended or paused", f"Deadlines due, {p.label()}",
                          (col("what", "What"), col("n", "Deadlines", True), col("denominator", "Out of", True),
                           col("percent", "Per cent", True), col("median_wd", "Median working days", True)),
                          [("Extended at least once", extended.n, extended.of, extended.percent, median(ext)),
                           ("Paused at least once", held.n, held.of, held.percent, median(paused))]))
    return m


def breach_log(h: History, p: Period) -> Metric:
    m = Metric("m5", "Breach log", "Each breach recorded in the period: case, deadline, who owes it, final due "
               "date, working days late (to when it was met, or outstanding at the end of the period) and the "
               "reason recorded.")
    end = cal.end_of_day_utc(p.end)
    rows, by_type = [], Counter()
    for row in h.rows:
        case = h.cases.get(row.case_id)
        when = [t for t in h.breaches.get(row.id, ()) if h.day(t) in p]
        if case is None or not when or not _wanted(h, case, row):
            continue
        met_at = row.closed_at if row.closed_at is not None and row.closed_at <= end and not _cancelled(case, row) \
            else None
        late = h.case_wd(case, row.due_on, cal.local_date(met_at)) if met_at else None
        side = owed_by(h, case, row.kind)
        rows.append((case.ref, row.label, side, row.due_on, cal.local_date(min(when)), late,
                     "Met late" if met_at else "Outstanding at the end of the period", _reason(case, min(when))))
        by_type[(KIND_WORDS.get(base_kind(row.kind), row.label), side)] += 1
    rows.sort(key=lambda r: (r[4], r[0]))
    m.count = len(rows)
    m.headline = f"{len(rows)} breach{'' if len(rows) == 1 else 'es'} recorded"
    m.tables.append(table("m5_breach_log", "Breaches recorded", f"Breaches recorded, {p.label()}",
                          (col("case_reference", "Case"), col("deadline", "Deadline"), col("owed_by", "Owed by"),
                           col("final_due_date", "Final due date"), col("breach_recorded_on", "Breach recorded"),
                           col("wd_late", "Working days late", True), col("status", "Status"),
                           col("reason", "Reason recorded")), rows))
    m.tables.append(table("m5_breaches_by_type", "Breaches by deadline", f"Breaches recorded by deadline, {p.label()}",
                          (col("deadline_type", "Deadline"), col("owed_by", "Owed by"), col("breaches", "Breaches", True)),
                          [(k, s, n) for (k, s), n in sorted(by_type.items())]))
    return m


def _reason(case: CaseFacts, at: datetime) -> str:
    """A reason recorded with the breach: a date set later than its limit carries one."""
    entry = next((e for e in case.entries if e.at == at and e.data.get("late_reason")), None)
    return str(entry.data["late_reason"]) if entry else ""
