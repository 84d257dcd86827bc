"""Security test plan rows 6 and 9 (see tests/SECURITY_PLAN.md), at the edges the existing
tests leave: the idle and the absolute session limits to within a second either side; a
password longer than 72 bytes is not cut short (its 72-byte prefix does not sign in), a
64-character passphrase is accepted, and a new password is stored nowhere in the database
and written to no log; a hash made at a lower cost is remade at today's on signing in."""
import dataclasses

import pytest

from casework.organisations import Person
from casework.password_policy import password_problem
from casework.passwords import hash_password, verify_password
from tests.web.helpers import PASSWORD, location, login, snapshot

HOURS_12 = 12 * 60 * 60


# --- 6. idle and absolute timeouts ------------------------------------------------------------

def test_idle_limit_holds_to_the_second(app, signed_in, clock):
    idle = app.extensions["casework"].settings.idle_timeout_minutes * 60
    assert idle == 30 * 60, "the documented idle limit"
    just_under, just_over = signed_in("fo"), signed_in("vl")
    start = clock.now()
    clock.advance(seconds=idle - 1)
    assert just_under.get("/").status_code == 200, "1 second before the idle limit"
    clock.current = start
    clock.advance(seconds=idle + 1)
    response = just_over.get("/")
    assert response.status_code == 302 and location(response).startswith("/sign-in"), "1 second after"


def test_absolute_limit_holds_to_the_second_however_busy(patient_app, clock):
    browser = patient_app.test_client()
    assert login(browser, "vl").status_code == 302   # VCO staff: no authenticator app step
    for _ in range(11):                 # busy all day: a page every hour
        clock.advance(hours=1)
        response = browser.get("/")
        assert response.status_code == 200, location(response)
    clock.advance(seconds=HOURS_12 - 11 * 3600 - 1)
    assert browser.get("/").status_code == 200, "1 second before 12 hours"
    clock.advance(seconds=2)
    response = browser.get("/")
    assert response.status_code == 302 and location(response).startswith("/sign-in"), "1 second after 12 hours"


# --- 9. password storage and policy -----------------------------------------------------------

def test_a_password_longer_than_72_bytes_is_not_truncated():
    password = "Q7#vL9!pZ2@m-correct-horse-battery-staple-" + "\u00e9" * 16   # 74 bytes in UTF-8
    assert len(password.encode()) > 72
    hashed = hash_password(password)
    assert verify_password(hashed, password)
    assert not verify_password(hashed, password.encode()[:72].decode("utf-8", "ignore"))
    assert not verify_password(hashed, password[:-1])


def test_a_64_character_passphrase_is_accepted():
    passphrase = "sixty four characters of an ordinary passphrase typed by a person"[:64]
    assert len(passphrase) == 64
    assert password_problem(passphrase, name="Grace Adeyemi", email="vl@example.org") is None


@pytest.mark.parametrize("password", ["grace-adeyemi-2026", "BexleyCompact2026", "crayfordkitchen2026"])
def test_context_words_run_together_with_a_year_are_refused(password):
    assert password_problem(password, name="Grace Adeyemi", email="vl@example.org",
                            organisation="Crayford Community Kitchen") is not None


def test_a_new_password_is_in_no_table_and_no_log(signed_in, engine, caplog):
    new = "plaintext-canary-7f3a9c-horse-staple"
    browser = signed_in("vl")
    caplog.set_level("DEBUG")
    done = browser.submit("/account/password", {"current_password": PASSWORD, "password": new, "confirm": new})
    assert location(done) == "/account/"
    everything = repr(snapshot(engine))
    assert "$argon2id$" in everything, "the hash is stored"
    assert new not in everything and PASSWORD not in everything
    assert new not in caplog.text and PASSWORD not in caplog.text


@pytest.fixture
def raised_cost():
    """The hashing cost raised above the one the cast's hashes were made at (still cheap)."""
    from argon2 import PasswordHasher, profiles

    from casework import passwords
    before = passwords.use_hasher(PasswordHasher.from_parameters(
        dataclasses.replace(profiles.CHEAPEST, time_cost=2, memory_cost=16)))
    yield
    passwords.use_hasher(before)


def stored_hash(factory, key_id: int) -> str:
    with factory() as s:
        return s.get(Person, key_id).password_hash


def test_signing_in_remakes_the_hash_at_a_raised_cost_and_the_password_still_works(
        app, factory, cast, raised_cost):
    # plan 9: "rehash when parameters rise". The cast's hashes are at t=1, m=8 KiB; the service
    # now hashes at t=2, m=16 KiB. A wrong password changes nothing; the right one remakes the
    # hash at the new cost, once.
    old = stored_hash(factory, cast["vl"])
    assert "$m=8,t=1,p=1$" in old
    login(app.test_client(), "vl", "not-the-password")
    assert stored_hash(factory, cast["vl"]) == old, "nothing is remade without the right password"

    assert location(login(app.test_client(), "vl")) == "/"

    new = stored_hash(factory, cast["vl"])
    assert "$m=16,t=2,p=1$" in new and verify_password(new, PASSWORD)
    assert location(login(app.test_client(), "vl")) == "/", "the password still signs in"
    assert stored_hash(factory, cast["vl"]) == new, "a hash already at today's cost is kept"


def test_at_an_unchanged_cost_signing_in_keeps_the_hash(app, factory, cast):
    old = stored_hash(factory, cast["vl"])
    assert location(login(app.test_client(), "vl")) == "/"
    assert stored_hash(factory, cast["vl"]) == old
