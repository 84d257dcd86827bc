"""Keeping a case's deadline rows in step with its state: open what the state requires,
close what it no longer does, move a deadline for an extension, pause and resume (a
working-day deadline keeps the working days left; a calendar period, the notice, moves later
by the calendar days it stood paused), and recompute working-day deadlines from their basis
when a holiday is added.

Every transition comes through here, so the rows are read and written with Core
statements rather than through the ORM's unit of work: a transition costs a few
statements, not a flush of tracked objects. A row being worked on is a plain namespace of
its columns, whose timing columns are then written back by id."""
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from casework.cases import CaseReading
from casework.deadlines import Deadline, DeadlineStatus
from casework.events import DeadlineMoved
from casework.persistence import Db
from workflows import calendar as cal
from workflows.deadline_rows import (  # noqa: F401  (live_briefly_of_cases is re-exported)
    IS_LIVE, TABLE, live_briefly, live_briefly_of_cases, namespaces)
from workflows.definitions import DeadlineRule, DeadlineSpec, Workflow
from workflows.limits import TimeLimits

_LIVE_OF_CASE = select(TABLE).where(TABLE.c.case_id == bindparam("case_id"), IS_LIVE).order_by(TABLE.c.id)
_CLOSE = (update(TABLE).where(TABLE.c.id == bindparam("row_id"))
          .values(status=DeadlineStatus.CLOSED, closed_at=bindparam("now"), closed_on=bindparam("closed_on"),
                  next_action_at=None))
_CLOSE_ALL = (update(TABLE).where(TABLE.c.case_id == bindparam("of_case"), IS_LIVE)
              .values(status=DeadlineStatus.CLOSED, closed_at=bindparam("now"), closed_on=bindparam("closed_on"),
                      next_action_at=None))
#: What set_due, pausing and resuming may change on a row; written back by id.
_TIMING = ("status", "due_on", "fires_at", "remind_at", "reminded_at", "next_action_at", "breached_at",
           "paused_remaining", "basis")
_WRITE_TIMING = update(TABLE).where(TABLE.c.id == bindparam("row_id")).values(
    {name: bindparam(name) for name in _TIMING})
_NEW_COLUMNS = [c.name for c in TABLE.columns if c.name != "id"]
_INSERT = insert(TABLE)
#: What a row's basis keeps through an extension: how its pauses are counted.
_KEPT_ON_MOVE = ("calendar_period", "paused_on", "paused_days", "paused_through", "paused")
_LIVE_ROWS = select(TABLE).where(IS_LIVE).order_by(TABLE.c.id)


def is_calendar_period(row) -> bool:
    """Whether the row is a calendar period (the notice), paused in calendar days, never
    turned into working days."""
    return bool((row.basis or {}).get("calendar_period"))


def required_deadlines(workflow: Workflow, case: CaseReading, limits: TimeLimits,
                       calendar: cal.WorkingCalendar) -> dict[str, DeadlineSpec]:
    """Every deadline the case's current state requires, by kind."""
    specs: dict[str, DeadlineSpec] = {}
    for rule in workflow.rules_for(case.status):
        if rule.items is not None:
            for suffix, label, due in rule.items(case):
                kind = f"{rule.kind}:{suffix}"
                specs[kind] = DeadlineSpec(kind, label, due, {"unit": "date"})
        elif rule.applies(case):
            due_on, basis = compute_due(rule, case, limits, calendar)
            if rule.calendar_period:
                basis = {**basis, "calendar_period": True}
            if due_on is not None:
                specs[rule.kind] = DeadlineSpec(rule.kind, rule.label, due_on, basis)
    return specs


def compute_due(rule: DeadlineRule, case: CaseReading, limits: TimeLimits,
                calendar: cal.WorkingCalendar) -> tuple[date | None, dict]:
    """The due date of a rule for this case, and the basis to recompute it from."""
    anchor = rule.due.anchor(case)
    if anchor is None:
        return None, {}
    if rule.due.unit == "date":
        return rule.due.count_from(anchor, limits, calendar), {"unit": "date"}
    basis = {"unit": rule.due.unit, "anchor": anchor.isoformat(), "count": getattr(limits, rule.due.limit)}
    return rule.due.count_from(anchor, limits, calendar), basis


def live_rows(db: Db, case: CaseReading) -> list[Deadline]:
    """The case's running and paused rows as they stand in the database, oldest first, as
    detached objects for reading: change them through the functions here."""
    return [Deadline(**vars(row)) for row in live_namespaces(db, case)]


def live_row(db: Db, case: CaseReading, kind: str) -> SimpleNamespace | None:
    """The case's running (or paused) deadline of this kind, if any."""
    return next((row for row in live_namespaces(db, case) if row.kind == kind), None)


def live_namespaces(db: Db, case: CaseReading) -> list[SimpleNamespace]:
    """The case's running and paused rows, oldest first, each a namespace of its columns."""
    return namespaces(_LIVE_OF_CASE, db.execute(_LIVE_OF_CASE, {"case_id": case.id}))


