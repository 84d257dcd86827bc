"""The engine's event subscriber: domain events become outbox emails and in-app notifications,
written in the same transaction as the change that caused them. Each row has a dedupe key
made from the event and the person, and is inserted with ON CONFLICT DO NOTHING, so handling
the same event twice writes nothing twice; each email gets its Message-ID here, once."""
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from casework.events import DeadlineReminderDue, DomainEvent
from casework.letters import Letter
from casework.messages import MessageStatus, Notification, OutboxMessage
from casework.settings import ExtraHoliday
from notifications.compose import Composer, Draft
from notifications.emails import case_url, new_message_id, render_bodies
from workflows import calendar as cal

Subscriber = Callable[[Session, list[DomainEvent]], None]


def make_subscriber(base_url: str, sender: str, calendar: cal.WorkingCalendar | None = None) -> Subscriber:
    """The `Hooks.on_events` callable for this deployment."""
    calendar = calendar or cal.WorkingCalendar()

    def on_events(session: Session, events: list[DomainEvent]) -> None:
        write_messages(session, events, base_url=base_url, sender=sender, calendar=calendar)
    return on_events


def write_messages(session: Session, events: list[DomainEvent], *, base_url: str, sender: str,
                   calendar: cal.WorkingCalendar) -> None:
    """Write the outbox and notification rows for these events, skipping any already written."""
    if not events:
        return
    if any(isinstance(e, DeadlineReminderDue) for e in events):
        _sync_holidays(session, calendar)
    drafts = Composer(session, calendar).drafts(events)
    if not drafts:
        return
    now = max(e.at for e in events)
    _insert_new(session, Notification, [
        {"dedupe_key": f"{d.key}:app", "person_id": d.person.id, "case_id": d.case.id, "text": d.in_app,
         "created_at": now} for d in drafts])
    _insert_new(session, OutboxMessage, [_email(session, d, now, base_url, sender) for d in drafts if d.subject])


def _insert_new(session: Session, model, rows: list[dict]) -> None:
    """Insert the rows whose dedupe key is not there yet, in one statement."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(model).on_conflict_do_nothing(), rows)


def _email(session: Session, draft: Draft, now: datetime, base_url: str, sender: str) -> dict:
    letter = session.get(Letter, draft.letter_id) if draft.letter_id is not None else None
    text, html = render_bodies({
        "name": draft.person.name, "subject": draft.subject, "happened": draft.happened,
        "todo": draft.todo, "letter_name": letter.filename if letter else None,
        "case_url": case_url(base_url, draft.case.id), "case_ref": draft.case.ref})
    return {"dedupe_key": f"{draft.key}:email", "message_id": new_message_id(sender), "case_id": draft.case.id,
            "person_id": draft.person.id, "to_address": draft.person.email, "subject": draft.subject[:300],
            "body_text": text, "body_html": html, "letter_id": letter.id if letter else None,
            "status": MessageStatus.PENDING, "attempts": 0, "next_attempt_at": now, "created_at": now}


def _sync_holidays(session: Session, calendar: cal.WorkingCalendar) -> None:
    """Count working days with the one-off holidays another process may have added."""
    known = calendar.extra_holidays()
    for row in session.scalars(select(ExtraHoliday)):
        if row.on not in known:
            calendar.add_holiday(row.on, row.name)
