"""Emails about a person's account rather than a case, written to the outbox in the
transaction that causes them like every other email: someone has repeatedly failed to sign in
to the account (casework.throttle decides when); an administrator removed their authenticator
app; an invitation; a password reset link. The
links are in the email only: the outbox keeps the email until it is sent, but the database
keeps only each link token's digest (casework.accounts)."""
import hashlib
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from casework.messages import MessageStatus, OutboxMessage
from casework.organisations import Person
from notifications.emails import email_content, new_message_id
from workflows import calendar as cal

SIGN_IN_WARNING_SUBJECT = "Failed attempts to sign in to your Bexley Compact casework account"


def queue_sign_in_warning(session: Session, person: Person, failures: int, minutes: int, now: datetime,
                          sender: str) -> None:
    """Tell the account holder that `failures` attempts to sign in with a wrong password were
    made in the last `minutes` minutes. No link in it: a warning about the account must not
    look like the phishing it warns about."""
    at = now.astimezone(cal.LONDON).strftime("%H:%M")
    happened = (f"Someone tried to sign in to your account with the wrong password {failures} times in the last "
                f"{minutes} minutes, most recently at {at} UK time. Sign-in is slowed down for a few minutes "
                f"after repeated failures; your password has not been changed.")
    todo = ("If it was you, wait a few minutes and try again. If you have forgotten your password, ask an "
            "administrator to set a new one.",
            "If it was not you, tell an administrator: someone may be trying to guess your password.")
    # Once per account in each quarter of an hour: two workers counting the 5th failure at the
    # same moment queue one warning between them (the second insert is skipped, not an error).
    quarter = int(now.timestamp() // (15 * 60))
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(OutboxMessage.__table__).on_conflict_do_nothing(), [dict(
        dedupe_key=f"sign-in-warning:{person.id}:{quarter}", message_id=new_message_id(sender),
        case_id=None, person_id=person.id, to_address=person.email, subject=SIGN_IN_WARNING_SUBJECT,
        content=email_content(name=person.name, subject=SIGN_IN_WARNING_SUBJECT, happened=happened, todo=todo,
                              case_url="", case_ref=""),
        letter_id=None, status=MessageStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now)])


SECOND_FACTOR_RESET_SUBJECT = "The authenticator app was removed from your Bexley Compact casework account"


def queue_second_factor_reset(session: Session, person: Person, needs_one: bool, now: datetime,
                              sender: str) -> None:
    """Tell the person an administrator removed their authenticator app (and signed them out).
    No link, like the sign-in warning: it must not look like phishing."""
    at = now.astimezone(cal.LONDON)
    happened = (f"An administrator removed the authenticator app and recovery codes from your account at "
                f"{at:%H:%M} on {at.day} {at:%B %Y} (UK time), and signed you out everywhere. Codes from the old "
                f"app no longer work.")
    todo = (("The next time you sign in with your password, you will be asked to set up an authenticator app "
             "again before you can use the service.") if needs_one else
            "You can sign in with your password. You can set up an authenticator app again from Your account.",
            "If you did not ask for this, tell an administrator straight away.")
    session.add(OutboxMessage(
        dedupe_key=f"second-factor-reset:{person.id}:{now.isoformat()}", message_id=new_message_id(sender),
        case_id=None, person_id=person.id, to_address=person.email, subject=SECOND_FACTOR_RESET_SUBJECT,
        content=email_content(name=person.name, subject=SECOND_FACTOR_RESET_SUBJECT, happened=happened, todo=todo,
                              case_url="", case_ref=""),
        letter_id=None, status=MessageStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now))


INVITATION_SUBJECT = "You have been invited to Bexley Compact casework"
RESET_SUBJECT = "Reset your Bexley Compact casework password"


def invitation_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/invitation/{token}"


def reset_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/reset-password/{token}"


def queue_invitation(session: Session, person: Person, url: str, now: datetime, sender: str) -> None:
    """The invitation: a link, valid for 72 hours and once, to set a password (and, where the
    person needs one, set up an authenticator app)."""
    until = (now + timedelta(hours=72)).astimezone(cal.LONDON)
    happened = (f"An administrator has given you an account on Bexley Compact casework, the service for "
                f"funding-change cases and disputes under the Bexley Compact. Your account uses this email address.")
    todo = (f"Use the link below to choose your password by {until:%H:%M} on {until.day} {until:%B %Y} (UK time). "
            f"It works once.",
            "If you did not expect this email, you can ignore it.")
    _queue(session, person, INVITATION_SUBJECT, happened, todo, url, "Choose your password", "invitation", now,
           sender)


def queue_password_reset(session: Session, person: Person, url: str, now: datetime, sender: str) -> None:
    """A link, valid for an hour and once, to choose a new password."""
    happened = "Someone asked to reset the password of your Bexley Compact casework account."
    todo = ("If it was you, use the link below within 1 hour to choose a new password. It works once, and "
            "choosing a new password signs you out everywhere else.",
            "If it was not you, ignore this email: your password has not changed.")
    _queue(session, person, RESET_SUBJECT, happened, todo, url, "Choose a new password", "reset", now, sender)


def _queue(session: Session, person: Person, subject: str, happened: str, todo: tuple[str, ...], url: str,
           link_text: str, kind: str, now: datetime, sender: str) -> None:
    content = {**email_content(name=person.name, subject=subject, happened=happened, todo=todo, case_url="",
                               case_ref=""), "link_url": url, "link_text": link_text}
    session.add(OutboxMessage(
        dedupe_key=f"{kind}:{person.id}:{hashlib.sha256(url.encode()).hexdigest()[:32]}", message_id=new_message_id(sender), case_id=None,
        person_id=person.id, to_address=person.email, subject=subject, content=content, letter_id=None,
        status=MessageStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now))
