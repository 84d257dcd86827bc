"""Dispute metrics read from the report's events: remedies (M17) and learning actions (M18), from
each senior review outcome and panel findings. Disputes raised, escalation, outcomes and time
per stage (M13-M16): `dispute_flow`."""
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import String, and_, cast, exists, func, or_, select

from casework.cases import REF_PREFIX, Case, CaseLink
from casework.deadlines import Deadline, DeadlineEffect
from casework.report_events import ReportEvent
from workflows import calendar as cal
from workflows.definitions import as_date
from workflows.dispute_rules import REMEDIES
from workflows.reporting.history import History, among, case_conditions
from workflows.reporting.metric import RATE_COLUMNS, Metric, col, rate_cells, table
from workflows.reporting.period import Period
from workflows.reporting.rates import Rate

#: Remedies a linked funding case shows were applied, and the actions that apply them.
APPLIED_BY = {"reconsult": ("open_consultation", "reopen_consultation"),
              "redecide": ("decide_change", "decide_no_change"), "extend_notice": ("extend_notice",)}
REMEDY_WORDS = dict(REMEDIES)
E, T = ReportEvent.__table__, Deadline.__table__


class Issued(NamedTuple):
    case_id: int
    at: datetime
    day: date
    data: dict[str, Any]
    linked_case_id: int | None

    @property
    def ref(self) -> str:
        return f"{REF_PREFIX.get('dispute', 'CS')}-{self.case_id:04d}"


def _issued(h: History, trigger: str, *conditions) -> list[Issued]:
    """The disputes' events of this kind, in the order of the disputes and their trails."""
    linked = select(CaseLink.funding_case_id).where(CaseLink.dispute_id == E.c.case_id).limit(1).scalar_subquery()
    query = (select(E.c.case_id, E.c.at, E.c.day, E.c.facts, linked).join(Case, Case.id == E.c.case_id)
             .where(*case_conditions(h.filters, h.as_at, h.earliest), Case.workflow == "dispute",
                    E.c.trigger == trigger, E.c.at <= h.as_at, *conditions).order_by(E.c.case_id, E.c.seq))
    return [Issued(case_id, at, day, facts or {}, link) for case_id, at, day, facts, link in h.db.execute(query)]


def _remedies(reviews: list[Issued]):
    """(review outcome, remedy, agreed date or None) for every remedy named."""
    for e in reviews:
        for remedy in e.data.get("remedies") or ():
            yield e, remedy, as_date(e.data.get("remedies_by"))


def _applied(h: History, reviews: list[Issued]) -> dict[int, list[tuple]]:
    """The linked funding cases' actions that apply a remedy: (trigger, at, day) by case."""
    ids = {e.linked_case_id for e in reviews if e.linked_case_id is not None}
    found: dict[int, list[tuple]] = {}
    triggers = [t for applied in APPLIED_BY.values() for t in applied]
    for chunk in among(h.db, E.c.case_id, ids):
        query = (select(E.c.case_id, E.c.trigger, E.c.at, E.c.day).join(Case, Case.id == E.c.case_id)
                 .where(*case_conditions(h.filters, h.as_at, h.earliest), chunk,
                        E.c.trigger.in_(triggers), E.c.at <= h.as_at).order_by(E.c.case_id, E.c.seq))
        for case_id, trigger, at, day in h.db.execute(query):
            found.setdefault(case_id, []).append((trigger, at, day))
    return found


