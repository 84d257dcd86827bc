"""The service hashes passwords with Argon2id at RFC 9106's low-memory cost. The rest of the
suite hashes at argon2's cheapest cost (tests/conftest.py) so that signing in is quick; this
file is where the real cost is checked and run."""
import subprocess
import sys

from argon2 import Type

from casework import passwords

#: What argon2-cffi's PasswordHasher() gives: Argon2id, 64 MiB, 3 passes, 4 lanes (RFC 9106).
PRODUCTION_PREFIX = "$argon2id$v=19$m=65536,t=3,p=4$"


def test_the_service_hashes_with_argon2id_at_rfc_9106_low_memory_cost():
    hasher = passwords.PRODUCTION
    assert (hasher.type, hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (Type.ID, 65536, 3, 4)
    assert (hasher.hash_len, hasher.salt_len) == (32, 16)


def test_a_fresh_process_hashes_at_the_production_cost():
    # As the web app and the CLI do: nothing has called use_hasher.
    code = "from casework.passwords import hash_password; print(hash_password('correct-horse'))"
    hashed = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert hashed.startswith(PRODUCTION_PREFIX)


def test_a_password_hashed_at_the_production_cost_is_checked_right():
    hashed = passwords.PRODUCTION.hash("correct-horse")

    assert passwords.verify_password(hashed, "correct-horse")
    assert not passwords.verify_password(hashed, "wrong-horse")
