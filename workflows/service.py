"""The services the web and the scheduler call: each opens one transaction, does one thing
through the engine, and commits, or raises with nothing written."""
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from casework.audit import append_entry
from casework.cases import SYSTEM, Actor, Case, load_case
from casework.clock import require_aware
from casework.errors import InvalidInput, NotFound, StaleVersion
from casework.organisations import Person
from casework.persistence import unit_of_work
from casework.settings import ExtraHoliday, TimeLimitSetting
from workflows import calendar as cal
from workflows import deadlines, links, opening
from workflows.context import Hooks, to_json
from workflows.documents import Attachments, attach, attach_audit
from workflows.engine import apply_transition, preview_letter
from workflows.limits import DEFAULT_LIMITS, TimeLimits, below_floor
from workflows.registry import WORKFLOWS

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass
class CaseService:
    factory: sessionmaker[Session]
    limits: TimeLimits = DEFAULT_LIMITS
    calendar: cal.WorkingCalendar = field(default_factory=lambda: cal.DEFAULT_CALENDAR)
    hooks: Hooks = field(default_factory=Hooks)

    def _run(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one unit of work: everything it changes commits together, or nothing."""
        try:
            with unit_of_work(self.factory) as session:
                return work(session)
        except StaleDataError:
            raise StaleVersion() from None
        except IntegrityError:
            raise StaleVersion() from None

    def fire(self, case_id: int, trigger: str, actor_id: int | None, data: dict[str, Any] | None,
             now: datetime, expected_version: int | None = None, attachments: Attachments | None = None) -> Case:
        """Apply one action to one case and commit it with its audit, deadlines and messages,
        and with the documents attached to it (their files already stored). The case returned
        is detached; its organisations were read only if the transition needed them."""
        require_aware(now)

        def work(session: Session) -> Case:
            case, actor = _case_and_actor(session, case_id, actor_id)
            workflow = WORKFLOWS[case.workflow]
            apply_transition(session, workflow, case, trigger, actor, data or {}, now,
                             limits=self.limits, calendar=self.calendar, hooks=self.hooks,
                             expected_version=expected_version, audit_extra=attach_audit(attachments))
            attach(session, case, actor, attachments, now, trigger)
            if links.may_change_linked_case(workflow, case):
                told = links.after_transition(session, workflow, case, now, self.limits, self.calendar,
                                              self.hooks)
                if told and self.hooks.on_events is not None:
                    session.flush()
                    self.hooks.on_events(session.connection(), told, {})
            return case
        return self._run(work)

    def preview_letter(self, case_id: int, trigger: str, actor_id: int | None, data: dict[str, Any] | None,
                       now: datetime) -> tuple[str, dict[str, Any]] | None:
        """The letter this action would send, as (kind, context), refused as `fire` would
        refuse it; nothing is written (the session closes without committing)."""
        require_aware(now)
        with self.factory() as session:
            case, actor = _case_and_actor(session, case_id, actor_id)
            return preview_letter(session, WORKFLOWS[case.workflow], case, trigger, actor, data or {}, now,
                                  limits=self.limits, calendar=self.calendar, hooks=self.hooks)

    def open_funding_case(self, actor_id: int, data: dict[str, Any], now: datetime) -> Case:
        """Open a draft funding-change case."""
        return self._run(lambda s: opening.open_funding_case(s, _person(s, actor_id), data, now, self.hooks))

    def raise_dispute(self, actor_id: int, data: dict[str, Any], now: datetime,
                      attachments: Attachments | None = None) -> Case:
        """Raise a dispute, optionally linked to a funding-change case, with its evidence files
        (already stored) recorded in the same transaction."""
        def work(session: Session) -> Case:
            case = opening.raise_dispute(session, _person(session, actor_id), data, now, self.limits,
                                         self.calendar, self.hooks, attachments)
            links.hold_notice(session, case, now, self.limits, self.calendar)
            return case
        return self._run(work)

    def load_limits(self, base: TimeLimits | None = None) -> None:
        """Time limits: the configured ones overridden by an administrator's saved values."""
        with self.factory() as session:
            saved = {row.name: row.value for row in session.scalars(select(TimeLimitSetting))}
        for name, value in list(saved.items()):
            if below_floor(name, value):   # saved before the floors were enforced: never used
                log.warning("The saved time limit %s (%s) is below the Compact's floor and is ignored.", name, value)
                del saved[name]
        self.limits = (base or self.limits).with_overrides(saved)

    def set_limits(self, limits: TimeLimits, actor_id: int | None, now: datetime) -> None:
        """Save every limit (changed ones stamped with who and when), and use them from now on."""
        def work(session: Session) -> None:
            for name, value in vars(limits).items():
                row = session.get(TimeLimitSetting, name)
                if row is None:
                    session.add(TimeLimitSetting(name=name, value=value, changed_by_id=actor_id, changed_at=now))
                elif row.value != value:
                    row.value, row.changed_by_id, row.changed_at = value, actor_id, now
        self._run(work)
        self.limits = limits

    def load_holidays(self) -> None:
        """Bring the calendar in step with the one-off holidays stored in the database."""
        with self.factory() as session:
            for row in session.scalars(select(ExtraHoliday)):
                self.calendar.add_holiday(row.on, row.name)

    def add_holiday(self, actor_id: int | None, on: date, name: str, now: datetime) -> int:
        """Add a one-off bank holiday and move every open working-day deadline it affects."""
        if not name or not name.strip():
            raise InvalidInput({"name": "Enter the name of the holiday"})
        if self.calendar.holiday_name(on) is not None:
            raise InvalidInput({"on": f"{on.day} {on:%B %Y} is already a bank holiday"})
        if on.weekday() >= 5:
            raise InvalidInput({"on": f"{on.day} {on:%B %Y} is a {on:%A}, which is not a working day anyway"})
        self.calendar.add_holiday(on, name)
        try:
            return self._run(lambda s: self._record_holiday(s, actor_id, on, name.strip(), now))
        except Exception:
            self.calendar.remove_holiday(on)
            raise

    def _record_holiday(self, session: Session, actor_id: int | None, on: date, name: str, now: datetime) -> int:
        session.add(ExtraHoliday(on=on, name=name, added_by_id=actor_id, added_at=now))
        actor = _actor(session, actor_id)
        moved = deadlines.recompute_working_day_rows(session, now, self.limits, self.calendar)
        for event in moved:
            case = session.get(Case, event.case_id)
            case.updated_at = now
            append_entry(session, case, actor, "deadline_moved", case.status, case.status, to_json({
                "deadline": event.label, "from": event.old_due_on, "to": event.new_due_on,
                "reason": f"{name} on {on.day} {on:%B %Y} was added as a bank holiday"}), now)
        if self.hooks.on_events is not None and moved:
            session.flush()
            self.hooks.on_events(session.connection(), list(moved), {})
        return len(moved)


#: A person with their roles, in one query (built once: `session.get` with loader options
#: builds and keys a new statement on every call).
_PERSON_WITH_ROLES = select(Person).where(Person.id == bindparam("person_id")).options(joinedload(Person.role_rows))


def _actor(session: Session, actor_id: int | None, case: Case | None = None) -> Actor:
    return SYSTEM if actor_id is None else _person(session, actor_id, case)


def _case_and_actor(session: Session, case_id: int, actor_id: int | None) -> tuple[Case, Actor]:
    """The case and the person acting on it (None: the system). The case is read first: it
    comes with everyone assigned to it and their roles, usually the person acting too."""
    case = load_case(session, case_id, organisations=False)
    actor = _actor(session, actor_id, case)
    if case is None:
        raise NotFound("There is no case with that reference.")
    return case, actor


def _person(session: Session, person_id: int, case: Case | None = None) -> Person:
    """An active person with their roles: one of the case's assignees already read with it,
    or read (in one query); NotFound if there is no such active person."""
    person = next((a.person for a in case.assignments if a.person_id == person_id), None) if case else None
    if person is None:
        person = session.execute(_PERSON_WITH_ROLES, {"person_id": person_id}).unique().scalar_one_or_none()
    if person is None or not person.is_active:
        raise NotFound("There is no such person.")
    return person
