"""Domain events: facts that happened, named in the past tense. The engine returns them and
hands them to the composition root's subscribers (notifications) inside the same
transaction, so an event and the messages it causes commit together."""
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class DomainEvent:
    case_id: int
    at: datetime


@dataclass(frozen=True)
class CaseOpened(DomainEvent):
    workflow: str
    actor_id: int | None


@dataclass(frozen=True)
class TransitionApplied(DomainEvent):
    trigger: str
    from_state: str
    to_state: str
    actor_id: int | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LetterIssued(DomainEvent):
    letter_id: int
    kind: str


@dataclass(frozen=True)
class DeadlineReminderDue(DomainEvent):
    deadline_id: int
    label: str
    due_on: date
    acting_roles: tuple[str, ...]


@dataclass(frozen=True)
class DeadlineMissed(DomainEvent):
    deadline_id: int
    label: str
    due_on: date
    acting_roles: tuple[str, ...]
    notify_roles: tuple[str, ...]
    fires: str | None = None    #: the system action the deadline's expiry fires, if any


@dataclass(frozen=True)
class DeadlineMoved(DomainEvent):
    deadline_id: int
    label: str
    old_due_on: date | None
    new_due_on: date | None
    reason: str


@dataclass(frozen=True)
class NoticeDateMoved(DomainEvent):
    """The notice's effective date moved later because its clock stood paused; the
    organisation is told in writing (a letter, issued with it, and an email)."""
    old_effective_on: date
    new_effective_on: date
    reason: str
