"""The deadline sweep: claim the deadline rows that are due and cause their effects, once.

A sweep claims due rows with a conditional UPDATE (claimed_by, lease_until) checked by its
row count, skipping rows another sweeper has locked on PostgreSQL. Claimed rows are then
handled in due order, several to a transaction so they share its commit, each in its own
savepoint so one row's failure undoes that row only: a reminder before the due date, a
breach recorded once when it passes, and the deadline's system transition fired. Every
effect is also a `DeadlineEffect` row with a unique key, so a retried or concurrent sweep
cannot cause it twice. A sweeper that dies leaves a lease that expires, and the rows become
claimable again.
"""
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from types import SimpleNamespace

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from casework.cases import SYSTEM, Case, load_case
from casework.clock import require_aware
from casework.deadlines import Deadline, DeadlineEffect, DeadlineStatus
from casework.errors import StaleVersion
from casework.events import DeadlineMissed, DeadlineReminderDue, DomainEvent
from casework.persistence.claims import claim_rows, claimable
from casework.persistence import unit_of_work
from workflows import calendar as cal
from workflows import links
from workflows.context import Hooks
from workflows.engine import apply_transition
from workflows.limits import TimeLimits
from workflows.registry import WORKFLOWS

log = logging.getLogger(__name__)

DEFAULT_BATCH = 200
#: Rows handled per transaction. Bigger shares more of the commit; smaller holds SQLite's
#: write lock for less time (a person's action waits for it): 25 rows is well under a second.
ROWS_PER_TRANSACTION = 25
DEFAULT_LEASE = timedelta(minutes=5)
EFFECTS = ("reminder", "breach", "expiry")


@dataclass
class SweepResult:
    """What one sweep did: rows claimed, and the effects caused."""

    claimed: int = 0
    reminders: int = 0
    breaches: int = 0
    fired: int = 0
    conflicts: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.claimed or self.errors)

    def add(self, other: "SweepResult") -> None:
        self.reminders += other.reminders
        self.breaches += other.breaches
        self.fired += other.fired


@dataclass(frozen=True)
class _Sweep:
    factory: sessionmaker[Session]
    now: datetime
    worker_id: str
    calendar: cal.WorkingCalendar
    limits: TimeLimits
    hooks: Hooks


def _claimable(now: datetime):
    return claimable(Deadline, Deadline.status == DeadlineStatus.OPEN, Deadline.next_action_at, now)


def claim_due(factory: sessionmaker[Session], now: datetime, worker_id: str,
              batch: int = DEFAULT_BATCH, lease: timedelta = DEFAULT_LEASE) -> list[int]:
    """Claim up to `batch` due rows for this worker, in due order; returns their ids."""
    return claim_rows(factory, Deadline, Deadline.status == DeadlineStatus.OPEN, Deadline.next_action_at,
                      now, worker_id, batch, lease)


def sweep_due(factory: sessionmaker[Session], now: datetime, worker_id: str,
              calendar: cal.WorkingCalendar, limits: TimeLimits, hooks: Hooks, *,
              batch: int = DEFAULT_BATCH, lease: timedelta = DEFAULT_LEASE) -> SweepResult:
    """Claim every due deadline row, batch by batch, and cause its effects once each."""
    with one_connection(factory) as sessions:
        sweep = _Sweep(sessions, require_aware(now), worker_id, calendar, limits, hooks)
        return _sweep(sweep, batch, lease)


@contextmanager
def one_connection(factory: sessionmaker[Session]) -> Iterator[sessionmaker[Session]]:
    """Sessions that all use one connection, so a transaction per row costs no pool round trips."""
    with factory.kw["bind"].connect() as connection:
        yield partial(factory, bind=connection)


def _sweep(sweep: _Sweep, batch: int, lease: timedelta) -> SweepResult:
    result, seen, started = SweepResult(), set(), time.monotonic()
    # `now` stays fixed for the whole sweep, so a lease counts from now plus the time spent so far.
    while ids := claim_due(sweep.factory, sweep.now, sweep.worker_id, batch, lease + _since(started)):
        again = [i for i in ids if i in seen]
        if again:  # never loop on a row: leave it to the next sweep
            log.error("Deadlines %s were still due after being handled", again)
            _release(sweep, *again)
            if len(again) == len(ids):
                break
        result.claimed += len(ids) - len(again)
        fresh = [i for i in ids if i not in seen]
        seen.update(fresh)
        for start in range(0, len(fresh), ROWS_PER_TRANSACTION):
            _handle(sweep, fresh[start:start + ROWS_PER_TRANSACTION], result)
    return result


