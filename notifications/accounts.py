"""Account changes, each in one transaction with its email (if any) and its security event:
inviting a person, sending the invitation again, cancelling it, asking for a password reset, and
an administrator signing someone out everywhere or resetting their authenticator app. The link is built here from the service's base URL; the database keeps only its digest."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework import accounts, second_factor, security_events as events
from casework.accounts import Purpose
from casework.administration import PersonDetails, add_invited_person
from casework.errors import InvalidInput, NotFound
from casework.logins import end_other_sessions
from casework.organisations import Person
from casework.permissions import can_end_sessions_of, can_reset_second_factor_of
from casework.security_events import Kind, Where
from notifications.account_mail import (invitation_url, queue_invitation, queue_password_reset,
                                        queue_second_factor_reset, reset_url)


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


def end_sessions(session: Session, person_id: int, actor: Person, now: datetime, where: Where = Where()) -> int:
    """An administrator signs the person out everywhere: every session they have ends now, and
    the cookies that held them stop working. Returns how many ended."""
    person = _person(session, person_id)
    if not can_end_sessions_of(actor, person):
        raise InvalidInput({"": CANNOT_SIGN_OUT_SELF})
    ended = end_other_sessions(session, person.id, None, now)
    events.record(session, Kind.SESSIONS_ENDED, now, person_id=person.id, actor_id=actor.id, account=person.email,
                  where=where, detail=f"{ended} session(s) ended")
    return ended


def reset_second_factor(session: Session, person_id: int, actor: Person, now: datetime, sender: str,
                        where: Where = Where()) -> Person:
    """An administrator removes the person's authenticator app and recovery codes (lost phone):
    their sessions end, they are emailed, and at their next sign-in they set up a new app if
    their role needs one."""
    person = _person(session, person_id)
    if not can_reset_second_factor_of(actor, person):
        raise InvalidInput({"": CANNOT_RESET_SELF})
    if not second_factor.remove(session, person.id):
        raise InvalidInput({"": f"{person.name} has no authenticator app set up"})
    ended = end_other_sessions(session, person.id, None, now)
    events.record(session, Kind.SECOND_FACTOR_RESET, now, person_id=person.id, actor_id=actor.id,
                  account=person.email, where=where, detail=f"{ended} session(s) ended")
    needs_one = second_factor.must_have_one(person, second_factor.vco_staff_need_it(session))
    queue_second_factor_reset(session, person, needs_one, now, sender)
    return person


CANNOT_SIGN_OUT_SELF = ("You cannot sign yourself out everywhere here. Use \"Sign out everywhere else\" "
                        "on Your account")
CANNOT_RESET_SELF = ("You cannot reset your own authenticator app. Change it from Your account, "
                     "or ask another administrator")


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("That page does not exist.")
    return person


def _send_invitation(session: Session, person: Person, now: datetime, base_url: str, sender: str) -> None:
    token = accounts.issue(session, person, Purpose.INVITATION, now)
    queue_invitation(session, person, invitation_url(base_url, token), now, sender)
