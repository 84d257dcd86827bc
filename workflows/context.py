"""What guards and effects see while a transition is being applied: the case, the actor and
their roles on it, what they typed (already checked and parsed), `now`, the time limits and
the calendar. Effects write through the helpers here so that case data stays JSON-safe."""
import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

from sqlalchemy.orm import Session

from casework.cases import Actor, Case
from casework.events import DomainEvent
from workflows import calendar as cal
from workflows.limits import TimeLimits


@dataclass
class Hooks:
    """Callables the composition root hands down: letter rendering and event subscribers."""

    render_letter: Callable[[str, dict[str, Any]], Any] | None = None
    on_events: Callable[[Session, list[DomainEvent]], None] | None = None


@dataclass
class Context:
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
    deadline_moves: list[tuple[str, date, str]] = field(default_factory=list)

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
