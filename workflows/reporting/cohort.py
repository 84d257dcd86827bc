"""The deadline cohort D(P) (M3, M4) counted by the database: every deadline row whose final due
date is in P, grouped by kind and the case's respondent, with met, breached and met late
counted from the row's London closing date (`closed_on`) against its due date, as the row
stood at the as-at time. Rows cancelled by a withdrawal are taken off again (few), and only the
rows that can have been extended or paused (a moved or paused basis, or a case with an
extension) are read one by one, for their working days."""
import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case as when_, func, or_, select, tuple_

from casework.cases import Case
from casework.deadlines import Deadline
from casework.report_events import ReportEvent
from workflows.reporting.history import WINDOWS, History, case_conditions
from workflows.reporting.period import Period

#: A row closed by one of these was cancelled, not met.
CANCELLING = ("withdraw", "withdraw_dispute", "rescind_notice")
EXTENSIONS = ("extend_informal", "extend_review", "grant_extension", "extend_notice")
#: The only actions that move a row (its basis then says where from: extensions and bookings)
#: or pause it: only their cases' rows can have been extended or paused.
MOVERS = (*EXTENSIONS, "record_session", "schedule_hearing", "pause")
T, E = Deadline.__table__, ReportEvent.__table__


@dataclass
class Tally:
    due: int = 0
    met: int = 0
    breached: int = 0
    late_remedied: int = 0
    #: Working days added, for each row of the group extended at least once.
    extensions: list[int] = field(default_factory=list)

    def add(self, due: int, met: int, breached: int, late: int) -> None:
        self.due, self.met = self.due + due, self.met + met
        self.breached, self.late_remedied = self.breached + breached, self.late_remedied + late


@dataclass
class Cohort:
    #: (deadline kind, who owes it) -> its tally.
    groups: dict[tuple[str, str], Tally]
    #: Working days paused, for each row paused at least once.
    paused: list[int]

    @property
    def due(self) -> int:
        return sum(t.due for t in self.groups.values())


def cohort(db, h: History, p: Period, worked_days: bool = True) -> Cohort:
    """D(P) as it stood at the as-at time; `worked_days`: the extension and pause working days
    too (M4 and M3's table), not only the counts (M3's rate)."""
    return cohorts(db, h, [p], worked_days)[p]


def cohorts(db, h: History, periods: list[Period], worked_days: bool = True) -> dict[Period, Cohort]:
    """`cohort` for each of these periods, counted in one pass over their rows (a period's rows
    are told apart by their due date) when the periods do not overlap."""
    from workflows.reporting.deadline_metrics import base_kind, owed_by_side
    ordered = sorted(set(periods), key=lambda p: p.start)
    if any(a.end >= b.start for a, b in zip(ordered, ordered[1:])):
        return {p: cohorts(db, h, [p], worked_days)[p] for p in ordered}
    as_at = h.as_at
    closed_on = when_((T.c.closed_at <= as_at, T.c.closed_on), else_=None)
    breached_by = or_(T.c.breached_at <= as_at, closed_on > T.c.due_on)
    met = and_(closed_on.is_not(None), closed_on <= T.c.due_on, or_(T.c.breached_at.is_(None), T.c.breached_at > as_at))
    late = and_(closed_on.is_not(None), breached_by)
    flags = (when_((met, 1), else_=0), when_((breached_by, 1), else_=0), when_((late, 1), else_=0))

    def due_in(*spans: Period):
        return (*case_conditions(h.filters, as_at, h.earliest), T.c.created_at <= as_at,
                or_(*(and_(T.c.due_on >= p.start, T.c.due_on <= p.end) for p in _runs(spans))))

    base = select().select_from(T.join(Case, Case.id == T.c.case_id)).where(*due_in(*ordered))
    # Which of the periods a row is due in (their index), when there is more than one.
    bucket = [when_(*((T.c.due_on <= p.end, i) for i, p in enumerate(ordered)), else_=len(ordered))] \
        if len(ordered) > 1 else []
    sorts: dict[tuple, tuple[str, str] | None] = {}

    def sort(kind: str, respondent: int | None) -> tuple[str, str] | None:
        key = (kind, respondent)
        if key not in sorts:
            base_ = base_kind(kind)
            side = owed_by_side(h, respondent, kind)
            f = h.filters
            wanted = base_ not in WINDOWS and (not f.deadline_types or base_ in f.deadline_types) \
                and (not f.owed_by or side in f.owed_by)
            sorts[key] = (base_, side) if wanted else None
        return sorts[key]

    groups: list[dict[tuple[str, str], Tally]] = [{} for _ in ordered]
    counted = base.add_columns(*bucket, T.c.kind, Case.respondent_org_id, func.count(), *(func.sum(f) for f in flags)) \
        .group_by(*bucket, T.c.kind, Case.respondent_org_id)
    for row in db.execute(counted):
        i, kind, respondent, n, m, b, lr = row if bucket else (0, *row)
        if (found := sort(kind, respondent)) is not None:
            groups[i].setdefault(found, Tally()).add(n, m or 0, b or 0, lr or 0)
    # Rows closed by a withdrawal (at its instant) were cancelled: found with the withdrawals.
    withdrawals = select(E.c.case_id, E.c.at).where(E.c.trigger.in_(CANCELLING), E.c.at <= as_at)
    closed = base.add_columns(*bucket, T.c.id, T.c.kind, Case.respondent_org_id, *flags) \
        .where(T.c.closed_at <= as_at, tuple_(T.c.case_id, T.c.closed_at).in_(withdrawals))
    cancelled = set()
    for row in db.execute(closed):
        i, row_id, kind, respondent, m, b, lr = row if bucket else (0, *row)
        cancelled.add(row_id)
        if (found := sort(kind, respondent)) is not None:
            groups[i][found].add(-1, -m, -b, -lr)
    paused = _worked_days(db, h, base, bucket, cancelled, sort, groups) if worked_days else [[] for _ in ordered]
    return {p: Cohort({k: t for k, t in groups[i].items() if t.due}, paused[i]) for i, p in enumerate(ordered)}


