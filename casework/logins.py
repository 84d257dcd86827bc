"""Signed-in sessions held on the server: signing out, going idle or reaching the absolute
lifetime (12 hours from signing in, however active) ends the row, so a copied cookie stops
working. Only the token's SHA-256 is stored (the cookie holds the token), with where the
session started (address and browser) for the person's "Your account" page."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from casework.organisations import Person
from casework.persistence import Base, UTCDateTime

#: However busy a session, it ends this long after signing in.
MAX_LIFETIME = timedelta(hours=12)


class LoginSession(Base):
    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    person: Mapped[Person] = relationship(lazy="joined")


def token_digest(token: str) -> str:
    """What is stored for a session token: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start_session(session: Session, person: Person, now: datetime, client_address: str | None = None,
                  user_agent: str | None = None) -> LoginSession:
    """A new server-side session with a fresh random token. The token itself is on the returned
    row as `secret`, for the cookie; the database keeps only its digest."""
    secret = secrets.token_urlsafe(32)
    row = LoginSession(token=token_digest(secret), person_id=person.id, created_at=now, last_seen_at=now,
                       client_address=(client_address or "")[:64] or None, user_agent=(user_agent or "")[:200] or None)
    row.secret = secret
    session.add(row)
    return row


def is_live(last_seen_at: datetime, ended_at: datetime | None, person_active: bool, now: datetime,
            idle: timedelta, *, created_at: datetime) -> bool:
    """The one rule for a usable session: not ended, its person active, not idle too long and
    not older than MAX_LIFETIME."""
    return ended_at is None and person_active and now - last_seen_at <= idle and not outlived(created_at, now)


def outlived(created_at: datetime, now: datetime) -> bool:
    """Whether a session started then has reached its absolute lifetime."""
    return now - created_at > MAX_LIFETIME


def live_session(session: Session, token: str, now: datetime, idle: timedelta) -> LoginSession | None:
    """The session for this token if it has not ended, gone idle or outlived its lifetime; ends
    it if it went idle or outlived it."""
    row = session.scalar(select(LoginSession).where(LoginSession.token == token_digest(token)))
    if row is None or is_live(row.last_seen_at, row.ended_at, row.person.is_active, now, idle,
                              created_at=row.created_at):
        return row
    if row.ended_at is None and row.person.is_active:  # went idle or outlived: end it on the server too
        row.ended_at = now
    return None


def end_session(session: Session, token: str, now: datetime) -> None:
    row = session.scalar(select(LoginSession).where(LoginSession.token == token_digest(token)))
    if row is not None and row.ended_at is None:
        row.ended_at = now


def end_other_sessions(session: Session, person_id: int, keep_token: str | None, now: datetime) -> int:
    """End every session of the person but the one with `keep_token` (None: every one).
    Returns how many ended."""
    query = update(LoginSession).where(LoginSession.person_id == person_id, LoginSession.ended_at.is_(None))
    if keep_token is not None:
        query = query.where(LoginSession.token != token_digest(keep_token))
    return session.execute(query.values(ended_at=now).execution_options(synchronize_session=False)).rowcount


def open_sessions(session: Session, person_id: int, now: datetime, idle: timedelta) -> list[LoginSession]:
    """The person's sessions that have not ended, gone idle or outlived their lifetime, most
    recently used first."""
    rows = session.scalars(select(LoginSession).where(
        LoginSession.person_id == person_id, LoginSession.ended_at.is_(None),
        LoginSession.last_seen_at >= now - idle, LoginSession.created_at >= now - MAX_LIFETIME)
        .order_by(LoginSession.last_seen_at.desc()))
    return list(rows)