def _since(started: float) -> timedelta:
    return timedelta(seconds=time.monotonic() - started)


def _handle(sweep: _Sweep, row_ids: list[int], result: SweepResult) -> None:
    """Rows in one transaction, so they share its commit, each in its own savepoint, so one
    row's failure undoes that row only."""
    done, conflicts, errors = SweepResult(), [], []
    try:
        with unit_of_work(sweep.factory) as session:
            for row_id in row_ids:
                row_result = SweepResult()
                try:
                    with session.begin_nested():
                        _fire_one(session, sweep, row_id, row_result)
                except (IntegrityError, StaleDataError, StaleVersion):
                    # Another sweeper or a person changed the row or case first; look again next sweep.
                    conflicts.append(row_id)
                except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
                    # The lease is kept, so the row is retried once it expires rather than every sweep.
                    log.exception("Deadline %s could not be handled", row_id)
                    errors.append((row_id, f"{type(exc).__name__}: {exc}"))
                else:
                    done.add(row_result)
            _release_in(session, sweep, conflicts)
    except Exception as exc:  # noqa: BLE001 - the commit itself failed: nothing of the batch was kept
        log.exception("Deadlines %s could not be committed", row_ids)
        result.errors.extend((row_id, f"{type(exc).__name__}: {exc}") for row_id in row_ids)
        return
    result.add(done)
    result.conflicts += len(conflicts)
    result.errors.extend(errors)


def _fire_one(session: Session, sweep: _Sweep, row_id: int, result: SweepResult) -> None:
    """Cause a claimed row's due effects: a reminder, a breach, its system transition."""
    found = _read_claimed(session, sweep, [row_id])
    if row_id not in found:
        return  # our lease ran out and another sweeper took the row over
    row, done = found[row_id]
    case = load_case(session, row.case_id)
    now = sweep.now
    events = _remind(session, row, now, done, result) + _breach(session, row, now, done, result)
    expiring = row.status == DeadlineStatus.OPEN and bool(row.on_expiry) and row.breached_at is not None \
        and row.fired_at is None
    row.next_action_at = next_action(row, now)
    row.claimed_by, row.lease_until = None, None
    if events and sweep.hooks.on_events is not None:
        sweep.hooks.on_events(session.connection(), events, {case.id: case})
    if expiring:
        _expire(session, sweep, row, case, done, result)
    session.execute(_WRITE_ROW, {"row_id": row.id, **{name: getattr(row, name) for name in _SWEEP_WRITES}})


def _release(sweep: _Sweep, *row_ids: int) -> None:
    with unit_of_work(sweep.factory) as session:
        _release_in(session, sweep, list(row_ids))


def _release_in(session: Session, sweep: _Sweep, row_ids: list[int]) -> None:
    if row_ids:
        session.execute(update(Deadline).where(Deadline.id.in_(row_ids), Deadline.claimed_by == sweep.worker_id)
                        .values(claimed_by=None, lease_until=None).execution_options(synchronize_session=False))


def _read_claimed(session: Session, sweep: _Sweep, row_ids: list[int]) -> dict[int, tuple[SimpleNamespace, set[str]]]:
    """The rows still claimed by this sweeper, locked, with the effects already recorded for
    each one's due date. They are read and written with Core statements, like the engine's
    own deadline rows."""
    found = {}
    for row in session.execute(_CLAIMED_ROWS, {"row_ids": row_ids, "worker_id": sweep.worker_id}):
        columns = row._mapping
        found[columns["id"]] = (SimpleNamespace(**{name: columns[name] for name in _COLUMNS}),
                                {effect for effect in EFFECTS if columns[effect]})
    return found


def _recorded(effect: str):
    return exists().where(DeadlineEffect.deadline_id == _TABLE.c.id, DeadlineEffect.due_on == _TABLE.c.due_on,
                          DeadlineEffect.effect == effect).label(effect)


