"""The second factor: a time-based code from an authenticator app (TOTP, RFC 6238: 6 digits,
30 seconds; a code from the step before or after is accepted for clock drift, and no step's code
is accepted twice), or one of ten single-use recovery codes, stored as SHA-256 digests (each
has 80 random bits). Who must have one: administrators and staff of a council or NHS body
always; VCO staff when an administrator has turned that on. Wrong codes are throttled like
wrong passwords (casework.throttle), counted against the person."""
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import Boolean, ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework import throttle
from casework.organisations import OrganisationKind, Person, Role
from casework.persistence import Base, UTCDateTime

ISSUER = "Bexley Compact casework"
RECOVERY_CODES = 10
VCO_STAFF_SETTING = "vco_staff_second_factor"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


class SecondFactor(Base):
    """A person's authenticator app, once they have proved it works."""

    __tablename__ = "second_factors"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    set_up_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_step: Mapped[int | None] = mapped_column(Integer)  # the last 30-second step whose code was used


class RecoveryCode(Base):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SecuritySetting(Base):
    """A switch an administrator sets (for now, whether VCO staff need a second factor)."""

    __tablename__ = "security_settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[bool] = mapped_column(Boolean)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


def vco_staff_need_it(session: Session) -> bool:
    return bool(session.scalar(select(SecuritySetting.value).where(SecuritySetting.name == VCO_STAFF_SETTING)))


def set_vco_staff_need_it(session: Session, value: bool, actor_id: int, now: datetime) -> bool:
    """Turn the requirement for VCO staff on or off; True if that changed it."""
    row = session.get(SecuritySetting, VCO_STAFF_SETTING)
    if row is None:
        row = SecuritySetting(name=VCO_STAFF_SETTING, value=not value, changed_at=now)
        session.add(row)
    changed = row.value != value
    row.value, row.changed_by_id, row.changed_at = value, actor_id, now
    return changed


def must_have_one(person: Person, vco_staff_too: bool) -> bool:
    """Whether this person must use a second factor to sign in."""
    at_a_funder = person.organisation is not None and person.organisation.kind == OrganisationKind.STATUTORY
    return (Role.ADMINISTRATOR in person.roles or at_a_funder
            or (vco_staff_too and Role.VCO_STAFF in person.roles))


def has_one(session: Session, person_id: int) -> bool:
    return session.get(SecondFactor, person_id) is not None


def new_secret() -> str:
    """A new base32 secret (160 bits) for an authenticator app."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """What the QR code holds: the otpauth:// address authenticator apps read."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def spaced(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def code_step(secret: str, code: str, now: datetime, after_step: int | None) -> int | None:
    """The 30-second step whose code this is (the one before, now, or after), if it is later
    than `after_step`; None for a wrong or already used code."""
    code = "".join(code.split())
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp, step = pyotp.TOTP(secret), pyotp.TOTP(secret).timecode(now)
    for candidate in (step - 1, step, step + 1):
        if (after_step is None or candidate > after_step) and hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def set_up(session: Session, person_id: int, secret: str, code: str, now: datetime) -> list[str] | None:
    """Save the app's secret if `code` proves the app has it; returns ten new recovery codes
    (shown once; only their digests are kept), or None for a wrong code. Replaces any earlier
    app and recovery codes."""
    step = code_step(secret, code, now, None)
    if step is None:
        return None
    session.execute(delete(SecondFactor).where(SecondFactor.person_id == person_id))
    session.add(SecondFactor(person_id=person_id, secret=secret, set_up_at=now, last_step=step))
    return new_recovery_codes(session, person_id)


def new_recovery_codes(session: Session, person_id: int) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.person_id == person_id))
    codes = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
             for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(person_id=person_id, code_hash=_digest(code)) for code in codes)
    return codes


def check(session: Session, person_id: int, code: str, now: datetime) -> str | None:
    """'app' or 'recovery' if this code lets the person in (and uses it up), else None."""
    factor = session.get(SecondFactor, person_id)
    if factor is None:
        return None
    step = code_step(factor.secret, code, now, factor.last_step)
    if step is not None:
        factor.last_step = step
        return "app"
    row = session.scalar(select(RecoveryCode).where(RecoveryCode.person_id == person_id,
                                                    RecoveryCode.code_hash == _digest(code),
                                                    RecoveryCode.used_at.is_(None)))
    if row is None:
        return None
    row.used_at = now
    return "recovery"


def remove(session: Session, person_id: int) -> bool:
    """Take away the person's app and recovery codes (an administrator's reset); True if they
    had an app. They set up a new one at their next sign-in if they must have one."""
    had = session.execute(delete(SecondFactor).where(SecondFactor.person_id == person_id)).rowcount > 0
    session.execute(delete(RecoveryCode).where(RecoveryCode.person_id == person_id))
    return had


def recovery_codes_left(session: Session, person_id: int) -> int:
    return len(session.scalars(select(RecoveryCode.id).where(RecoveryCode.person_id == person_id,
                                                             RecoveryCode.used_at.is_(None))).all())


def _digest(code: str) -> str:
    normalised = "".join(code.upper().split()).replace("-", "")
    return hashlib.sha256(normalised.encode("utf-8", "replace")).hexdigest()


def check_throttled(session: Session, person_id: int, code: str, client: str, now: datetime):
    """check(), throttled like a password: 'app' or 'recovery'; how long to wait (a timedelta)
    before a code is checked again; or None for a wrong code (counted)."""
    account = f"security-code:{person_id}"
    wait = throttle.wait_before_trying(session, account, client, now)
    if wait.total_seconds() > 0:
        return wait
    used = check(session, person_id, code, now)
    if used is None:
        throttle.record_failure(session, account, client, now)
    else:
        throttle.clear_failures(session, account)
    return used
