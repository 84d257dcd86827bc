"""Password hashing with Argon2id. Every sign-in attempt that is checked runs exactly one
Argon2 verification, against the person's hash or, when the email matches no active account
with a password, against a dummy hash made with the same parameters: the time taken does not
tell which accounts exist. Throttling is in casework.throttle. When the cost is raised, each
person's hash is remade at the new cost the next time they sign in (`rehashed`). Tests hash at argon2's cheapest
cost (`use_hasher`); the service always runs with `PRODUCTION`."""
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: argon2-cffi's default, RFC 9106's low-memory profile: Argon2id, 3 passes over 64 MiB, 4 lanes.
PRODUCTION = PasswordHasher()
_HASHER = PRODUCTION


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash new passwords with `hasher` from now on; returns the one used until now. For tests:
    a check reads its cost from the stored hash, so cheap hashes make cheap sign-ins."""
    global _HASHER
    previous, _HASHER = _HASHER, hasher
    return previous


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _HASHER.hash(password)


def verify_password(hashed: str | None, password: str) -> bool:
    """True if the password matches the hash. With no hash (no account, a deactivated one, one
    without a password) the dummy hash is verified instead and the answer is False."""
    if not hashed:
        _verify(_dummy_hash(_HASHER), password)
        return False
    return _verify(hashed, password)


def rehashed(hashed: str, password: str) -> str | None:
    """A new hash of the (just verified) password if the stored one was made with other
    parameters than today's, such as a lower cost from before it was raised; else None. Called
    on signing in, the one moment the password is known."""
    try:
        if not _HASHER.check_needs_rehash(hashed):
            return None
    except InvalidHashError:
        pass
    return _HASHER.hash(password)


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Checked against when there is no usable account, made with the same parameters, so the
    work is the same."""
    return hasher.hash("no such account")


_dummy_hash(PRODUCTION)  # made at start-up, so the first unknown email takes no longer than the rest


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