def _runs(periods) -> list[Period]:
    """The periods as runs of days: periods one just after another joined into one."""
    runs: list[Period] = []
    for p in sorted(periods, key=lambda p: p.start):
        if runs and (p.start - runs[-1].end).days == 1:
            runs[-1] = Period(runs[-1].start, p.end)
        else:
            runs.append(p)
    return runs


def _worked_days(db, h: History, base, bucket: list, cancelled: set, sort, groups: list) -> list[list[int]]:
    """The rows that can have been extended or paused, one by one: working days added by
    extensions (each tally's list) and working days paused (returned, for each period)."""
    moves: dict[int, list] = {}
    for case_id, at, facts in db.execute(
            select(E.c.case_id, E.c.at, E.c.facts).join(Case, Case.id == E.c.case_id)
            .where(*case_conditions(h.filters, h.as_at, h.earliest), E.c.trigger.in_(EXTENSIONS), E.c.at <= h.as_at)
            .order_by(E.c.case_id, E.c.seq)):
        moves.setdefault(case_id, []).append((at, facts or {}))
    # A case's extensions can only have moved rows of the deadlines they name.
    named = sorted({str(m.get("deadline")) for found in moves.values() for _, facts in found
                    for m in facts.get("deadlines_moved") or ()})
    moved_from, spells = T.c.basis["moved_from"].as_string(), T.c.basis["paused"].as_string()
    query = base.add_columns(*bucket, T.c.id, T.c.case_id, T.c.kind, Case.respondent_org_id, T.c.label, T.c.due_on,
                             moved_from, spells, T.c.created_at,
                             when_((T.c.closed_at <= h.as_at, T.c.closed_at), else_=None)) \
        .where(T.c.case_id.in_(select(E.c.case_id).where(E.c.trigger.in_(MOVERS))),
               or_(moved_from.is_not(None), spells.is_not(None),
                   and_(T.c.label.in_(named), T.c.case_id.in_(select(E.c.case_id).where(
                       E.c.trigger.in_(EXTENSIONS), E.c.at <= h.as_at)))))
    paused: list[list[int]] = [[] for _ in groups]
    for row in db.execute(query):
        i, row_id, case_id, kind, respondent, label, due_on, moved_from, spells, created_at, closed_at = \
            row if bucket else (0, *row)
        found = sort(kind, respondent)
        if row_id in cancelled or found is None:
            continue
        added = extension_wd(h, moves.get(case_id, ()), label, due_on, moved_from, created_at, closed_at)
        if added is not None:
            groups[i][found].extensions.append(added)
        spells = json.loads(spells) if spells else ()
        if spells:
            paused[i].append(sum(h.wd(date.fromisoformat(a), date.fromisoformat(b) if b else h.today) for a, b in spells))
    return paused


def extension_wd(h: History, moves, label, due_on, moved_from, created_at, closed_at) -> int | None:
    """Working days the row's extensions added (None: never extended): those its case's
    extensions moved it by, else from where its basis says it was moved from."""
    added = None
    for at, facts in moves:
        if at < created_at or (closed_at and at > closed_at):
            continue
        for move in facts.get("deadlines_moved") or ():
            if move.get("deadline") == label and move.get("from") and move.get("to"):
                added = (added or 0) + h.wd(date.fromisoformat(move["from"]), date.fromisoformat(move["to"]))
    if added is None and moved_from:
        added = h.wd(date.fromisoformat(moved_from), due_on)
    return added
