"""Sign-in throttling, counted in the database so every web worker (and both databases) sees
the same counts. Each failed sign-in is a row: the account it named (the typed email,
normalised, whether or not anyone has it, so an unknown address is throttled exactly like a
real one) and the client's address. Nothing is ever locked: after a short wait the right
password always works.

- Per account: 5 failures in 15 minutes are free; after the 5th, the next attempt must wait
  30 seconds after the last failure, doubling with each further failure (1, 2, 4 minutes),
  never more than 5 minutes. At most 8 guesses in any 5 minutes and about 12 an hour.
- Per client address: 20 failures in 15 minutes, then wait until the oldest of them is 15
  minutes old. IPv6 addresses count by their /64 network.
- A successful sign-in clears the account's failures. Attempts refused while waiting are not
  guesses (no password is checked) and are not counted.
"""
import ipaddress
from datetime import datetime, timedelta

from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.persistence import Base, UTCDateTime

ACCOUNT_FREE_FAILURES = 5
ACCOUNT_WINDOW = timedelta(minutes=15)
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=5)
ADDRESS_MAX_FAILURES = 20
ADDRESS_WINDOW = timedelta(minutes=15)
#: The account holder is emailed when this many failures in the window have been counted.
WARN_AFTER = ACCOUNT_FREE_FAILURES
MAX_KEY = 254


class SignInFailure(Base):
    """One failed sign-in: the account it named and where it came from."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_account", "account_key", "failed_at"),
                      Index("ix_sign_in_failures_address", "client_address", "failed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(MAX_KEY))
    client_address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


def account_key(email: str) -> str:
    """The account an attempt names, as typed: lower case, no NUL, no outer spaces."""
    return email.replace("\x00", "").strip().lower()[:MAX_KEY]


def address_key(address: str | None) -> str:
    """The client's address as counted: an IPv6 address by its /64 network."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "unknown")[:64]
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def account_wait(failures: int) -> timedelta:
    """How long after the last failure the next attempt waits, with this many in the window."""
    if failures < ACCOUNT_FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - ACCOUNT_FREE_FAILURES, 20)  # far past the longest wait; no overflow
    return min(FIRST_WAIT * 2 ** doublings, LONGEST_WAIT)


def wait_before_trying(session: Session, account: str, address: str, now: datetime) -> timedelta:
    """How long this attempt must wait; zero if it may be checked now."""
    count, last = session.execute(select(func.count(), func.max(SignInFailure.failed_at)).where(
        SignInFailure.account_key == account, SignInFailure.failed_at > now - ACCOUNT_WINDOW)).one()
    waits = [last + account_wait(count) - now] if count else []
    from_address = session.scalars(
        select(SignInFailure.failed_at).where(SignInFailure.client_address == address,
                                              SignInFailure.failed_at > now - ADDRESS_WINDOW)
        .order_by(SignInFailure.failed_at.desc()).limit(ADDRESS_MAX_FAILURES)).all()
    if len(from_address) >= ADDRESS_MAX_FAILURES:  # until the oldest of the last 20 leaves the window
        waits.append(from_address[-1] + ADDRESS_WINDOW - now)
    return max([timedelta(0), *waits])


def record_failure(session: Session, account: str, address: str, now: datetime) -> int:
    """Count a failed sign-in; returns the account's failures in the window, this one included.
    Rows too old to count for anything are removed on the way."""
    session.execute(delete(SignInFailure).where(
        SignInFailure.failed_at <= now - max(ACCOUNT_WINDOW, ADDRESS_WINDOW)).execution_options(
        synchronize_session=False))
    session.add(SignInFailure(account_key=account, client_address=address, failed_at=now))
    session.flush()
    return session.scalar(select(func.count()).where(SignInFailure.account_key == account,
                                                     SignInFailure.failed_at > now - ACCOUNT_WINDOW))


def clear_failures(session: Session, account: str) -> None:
    """The right password was given: the account's failures no longer count."""
    session.execute(delete(SignInFailure).where(SignInFailure.account_key == account)
                    .execution_options(synchronize_session=False))
