"""Your account: your details and roles, the sessions you are signed in with (where and when
each was last used) and a way to sign out of every other one, changing your password, and
setting up an authenticator app. Someone signed in only to set up an app (web.auth.begin)
reaches nothing else until they have. The rules are casework's."""
from datetime import timedelta

import segno
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from casework import accounts, second_factor, security_events as events
from casework.errors import InvalidInput
from casework.logins import end_other_sessions, open_sessions, token_digest
from casework.passwords import verify_password
from casework.persistence import unit_of_work
from casework.security_events import Kind
from web.auth import _safe_next, where
from web.context import container
from web.forms.account import ChangePasswordForm, SetUpAppForm
from web.forms.admin import ROLE_NAMES, ConfirmForm, put_problems

bp = Blueprint("account", __name__, url_prefix="/account")
#: What someone signed in only to set up an app may reach.
WHILE_SETTING_UP = {"account.set_up_app", "account.recovery_codes", "auth.sign_out", "auth.extend_session", "pages.heartbeat", "static",
                    "govuk_assets", "pages.accessibility"}


@bp.before_app_request
def app_first():
    if session.get("set_up_app") and request.endpoint not in WHILE_SETTING_UP and current_user.is_authenticated:
        return redirect(url_for("account.set_up_app"))
    return None


@bp.route("/")
@login_required
def your_account():
    c = container()
    with c.factory() as db:
        sessions = open_sessions(db, current_user.id, c.clock.now(), timedelta(minutes=c.settings.idle_timeout_minutes))
        has_app = second_factor.has_one(db, current_user.id)
        codes_left = second_factor.recovery_codes_left(db, current_user.id)
    return render_template("account/index.html", title="Your account", sessions=sessions, has_app=has_app,
                           codes_left=codes_left, this_session=token_digest(current_user.token), role_names=ROLE_NAMES,
                           form=ConfirmForm())


@bp.route("/sign-out-other-sessions", methods=["POST"])
@login_required
def sign_out_elsewhere():
    c, form = container(), ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work(c.factory) as db:
            ended = end_other_sessions(db, current_user.id, current_user.token, c.clock.now())
            events.record(db, Kind.SIGNED_OUT_ELSEWHERE, c.clock.now(), person_id=current_user.id,
                          account=current_user.email, where=where(), detail=f"{ended} session(s) ended")
        flash("You have been signed out everywhere else.", "success")
    return redirect(url_for("account.your_account"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    c, form = container(), ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work(c.factory) as db:
                accounts.change_password(db, current_user.id, form.current_password.data, form.password.data or "",
                                         form.confirm.data or "", current_user.token, c.clock.now())
                events.record(db, Kind.PASSWORD_CHANGED, c.clock.now(), person_id=current_user.id,
                              account=current_user.email, where=where())
        except InvalidInput as exc:
            put_problems(form, exc.problems)
        else:
            flash("Your password has been changed, and you have been signed out everywhere else.", "success")
            return redirect(url_for("account.your_account"))
    return render_template("account/password.html", form=form, title="Change your password"), \
        400 if form.errors or form.form_errors else 200


@bp.route("/authenticator-app", methods=["GET", "POST"])
@login_required
def set_up_app():
    c = container()
    with c.factory() as db:
        changing = second_factor.has_one(db, current_user.id)
    form = SetUpAppForm() if request.method == "POST" else SetUpAppForm(data={"secret": second_factor.new_secret()})
    if form.validate_on_submit() and (codes := _app_saved(form, changing)) is not None:
        session.pop("set_up_app", None)
        session["recovery_codes"] = codes  # shown once, by the next page, then gone
        return redirect(url_for("account.recovery_codes", next=_safe_next(request.args.get("next"))))
    if not _is_secret(secret := form.secret.data or ""):
        form.secret.data = secret = second_factor.new_secret()
    return render_template("account/set_up_app.html", form=form, title="Set up an authenticator app",
                           changing=changing, secret=second_factor.spaced(secret), qr=_qr_svg(secret),
                           must=bool(session.get("set_up_app"))), 400 if form.errors or form.form_errors else 200


@bp.route("/authenticator-app/recovery-codes")
@login_required
def recovery_codes():
    codes = session.pop("recovery_codes", None)
    if not codes:
        return redirect(url_for("account.your_account"))
    return render_template("account/recovery_codes.html", title="Your recovery codes", codes=codes,
                           next_url=_safe_next(request.args.get("next")))


def _app_saved(form: SetUpAppForm, changing: bool) -> list[str] | None:
    """The new recovery codes if the password (when changing) and the code are right."""
    c, now = container(), container().clock.now()
    secret = form.secret.data or ""
    if not _is_secret(secret):  # not a secret this page made
        put_problems(form, {"": "Something went wrong. Start again"})
        return None
    with unit_of_work(c.factory) as db:
        if changing and not verify_password(db.get(type(current_user.person), current_user.id).password_hash,
                                            form.password.data or ""):
            put_problems(form, {"password": "Your password is not correct"})
            return None
        codes = second_factor.set_up(db, current_user.id, secret, form.code.data, now)
        if codes is None:
            put_problems(form, {"code": "Enter the 6-digit security code your authenticator app shows now"})
            return None
        events.record(db, Kind.SECOND_FACTOR_SET_UP, now, person_id=current_user.id, account=current_user.email,
                      where=where(), detail="changed" if changing else "first set up")
    return codes


def _is_secret(secret: str) -> bool:
    return len(secret) == 32 and all(ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for ch in secret)


def _qr_svg(secret: str) -> Markup:
    """The QR code as inline SVG, drawn by segno from our own otpauth:// address (no user text in
    the markup but the email inside the encoded data), labelled for screen readers."""
    svg = segno.make(second_factor.provisioning_uri(secret, current_user.email), error="m").svg_inline(
        scale=5, light="#fff", title="QR code for your authenticator app", svgclass="app-qr-code", omitsize=False)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-title" ', 1)  # nosec B704
                  .replace("<title>", '<title id="qr-title">', 1))


@bp.app_template_filter("browser_name")
def browser_name(user_agent: str | None) -> str:
    """A browser and system people recognise ("Firefox on Windows") from a User-Agent header."""
    agent = user_agent or ""
    browser = next((name for key, name in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                           ("Safari/", "Safari")) if key in agent), "A browser")
    system = next((name for key, name in (("Windows", "Windows"), ("iPhone", "iPhone"), ("iPad", "iPad"),
                                          ("Android", "Android"), ("Mac OS", "macOS"), ("Linux", "Linux")) if key in agent), "")
    return f"{browser} on {system}" if system else browser
