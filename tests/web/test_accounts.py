"""Accounts people manage themselves (README, "Accounts"): invitations, forgotten passwords,
changing a password, Your account and its sessions, the authenticator app, and security
events. Test numbers in comments are those of the security test plan
(/work/shared/notes/security-test-plan.md, section 6)."""
import json
import logging
import re

import pyotp
from sqlalchemy import func, select

from casework import second_factor
from casework.accounts import AccountToken
from casework.logins import LoginSession
from casework.messages import OutboxMessage
from casework.organisations import Person
from casework.persistence import unit_of_work
from casework.second_factor import RecoveryCode
from casework.security_events import SecurityEvent
from tests.web.helpers import PASSWORD, Page, email_of, location, login, page

NEW = "a-new-long-password"
SENT = ("If {} is the email address of an account, we have sent a link to it to reset the password. "
        "The link works once, for 1 hour.")


def link_in_last_email(factory, to: str) -> str:
    with factory() as s:
        content = s.scalars(select(OutboxMessage.content).where(OutboxMessage.to_address == to)
                            .order_by(OutboxMessage.id.desc())).first()
    return content["link_url"].removeprefix("http://casework.test")


def ask_for_reset(client, email: str):
    client.csrf_token = None
    return client.submit("/forgotten-password", {"email": email}, follow_redirects=True)


def choose(client, path: str, password: str = NEW, confirm: str | None = None):
    client.csrf_token = None
    return client.submit(path, {"password": password, "confirm": password if confirm is None else confirm})


def give_app(factory, clock, key_id: int) -> str:
    """Set up an authenticator app for the person; returns its secret."""
    secret = pyotp.random_base32(32)
    with unit_of_work(factory) as db:
        second_factor.set_up(db, key_id, secret, pyotp.TOTP(secret).at(clock.now()), clock.now())
    clock.advance(seconds=30)  # the code used to set it up is spent
    return secret


def events(factory, kind: str) -> list[SecurityEvent]:
    with factory() as s:
        return list(s.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind)))


def live_sessions(factory, person_id: int) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(LoginSession).where(
            LoginSession.person_id == person_id, LoginSession.ended_at.is_(None)))


# --- forgotten password (item 11) -------------------------------------------------------------

def test_forgotten_password_says_the_same_whether_or_not_the_account_exists(app, factory):
    known, unknown = ask_for_reset(app.test_client(), email_of("vl")), ask_for_reset(app.test_client(), "no@x.org")
    assert SENT.format(email_of("vl")) in page(known).text
    assert SENT.format("no@x.org") in page(unknown).text
    assert (known.status_code, unknown.status_code) == (200, 200)
    with factory() as s:
        assert s.scalars(select(OutboxMessage.to_address)).all() == [email_of("vl")]


def test_the_sign_in_page_links_to_forgotten_password(client):
    assert 'href="/forgotten-password">Forgotten your password?</a>' in client.get("/sign-in").get_data(as_text=True)


def test_a_reset_link_works_once_signs_out_every_session_and_the_new_password_works(app, factory, cast, signed_in):
    # plan 7 (revocation: a reset ends every other session) and 10 (a reset link is single-use)
    elsewhere = signed_in("vl")
    ask_for_reset(app.test_client(), email_of("vl"))
    path = link_in_last_email(factory, email_of("vl"))

    response = choose(app.test_client(), path)

    assert location(response) == "/sign-in"
    assert elsewhere.get("/").status_code == 302, "the session elsewhere has ended"
    assert live_sessions(factory, cast["vl"]) == 0
    assert choose(app.test_client(), path, "another-long-password").status_code == 404, "the link worked once"
    assert login(app.test_client(), "vl", NEW).status_code == 302
    assert login(app.test_client(), "vl", PASSWORD).status_code == 200


def test_a_reset_link_expires_after_an_hour_and_only_its_digest_is_stored(app, factory, clock):
    # plan 10: reset links expire; 11.5.1: the token itself is not in the database
    ask_for_reset(app.test_client(), email_of("vl"))
    path = link_in_last_email(factory, email_of("vl"))
    token = path.rsplit("/", 1)[1]
    with factory() as s:
        stored = s.scalar(select(AccountToken.token_hash))
    assert token not in stored and len(token) >= 43, "256 random bits, stored as a digest"
    clock.advance(minutes=59, seconds=59)
    assert app.test_client().get(path).status_code == 200
    clock.advance(seconds=1)  # 1 hour after it was sent
    expired = app.test_client().get(path)
    assert expired.status_code == 404 and "This link has expired" in page(expired).text


