"""The engine's event subscriber: domain events become outbox emails and in-app notifications,
written in the same transaction as the change that caused them. Each row has a dedupe key
made from the event and the person, and is inserted with ON CONFLICT DO NOTHING, so handling
the same event twice writes nothing twice; each email gets its Message-ID here, once.

An outbox row keeps what its email says (`OutboxMessage.content`); the text and HTML bodies
are rendered from it when the email is sent (`notifications.emails`)."""
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from casework.cases import CaseReading
from casework.events import DeadlineReminderDue, DomainEvent
from casework.messages import MessageStatus, Notification, OutboxMessage
from casework.settings import ExtraHoliday
from notifications.compose import Composer, Draft
from notifications.emails import case_url, email_content, new_message_id
from notifications.invitations import DEFAULT_LENGTH, invitation
from workflows import calendar as cal

#: The `Hooks.on_events` callable: the transaction's connection, a change's events, and the
#: cases it changed by id.
Subscriber = Callable[[Connection, list[DomainEvent], Mapping[int, CaseReading] | None], None]


def make_subscriber(base_url: str, sender: str, calendar: cal.WorkingCalendar | None = None,
                    booking_length: timedelta = DEFAULT_LENGTH) -> Subscriber:
    """The `Hooks.on_events` callable for this deployment (`booking_length`: how long a booked
    session or hearing lasts in the calendar invitations)."""
    calendar = calendar or cal.WorkingCalendar()

    def on_events(connection: Connection, events: list[DomainEvent],
                  cases: Mapping[int, CaseReading] | None = None) -> None:
        write_messages(connection, events, base_url=base_url, sender=sender, calendar=calendar, cases=cases,
                       booking_length=booking_length)
    return on_events


def write_messages(connection: Connection, events: list[DomainEvent], *, base_url: str, sender: str,
                   calendar: cal.WorkingCalendar, cases: Mapping[int, CaseReading] | None = None,
                   booking_length: timedelta = DEFAULT_LENGTH) -> None:
    """Write the outbox and notification rows for these events in the transaction of
    `connection` (which holds everything the change wrote), skipping any already written.
    `cases` are the cases the engine has just changed, by id; any other is loaded."""
    if not events:
        return
    if any(isinstance(e, DeadlineReminderDue) for e in events):
        _sync_holidays(connection, calendar)
    drafts = Composer(connection, calendar, cases).drafts(events)
    if not drafts:
        return
    now = max(e.at for e in events)
    _insert_new(connection, Notification.__table__, [
        {"dedupe_key": f"{d.key}:app", "person_id": d.person.id, "case_id": d.case.id, "text": d.in_app,
         "created_at": now} for d in drafts])
    _insert_new(connection, OutboxMessage.__table__,
                [_email(d, now, base_url, sender, booking_length) for d in drafts if d.subject])


def _insert_new(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert the rows whose dedupe key is not there yet, in one statement."""
    if rows:
        connection.execute(_insert_skipping_duplicates(table, connection.dialect.name), rows)


@cache
def _insert_skipping_duplicates(table: Table, dialect: str):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing()


def _email(draft: Draft, now: datetime, base_url: str, sender: str, booking_length: timedelta) -> dict:
    person, case = draft.person, draft.case
    content = email_content(name=person.name, subject=draft.subject, happened=draft.happened, todo=draft.todo,
                            case_url=case_url(base_url, case.id), case_ref=case.ref)
    if draft.invitation:
        content["invitation"] = invitation(
            kind=draft.invitation, booking=case.data["bookings"][draft.invitation], case_id=case.id,
            case_ref=case.ref, case_url=content["case_url"], to_address=person.email, sender=sender, stamp=now,
            length=booking_length, cancelled=draft.cancels)
    return {"dedupe_key": f"{draft.key}:email", "message_id": new_message_id(sender), "case_id": case.id,
            "person_id": person.id, "to_address": person.email, "subject": draft.subject[:300],
            "content": content, "letter_id": draft.letter_id, "status": MessageStatus.PENDING, "attempts": 0,
            "next_attempt_at": max(now, draft.send_at or now), "created_at": now}


def _sync_holidays(connection: Connection, calendar: cal.WorkingCalendar) -> None:
    """Count working days with the one-off holidays another process may have added (the
    subscriber's calendar is not always the one the scheduler reloads before each sweep)."""
    known = calendar.extra_holidays()
    for on, name in connection.execute(_HOLIDAYS):
        if on not in known:
            calendar.add_holiday(on, name)


_HOLIDAYS = select(ExtraHoliday.on, ExtraHoliday.name)
