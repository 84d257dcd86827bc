"""Every form is protected against cross-site requests: a POST without the page's CSRF token,
or with a forged one, is refused with 400 and writes nothing, while the same POST with the
token does what it says."""
import io
from datetime import date, timedelta
from typing import NamedTuple

import pytest
from werkzeug.datastructures import MultiDict

from tests.factories import funding_case_at
from tests.web.helpers import PASSWORD, email_of, page, snapshot

FORGED = "IjAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAi.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb"


def parts(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def grant_extension(service, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation", route="resource")
    new_date = date.fromisoformat(case.data["consultation"]["respond_by"]) + timedelta(days=7)
    return f"/cases/{case.id}/actions/grant_extension", {
        "case_version": str(case.version), "reason": "They asked for a week more.", "new_date": parts(new_date)}


def unread_notifications(service, cast, clock):
    """A concern raised with the organisation leaves them a notification to mark as read."""
    funding_case_at(service, cast, clock, "concern_raised")
    return "/notifications/read", {}


#: endpoint -> (who sends it, what it takes to build the url and a form that would succeed)
FORMS = {
    "auth.sign_in": (None, lambda s, c, k: ("/sign-in", {"email": email_of("fo"), "password": PASSWORD})),
    "auth.sign_out": ("fo", lambda s, c, k: ("/sign-out", {})),
    "auth.extend_session": ("fo", lambda s, c, k: ("/session/extend", {})),
    "pages.mark_read": ("vl", lambda s, c, k: unread_notifications(s, c, k)),
    "cases.action": ("fo", grant_extension),
    "start.new_case": ("fo", lambda s, c, k: ("/cases/new", {
        "title": "Night shelter", "vco": str(c.orgs["kitchen"]), "decision_maker": str(c["dm"])})),
    "start.new_dispute": ("vl", lambda s, c, k: ("/disputes/new", {
        "respondent": str(c.orgs["council"]), "undertakings": ["s4.consultation"],
        "subject": "Grant cut", "what_happened": "The grant was cut without consultation.",
        "outcome_sought": "Consult us.",
        "evidence": "The letter of 3 March."})),
    "admin.people": ("admin", lambda s, c, k: ("/admin/people", {
        "name": "Jo Bloggs", "email": "jo@example.org", "password": "a-long-enough-password",
        "organisation": str(c.orgs["kitchen"]), "roles": ["vco_staff"]})),
    "admin.organisations": ("admin", lambda s, c, k: ("/admin/organisations", {"name": "Welling Food Bank", "kind": "vco"})),
    "admin.edit_person": ("admin", lambda s, c, k: (f"/admin/people/{c['vl']}", {
        "name": "Grace Adeyemi-Okoro", "email": "vl@example.org", "organisation": str(c.orgs["kitchen"]),
        "roles": ["vco_staff"]})),
    "admin.change_access": ("admin", lambda s, c, k: (f"/admin/people/{c['vl']}/deactivate", {})),
    "admin.edit_organisation": ("admin", lambda s, c, k: (f"/admin/organisations/{c.orgs['youth']}", {
        "name": "Erith Youth Trust", "kind": "vco"})),
    "admin.holidays": ("admin", lambda s, c, k: ("/admin/holidays", {"on": parts(date(2027, 5, 10)),
                                                                     "name": "A coronation"})),
    "admin.time_limits": ("admin", lambda s, c, k: ("/admin/time-limits", {"notice_months": "4"})),
}


def link(purpose):
    """A live invitation or reset link for Grace (vl), and the new password it sets."""
    def build(s, c, k):
        from casework import accounts
        from casework.organisations import Person
        from casework.persistence import unit_of_work
        with unit_of_work(s.factory) as db:
            token = accounts.issue(db, db.get(Person, c["vl"]), purpose, k.now())
        path = "invitation" if purpose == accounts.Purpose.INVITATION else "reset-password"
        return f"/{path}/{token}", {"password": "a-new-long-password", "confirm": "a-new-long-password"}
    return build


def invited(s, c, k):
    """Grace (vl) as if invited and not yet signed in: the invitation can be sent again."""
    from sqlalchemy import update

    from casework.organisations import Person
    from casework.persistence import unit_of_work
    with unit_of_work(s.factory) as db:
        db.execute(update(Person).where(Person.id == c["vl"]).values(password_hash=None))
    return f"/admin/people/{c['vl']}/invitation/resend", {}


def app_code(s, c, k):
    import pyotp
    secret = pyotp.random_base32(32)
    return "/account/authenticator-app", {"secret": secret, "code": pyotp.TOTP(secret).at(k.now())}


def awaiting_code(browser, s, c, k):
    """Helen (dm) has an authenticator app and has given her password: the code is awaited."""
    import pyotp

    from casework import second_factor
    from casework.persistence import unit_of_work
    secret = pyotp.random_base32(32)
    with unit_of_work(s.factory) as db:
        second_factor.set_up(db, c["dm"], secret, pyotp.TOTP(secret).at(k.now()), k.now())
    browser.csrf_token = None
    browser.submit("/sign-in", {"email": email_of("dm"), "password": PASSWORD})
    browser.csrf_token = None
    k.advance(seconds=30)  # the next code: the one used to set up is spent
    return "/sign-in/security-code", {"code": pyotp.TOTP(secret).at(k.now())}


def app_to_reset(s, c, k):
    """The decision-maker has an authenticator app for the administrator to reset."""
    import pyotp

    from casework import second_factor
    from casework.persistence import unit_of_work
    secret = pyotp.random_base32(32)
    with unit_of_work(s.factory) as db:
        second_factor.set_up(db, c["dm"], secret, pyotp.TOTP(secret).at(k.now()), k.now())
    return f"/admin/people/{c['dm']}/reset-authenticator-app", {}


FORMS.update({
    "access.security_code": (None, awaiting_code),
    "access.forgotten_password": (None, lambda s, c, k: ("/forgotten-password", {"email": email_of("vl")})),
    "access.reset_password": (None, link("reset")),
    "access.invitation": (None, link("invitation")),
    "account.sign_out_elsewhere": ("fo", lambda s, c, k: ("/account/sign-out-other-sessions", {})),
    "account.change_password": ("vl", lambda s, c, k: ("/account/password", {
        "current_password": PASSWORD, "password": "a-new-long-password", "confirm": "a-new-long-password"})),
    "account.set_up_app": ("vl", app_code),
    "admin_accounts.invitation": ("admin", invited),
    "admin_accounts.security_settings": ("admin", lambda s, c, k: ("/admin/security", {"vco_staff": "yes"})),
    "admin_accounts.sign_out_everywhere": ("admin", lambda s, c, k: (f"/admin/people/{c['vl']}/sign-out-everywhere",
                                                                     {})),
    "admin_accounts.reset_app": ("admin", app_to_reset),
    "public_figures.switch": ("admin", lambda s, c, k: ("/admin/public-figures", {"publish": "yes"})),
    "admin.report_targets": ("admin", lambda s, c, k: ("/admin/report-targets", {
        "m3": "90", "m9": "100", "m16": "85", "m17": "100"})),
    "documents.add": ("vl", lambda s, c, k: (f"/cases/{funding_case_at(s, c, k, 'consultation').id}/documents/new", {
        "documents_description": "Monitoring returns", "documents": File("returns.txt", b"April returns\n")})),
    "documents.withdraw_page": ("vl", lambda s, c, k: withdrawable(s, c, k)),
    "bundles.make": ("fo", lambda s, c, k: (f"/cases/{funding_case_at(s, c, k, 'consultation').id}/bundle", {})),
})


class File(NamedTuple):
    """A file to upload: made a fresh upload each time the form is sent (`sent`)."""
    name: str
    data: bytes


def sent(form: dict) -> MultiDict:
    # Pairs, not a dict: MultiDict would read a file's (stream, name) tuple as two values.
    return MultiDict([(key, (io.BytesIO(value.data), value.name) if isinstance(value, File) else one)
                      for key, value in form.items() for one in (value if isinstance(value, list) else [value])])


def withdrawable(s, c, k):
    """A document Grace (vl) added to her organisation's case, for her to withdraw."""
    from casework.documents import Upload
    from workflows.documents import Attachments, add_to_case
    case = funding_case_at(s, c, k, "consultation")
    upload = Upload("returns.txt", "returns.txt", "0" * 64, 14, "text/plain")
    [document] = add_to_case(s.factory, case.id, c["vl"], Attachments((upload,)), k.now())
    return f"/cases/{case.id}/documents/{document}/withdraw", {"reason": "The wrong month's returns."}


def test_every_form_is_in_the_csrf_table(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert posts == set(FORMS)


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_a_form_without_its_csrf_token_is_refused_and_writes_nothing(
        app, engine, client, signed_in, service, cast, clock, endpoint):
    who, build = FORMS[endpoint]
    if build is awaiting_code:  # the password step first, in this browser
        browser = client
        url, form = build(browser, service, cast, clock)
    else:
        url, form = build(service, cast, clock)
        browser = signed_in(who) if who else client
    before = snapshot(engine)

    missing = browser.post(url, data=sent(form))
    forged = browser.post(url, data=sent({**form, "csrf_token": FORGED}))

    assert (missing.status_code, forged.status_code) == (400, 400)
    assert "Your form expired or was sent from somewhere else" in page(missing).text
    assert snapshot(engine) == before
    with_token = browser.submit(url, sent(form))
    assert with_token.status_code in (204, 302), "the same form with its token is accepted"
    if endpoint != "auth.extend_session":  # the clock stands still, so extending changes no row
        assert snapshot(engine) != before