def test_a_reset_does_not_skip_the_authenticator_app(app, factory, clock, cast):
    # plan 10: "the reset does not skip MFA"
    give_app(factory, clock, cast["dm"])
    ask_for_reset(app.test_client(), email_of("dm"))
    choose(app.test_client(), link_in_last_email(factory, email_of("dm")))

    response = login(app.test_client(), "dm", NEW)

    assert location(response) == "/sign-in/security-code"


def test_a_new_password_that_is_too_short_or_does_not_match_is_refused_and_the_link_still_works(app, factory):
    ask_for_reset(app.test_client(), email_of("vl"))
    path = link_in_last_email(factory, email_of("vl"))
    assert page(choose(app.test_client(), path, "short")).errors == ["Password must be 12 characters or more"]
    assert page(choose(app.test_client(), path, NEW, "different-password")).errors == ["The passwords do not match"]
    assert choose(app.test_client(), path).status_code == 302


# --- invitations (item 10) --------------------------------------------------------------------

def invite(admin, cast, email="jo@example.org", roles=("vco_staff",), org="kitchen"):
    return admin.submit("/admin/people", {"name": "Jo Bloggs", "email": email, "organisation": str(cast.orgs[org]),
                                          "roles": list(roles)})


def test_an_invitation_lasts_72_hours_and_can_be_sent_again_which_ends_the_first_link(
        app, signed_in, cast, factory, clock):
    admin = signed_in("admin")
    invite(admin, cast)
    first = link_in_last_email(factory, "jo@example.org")
    with factory() as s:
        jo = s.scalar(select(Person.id).where(Person.email == "jo@example.org"))
    assert "has not chosen a password yet" in page(admin.get(f"/admin/people/{jo}")).text

    admin.submit(f"/admin/people/{jo}/invitation/resend")
    second = link_in_last_email(factory, "jo@example.org")

    assert app.test_client().get(first).status_code == 404
    clock.advance(hours=71, minutes=59)
    assert app.test_client().get(second).status_code == 200
    clock.advance(minutes=1)
    assert app.test_client().get(second).status_code == 404


def test_a_cancelled_invitation_cannot_be_used(app, signed_in, cast, factory):
    admin = signed_in("admin")
    invite(admin, cast)
    path = link_in_last_email(factory, "jo@example.org")
    with factory() as s:
        jo = s.scalar(select(Person.id).where(Person.email == "jo@example.org"))
    admin.submit(f"/admin/people/{jo}/invitation/cancel")
    assert choose(app.test_client(), path).status_code == 404
    assert [e.kind for e in events(factory, "invitation_cancelled")] == ["invitation_cancelled"]


def test_an_invited_council_officer_sets_a_password_then_must_set_up_an_app_before_anything_else(
        app, signed_in, cast, factory, clock):
    invite(signed_in("admin"), cast, roles=("funder_officer",), org="council")
    jo = app.test_client()
    response = choose(jo, link_in_last_email(factory, "jo@example.org"))
    assert location(response).startswith("/account/authenticator-app")
    assert location(jo.get("/cases")) == "/account/authenticator-app", "nothing else until the app is set up"

    html = jo.get("/account/authenticator-app").get_data(as_text=True)
    shown = Page(html)
    secret = shown.value("secret")
    assert "".join(re.search(r'id="secret-key">([A-Z2-7 ]+)<', html).group(1).split()) == secret, \
        "the key is shown as text for people who cannot scan the QR code"
    assert '<svg role="img" aria-labelledby="qr-title"' in html
    jo.csrf_token = shown.csrf_token
    done = jo.submit("/account/authenticator-app", {"secret": secret, "code": pyotp.TOTP(secret).at(clock.now())})
    codes = page(jo.get(location(done)))
    assert codes.text.count("-") >= 30 and "You will not be shown them again" in codes.text
    assert jo.get("/cases").status_code == 200


# --- the authenticator app (item 13) ------------------------------------------------------------

def code_step(client, code: str):
    client.csrf_token = None
    return client.submit("/sign-in/security-code", {"code": code})