_TABLE = Deadline.__table__
_COLUMNS = [c.name for c in _TABLE.columns]
_CLAIMED_ROWS = (select(_TABLE, *(_recorded(effect) for effect in EFFECTS))
                 .where(_TABLE.c.id.in_(bindparam("row_ids", expanding=True)),
                        _TABLE.c.claimed_by == bindparam("worker_id"))
                 .with_for_update(of=_TABLE))
#: What the sweep changes on a row; written once, after the row's transition if it had one.
_SWEEP_WRITES = ("reminded_at", "basis", "breached_at", "fired_at", "status", "closed_at", "closed_on",
                 "next_action_at", "claimed_by", "lease_until")
_WRITE_ROW = update(_TABLE).where(_TABLE.c.id == bindparam("row_id")).values(
    {name: bindparam(name) for name in _SWEEP_WRITES})
_RECORD_EFFECT = insert(DeadlineEffect.__table__)


def _remind(session: Session, row: SimpleNamespace, now: datetime, done: set[str],
            result: SweepResult) -> list[DomainEvent]:
    # A reminder is for a date still ahead; once it has passed, the breach says it instead.
    if row.status != DeadlineStatus.OPEN or row.remind_at is None or row.reminded_at is not None \
            or row.remind_at > now or (row.fires_at or now) <= now:
        return []
    row.reminded_at = now
    row.basis = {**(row.basis or {}), "reminded_for": row.due_on.isoformat()}
    if not _once(session, row, "reminder", now, done):
        return []
    result.reminders += 1
    return [DeadlineReminderDue(row.case_id, now, row.id, row.label, row.due_on, tuple(row.acting_roles))]


def _breach(session: Session, row: SimpleNamespace, now: datetime, done: set[str],
            result: SweepResult) -> list[DomainEvent]:
    if row.status != DeadlineStatus.OPEN or row.fires_at is None or row.fires_at > now or row.breached_at is not None:
        return []
    row.breached_at = now
    if not _once(session, row, "breach", now, done):
        return []
    result.breaches += 1
    return [DeadlineMissed(row.case_id, now, row.id, row.label, row.due_on, tuple(row.acting_roles),
                           tuple(row.notify_roles), row.on_expiry)]


def _expire(session: Session, sweep: _Sweep, row: SimpleNamespace, case: Case, done: set[str],
            result: SweepResult) -> None:
    """Fire the deadline's system transition, as at the moment the deadline ran out."""
    row.fired_at = sweep.now
    if not _once(session, row, "expiry", sweep.now, done):
        return
    # After downtime the case moves on as it would have at the deadline, so the next stage's
    # dates count from then; never before the case's last change, so the audit stays in order.
    at = min(sweep.now, max(row.fires_at, case.updated_at))
    workflow = WORKFLOWS[case.workflow]
    apply_transition(session, workflow, case, row.on_expiry, SYSTEM, {}, at, limits=sweep.limits,
                     calendar=sweep.calendar, hooks=sweep.hooks)
    if links.may_change_linked_case(workflow, case):
        told = links.after_transition(session, workflow, case, at, sweep.limits, sweep.calendar, sweep.hooks)
        if told and sweep.hooks.on_events is not None:
            session.flush()
            sweep.hooks.on_events(session.connection(), told, {})
    row.status, row.closed_at, row.next_action_at = DeadlineStatus.FIRED, sweep.now, None
    row.closed_on = cal.local_date(sweep.now)
    result.fired += 1


def _once(session: Session, row: SimpleNamespace, effect: str, now: datetime, done: set[str]) -> bool:
    """Record an effect unless `done` (read at the start) has it; the unique key guards races."""
    if effect in done:
        return False
    done.add(effect)
    session.execute(_RECORD_EFFECT, {"deadline_id": row.id, "effect": effect, "due_on": row.due_on, "at": now})
    return True


def next_action(row: Deadline | SimpleNamespace, now: datetime) -> datetime | None:
    """When this row next needs the sweep, or None when nothing more is due."""
    if row.status != DeadlineStatus.OPEN:
        return None
    pending = []
    if row.remind_at is not None and row.reminded_at is None and row.remind_at > now:
        pending.append(row.remind_at)
    if row.fires_at is not None and row.breached_at is None:
        pending.append(row.fires_at)
    return min(pending) if pending else None
