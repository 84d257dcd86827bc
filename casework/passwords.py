"""Password hashing with Argon2id, and the sign-in throttle counted in the database: at most
10 failures in 5 minutes per account, then a temporary lock. Tests hash at argon2's cheapest
cost (`use_hasher`); the service always runs with `PRODUCTION`."""
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from casework.organisations import Person

#: argon2-cffi's default, RFC 9106's low-memory profile: Argon2id, 3 passes over 64 MiB, 4 lanes.
PRODUCTION = PasswordHasher()
_HASHER = PRODUCTION
MAX_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=5)
LOCK_FOR = timedelta(minutes=15)


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash new passwords with `hasher` from now on; returns the one used until now. For tests:
    a check reads its cost from the stored hash, so cheap hashes make cheap sign-ins."""
    global _HASHER
    previous, _HASHER = _HASHER, hasher
    return previous


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _HASHER.hash(password)


def check_password(person: Person | None, password: str, now: datetime) -> bool:
    """True if the password is right and the account is not locked; counts failures."""
    if person is None or not person.password_hash:
        _verify(_dummy_hash(_HASHER), password)
        return False
    if is_locked(person, now):
        return False
    if _verify(person.password_hash, password):
        person.failed_logins, person.first_failed_login_at, person.locked_until = 0, None, None
        return True
    _count_failure(person, now)
    return False


def is_locked(person: Person, now: datetime) -> bool:
    return person.locked_until is not None and person.locked_until > now


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Checked against when the email matches nobody, so timing does not reveal which emails exist."""
    return hasher.hash("no such account")


_dummy_hash(PRODUCTION)  # made at start-up, so the first unknown email takes no longer than the rest


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _count_failure(person: Person, now: datetime) -> None:
    if person.first_failed_login_at is None or now - person.first_failed_login_at > FAILURE_WINDOW:
        person.failed_logins, person.first_failed_login_at = 0, now
    person.failed_logins += 1
    if person.failed_logins >= MAX_FAILURES:
        person.locked_until = now + LOCK_FOR