def sync(db: Db, workflow: Workflow, case: CaseReading, now: datetime, limits: TimeLimits,
         calendar: cal.WorkingCalendar, entered: bool = False) -> None:
    """Close rows the state no longer needs and open the ones it needs. `entered`: the case
    has just entered its state, so every live row (all of the state it left, since each
    change of state comes through here) is closed without reading them."""
    required = required_deadlines(workflow, case, limits, calendar) if case.status not in workflow.terminal else {}
    have: set[str] = set()
    if entered:
        closing = (_CLOSE_ALL, [{"of_case": case.id, "now": now, "closed_on": cal.local_date(now)}])
    else:
        rows, closed_on = [], cal.local_date(now)
        for row in live_briefly(db, case):
            if row.state == case.status and row.kind in required:
                have.add(row.kind)
            else:
                rows.append({"row_id": row.id, "now": now, "closed_on": closed_on})
        closing = (_CLOSE, rows)
    rules = {r.kind: r for r in workflow.rules_for(case.status)}
    opening = [{name: getattr(row, name) for name in _NEW_COLUMNS}
               for row in (_new_row(case, rules[kind.split(":")[0]], spec, now, limits, calendar)
                           for kind, spec in required.items() if kind not in have)]
    for statement, rows in (closing, (_INSERT, opening)):
        if rows:
            db.execute(statement, rows)


def _new_row(case: CaseReading, rule: DeadlineRule, spec: DeadlineSpec, now: datetime,
             limits: TimeLimits, calendar: cal.WorkingCalendar) -> SimpleNamespace:
    row = SimpleNamespace(case_id=case.id, kind=spec.kind, label=spec.label, state=case.status,
                          on_expiry=rule.on_expiry, acting_roles=list(rule.acting),
                          notify_roles=list(rule.notify), basis=spec.basis, created_at=now,
                          status=DeadlineStatus.OPEN, paused_remaining=None, reminded_at=None,
                          breached_at=None, fired_at=None, closed_at=None, closed_on=None, claimed_by=None, lease_until=None)
    set_due(row, spec.due_on, now, limits, calendar)
    if case.is_paused:
        _pause_row(row, now, calendar)
    return row


def set_due(row: Deadline | SimpleNamespace, due_on: date, now: datetime, limits: TimeLimits,
            calendar: cal.WorkingCalendar) -> None:
    """Set a row's due date and the instants derived from it (reminder, firing)."""
    row.due_on = due_on
    row.fires_at = cal.end_of_day_utc(due_on)
    remind_on = cal.subtract_working_days(due_on, limits.reminder_wd, calendar=calendar)
    already_reminded = row.reminded_at is not None and (row.basis or {}).get("reminded_for") == due_on.isoformat()
    if remind_on > cal.local_date(now) and not already_reminded:
        row.remind_at, row.reminded_at = cal.start_of_day_utc(remind_on), None
    else:
        row.remind_at = None
    row.next_action_at = min(t for t in (row.remind_at, row.fires_at) if t is not None)
    if row.breached_at is not None and row.fires_at > now:
        row.breached_at = None  # an extension past a breach gives a fresh chance


def _write_timing(db: Db, rows: list[SimpleNamespace]) -> None:
    if rows:
        db.execute(_WRITE_TIMING, [_timing(row) for row in rows])


def _timing(row: SimpleNamespace) -> dict[str, Any]:
    return {"row_id": row.id, **{name: getattr(row, name) for name in _TIMING}}


def move(db: Db, case: CaseReading, kind: str, new_due: date, reason: str, now: datetime,
         limits: TimeLimits, calendar: cal.WorkingCalendar) -> DeadlineMoved | None:
    """Move one live deadline (an extension), keeping the reason for the timeline."""
    row = live_row(db, case, kind)
    if row is None:
        return None
    old = row.due_on
    kept = {key: value for key, value in (row.basis or {}).items() if key in _KEPT_ON_MOVE}
    row.basis = {"unit": "date", "moved_from": old.isoformat() if old else None, "reason": reason, **kept}
    if row.status == DeadlineStatus.PAUSED and is_calendar_period(row):
        # Still paused: the days it stands paused are added to the new date on resuming.
        row.due_on, row.fires_at = new_due, cal.end_of_day_utc(new_due)
    elif row.status == DeadlineStatus.PAUSED:
        row.paused_remaining = cal.working_days_between(cal.local_date(now), new_due, calendar=calendar)
    else:
        set_due(row, new_due, now, limits, calendar)
    _write_timing(db, [row])
    return DeadlineMoved(case.id, now, row.id, row.label, old, new_due, reason)


_MISSED = (update(TABLE).where(TABLE.c.id == bindparam("row_id"), TABLE.c.breached_at.is_(None))
           .values(breached_at=bindparam("now")))


