"""Bookings a dispute's end cancels: when a dispute is withdrawn, resolved or closed before a
booked mediation session or hearing has started, the booking will not take place, and
everyone who was sent its calendar invitation is sent a cancellation of the same event
(`notifications.invitations`, METHOD:CANCEL), so that it leaves their calendars.

Who was invited is read from the invitations the case's outbox holds, not worked out again:
who is told changes from stage to stage, and each person who has the event in their calendar
must have it cancelled."""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Connection, bindparam, select

from casework.cases import CaseReading
from casework.messages import OutboxMessage
from casework.organisations import Person, PersonRecord
from notifications import wording as w
from notifications.invitations import LONDON, filename
from workflows.bookings import WHAT, booking
from workflows.definitions import as_date
from workflows.registry import WORKFLOWS

KINDS = tuple(WHAT)


def starts(booked: dict) -> datetime:
    """When a booking starts, London time."""
    return datetime.combine(as_date(booked["on"]) or date.min, time.fromisoformat(booked["starts_at"]), tzinfo=LONDON)


@dataclass(frozen=True)
class Cancelled:
    """A booking the end of its dispute cancels: what everyone invited to it is told."""

    kind: str
    happened: str
    subject: str
    invited: list[PersonRecord]


def cancellations(connection: Connection, case: CaseReading, at: datetime) -> Iterator[Cancelled]:
    """Each booking of the ended case that has not started by `at`, with everyone invited to it."""
    ahead = [(kind, booked) for kind in KINDS if (booked := booking(case, kind)) and starts(booked) > at]
    if not ahead:
        return
    ended = WORKFLOWS[case.workflow].info[case.status].tag
    sent = connection.execute(_SENT, {"case_id": case.id}).all()
    for kind, booked in ahead:
        ids = {person_id for person_id, content in sent if _invites_to(content, kind, case.ref)}
        on, starts_at = as_date(booked["on"]), booked["starts_at"]
        if ids:
            yield Cancelled(kind, w.booking_cancelled(WHAT[kind], on, starts_at, ended),
                            w.booking_cancelled_subject(case.ref, kind, on, starts_at), _people(connection, ids))


def _invites_to(content: dict | None, kind: str, ref: str) -> bool:
    """Whether an email carried an invitation (not a cancellation) to this kind of booking."""
    invitation = (content or {}).get("invitation") or {}
    return invitation.get("method", "REQUEST") == "REQUEST" and invitation.get("filename") == filename(ref, kind)


def _people(connection: Connection, ids: set[int]) -> list[PersonRecord]:
    rows = connection.execute(_PEOPLE, {"ids": sorted(ids)}).all()
    return [PersonRecord(*row, frozenset()) for row in rows]


_SENT = select(OutboxMessage.person_id, OutboxMessage.content).where(
    OutboxMessage.case_id == bindparam("case_id"), OutboxMessage.person_id.is_not(None))
_PEOPLE = (select(Person.id, Person.email, Person.name, Person.organisation_id, Person.is_active)
           .where(Person.id.in_(bindparam("ids", expanding=True))).order_by(Person.id))
