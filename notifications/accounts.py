"""Account changes that send an email, each in one transaction with its email and its security
event: inviting a person, sending the invitation again, cancelling it, and asking for a password
reset. The link is built here from the service's base URL; the database keeps only its digest."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework import accounts, security_events as events
from casework.accounts import Purpose
from casework.administration import PersonDetails, add_invited_person
from casework.errors import InvalidInput, NotFound
from casework.organisations import Person
from casework.security_events import Kind, Where
from notifications.account_mail import invitation_url, queue_invitation, queue_password_reset, reset_url


def invite(session: Session, details: PersonDetails, actor_id: int, now: datetime, base_url: str, sender: str,
           where: Where = Where()) -> Person:
    """Add a person without a password and email them a link to choose one."""
    person = add_invited_person(session, details)
    _send_invitation(session, person, now, base_url, sender)
    events.record(session, Kind.INVITED, now, person_id=person.id, actor_id=actor_id, account=person.email,
                  where=where, detail="roles: " + ", ".join(sorted(person.roles)))
    return person


def resend_invitation(session: Session, person_id: int, actor_id: int, now: datetime, base_url: str, sender: str,
                      where: Where = Where()) -> Person:
    """A new invitation link (the old one stops working); only for someone who has no password yet."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("That page does not exist.")
    if person.password_hash:
        raise InvalidInput({"": f"{person.name} has already chosen a password"})
    _send_invitation(session, person, now, base_url, sender)
    events.record(session, Kind.INVITATION_RESENT, now, person_id=person.id, actor_id=actor_id,
                  account=person.email, where=where)
    return person


def cancel_invitation(session: Session, person_id: int, actor_id: int, now: datetime,
                      where: Where = Where()) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("That page does not exist.")
    if not accounts.cancel_invitation(session, person_id, now):
        raise InvalidInput({"": f"{person.name} has no invitation waiting to be accepted"})
    events.record(session, Kind.INVITATION_CANCELLED, now, person_id=person.id, actor_id=actor_id,
                  account=person.email, where=where)
    return person


def ask_for_reset(session: Session, email: str, now: datetime, base_url: str, sender: str,
                  where: Where = Where()) -> None:
    """Email a reset link if an active account has this address (and has not had three in the
    last hour). The caller says the same thing whatever happened here."""
    typed = email.replace("\x00", "").strip().lower()
    person = session.scalar(select(Person).where(func.lower(Person.email) == typed))
    events.record(session, Kind.PASSWORD_RESET_ASKED, now, person_id=person.id if person else None,
                  account=typed, where=where, detail="" if person and person.is_active else "no active account")
    if person is None or not person.is_active or not accounts.may_send_reset(session, person.id, now):
        return
    token = accounts.issue(session, person, Purpose.RESET, now)
    queue_password_reset(session, person, reset_url(base_url, token), now, sender)


def _send_invitation(session: Session, person: Person, now: datetime, base_url: str, sender: str) -> None:
    token = accounts.issue(session, person, Purpose.INVITATION, now)
    queue_invitation(session, person, invitation_url(base_url, token), now, sender)
