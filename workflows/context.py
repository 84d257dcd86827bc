"""What guards and effects see while a transition is being applied: the case, the actor and
their roles on it, what they typed (already checked and parsed), `now`, the time limits and
the calendar. Effects write through the helpers here so that case data stays JSON-safe."""
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from casework.cases import Actor, Case
from casework.events import DomainEvent
from casework.organisations import Person
from workflows import calendar as cal
from workflows.deadline_rows import live_briefly
from workflows.limits import TimeLimits


@dataclass
class Hooks:
    """Callables the composition root hands down: letter rendering and event subscribers."""

    render_letter: Callable[[str, dict[str, Any]], Any] | None = None
    #: Called with the transaction's connection (everything the change wrote is there), the
    #: events of one change and the cases it changed, by id (any case not given is for the
    #: subscriber to load).
    on_events: Callable[[Connection, list[DomainEvent], Mapping[int, Any]], None] | None = None


@dataclass
class Context:
    #: The caller's unit of work: the case and everything it changes are saved with it.
    session: Session
    case: Case
    actor: Actor
    roles: frozenset[str]
    data: dict[str, Any]
    now: datetime
    limits: TimeLimits
    calendar: cal.WorkingCalendar
    hooks: Hooks
    trigger: str = ""
    audit_extra: dict[str, Any] = field(default_factory=dict)
    events: list[DomainEvent] = field(default_factory=list)
    letter_context: dict[str, Any] | None = None
    #: The letter an effect decided to send, for a transition whose row names none.
    letter_kind: str | None = None
    deadline_moves: list[tuple[str, date, str]] = field(default_factory=list)

    @cached_property
    def conn(self) -> Connection:
        """The transaction's connection, for the Core statements a transition makes (asked
        of the session once: every statement of the transition runs on it)."""
        return self.session.connection()

    @cached_property
    def live_deadlines(self) -> list[SimpleNamespace]:
        """The case's running and paused deadline rows (id, kind, state, status, due date,
        when it fires), read once, when a gate first asks."""
        return live_briefly(self.conn, self.case)

    @property
    def today(self) -> date:
        return cal.local_date(self.now)

    def add_wd(self, start: date, n: int) -> date:
        return cal.add_working_days(start, n, calendar=self.calendar)

    def get(self, *path: str, default: Any = None) -> Any:
        """A copy of a value in the case's stored data, by path (copied, so that changing it
        and `put`-ting it back is seen as a change)."""
        node: Any = self.case.data or {}
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        return _copied(node)

    def put(self, key: str, value: Any) -> None:
        """Store a JSON-safe value on the case (reassigned so SQLAlchemy sees the change)."""
        data = dict(self.case.data or {})
        data[key] = to_json(value)
        self.case.data = data

    def person(self, person_id: int | None) -> Person | None:
        """Someone chosen in the form (or None if there is no such person)."""
        return None if person_id is None else self.session.get(Person, person_id)

    def assign(self, role: str, person_id: int) -> None:
        """Give the chosen person this role on the case (saved with the case)."""
        self.case.assign(self.person(person_id), role, self.now)

    def move_deadline(self, kind: str, new_due: date, reason: str) -> None:
        """Ask the engine to move an open deadline to a new date, recorded with its reason."""
        self.deadline_moves.append((kind, new_due, reason))


def _copied(node: Any) -> Any:
    """A copy of stored case data (JSON: dicts, lists and plain values), a few times quicker
    than `copy.deepcopy`, which every transition paid for each value its rules read."""
    if isinstance(node, dict):
        return {key: _copied(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_copied(value) for value in node]
    return node


def to_json(value: Any) -> Any:
    """Dates and datetimes as ISO text, recursively; everything else unchanged."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value
