"""In-app notifications for the web UI: how many are unread, the latest ones, marking read.
Every function takes the person's id, so nobody reads or marks someone else's."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.orm import Session

from casework.cases import REF_PREFIX, Case
from casework.clock import require_aware
from casework.messages import Notification
from casework.queries import Page


def unread_count(db: Session | Connection, person_id: int, cap: int | None = None) -> int:
    """How many of this person's notifications are unread (counting no further than `cap`,
    which is all a badge needs and keeps the count cheap however many there are)."""
    return db.execute(select(unread_count_of(bindparam("person_id"), cap)), {"person_id": person_id}).scalar_one()


def unread_count_of(person_id, cap: int | None = None):
    """The unread count as an expression, for a person id given as a value, parameter or
    column (the web's session check reads it in the same statement as the person)."""
    unread = (select(Notification.id).where(Notification.person_id == person_id, Notification.read_at.is_(None))
              .correlate_except(Notification))  # a column is the enclosing statement's, not a second FROM
    if cap is not None:
        unread = unread.limit(cap)
    return select(func.count()).select_from(unread.subquery()).scalar_subquery()


def notifications_for(session: Session, person_id: int, *, limit: int = 50,
                      unread_only: bool = False) -> list[Notification]:
    """This person's notifications, newest first."""
    query = select(Notification).where(Notification.person_id == person_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(session.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


@dataclass(frozen=True, slots=True)
class NotificationLine:
    """A notification as the notifications page lists it, with its case's reference."""
    id: int
    text: str
    created_at: datetime
    read_at: datetime | None
    case_id: int | None
    case_ref: str | None


def notifications_page(session: Session, person_id: int, number: int, size: int = 25) -> Page:
    """One page of this person's notifications, newest first; a page beyond the last is the last."""
    total = session.scalar(select(func.count()).select_from(Notification).where(
        Notification.person_id == person_id)) or 0
    number = max(1, min(number, max(1, -(-total // size))))
    rows = session.execute(
        select(Notification.id, Notification.text, Notification.created_at, Notification.read_at,
               Notification.case_id, Case.workflow)
        .outerjoin(Case, Case.id == Notification.case_id).where(Notification.person_id == person_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).offset((number - 1) * size).limit(size))
    items = [NotificationLine(*row[:5], f"{REF_PREFIX.get(row[5], 'CS')}-{row[4]:04d}" if row[4] else None)
             for row in rows]
    return Page(items, number, size, total)


def mark_read(session: Session, person_id: int, notification_ids: Iterable[int], now: datetime) -> int:
    """Mark some of this person's notifications read; returns how many changed."""
    ids = list(notification_ids)
    if not ids:
        return 0
    return session.execute(update(Notification).where(
        Notification.person_id == person_id, Notification.id.in_(ids), Notification.read_at.is_(None))
        .values(read_at=require_aware(now)).execution_options(synchronize_session=False)).rowcount


def mark_all_read(session: Session, person_id: int, now: datetime) -> int:
    """Mark every unread notification of this person read; returns how many changed."""
    return session.execute(update(Notification).where(
        Notification.person_id == person_id, Notification.read_at.is_(None))
        .values(read_at=require_aware(now)).execution_options(synchronize_session=False)).rowcount
