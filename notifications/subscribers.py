"""The engine's event subscriber: domain events become outbox emails and in-app notifications,
written in the same transaction as the change that caused them. Each row has a dedupe key
made from the event and the person, so handling the same event twice writes nothing twice,
and each email gets its Message-ID here, once."""
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
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
                   calendar: cal.WorkingCalendar) -> int:
    """Write the outbox and notification rows for these events; returns how many were new."""
    if not events:
        return 0
    if any(isinstance(e, DeadlineReminderDue) for e in events):
        _sync_holidays(session, calendar)
    drafts = Composer(session, calendar).drafts(events)
    now = max(e.at for e in events)
    seen = _existing(session, drafts)
    written = 0
    for draft in drafts:
        if f"{draft.key}:app" not in seen:
            session.add(Notification(dedupe_key=f"{draft.key}:app", person_id=draft.person.id,
                                     case_id=draft.case.id, text=draft.in_app, created_at=now))
            seen.add(f"{draft.key}:app")
            written += 1
        if draft.subject is not None and f"{draft.key}:email" not in seen:
            session.add(_email(session, draft, now, base_url, sender))
            seen.add(f"{draft.key}:email")
            written += 1
    return written


def _existing(session: Session, drafts: list[Draft]) -> set[str]:
    keys = [f"{d.key}:{kind}" for d in drafts for kind in ("app", "email")]
    if not keys:
        return set()
    found = set(session.scalars(select(Notification.dedupe_key).where(Notification.dedupe_key.in_(keys))))
    return found | set(session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))))


def _email(session: Session, draft: Draft, now: datetime, base_url: str, sender: str) -> OutboxMessage:
    letter = session.get(Letter, draft.letter_id) if draft.letter_id is not None else None
    text, html = render_bodies({
        "name": draft.person.name, "subject": draft.subject, "happened": draft.happened,
        "todo": draft.todo, "letter_name": letter.filename if letter else None,
        "case_url": case_url(base_url, draft.case.id), "case_ref": draft.case.ref})
    return OutboxMessage(
        dedupe_key=f"{draft.key}:email", message_id=new_message_id(sender), case_id=draft.case.id,
        person_id=draft.person.id, to_address=draft.person.email, subject=draft.subject[:300],
        body_text=text, body_html=html, letter_id=letter.id if letter else None,
        status=MessageStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now)


def _sync_holidays(session: Session, calendar: cal.WorkingCalendar) -> None:
    """Count working days with the one-off holidays another process may have added."""
    known = calendar.extra_holidays()
    for row in session.scalars(select(ExtraHoliday)):
        if row.on not in known:
            calendar.add_holiday(row.on, row.name)
