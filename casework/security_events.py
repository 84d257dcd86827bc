"""Security events: sign-ins that worked and failed, throttling, password and second-factor
changes, invitations, role changes and deactivations, and what administrators do to another
person's sign-in (signing them out everywhere, resetting their authenticator app). Each is a row (for the administrators'
page) and a JSON line on the `casework.security` log (for whatever collects the logs). Never
a password, code, token or link: only who, what, when and from where, in UTC."""
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.organisations import Person
from casework.persistence import Base, UTCDateTime

log = logging.getLogger("casework.security")


class Kind(StrEnum):
    SIGNED_IN = "signed_in"
    SIGN_IN_FAILED = "sign_in_failed"
    THROTTLED = "throttled"
    CODE_FAILED = "second_factor_code_failed"
    SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET_ASKED = "password_reset_asked"
    PASSWORD_RESET = "password_reset"
    SECOND_FACTOR_SET_UP = "second_factor_set_up"
    RECOVERY_CODE_USED = "recovery_code_used"
    INVITED = "invited"
    INVITATION_RESENT = "invitation_resent"
    INVITATION_CANCELLED = "invitation_cancelled"
    INVITATION_ACCEPTED = "invitation_accepted"
    ROLES_CHANGED = "roles_changed"
    DEACTIVATED = "deactivated"
    REACTIVATED = "reactivated"
    SETTING_CHANGED = "setting_changed"
    EXPORTED = "exported"   #: a case list or report downloaded: the detail says which, and its filters
    SESSIONS_ENDED = "signed_out_by_administrator"
    SECOND_FACTOR_RESET = "second_factor_reset"


#: How each kind reads on the administrators' page.
KIND_NAMES = {
    Kind.SIGNED_IN: "Signed in", Kind.SIGN_IN_FAILED: "Sign-in failed", Kind.THROTTLED: "Sign-in slowed down",
    Kind.CODE_FAILED: "Wrong security code", Kind.SIGNED_OUT_ELSEWHERE: "Signed out everywhere else",
    Kind.PASSWORD_CHANGED: "Password changed", Kind.PASSWORD_RESET_ASKED: "Password reset asked for",
    Kind.PASSWORD_RESET: "Password reset", Kind.SECOND_FACTOR_SET_UP: "Authenticator app set up",
    Kind.RECOVERY_CODE_USED: "Recovery code used", Kind.INVITED: "Invited",
    Kind.INVITATION_RESENT: "Invitation sent again", Kind.INVITATION_CANCELLED: "Invitation cancelled",
    Kind.INVITATION_ACCEPTED: "Invitation accepted", Kind.ROLES_CHANGED: "Roles changed",
    Kind.DEACTIVATED: "Deactivated", Kind.REACTIVATED: "Reactivated", Kind.SETTING_CHANGED: "Setting changed",
    Kind.EXPORTED: "Data exported",
    Kind.SESSIONS_ENDED: "Signed out everywhere by an administrator",
    Kind.SECOND_FACTOR_RESET: "Authenticator app reset by an administrator",
}


class SecurityEvent(Base):
    __tablename__ = "security_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    account: Mapped[str] = mapped_column(String(254), default="")
    client_address: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(String(300), default="")


@dataclass(frozen=True)
class Where:
    """Where a request came from, as far as the security log needs it: the client's address and
    the request's reference (the one an error page shows), to find the request in other logs."""
    address: str = ""
    request_id: str = ""


def record(session: Session, kind: Kind, now: datetime, *, person_id: int | None = None,
           actor_id: int | None = None, account: str = "", where: Where = Where(), detail: str = "") -> None:
    """Write the event in the caller's transaction and log it as one JSON line. Text that came
    from a request is kept on one line, so it cannot forge a second log entry."""
    event = SecurityEvent(at=now, kind=str(kind), person_id=person_id, actor_id=actor_id,
                          account=_one_line(account)[:254], client_address=_one_line(where.address)[:64],
                          detail=_one_line(detail)[:300])
    session.add(event)
    organisation_id = session.scalar(select(Person.organisation_id).where(Person.id == (person_id or actor_id))) \
        if (person_id or actor_id) else None
    log_only(event.kind, now, person_id=person_id, actor_id=actor_id, organisation_id=organisation_id,
             account=account, where=where, detail=detail)


#: Logged, never stored: a signed-in person refused a page or a case (403, or a case of another
#: organisation answered as not found). A row for each would make reading pages write.
ACCESS_DENIED = "access_denied"


def log_only(event: str, now: datetime, *, person_id: int | None = None, actor_id: int | None = None,
             organisation_id: int | None = None, account: str = "", where: Where = Where(),
             detail: str = "") -> None:
    """One JSON line on the `casework.security` log: when (UTC), what, about whom, whose
    organisation, by whom, from where and in which request. Text from a request stays on one line."""
    log.info(json.dumps({"event": event, "at": now.isoformat(), "person_id": person_id, "actor_id": actor_id,
                         "organisation_id": organisation_id, "account": _one_line(account)[:254],
                         "client_address": _one_line(where.address)[:64],
                         "request_id": _one_line(where.request_id)[:40], "detail": _one_line(detail)[:300]},
                        ensure_ascii=True))


def record_throttled(session: Session, now: datetime, window: timedelta, *, account: str, where: Where,
                     person_id: int | None = None) -> bool:
    """A "slowed down" event for this account and address, unless one was recorded for the same
    pair within `window` (the throttle's): someone hammering a throttled sign-in leaves one
    event per window, not one per attempt. True if an event was written."""
    key, address = _one_line(account)[:254], _one_line(where.address)[:64]
    earlier = session.scalar(select(SecurityEvent.id).where(
        SecurityEvent.kind == str(Kind.THROTTLED), SecurityEvent.account == key,
        SecurityEvent.client_address == address, SecurityEvent.at > now - window).limit(1))
    if earlier is not None:
        return False
    record(session, Kind.THROTTLED, now, person_id=person_id, account=account, where=where,
           detail=f"further refusals for this account and address in the next {_minutes(window)} are not recorded")
    return True


def _minutes(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def _one_line(text: str) -> str:
    return "".join(" " if ch in "\r\n\x00" or ord(ch) < 32 else ch for ch in (text or ""))


@dataclass(frozen=True)
class EventFilter:
    kind: str = ""
    account: str = ""  # part of the email address the event is about


def recent_events(session: Session, wanted: EventFilter, limit: int = 200) -> list[SecurityEvent]:
    """The latest events, newest first, of one kind and/or about matching accounts."""
    query = select(SecurityEvent).order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc()).limit(limit)
    if wanted.kind:
        query = query.where(SecurityEvent.kind == wanted.kind)
    if wanted.account:
        pattern = "%" + wanted.account.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(func.lower(SecurityEvent.account).like(pattern, escape="\\"))
    return list(session.scalars(query))
