"""Signing in and out. flask-login carries a server-side session token (not the person's id),
so signing out, going idle or reaching the 12-hour lifetime (casework.logins.MAX_LIFETIME)
ends the session on the server and a copied cookie stops working. A new token on every
sign-in; failures are throttled in the database (casework.throttle): a 429 with Retry-After,
the same for every account, never a lock. Someone with an authenticator app gives a security
code next (web.views.access); someone who must have one and has not (casework.second_factor)
is signed in only to set it up, except in a development copy, where the demo people skip it.
Each outcome is a security event."""
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.urls import iri_to_uri
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from sqlalchemy import func, select
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from casework.logins import end_session, is_live, live_session, outlived, start_session
from casework.organisations import Person
from casework import second_factor, security_events as events, throttle
from casework.security_events import Kind, Where
from casework.passwords import rehashed, verify_password
from casework.persistence import unit_of_work
from notifications.account_mail import queue_sign_in_warning
from web import csrf
from web.context import container
from web.errors import request_reference
from web.forms.inputs import single_line
from web.people import session_person

bp = Blueprint("auth", __name__)
TOUCH_EVERY = timedelta(seconds=30)
login_manager = LoginManager()


class SignedIn(UserMixin):
    """The signed-in person as flask-login sees them: the Person plus their session token, and
    their unread notifications when the session check read them (None: not read yet)."""

    def __init__(self, person: Person, token: str, unread: int | None = None, set_up_app: bool = False) -> None:
        self.person, self.token, self.unread, self.set_up_app = person, token, unread, set_up_app

    def get_id(self) -> str:
        return self.token

    def __getattr__(self, name: str):
        return getattr(self.person, name)


class SignInForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[InputRequired("Enter your email address"), Length(max=254), single_line])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired("Enter your password"), Length(max=200)])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to use this service."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.localize_callback = _sign_in_message


#: Said on the sign-in page when the session reached its absolute lifetime.
OUTLIVED = ("You were signed out because you signed in 12 hours ago. Sign in again to carry on. "
            "Nothing you saved was lost.")


def _sign_in_message(message: str) -> str:
    """flask-login's message when a page needs signing in, or why the session ended."""
    return OUTLIVED if g.pop("session_outlived", False) else message


@login_manager.user_loader
def load_user(token: str) -> SignedIn | None:
    c = container()
    now, idle = c.clock.now(), timedelta(minutes=c.settings.idle_timeout_minutes)
    # Most requests only read: a write transaction on every page would make every request
    # queue for SQLite's single write lock. Write only to end an idle session or, at most
    # every 30 seconds, to note that the session is in use.
    with c.engine.connect() as conn:
        found = session_person(conn, token)  # the checks of `live_session`, without its writes
    if found is not None and is_live(found.last_seen_at, found.ended_at, found.person.is_active, now, idle,
                                     created_at=found.created_at) and (
            now - found.last_seen_at <= TOUCH_EVERY or request.endpoint == "pages.heartbeat"):
        return SignedIn(found.person, token, found.unread)
    with unit_of_work(c.factory) as db:
        row = live_session(db, token, now, idle)
        if row is None:
            g.session_outlived = (found is not None and found.ended_at is None and found.person.is_active
                                  and outlived(found.created_at, now))
            return None
        row.last_seen_at = now
        return _signed_in(row.person, token)


def _signed_in(person: Person, token: str) -> SignedIn:
    person.roles, person.organisation  # load both while the database session is open
    return SignedIn(person, token)


#: The one answer to a wrong email or password, whether or not the account exists.
WRONG_DETAILS = "Enter a correct email address and password"


@dataclass(frozen=True)
class NeedsCode:
    """The password was right; a security code from the person's app comes next."""
    person_id: int


def where() -> Where:
    return Where(request.remote_addr or "", request_reference())


def start(db, person: Person, now: datetime, may_skip_app: bool = True) -> SignedIn:
    """A new server session for the person, noting where it started; a sign-in event. Someone
    who must have an authenticator app and has none sets one up first (in a development copy,
    only when `may_skip_app` is False: someone just invited)."""
    row = start_session(db, person, now, request.remote_addr, request.user_agent.string)
    must = second_factor.must_have_one(person, second_factor.vco_staff_need_it(db))
    set_up_app = must and not second_factor.has_one(db, person.id) and (
        not may_skip_app or container().settings.env != "development")
    events.record(db, Kind.SIGNED_IN, now, person_id=person.id, account=person.email, where=where(),
                  detail="must set up an authenticator app" if set_up_app else "")
    person.roles, person.organisation  # load both while the database session is open
    return SignedIn(person, row.secret, set_up_app=set_up_app)


