"""In-app notifications for the web UI: how many are unread, the latest ones, marking read.
Every function takes the person's id, so nobody reads or marks someone else's."""
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from casework.clock import require_aware
from casework.messages import Notification


def unread_count(session: Session, person_id: int) -> int:
    """How many of this person's notifications are unread."""
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.person_id == person_id, Notification.read_at.is_(None))) or 0


def notifications_for(session: Session, person_id: int, *, limit: int = 50,
                      unread_only: bool = False) -> list[Notification]:
    """This person's notifications, newest first."""
    query = select(Notification).where(Notification.person_id == person_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(session.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


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
