"""What an administrator can do about another person's sign-in (security test plan row 7,
"admin kill sessions", and the second-factor reset): sign them out everywhere, so every session
they have stops working at its next request; reset their authenticator app, so a person who
lost their phone sets up a new one at their next sign-in. Each is confirmed on its own page,
is a security event naming the administrator, and is never offered for their own account.
Also: someone who had a password before their role needed an app is taken through setting one
up at their next sign-in."""
import pyotp
import pytest
from sqlalchemy import func, select

from casework.messages import OutboxMessage
from casework.organisations import Person
from casework.permissions import can_end_sessions_of, can_reset_second_factor_of
from casework.second_factor import RecoveryCode, SecondFactor
from tests.web.helpers import PASSWORD, email_of, location, login, page, snapshot
from tests.web.test_accounts import events, give_app, live_sessions

SET_UP = "Your role needs an authenticator app as well as a password to sign in."


def test_an_administrator_signs_a_person_out_everywhere_and_each_of_their_sessions_stops_working(
        app, signed_in, cast, factory):
    # plan 7: "admin kill sessions": 0 surviving sessions
    phone, laptop, admin = signed_in("vl"), signed_in("vl"), signed_in("admin")
    person_page = page(admin.get(f"/admin/people/{cast['vl']}"))
    assert "Sign Grace Adeyemi out everywhere" in person_page.text
    confirm = page(admin.get(f"/admin/people/{cast['vl']}/sign-out-everywhere"))
    assert "Every browser where Grace Adeyemi is signed in will be signed out straight away" in confirm.text

    done = admin.submit(f"/admin/people/{cast['vl']}/sign-out-everywhere")

    assert location(done) == f"/admin/people/{cast['vl']}"
    assert "Grace Adeyemi has been signed out everywhere." in page(admin.get(location(done))).text
    for browser in (phone, laptop):
        response = browser.get("/")
        assert response.status_code == 302 and location(response).startswith("/sign-in")
    assert live_sessions(factory, cast["vl"]) == 0
    (event,) = events(factory, "signed_out_by_administrator")
    assert (event.person_id, event.actor_id, event.detail) == (cast["vl"], cast["admin"], "2 session(s) ended")
    assert admin.get("/admin/").status_code == 200, "the administrator stays signed in"
    assert location(login(app.test_client(), "vl")) == "/", "the person can sign in again"


def test_an_administrator_is_not_offered_to_sign_themselves_out_or_reset_their_own_app(
        signed_in, cast, factory, clock, engine):
    give_app(factory, clock, cast["admin"])
    admin = signed_in("admin")
    own = page(admin.get(f"/admin/people/{cast['admin']}")).text
    assert "out everywhere" not in own and "Reset Ade Bello" not in own
    before = snapshot(engine)
    for path, said in (("sign-out-everywhere", "Use \"Sign out everywhere else\" on Your account"),
                       ("reset-authenticator-app", "You cannot reset your own authenticator app")):
        assert said in page(admin.get(f"/admin/people/{cast['admin']}/{path}")).text
        refused = admin.submit(f"/admin/people/{cast['admin']}/{path}")
        assert refused.status_code == 400 and said in page(refused).errors[0]
    assert snapshot(engine) == before
    assert admin.get("/admin/").status_code == 200


def test_resetting_a_persons_app_signs_them_out_emails_them_and_they_set_up_a_new_one_next_time(
        app, signed_in, cast, factory, clock):
    give_app(factory, clock, cast["dm"])
    dm, admin = signed_in("dm"), signed_in("admin")
    assert "Reset Helen Marsh's authenticator app" in page(admin.get(f"/admin/people/{cast['dm']}")).text
    assert "they will set up a new one the next time they sign in" in page(
        admin.get(f"/admin/people/{cast['dm']}/reset-authenticator-app")).text

    done = admin.submit(f"/admin/people/{cast['dm']}/reset-authenticator-app")

    assert "Helen Marsh's authenticator app has been reset" in page(admin.get(location(done))).text
    assert dm.get("/").status_code == 302, "signed out"
    with factory() as s:
        assert s.get(SecondFactor, cast["dm"]) is None
        assert s.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.person_id == cast["dm"])) == 0
        (mail,) = s.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "dm@example.org")).all()
    assert mail.subject == "The authenticator app was removed from your Bexley Compact casework account"
    assert "you will be asked to set up an authenticator app again" in " ".join(mail.content["todo"])
    (event,) = events(factory, "second_factor_reset")
    assert (event.person_id, event.actor_id) == (cast["dm"], cast["admin"])

    again = app.test_client()
    assert location(login(again, "dm")).startswith("/account/authenticator-app"), "the old app's code is not asked for"
    assert SET_UP in page(again.get("/account/authenticator-app")).text


def test_a_person_without_an_app_has_nothing_to_reset(signed_in, cast, engine):
    admin = signed_in("admin")
    assert "Reset Grace Adeyemi" not in page(admin.get(f"/admin/people/{cast['vl']}")).text
    before = snapshot(engine)
    assert "has no authenticator app set up" in page(
        admin.get(f"/admin/people/{cast['vl']}/reset-authenticator-app")).text
    refused = admin.submit(f"/admin/people/{cast['vl']}/reset-authenticator-app")
    assert refused.status_code == 400 and page(refused).errors == ["Grace Adeyemi has no authenticator app set up"]
    assert snapshot(engine) == before


def test_only_an_administrator_may_end_or_reset_and_never_for_themselves(factory, cast):
    with factory() as s:
        admin, vl, fo = (s.get(Person, cast[k]) for k in ("admin", "vl", "fo"))
        for allowed in (can_end_sessions_of, can_reset_second_factor_of):
            assert allowed(admin, vl) and allowed(admin, fo)
            assert not allowed(admin, admin) and not allowed(fo, vl) and not allowed(vl, vl)


@pytest.mark.parametrize("key", ["fo", "admin"])
def test_someone_who_had_only_a_password_sets_up_an_app_at_their_next_sign_in_and_carries_on(
        app, clock, key):
    # The brief's "existing password users are asked to set up an authenticator app at next
    # sign-in": they are told why, nothing else opens first, and afterwards they reach the page
    # they asked for.
    browser = app.test_client()
    response = browser.submit("/sign-in?next=/cases", {"email": email_of(key), "password": PASSWORD})
    assert location(response).startswith("/account/authenticator-app")
    shown = page(browser.get(location(response)))
    assert SET_UP in shown.text and "You need to set one up before you can use the service." in shown.text
    assert location(browser.get("/cases")) == "/account/authenticator-app"

    browser.csrf_token = shown.csrf_token
    secret = shown.value("secret")
    codes = browser.submit(location(response), {"secret": secret, "code": pyotp.TOTP(secret).at(clock.now())})
    codes_page = page(browser.get(location(codes)))
    assert "Your authenticator app is set up" in codes_page.text
    assert codes_page.value("next") is None
    assert browser.get("/cases").status_code == 200