def test_after_the_password_the_code_from_the_app_signs_in_once(app, factory, clock, cast):
    # plan 10: a TOTP code is single-use
    secret = give_app(factory, clock, cast["dm"])
    first, second = app.test_client(), app.test_client()
    assert location(login(first, "dm")) == "/sign-in/security-code"
    assert live_sessions(factory, cast["dm"]) == 0, "no session until the code is given"
    login(second, "dm")
    code = pyotp.TOTP(secret).at(clock.now())

    assert location(code_step(first, code)) == "/"
    replayed = code_step(second, code)
    assert replayed.status_code == 200 and page(replayed).errors == [
        "Enter the security code shown in your authenticator app now, or an unused recovery code"]


def test_a_code_from_more_than_30_seconds_ago_is_refused(app, factory, clock, cast):
    # plan 10: a code older than the step before now is refused
    secret = give_app(factory, clock, cast["dm"])
    old = pyotp.TOTP(secret).at(clock.now())
    clock.advance(seconds=60)
    browser = app.test_client()
    login(browser, "dm")
    assert code_step(browser, old).status_code == 200


def test_wrong_codes_are_throttled_after_five(app, factory, clock, cast):
    # plan 10: at most 5 free guesses, then 30 s, 1, 2, 4 minutes (casework.throttle): <=10 per window
    secret = give_app(factory, clock, cast["dm"])
    browser = app.test_client()
    login(browser, "dm")
    for _ in range(5):
        assert code_step(browser, "000000").status_code == 200
    refused = code_step(browser, pyotp.TOTP(secret).at(clock.now()))
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert events(factory, "throttled")


def test_a_recovery_code_works_once(app, factory, clock, cast):
    with unit_of_work(factory) as db:
        codes = second_factor.set_up(db, cast["dm"], (s := pyotp.random_base32(32)), pyotp.TOTP(s).at(clock.now()),
                                     clock.now())
    with factory() as s_:
        assert codes[0] not in {r.code_hash for r in s_.scalars(select(RecoveryCode))}, "stored hashed"
    first = app.test_client()
    login(first, "dm")
    assert location(code_step(first, codes[0].lower())) == "/"
    again = app.test_client()
    login(again, "dm")
    assert code_step(again, codes[0]).status_code == 200


def test_the_code_step_lapses_five_minutes_after_the_password(app, factory, clock, cast):
    secret = give_app(factory, clock, cast["dm"])
    browser = app.test_client()
    login(browser, "dm")
    clock.advance(minutes=5, seconds=1)
    assert location(code_step(browser, pyotp.TOTP(secret).at(clock.now()))) == "/sign-in"


def test_changing_the_app_asks_for_the_password_first(app, factory, clock, cast, signed_in):
    give_app(factory, clock, cast["vl"])
    browser = signed_in("vl")
    secret = page(browser.get("/account/authenticator-app")).value("secret")
    code = pyotp.TOTP(secret).at(clock.now())
    refused = browser.submit("/account/authenticator-app", {"secret": secret, "code": code, "password": "wrong"})
    assert page(refused).errors == ["Your password is not correct"]
    assert location(browser.submit("/account/authenticator-app", {"secret": secret, "code": code,
                                                                  "password": PASSWORD})).startswith("/account/")


def test_vco_staff_need_an_app_once_an_administrator_turns_that_on(app, signed_in, factory):
    assert login(app.test_client(), "vl").headers["Location"] == "/"
    signed_in("admin").submit("/admin/security", {"vco_staff": "yes"})
    assert location(login(app.test_client(), "vl")).startswith("/account/authenticator-app")


def test_in_a_development_copy_the_demo_people_may_skip_the_app_and_the_sign_in_page_says_so(
        engine, service, clock, cast):
    from tests.web.conftest import make_app
    dev = make_app(engine, service, clock, env="development")
    assert "The demo people can sign in without an authenticator app here" in page(dev.test_client().get("/sign-in")).text
    assert location(login(dev.test_client(), "fo")) == "/"


# --- change password and Your account (item 12) ------------------------------------------------

def test_changing_the_password_needs_the_current_one_and_signs_out_every_other_session(app, signed_in, cast, factory):
    # plan 7: a password change ends the other sessions; the current one stays
    here, elsewhere = signed_in("vl"), signed_in("vl")
    wrong = here.submit("/account/password", {"current_password": "nope", "password": NEW, "confirm": NEW})
    assert page(wrong).errors == ["Your current password is not correct"]

    done = here.submit("/account/password", {"current_password": PASSWORD, "password": NEW, "confirm": NEW})

    assert location(done) == "/account/"
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert login(app.test_client(), "vl", NEW).status_code == 302