def remedies(h: History, p: Period) -> Metric:
    m = Metric("m17", "Remedies implemented", "Remedies with an agreed date in the period that the linked "
               "funding case shows applied by that date, out of those remedies. Only remedies a funding case "
               "shows (consult again, decide again, extend the notice) can be checked; an apology or a process "
               "fix is listed, not rated.")
    agreed = func.substr(E.c.facts["remedies_by"].as_string(), 1, 10)
    reviews = _issued(h, "give_review_outcome", agreed.between(p.start.isoformat(), p.end.isoformat()))
    actions = _applied(h, reviews)
    applied, due, listed = 0, 0, []
    for outcome, remedy, by in _remedies(reviews):
        c = outcome
        if by is None or by not in p:
            continue
        if remedy not in APPLIED_BY:
            listed.append((c.ref, REMEDY_WORDS.get(remedy, remedy), by, "Not shown on a funding case"))
            continue
        due += 1
        done = any(trigger in APPLIED_BY[remedy] and outcome.at < at and day <= by
                   for trigger, at, day in actions.get(c.linked_case_id, ()))
        applied += done
        if not done:
            listed.append((c.ref, REMEDY_WORDS.get(remedy, remedy), by,
                           "Outstanding" if by >= h.today else "Not applied by the agreed date"))
    rate = Rate(applied, due)
    m.rate, m.count = rate, due + len(listed)
    m.headline = f"{rate.words()} applied by the agreed date"
    m.tables.append(table("m17_remedies", "Remedies applied by their agreed date", f"Remedies due, {p.label()}",
                          RATE_COLUMNS, [rate_cells(rate)]))
    m.tables.append(table("m17_outstanding", "Remedies not shown as applied", f"Remedies due and not shown as "
                          f"applied, {p.label()}", (col("case_reference", "Dispute"), col("remedy", "Remedy"),
                                                    col("agreed_date", "Agreed date"), col("status", "Status")),
                          listed))
    return m


def learning(h: History, p: Period) -> Metric:
    m = Metric("m18", "Learning actions", "Process-fix remedies and Compact panel recommendations issued in "
               "the period, each with its status.")
    rows = []
    in_p = (E.c.day >= p.start, E.c.day <= p.end)
    fixes = _issued(h, "give_review_outcome", *in_p, cast(E.c.facts, String).like('%"process_fix"%'))
    for outcome, remedy, by in _remedies(fixes):
        if remedy == "process_fix" and outcome.day in p:
            status = "Agreed" if by is None or by >= h.today else "Agreed date passed; completion not recorded"
            rows.append((outcome.ref, "Fix the process (senior review)", outcome.day, by, status,
                         str(outcome.data.get("reasons") or "")))
    for e, answered, late in _findings(h, p):
        status = "Agreed (response given)" if answered else "Overdue" if late else "Awaiting the response"
        rows.append((e.ref, "Compact panel recommendation", e.day, None, status,
                     str(e.data.get("recommendations") or "")))
    rows.sort(key=lambda r: (r[2], r[0]))
    m.count = len(rows)
    m.headline = f"{len(rows)} learning actions"
    m.tables.append(table("m18_learning_actions", "Learning actions", f"Learning actions issued, {p.label()}",
                          (col("case_reference", "Dispute"), col("source", "Source"), col("issued_on", "Issued"),
                           col("agreed_date", "Agreed date"), col("status", "Status"), col("action", "Action")),
                          rows))
    return m


def _findings(h: History, p: Period) -> list[tuple[Issued, bool, bool]]:
    """Panel findings issued in the period, each with whether it was answered and is late:
    answered if the respondent responded after them, late if the response's deadline row (as
    the report reads rows: due in the periods, or breached in them) was breached."""
    later = E.alias("later")
    answered = exists().where(later.c.case_id == E.c.case_id, later.c.trigger == "respond_to_findings",
                              later.c.at > E.c.at, later.c.at <= h.as_at)
    since = cal.start_of_day_utc(h.earliest)
    effects = select(DeadlineEffect.deadline_id).where(DeadlineEffect.effect == "breach",
                                                       DeadlineEffect.at <= h.as_at, DeadlineEffect.at >= since)
    late = exists().where(T.c.case_id == E.c.case_id, T.c.kind == "findings_response", T.c.created_at <= h.as_at,
                          T.c.breached_at <= h.as_at,
                          or_(and_(T.c.due_on >= h.earliest, T.c.due_on <= h.latest), T.c.breached_at >= since,
                              T.c.id.in_(effects)))
    query = (select(E.c.case_id, E.c.at, E.c.day, E.c.facts, answered, late).join(Case, Case.id == E.c.case_id)
             .where(*case_conditions(h.filters, h.as_at, h.earliest), Case.workflow == "dispute",
                    E.c.trigger == "issue_findings", E.c.at <= h.as_at, E.c.day >= p.start, E.c.day <= p.end)
             .order_by(E.c.case_id, E.c.seq))
    return [(Issued(case_id, at, day, facts or {}, None), bool(a), bool(b))
            for case_id, at, day, facts, a, b in h.db.execute(query)]
