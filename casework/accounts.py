"""Links that let a person set a password without an administrator knowing it: an invitation
(72 hours) and a password reset (1 hour). Each link carries 256 random bits; only their
SHA-256 is stored, so a copy of the database opens no account. A link works once; a newer
link of the same kind, cancelling, or using it ends it. Changing or resetting a password
ends every other session of the person (casework.logins)."""
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, String, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from casework.password_policy import password_problem
from casework.errors import InvalidInput
from casework.logins import end_other_sessions, token_digest
from casework.organisations import Person
from casework.passwords import hash_password, verify_password
from casework.persistence import Base, UTCDateTime


class Purpose(StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


LIFETIME = {Purpose.INVITATION: timedelta(hours=72), Purpose.RESET: timedelta(hours=1)}
#: At most this many reset emails to one account an hour, so the form cannot flood an inbox.
RESETS_PER_HOUR = 3


class AccountToken(Base):
    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(lazy="joined")


#: What is stored for a link's token: its SHA-256, enough for 256 random bits.
digest = token_digest


def issue(session: Session, person: Person, purpose: Purpose, now: datetime) -> str:
    """A new link token for the person; any earlier one of the same kind stops working."""
    _end_tokens(session, person.id, purpose, now)
    token = secrets.token_urlsafe(32)
    session.add(AccountToken(person_id=person.id, purpose=str(purpose), token_hash=digest(token), created_at=now,
                             expires_at=now + LIFETIME[purpose]))
    session.flush()
    return token


def live_token(session: Session, token: str, purpose: Purpose, now: datetime) -> AccountToken | None:
    """The unused, unexpired token of this kind, for an active person; None otherwise."""
    row = session.scalar(select(AccountToken).where(AccountToken.token_hash == digest(token),
                                                    AccountToken.purpose == str(purpose)))
    if row is None or row.ended_at is not None or now >= row.expires_at or not row.person.is_active:
        return None
    return row


def pending_invitation(session: Session, person_id: int, now: datetime) -> AccountToken | None:
    """The person's invitation that can still be accepted, if any."""
    return session.scalar(select(AccountToken).where(
        AccountToken.person_id == person_id, AccountToken.purpose == str(Purpose.INVITATION),
        AccountToken.ended_at.is_(None), AccountToken.expires_at > now).limit(1))


def cancel_invitation(session: Session, person_id: int, now: datetime) -> bool:
    """End the person's invitation link; True if there was one to end."""
    return _end_tokens(session, person_id, Purpose.INVITATION, now) > 0


def may_send_reset(session: Session, person_id: int, now: datetime) -> bool:
    sent = session.scalar(select(func.count()).select_from(AccountToken).where(
        AccountToken.person_id == person_id, AccountToken.purpose == str(Purpose.RESET),
        AccountToken.created_at > now - timedelta(hours=1)))
    return sent < RESETS_PER_HOUR


def set_password_with_link(session: Session, token: str, purpose: Purpose, password: str, confirm: str,
                           now: datetime) -> Person:
    """Use an invitation or reset link to set the password: the link then stops working, and
    every session the person had ends. Raises InvalidInput if the link or password will not do."""
    row = live_token(session, token, purpose, now)
    if row is None:
        raise InvalidInput({"": "This link has expired or has already been used"})
    person = row.person
    _check_new_password(person, password, confirm)
    person.password_hash = hash_password(password)
    _end_tokens(session, person.id, purpose, now)
    end_other_sessions(session, person.id, None, now)
    return person


def change_password(session: Session, person_id: int, current: str, password: str, confirm: str,
                    keep_token: str, now: datetime) -> Person:
    """Change a password, the current one given first; every other session ends."""
    person = session.get(Person, person_id)
    problems = {}
    if not verify_password(person.password_hash, current):
        problems["current_password"] = "Your current password is not correct"
    try:
        _check_new_password(person, password, confirm)
    except InvalidInput as exc:
        problems.update(exc.problems)
    if problems:
        raise InvalidInput(problems)
    person.password_hash = hash_password(password)
    end_other_sessions(session, person.id, keep_token, now)
    return person


def _check_new_password(person: Person, password: str, confirm: str) -> None:
    """The service's password rules (casework.password_policy), fed what the person is called."""
    problems = {}
    organisation = person.organisation.name if person.organisation else ""
    if not password:
        problems["password"] = "Enter a new password"
    elif (problem := password_problem(password, name=person.name, email=person.email,
                                      organisation=organisation)) is not None:
        problems["password"] = problem
    elif password != confirm:
        problems["confirm"] = "The passwords do not match"
    if problems:
        raise InvalidInput(problems)


def _end_tokens(session: Session, person_id: int, purpose: Purpose, now: datetime) -> int:
    result = session.execute(update(AccountToken).where(
        AccountToken.person_id == person_id, AccountToken.purpose == str(purpose), AccountToken.ended_at.is_(None))
        .values(ended_at=now).execution_options(synchronize_session=False))
    return result.rowcount