def test_your_account_lists_details_roles_and_sessions_and_signs_out_everywhere_else(app, cast, factory):
    # plan 7: "sign out other sessions"
    here, elsewhere = app.test_client(), app.test_client()
    login(elsewhere, "vl")
    login(here, "vl")
    shown = page(here.get("/account/"))
    assert "Grace Adeyemi" in shown.text and "Crayford Community Kitchen" in shown.text and "VCO staff" in shown.text
    assert len(shown.rows("Your sessions, most recently used first")) == 2
    assert "This browser" in shown.text

    here.submit("/account/sign-out-other-sessions")

    assert elsewhere.get("/").status_code == 302
    assert here.get("/").status_code == 200
    assert live_sessions(factory, cast["vl"]) == 1


# --- security events (item 14) ------------------------------------------------------------------

def test_security_events_are_json_lines_without_secrets_and_shown_to_administrators(
        app, signed_in, factory, caplog, cast):
    # plan 16: one structured record per event; no password, token or link in the log; CRLF neutralised
    with caplog.at_level(logging.INFO, logger="casework.security"):
        login(app.test_client(), "vl", "wrong-password")
        login(app.test_client(), "nobody", "wrong-password")
        login(app.test_client(), "vl")
        ask_for_reset(app.test_client(), email_of("vl"))
    path = link_in_last_email(factory, email_of("vl"))
    lines = [r.getMessage() for r in caplog.records if r.name == "casework.security"]
    records = [json.loads(line) for line in lines]
    assert [r["event"] for r in records] == ["sign_in_failed", "sign_in_failed", "signed_in", "password_reset_asked"]
    assert records[1]["account"] == "nobody@example.org" and records[1]["person_id"] is None
    logged = "\n".join(lines)
    for secret in ("wrong-password", PASSWORD, path.rsplit("/", 1)[1]):
        assert secret not in logged

    admin = signed_in("admin")
    listed = page(admin.get("/admin/security-events?kind=sign_in_failed"))
    assert len(listed.rows("Security events, newest first")) == 2
    only_vl = page(admin.get("/admin/security-events?account=vl%40"))
    assert all(email_of("vl") in row for row in only_vl.rows("Security events, newest first"))


def test_text_from_a_request_cannot_start_a_second_log_line(factory, clock, caplog):
    # plan 16: CRLF in what was typed is neutralised
    from casework import security_events
    with caplog.at_level(logging.INFO, logger="casework.security"), unit_of_work(factory) as db:
        security_events.record(db, security_events.Kind.SIGN_IN_FAILED, clock.now(),
                               account="vl@example.org\r\n{\"event\": \"signed_in\"}")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "casework.security"]
    assert "\n" not in line and "\r" not in line and json.loads(line)["event"] == "sign_in_failed"


def test_role_changes_and_deactivation_are_security_events(signed_in, cast, factory):
    admin = signed_in("admin")
    admin.submit(f"/admin/people/{cast['vl']}", {"name": "Grace Adeyemi", "email": email_of("vl"),
                                                 "organisation": str(cast.orgs["kitchen"]),
                                                 "roles": ["vco_staff", "mediator"]})
    admin.submit(f"/admin/people/{cast['vl']}/deactivate")
    assert [(e.kind, e.actor_id, e.detail) for e in events(factory, "roles_changed")] == [
        ("roles_changed", cast["admin"], "roles: mediator, vco_staff")]
    assert [e.person_id for e in events(factory, "deactivated")] == [cast["vl"]]


def test_the_reset_email_renders_with_its_link_and_other_emails_still_render(app, factory):
    from notifications.emails import render_bodies
    ask_for_reset(app.test_client(), email_of("vl"))
    with factory() as s:
        content = s.scalar(select(OutboxMessage.content))
    text, html = render_bodies(content)
    assert f"Choose a new password: {content['link_url']}" in text and content["link_url"] in html
    plain = {k: v for k, v in content.items() if k not in ("link_url", "link_text")}
    assert "Choose a new password" not in render_bodies(plain)[0]
