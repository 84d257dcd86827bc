"""The pages for getting into an account without being signed in: the security code after a
password, "Forgotten your password?", and the links from a reset email and an invitation.
The rules are casework's (casework.accounts, casework.second_factor); emails go through
notifications.accounts."""
import math
from datetime import datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from casework import accounts, second_factor, security_events as events, throttle
from casework.accounts import Purpose
from casework.errors import InvalidInput
from casework.organisations import Person
from casework.persistence import unit_of_work
from casework.security_events import Kind
from notifications.accounts import ask_for_reset
from web.auth import begin, start, where
from web.context import container
from web.forms.account import CodeForm, ForgottenPasswordForm, NewPasswordForm
from web.forms.admin import put_problems

bp = Blueprint("access", __name__)
#: How long after the right password the security code may be given.
CODE_WITHIN = timedelta(minutes=5)
WRONG_CODE = "Enter the security code shown in your authenticator app now, or an unused recovery code"


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
def security_code():
    c, form, status, headers = container(), CodeForm(), 200, {}
    person_id = _waiting_for_code(c.clock.now())
    if person_id is None:
        flash("Sign in again: it has been more than 5 minutes since you gave your password.", "info")
        return redirect(url_for("auth.sign_in"))
    if form.validate_on_submit():
        outcome = _check_code(person_id, form.code.data)
        if not isinstance(outcome, (timedelta, type(None))):
            return begin(outcome, session.get("code_next"))
        if outcome is not None:
            minutes = max(1, math.ceil(outcome.total_seconds() / 60))
            status, headers = 429, {"Retry-After": str(math.ceil(outcome.total_seconds()))}
            put_problems(form, {"code": f"There have been too many wrong codes. Wait {minutes} minute"
                                        f"{'' if minutes == 1 else 's'} and try again."})
        else:
            put_problems(form, {"code": WRONG_CODE})
    return render_template("auth/security_code.html", form=form, title="Enter your security code"), status, headers


def _waiting_for_code(now: datetime) -> int | None:
    since = session.get("code_since")
    if not since or now - datetime.fromisoformat(since) > CODE_WITHIN:
        return None
    return session.get("code_for")


def _check_code(person_id: int, code: str):
    c = container()
    now, client = c.clock.now(), throttle.address_key(request.remote_addr)
    with unit_of_work(c.factory) as db:
        person = db.get(Person, person_id)
        if person is None:  # removed since the password was given
            return None
        used = second_factor.check_throttled(db, person_id, code, client, now) if person.is_active else None
        if isinstance(used, timedelta):
            events.record_throttled(db, now, throttle.ACCOUNT_WINDOW, person_id=person_id, account=person.email,
                                    where=where())
        elif used is None:
            events.record(db, Kind.CODE_FAILED, now, person_id=person_id, account=person.email, where=where())
        if used is None or isinstance(used, timedelta):
            return used
        if used == "recovery":
            events.record(db, Kind.RECOVERY_CODE_USED, now, person_id=person_id, account=person.email, where=where(),
                          detail=f"{second_factor.recovery_codes_left(db, person_id)} left")
        return start(db, person, now)


#: The one answer to "Forgotten your password?", whether or not the account exists.
LINK_SENT = ("If {email} is the email address of an account, we have sent a link to it to reset the password. "
             "The link works once, for 1 hour.")


@bp.route("/forgotten-password", methods=["GET", "POST"])
def forgotten_password():
    c, form = container(), ForgottenPasswordForm()
    if form.validate_on_submit():
        with unit_of_work(c.factory) as db:
            ask_for_reset(db, form.email.data, c.clock.now(), c.settings.base_url, c.settings.mail_sender, where())
        session["reset_asked_for"] = form.email.data.strip()
        return redirect(url_for("access.link_sent"))
    return render_template("auth/forgotten_password.html", form=form, title="Reset your password"), \
        400 if form.errors else 200


@bp.route("/forgotten-password/check-your-email")
def link_sent():
    email = session.get("reset_asked_for")
    if not email:
        return redirect(url_for("access.forgotten_password"))
    return render_template("auth/check_email.html", title="Check your email", message=LINK_SENT.format(email=email))


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _choose_password(token, Purpose.RESET, "Choose a new password")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    return _choose_password(token, Purpose.INVITATION, "Choose your password")


def _choose_password(token: str, purpose: Purpose, title: str):
    """The page a link opens: a new password, then (invitation) signed in or (reset) sign in again."""
    c, form = container(), NewPasswordForm()
    with c.factory() as db:
        found = accounts.live_token(db, token, purpose, c.clock.now())
        email = found.person.email if found else None
    if email is None:
        return render_template("auth/link_expired.html", title="This link has expired", purpose=str(purpose)), 404
    if form.validate_on_submit():
        done = _set_password(form, token, purpose)
        if done is not None:
            return done
    return render_template("auth/choose_password.html", form=form, title=title, email=email,
                           invitation=purpose == Purpose.INVITATION), 400 if form.errors or form.form_errors else 200


def _set_password(form: NewPasswordForm, token: str, purpose: Purpose):
    c, now = container(), container().clock.now()
    try:
        with unit_of_work(c.factory) as db:
            person = accounts.set_password_with_link(db, token, purpose, form.password.data or "",
                                                     form.confirm.data or "", now)
            kind = Kind.INVITATION_ACCEPTED if purpose == Purpose.INVITATION else Kind.PASSWORD_RESET
            events.record(db, kind, now, person_id=person.id, account=person.email, where=where())
            signed_in = start(db, person, now, may_skip_app=False) if purpose == Purpose.INVITATION else None
    except InvalidInput as exc:
        put_problems(form, exc.problems)
        return None
    if signed_in is None:
        flash("Your password has been changed, and you have been signed out everywhere. Sign in with your new "
              "password.", "success")
        return redirect(url_for("auth.sign_in"))
    if not signed_in.set_up_app:
        flash("Your password is saved. Welcome to Bexley Compact casework.", "success")
    return begin(signed_in, None)
