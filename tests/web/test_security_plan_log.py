"""Security test plan row 16 (security log content), in one run: drive every kind of security
event through the pages, plus refusals of a page and of another organisation's case, with a
carriage return and line feed in a typed email; then read everything logged (every logger, at
every level, and anything written to stdout or stderr) and look for each secret used on the
way: passwords, security and recovery codes, the app's key, reset and invitation links, session
cookies and CSRF tokens. Each event is one JSON line with its UTC time, whom it is about, their
organisation, who did it, where from and the request's reference."""
import json
import logging
import re
from datetime import datetime

import pyotp
from sqlalchemy import select

from casework import second_factor
from casework.organisations import Person
from casework.persistence import unit_of_work
from casework.security_events import ACCESS_DENIED, Kind
from tests.factories import funding_case_at
from tests.web.helpers import PASSWORD, email_of, login, page
from tests.web.test_accounts import NEW, ask_for_reset, choose, code_step, invite, link_in_last_email

WRONG, WRONG_CODE = "guess-number-one-wrong", "000000"
JO_PASSWORD = "jo-chooses-a-long-password"


def browser_secrets(browser) -> set[str]:
    """The session cookie and CSRF token this browser holds."""
    held = {cookie.value for cookie in browser._cookies.values()}
    assert held, "a signed-in browser holds a session cookie"
    return held | ({browser.csrf_token} if browser.csrf_token else set())


def drive_every_event(app, signed_in, cast, factory, clock, service) -> set[str]:
    """Cause every kind of security event; returns every secret used on the way."""
    used = {PASSWORD, NEW, WRONG, JO_PASSWORD}
    crlf = "vl@example.org\r\n{\"event\": \"signed_in\"}"
    for email, password in ((email_of("vl"), WRONG), ("nobody@example.org", WRONG), (crlf, WRONG)):
        login_as = app.test_client()
        login_as.csrf_token = None
        login_as.submit("/sign-in", {"email": email, "password": password})
    for _ in range(6):  # sign_in_failed x5, then throttled
        login(app.test_client(), "other_vl", WRONG)
    vl = app.test_client()
    login(vl, "vl")                                                         # signed_in
    used |= browser_secrets(vl)
    vl.csrf_token = None
    vl.submit("/account/password", {"current_password": PASSWORD, "password": NEW, "confirm": NEW})  # password_changed
    vl.submit("/account/sign-out-other-sessions")                           # signed_out_elsewhere
    shown = page(vl.get("/account/authenticator-app"))
    secret = shown.value("secret")
    code = pyotp.TOTP(secret).at(clock.now())
    vl.submit("/account/authenticator-app", {"secret": secret, "code": code})  # second_factor_set_up
    used |= {secret, code} | browser_secrets(vl)
    clock.advance(seconds=30)

    recovery = _app_with_codes(factory, clock, cast["dm"])
    dm = app.test_client()
    login(dm, "dm")
    code_step(dm, WRONG_CODE)                                              # second_factor_code_failed
    code_step(dm, recovery)                                                # recovery_code_used
    used |= {recovery} | browser_secrets(dm)

    ask_for_reset(app.test_client(), email_of("fo"))                       # password_reset_asked
    reset_link = link_in_last_email(factory, email_of("fo"))
    choose(app.test_client(), reset_link)                                  # password_reset
    used |= {reset_link, reset_link.rsplit("/", 1)[1]}

    admin = signed_in("admin")
    used |= browser_secrets(admin)
    invite(admin, cast)                                                    # invited
    jo = _person_id(factory, "jo@example.org")
    admin.submit(f"/admin/people/{jo}/invitation/resend")                  # invitation_resent
    first = link_in_last_email(factory, "jo@example.org")
    admin.submit(f"/admin/people/{jo}/invitation/cancel")                  # invitation_cancelled
    invite(admin, cast, email="kim@example.org")
    second = link_in_last_email(factory, "kim@example.org")
    choose(app.test_client(), second, JO_PASSWORD)                         # invitation_accepted
    used |= {first, second, first.rsplit("/", 1)[1], second.rsplit("/", 1)[1]}

    other = f"/admin/people/{cast['other_vl']}"
    admin.submit(other, {"name": "Owen Price", "email": email_of("other_vl"),
                         "organisation": str(cast.orgs["youth"]), "roles": ["vco_staff", "mediator"]})  # roles_changed
    admin.submit(f"{other}/deactivate")                                    # deactivated
    admin.submit(f"{other}/reactivate")                                    # reactivated
    admin.submit("/admin/security", {"vco_staff": "no"})                   # setting_changed (to "no" from unset)
    admin.submit("/admin/security", {"vco_staff": "yes"})
    admin.submit(f"/admin/people/{cast['fo2']}/sign-out-everywhere")       # signed_out_by_administrator
    admin.submit(f"/admin/people/{cast['dm']}/reset-authenticator-app")    # second_factor_reset

    kitchen_case = funding_case_at(service, cast, clock, "concern_raised")
    youth = signed_in("other_vl")
    used |= browser_secrets(youth)
    assert youth.get("/admin/").status_code == 403                        # access_denied: a page
    assert youth.get(f"/cases/{kitchen_case.id}").status_code == 404      # access_denied: another's case
    with youth.get("/cases.csv?q=lunch") as download:                      # exported
        assert download.status_code == 200
    return {s for s in used if s}


def _app_with_codes(factory, clock, person_id: int) -> str:
    secret = pyotp.random_base32(32)
    with unit_of_work(factory) as db:
        codes = second_factor.set_up(db, person_id, secret, pyotp.TOTP(secret).at(clock.now()), clock.now())
    return codes[0]


def _person_id(factory, email: str) -> int:
    with factory() as s:
        return s.scalar(select(Person.id).where(Person.email == email))


def test_every_security_event_is_one_json_line_with_no_secret_anywhere_in_the_output(
        app, signed_in, cast, factory, clock, service, caplog, capfd):
    with caplog.at_level(logging.DEBUG):
        used = drive_every_event(app, signed_in, cast, factory, clock, service)
    out, err = capfd.readouterr()

    lines = [r.getMessage() for r in caplog.records if r.name == "casework.security"]
    records = [json.loads(line) for line in lines]
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert {str(k) for k in Kind} | {ACCESS_DENIED} == {r["event"] for r in records}, "every kind is logged"
    for record in records:
        assert datetime.fromisoformat(record["at"]).utcoffset().total_seconds() == 0, record
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", record["request_id"]), record
        assert record["client_address"] == "127.0.0.1", record
        assert set(record) == {"event", "at", "person_id", "actor_id", "organisation_id", "account",
                               "client_address", "request_id", "detail"}
    denied = [r for r in records if r["event"] == ACCESS_DENIED]
    assert [(r["person_id"], r["organisation_id"]) for r in denied] == [(cast["other_vl"], cast.orgs["youth"])] * 2
    assert any("GET /admin/" in r["detail"] for r in denied) and any("is not theirs" in r["detail"] for r in denied)
    reset = next(r for r in records if r["event"] == "second_factor_reset")
    assert (reset["person_id"], reset["actor_id"], reset["organisation_id"]) == (
        cast["dm"], cast["admin"], cast.orgs["council"])

    everything = "\n".join([caplog.text, *(r.getMessage() for r in caplog.records), out, err])
    leaked = sorted(s for s in used if s in everything)
    assert leaked == [], "secrets in the output"
    assert len(used) >= 15, used
