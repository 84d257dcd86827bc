"""Keeping a case's deadline rows in step with its state: open what the state requires,
close what it no longer does, move a deadline for an extension, pause and resume keeping
the working days left, and recompute working-day deadlines when a holiday is added."""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases import Case
from casework.deadlines import LIVE, Deadline, DeadlineStatus
from casework.events import DeadlineMoved
from workflows import calendar as cal
from workflows.definitions import DeadlineRule, DeadlineSpec, Workflow
from workflows.limits import TimeLimits


def required_deadlines(workflow: Workflow, case: Case, limits: TimeLimits,
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


def compute_due(rule: DeadlineRule, case: Case, limits: TimeLimits,
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


def live_rows(session: Session, case: Case) -> list[Deadline]:
    """The case's running and paused rows, as they stand in this transaction (the engine
    writes with autoflush off, so a row closed but not yet flushed is filtered out here)."""
    rows = session.scalars(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.status.in_(LIVE)).order_by(Deadline.id))
    return [row for row in rows if row.status in LIVE]


def sync(session: Session, workflow: Workflow, case: Case, now: datetime, limits: TimeLimits,
         calendar: cal.WorkingCalendar) -> list[Deadline]:
    """Close rows the state no longer needs and open the ones it needs; returns live rows."""
    required = required_deadlines(workflow, case, limits, calendar) if case.status not in workflow.terminal else {}
    rules = {r.kind: r for r in workflow.rules_for(case.status)}
    kept: list[Deadline] = []
    for row in live_rows(session, case):
        if row.state == case.status and row.kind in required:
            kept.append(row)
        else:
            row.status, row.closed_at, row.next_action_at = DeadlineStatus.CLOSED, now, None
    have = {row.kind for row in kept}
    for kind, spec in required.items():
        if kind not in have:
            rule = rules[kind.split(":")[0]]
            row = _new_row(case, rule, spec, now, limits, calendar)
            session.add(row)
            kept.append(row)
    return kept


def _new_row(case: Case, rule: DeadlineRule, spec: DeadlineSpec, now: datetime,
             limits: TimeLimits, calendar: cal.WorkingCalendar) -> Deadline:
    row = Deadline(case_id=case.id, kind=spec.kind, label=spec.label, state=case.status,
                   on_expiry=rule.on_expiry, acting_roles=list(rule.acting),
                   notify_roles=list(rule.notify), basis=spec.basis, created_at=now,
                   status=DeadlineStatus.OPEN)
    set_due(row, spec.due_on, now, limits, calendar)
    if case.is_paused:
        _pause_row(row, now, calendar)
    return row


def set_due(row: Deadline, due_on: date, now: datetime, limits: TimeLimits,
            calendar: cal.WorkingCalendar) -> None:
    """Set a row's due date and the instants derived from it (reminder, firing)."""
    row.due_on = due_on
    row.fires_at = cal.end_of_day_utc(due_on)
    remind_on = cal.subtract_working_days(due_on, limits.reminder_wd, calendar=calendar)
    already_reminded = row.reminded_at is not None and row.basis.get("reminded_for") == due_on.isoformat()
    if remind_on > cal.local_date(now) and not already_reminded:
        row.remind_at, row.reminded_at = cal.start_of_day_utc(remind_on), None
    else:
        row.remind_at = None
    row.next_action_at = min(t for t in (row.remind_at, row.fires_at) if t is not None)
    if row.breached_at is not None and row.fires_at > now:
        row.breached_at = None  # an extension past a breach gives a fresh chance


def move(session: Session, case: Case, kind: str, new_due: date, reason: str, now: datetime,
         limits: TimeLimits, calendar: cal.WorkingCalendar) -> DeadlineMoved | None:
    """Move one live deadline (an extension), keeping the reason for the timeline."""
    row = next((r for r in live_rows(session, case) if r.kind == kind), None)
    if row is None:
        return None
    old = row.due_on
    row.basis = {"unit": "date", "moved_from": old.isoformat() if old else None, "reason": reason}
    if row.status == DeadlineStatus.PAUSED:
        row.paused_remaining = cal.working_days_between(cal.local_date(now), new_due, calendar=calendar)
    else:
        set_due(row, new_due, now, limits, calendar)
    return DeadlineMoved(case.id, now, row.id, row.label, old, new_due, reason)


def _pause_row(row: Deadline, now: datetime, calendar: cal.WorkingCalendar) -> None:
    today = cal.local_date(now)
    row.paused_remaining = max(0, cal.working_days_between(today, row.due_on, calendar=calendar))
    row.status, row.next_action_at = DeadlineStatus.PAUSED, None


def pause_all(session: Session, case: Case, now: datetime, calendar: cal.WorkingCalendar) -> None:
    """Stop every running clock on the case, keeping the working days left."""
    for row in live_rows(session, case):
        if row.status == DeadlineStatus.OPEN:
            _pause_row(row, now, calendar)


def resume_all(session: Session, case: Case, now: datetime, limits: TimeLimits,
               calendar: cal.WorkingCalendar) -> None:
    """Restart paused clocks with the working days they had left."""
    today = cal.local_date(now)
    for row in live_rows(session, case):
        if row.status == DeadlineStatus.PAUSED:
            row.status = DeadlineStatus.OPEN
            set_due(row, cal.add_working_days(today, row.paused_remaining or 0, calendar=calendar),
                    now, limits, calendar)
            row.paused_remaining = None


def recompute_working_day_rows(session: Session, now: datetime, limits: TimeLimits,
                               calendar: cal.WorkingCalendar) -> list[DeadlineMoved]:
    """After the holiday list changes, recompute every open working-day deadline."""
    moved: list[DeadlineMoved] = []
    rows = session.scalars(select(Deadline).where(Deadline.status == DeadlineStatus.OPEN)
                           .order_by(Deadline.id))
    for row in rows:
        if row.basis.get("unit") != "wd":
            continue
        new_due = cal.add_working_days(date.fromisoformat(row.basis["anchor"]), row.basis["count"],
                                       calendar=calendar)
        if new_due != row.due_on:
            old = row.due_on
            set_due(row, new_due, now, limits, calendar)
            moved.append(DeadlineMoved(row.case_id, now, row.id, row.label, old, new_due,
                                       "the bank holiday list changed"))
    return moved