def begin(signed_in: SignedIn, next_url: str | None):
    """Put the new session in a new cookie and go on: to set up an app first if it is due."""
    session.clear()  # a new session on sign-in
    session.permanent = True
    login_user(signed_in)
    if signed_in.set_up_app:
        session["set_up_app"] = True
        return redirect(url_for("account.set_up_app", next=_safe_next(next_url)))
    return redirect(_safe_next(next_url))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form, status, headers = SignInForm(), 200, {}
    if form.validate_on_submit():
        outcome = _authenticate(form.email.data, form.password.data)
        if isinstance(outcome, SignedIn):
            return begin(outcome, request.args.get("next"))
        if isinstance(outcome, NeedsCode):
            session.clear()
            session.update(code_for=outcome.person_id, code_since=container().clock.now().isoformat(),
                           code_next=_safe_next(request.args.get("next")))
            return redirect(url_for("access.security_code"))
        if outcome:  # must wait: the same for every account, known or not
            seconds = math.ceil(outcome.total_seconds())
            status, headers = 429, {"Retry-After": str(seconds)}
            form.email.errors = list(form.email.errors) + [_wait_message(seconds)]
        else:
            form.email.errors = list(form.email.errors) + [WRONG_DETAILS]
    return render_template("auth/sign_in.html", form=form, title="Sign in", timed_out=request.args.get("timeout") == "1",
                           development=container().settings.env == "development"), status, headers


def _wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return (f"There have been too many attempts to sign in. Wait {minutes} minute{'' if minutes == 1 else 's'} "
            f"and try again.")


@bp.route("/sign-out", methods=["GET", "POST"])
@csrf.exempt  # checked below, only when there is a session to end
def sign_out():
    """GET asks "Do you want to sign out?" (a link another site makes a browser follow must not
    sign anyone out); POST, with the page's CSRF token, ends the session on the server."""
    timed_out = request.values.get("timeout") == "1"
    if request.method == "GET":
        if current_user.is_authenticated:
            return render_template("auth/sign_out.html", title="Do you want to sign out?")
        return redirect(url_for("auth.sign_in", timeout=1) if timed_out else url_for("auth.sign_in"))
    if current_user.is_authenticated:
        # A page whose session has already ended (signed out in another tab, or gone idle on
        # the server) holds a token that no longer matches; it has nothing left to protect.
        csrf.protect()
        c = container()
        with unit_of_work(c.factory) as db:
            end_session(db, current_user.token, c.clock.now())
        logout_user()
    session.clear()
    if timed_out:
        flash("You were signed out because you were inactive. Nothing you saved was lost.", "info")
    else:
        flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/session/extend", methods=["POST"])
@login_required
def extend_session():
    c = container()
    with unit_of_work(c.factory) as db:
        row = live_session(db, current_user.token, c.clock.now(), timedelta(minutes=c.settings.idle_timeout_minutes))
        if row is not None:
            row.last_seen_at = c.clock.now()
    return ("", 204)


def _authenticate(email: str, password: str) -> SignedIn | NeedsCode | timedelta | None:
    """The signed-in person; or a security code to ask for; or how long to wait before trying
    again; or None for a wrong email or password. Unknown, deactivated and real accounts are
    counted, throttled and checked alike: one Argon2 verification for every attempt that is
    checked (passwords.verify_password)."""
    c = container()
    now, account, client = c.clock.now(), throttle.account_key(email), throttle.address_key(request.remote_addr)
    with unit_of_work(c.factory) as db:
        wait = throttle.wait_before_trying(db, account, client, now)
        if wait > timedelta(0):
            events.record_throttled(db, now, throttle.ACCOUNT_WINDOW, account=account, where=where())
            return wait
        person = db.scalar(select(Person).where(func.lower(Person.email) == account))
        usable = person is not None and person.is_active
        if verify_password(person.password_hash if usable else None, password):
            throttle.clear_failures(db, account)
            person.password_hash = rehashed(person.password_hash, password) or person.password_hash
            if second_factor.has_one(db, person.id):
                return NeedsCode(person.id)
            return start(db, person, now)
        failures = throttle.record_failure(db, account, client, now)
        events.record(db, Kind.SIGN_IN_FAILED, now, person_id=person.id if person else None, account=account,
                      where=where(), detail="wrong password" if usable else "no active account with a password")
        if usable and failures == throttle.WARN_AFTER:
            queue_sign_in_warning(db, person, failures, int(throttle.ACCOUNT_WINDOW.total_seconds() // 60), now,
                                  c.settings.mail_sender)
    return None


#: What a browser's URL parser drops before reading a URL (WHATWG URL standard): C0 controls
#: and spaces at either end, and ASCII tabs and newlines anywhere.
_URL_EDGES = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, read as a browser would read it
    (without the characters it drops, a backslash as a slash), or the home page. Any other
    control or non-ASCII character is percent-encoded, so the header holds what was checked."""
    cleaned = (target or "").strip(_URL_EDGES).translate(_TAB_OR_NEWLINE).replace("\\", "/")
    parts = urlsplit(cleaned)
    if cleaned.startswith("/") and not cleaned.startswith("//") and not parts.scheme and not parts.netloc:
        return iri_to_uri(cleaned)
    return url_for("cases.home")
