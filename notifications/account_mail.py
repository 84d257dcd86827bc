"""Emails about a person's account rather than a case, written to the outbox in the
transaction that causes them like every other email. One for now: someone has repeatedly
failed to sign in to the account (casework.throttle decides when)."""
from datetime import datetime

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
    session.add(OutboxMessage(
        dedupe_key=f"sign-in-warning:{person.id}:{now.isoformat()}", message_id=new_message_id(sender),
        case_id=None, person_id=person.id, to_address=person.email, subject=SIGN_IN_WARNING_SUBJECT,
        content=email_content(name=person.name, subject=SIGN_IN_WARNING_SUBJECT, happened=happened, todo=todo,
                              case_url="", case_ref=""),
        letter_id=None, status=MessageStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now))
