"""Password hashing with Argon2id. Every sign-in attempt that is checked runs exactly one
Argon2 verification, against the person's hash or, when the email matches no active account
with a password, against a dummy hash made with the same parameters: the time taken does not
tell which accounts exist. Throttling is in casework.throttle."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
#: Checked against when there is no usable account, so the work is the same.
_DUMMY_HASH = _HASHER.hash("no such account")


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _HASHER.hash(password)


def verify_password(hashed: str | None, password: str) -> bool:
    """True if the password matches the hash. With no hash (no account, a deactivated one, one
    without a password) the dummy hash is verified instead and the answer is False."""
    if not hashed:
        _verify(_DUMMY_HASH, password)
        return False
    return _verify(hashed, password)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
