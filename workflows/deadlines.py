"""Keeping a case's deadline rows in step with its state: open what the state requires,
close what it no longer does, move a deadline for an extension, pause and resume keeping
the working days left, and recompute working-day deadlines when a holiday is added.

Every transition comes through here, so the rows are read and written with Core
statements rather than through the ORM's unit of work: a transition costs a few
statements, not a flush of tracked objects. A row being worked on is a plain namespace of
its columns, whose timing columns are then written back by id."""
from datetime import date, datetime
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
          .values(status=DeadlineStatus.CLOSED, closed_at=bindparam("now"), next_action_at=None))
_CLOSE_ALL = (update(TABLE).where(TABLE.c.case_id == bindparam("of_case"), IS_LIVE)
              .values(status=DeadlineStatus.CLOSED, closed_at=bindparam("now"), next_action_at=None))
#: What set_due, pausing and resuming may change on a row; written back by id.
_TIMING = ("status", "due_on", "fires_at", "remind_at", "reminded_at", "next_action_at", "breached_at",
           "paused_remaining", "basis")
_WRITE_TIMING = update(TABLE).where(TABLE.c.id == bindparam("row_id")).values(
    {name: bindparam(name) for name in _TIMING})
_NEW_COLUMNS = [c.name for c in TABLE.columns if c.name != "id"]
_INSERT = insert(TABLE)


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
        return date.fromordinal(anchor.toordinal() - rule.due.days_before), {"unit": "date"}
    count = getattr(limits, rule.due.limit)
    basis = {"unit": rule.due.unit, "anchor": anchor.isoformat(), "count": count}
    if rule.due.unit == "wd":
        return cal.add_working_days(anchor, count, calendar=calendar), basis
    return cal.add_calendar_months(anchor, count), basis


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
        closing = (_CLOSE_ALL, [{"of_case": case.id, "now": now}])
    else:
        rows = []
        for row in live_briefly(db, case):
            if row.state == case.status and row.kind in required:
                have.add(row.kind)
            else:
                rows.append({"row_id": row.id, "now": now})
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
                          breached_at=None, fired_at=None, closed_at=None, claimed_by=None, lease_until=None)
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
    row.basis = {"unit": "date", "moved_from": old.isoformat() if old else None, "reason": reason}
    if row.status == DeadlineStatus.PAUSED:
        row.paused_remaining = cal.working_days_between(cal.local_date(now), new_due, calendar=calendar)
    else:
        set_due(row, new_due, now, limits, calendar)
    _write_timing(db, [row])
    return DeadlineMoved(case.id, now, row.id, row.label, old, new_due, reason)


def _pause_row(row: SimpleNamespace, now: datetime, calendar: cal.WorkingCalendar) -> None:
    today = cal.local_date(now)
    row.paused_remaining = max(0, cal.working_days_between(today, row.due_on, calendar=calendar))
    row.status, row.next_action_at = DeadlineStatus.PAUSED, None


def pause_all(db: Db, case: CaseReading, now: datetime, calendar: cal.WorkingCalendar) -> None:
    """Stop every running clock on the case, keeping the working days left."""
    running = [row for row in live_namespaces(db, case) if row.status == DeadlineStatus.OPEN]
    for row in running:
        _pause_row(row, now, calendar)
    _write_timing(db, running)


def resume_all(db: Db, case: CaseReading, now: datetime, limits: TimeLimits,
               calendar: cal.WorkingCalendar) -> None:
    """Restart paused clocks with the working days they had left."""
    today = cal.local_date(now)
    paused = [row for row in live_namespaces(db, case) if row.status == DeadlineStatus.PAUSED]
    for row in paused:
        row.status = DeadlineStatus.OPEN
        set_due(row, cal.add_working_days(today, row.paused_remaining or 0, calendar=calendar),
                now, limits, calendar)
        row.paused_remaining = None
    _write_timing(db, paused)


def recompute_working_day_rows(db: Db, now: datetime, limits: TimeLimits,
                               calendar: cal.WorkingCalendar) -> list[DeadlineMoved]:
    """After the holiday list changes, recompute every open working-day deadline."""
    moved: list[DeadlineMoved] = []
    changed: list[SimpleNamespace] = []
    query = select(TABLE).where(TABLE.c.status == DeadlineStatus.OPEN).order_by(TABLE.c.id)
    for row in (SimpleNamespace(**r._mapping) for r in db.execute(query)):
        if (row.basis or {}).get("unit") != "wd":
            continue
        new_due = cal.add_working_days(date.fromisoformat(row.basis["anchor"]), row.basis["count"],
                                       calendar=calendar)
        if new_due != row.due_on:
            old = row.due_on
            set_due(row, new_due, now, limits, calendar)
            changed.append(row)
            moved.append(DeadlineMoved(row.case_id, now, row.id, row.label, old, new_due,
                                       "the bank holiday list changed"))
    _write_timing(db, changed)
    return moved