def record_missed(db: Db, row_id: int, now: datetime) -> None:
    """Record a live deadline as missed (a date set beyond it), unless already recorded."""
    db.execute(_MISSED, {"row_id": row_id, "now": now})


def _pause_row(row: SimpleNamespace, now: datetime, calendar: cal.WorkingCalendar) -> None:
    today, basis = cal.local_date(now), dict(row.basis or {})
    if is_calendar_period(row):
        basis["paused_on"], row.paused_remaining = today.isoformat(), None
    else:
        # The working days left, and the pause itself, so a recompute keeps it.
        row.paused_remaining = max(0, cal.working_days_between(today, row.due_on, calendar=calendar))
        basis["paused"] = [*basis.get("paused", ()), [today.isoformat(), None]]
    row.basis = basis
    row.status, row.next_action_at = DeadlineStatus.PAUSED, None


def _resume_row(row: SimpleNamespace, now: datetime, limits: TimeLimits, calendar: cal.WorkingCalendar) -> date:
    """Restart a paused row; returns its new due date (never earlier than before)."""
    today, basis = cal.local_date(now), dict(row.basis or {})
    if is_calendar_period(row):
        # Each calendar day on which it stood paused at any moment counts once: a pause and
        # resume on the same day is one day; a day counted by an earlier pause is not again.
        first = date.fromisoformat(basis.pop("paused_on", today.isoformat()))
        if basis.get("paused_through"):
            first = max(first, date.fromisoformat(basis["paused_through"]) + timedelta(days=1))
        days = max(0, (today - first).days + 1)
        basis["paused_days"] = basis.get("paused_days", 0) + days
        basis["paused_through"] = max(today.isoformat(), basis.get("paused_through") or "")
        new_due = row.due_on + timedelta(days=days)
    else:
        new_due = cal.add_working_days(today, row.paused_remaining or 0, calendar=calendar)
        pauses = [list(p) for p in basis.get("paused", ())]
        if pauses and pauses[-1][1] is None:
            pauses[-1][1] = today.isoformat()
        basis["paused"] = pauses
    row.basis, row.status, row.paused_remaining = basis, DeadlineStatus.OPEN, None
    set_due(row, new_due, now, limits, calendar)
    return new_due


def pause_all(db: Db, case: CaseReading, now: datetime, calendar: cal.WorkingCalendar) -> None:
    """Stop every running clock on the case, keeping the working days left."""
    running = [row for row in live_namespaces(db, case) if row.status == DeadlineStatus.OPEN]
    for row in running:
        _pause_row(row, now, calendar)
    _write_timing(db, running)


def resume_all(db: Db, case: CaseReading, now: datetime, limits: TimeLimits,
               calendar: cal.WorkingCalendar) -> list[tuple[SimpleNamespace, date | None, date]]:
    """Restart paused clocks: working-day ones with the working days they had left, calendar
    periods later by the calendar days they stood paused. Returns (row, old due, new due)."""
    paused = [row for row in live_namespaces(db, case) if row.status == DeadlineStatus.PAUSED]
    moves = []
    for row in paused:
        old = row.due_on
        moves.append((row, old, _resume_row(row, now, limits, calendar)))
    _write_timing(db, paused)
    return moves


def recompute_working_day_rows(db: Db, now: datetime, limits: TimeLimits,
                               calendar: cal.WorkingCalendar) -> list[DeadlineMoved]:
    """After the holiday list changes, recompute every live working-day deadline from its
    basis (start, working days needed, its pauses): a paused one keeps its pause and gets its
    working days left recounted. Extended deadlines are dates, and stay."""
    moved: list[DeadlineMoved] = []
    changed: list[SimpleNamespace] = []
    for row in (SimpleNamespace(**r._mapping) for r in db.execute(_LIVE_ROWS)):
        basis = row.basis or {}
        if basis.get("unit") != "wd":
            continue
        new_due, left = due_from_basis(basis, calendar)
        if row.status == DeadlineStatus.PAUSED:
            if new_due is None and left != row.paused_remaining:   # else paused before pauses were kept
                row.paused_remaining = left
                changed.append(row)
        elif new_due != row.due_on:
            old = row.due_on
            set_due(row, new_due, now, limits, calendar)
            changed.append(row)
            moved.append(DeadlineMoved(row.case_id, now, row.id, row.label, old, new_due,
                                       "the bank holiday list changed"))
    _write_timing(db, changed)
    return moved


def due_from_basis(basis: dict[str, Any], calendar: cal.WorkingCalendar) -> tuple[date | None, int]:
    """A working-day deadline's due date from its basis, counting no working day on which it
    stood paused, and the working days still left (due None: paused now)."""
    start, left = date.fromisoformat(basis["anchor"]), basis["count"]
    for began, ended in basis.get("paused") or ():
        left -= min(left, cal.working_days_between(start, date.fromisoformat(began), calendar=calendar))
        if ended is None:
            return None, left
        start = max(start, date.fromisoformat(ended))
    return cal.add_working_days(start, left, calendar=calendar), left
