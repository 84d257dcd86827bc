"""What guards and effects see while a transition is being applied: the case, the actor and
their roles on it, what they typed (already checked and parsed), `now`, the time limits and
the calendar. Effects write through the helpers here so that case data stays JSON-safe."""
import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from casework.case_records import CaseRecord, load_person
from casework.cases import Actor
from casework.events import DomainEvent
from casework.organisations import PersonRecord
from casework.persistence.writes import Writes
from workflows import calendar as cal
from workflows import deadlines
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
    #: The caller's transaction: a session, or a connection (the person's actions run on a
    #: connection, and a session is opened on it only if something needs the ORM).
    db: Session | Connection
    case: CaseRecord
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
    #: The case's live deadline rows, when the caller has read them already in this transaction.
    known_deadlines: list[SimpleNamespace] | None = None
    #: Where the case's UPDATE, its audit entry and its deadline rows are gathered, when the
    #: caller writes several transitions together (None: written as they are made).
    later: Writes | None = None

    @cached_property
    def conn(self) -> Connection:
        """The transaction's connection, for the Core statements a transition makes."""
        return self.db if isinstance(self.db, Connection) else self.db.connection()

    @cached_property
    def session(self) -> Session:
        """An ORM session in the transaction, opened the first time something needs one."""
        return self.db if isinstance(self.db, Session) else Session(bind=self.db, expire_on_commit=False)

    def flush(self) -> None:
        """Write what the ORM session holds, if one is open, so Core reads see it."""
        session = self.__dict__.get("session")
        if session is not None and (session.new or session.dirty or session.deleted):
            session.flush()

    def finish(self) -> None:
        """Flush and close a session this context opened (a caller's session is theirs)."""
        self.flush()
        if "session" in self.__dict__ and self.session is not self.db:
            self.session.close()

    @cached_property
    def live_deadlines(self) -> list[SimpleNamespace]:
        """The case's running and paused deadline rows (id, kind, state, status, due date,
        when it fires), read once, when a gate first asks; the engine then reuses the read to
        keep the rows in step with the new state."""
        if self.known_deadlines is not None:
            return self.known_deadlines
        return deadlines.live_briefly(self.conn, self.case)

    def live_deadlines_if_read(self) -> list[SimpleNamespace] | None:
        return self.__dict__.get("live_deadlines", self.known_deadlines)

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
        return copy.deepcopy(node)

    def put(self, key: str, value: Any) -> None:
        """Store a JSON-safe value on the case (reassigned so SQLAlchemy sees the change)."""
        data = dict(self.case.data or {})
        data[key] = to_json(value)
        self.case.data = data

    def person(self, person_id: int | None) -> PersonRecord | None:
        """Someone chosen in the form (or None if there is no such person)."""
        return load_person(self.conn, person_id)

    def assign(self, role: str, person_id: int) -> None:
        """Give the chosen person this role on the case (saved with the case)."""
        self.case.assign(self.person(person_id), role, self.now)

    def move_deadline(self, kind: str, new_due: date, reason: str) -> None:
        """Ask the engine to move an open deadline to a new date, recorded with its reason."""
        self.deadline_moves.append((kind, new_due, reason))


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
