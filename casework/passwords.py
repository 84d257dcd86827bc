"""Password hashing with Argon2id, and the sign-in throttle counted in the database: at most
10 failures in 5 minutes per account, then a temporary lock."""
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from casework.organisations import Person

_HASHER = PasswordHasher()
MAX_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=5)
LOCK_FOR = timedelta(minutes=15)
#: Checked against when the email matches nobody, so timing does not reveal which emails exist.
_DUMMY_HASH = _HASHER.hash("no such account")


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _HASHER.hash(password)


def check_password(person: Person | None, password: str, now: datetime) -> bool:
    """True if the password is right and the account is not locked; counts failures."""
    if person is None or not person.password_hash:
        _verify(_DUMMY_HASH, password)
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
