"""Administration of sign-in: invitations (send again, cancel), signing a person out
everywhere, resetting their authenticator app, whether VCO staff need an authenticator app, and
the security events page. Adding a person sends their invitation
(admin.people, through notifications.accounts.invite)."""
from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from casework import second_factor, security_events as events
from casework.errors import InvalidInput, NotFound
from casework.organisations import Person
from casework.permissions import can_administer, can_end_sessions_of, can_reset_second_factor_of
from casework.persistence import unit_of_work
from casework.security_events import KIND_NAMES, EventFilter, Kind
from notifications.accounts import (CANNOT_RESET_SELF, CANNOT_SIGN_OUT_SELF, cancel_invitation, end_sessions,
                                    reset_second_factor, resend_invitation)
from web.auth import where
from web.context import container
from web.forms.account import EventFilterForm, SecuritySettingsForm
from web.forms.admin import ConfirmForm, put_problems
from web.forms.inputs import choice_list

bp = Blueprint("admin_accounts", __name__, url_prefix="/admin")
ID = "int(max=2147483647)"


@bp.before_request
@login_required
def only_administrators():
    if not can_administer(current_user.person):
        abort(403)


@bp.route(f"/people/<{ID}:person_id>/invitation/<any(resend, cancel):change>", methods=["POST"])
def invitation(person_id: int, change: str):
    c, now = container(), container().clock.now()
    try:
        with unit_of_work(c.factory) as db:
            if change == "resend":
                person = resend_invitation(db, person_id, current_user.id, now, c.settings.base_url,
                                           c.settings.mail_sender, where())
            else:
                person = cancel_invitation(db, person_id, current_user.id, now, where())
            name = person.name
    except NotFound:
        abort(404)
    except InvalidInput as exc:
        flash(" ".join(exc.problems.values()), "info")
    else:
        flash(f"Invitation sent again to {name}." if change == "resend" else f"Invitation to {name} cancelled.",
              "success")
    return redirect(url_for("admin.edit_person", person_id=person_id))


@dataclass(frozen=True)
class PersonAction:
    """Something an administrator does to another person's sign-in, confirmed on its own page."""
    title: str                  # the question the page asks; {name} is the person's
    says: tuple[str, ...]       # what will happen
    button: str
    allowed: Callable[[Person, Person], bool]
    refused: str                # said instead of the button when not allowed
    run: Callable               # (db, person_id, actor, now, sender, where)
    done: str


SIGN_OUT_EVERYWHERE = PersonAction(
    "Sign {name} out everywhere?",
    ("Every browser where {name} is signed in will be signed out straight away. They can sign in again with "
     "their password.", "Use this if a computer or phone they use may be in the wrong hands."),
    "Sign {name} out everywhere", can_end_sessions_of, CANNOT_SIGN_OUT_SELF + ".",
    lambda db, pid, actor, now, sender, where: end_sessions(db, pid, actor, now, where),
    "{name} has been signed out everywhere.")
RESET_APP = PersonAction(
    "Reset {name}'s authenticator app?",
    ("Their authenticator app and recovery codes will stop working, and they will be signed out everywhere. "
     "We will email them to say so.", "If their role needs an authenticator app, they will set up a new one the "
     "next time they sign in with their password.", "Only do this when you are sure who asked: for example, "
     "they told you in person or on a call that they have lost their phone."),
    "Reset {name}'s authenticator app", can_reset_second_factor_of, CANNOT_RESET_SELF + ".",
    lambda db, pid, actor, now, sender, where: reset_second_factor(db, pid, actor, now, sender, where),
    "{name}'s authenticator app has been reset and they have been signed out. We have emailed them.")


@bp.route(f"/people/<{ID}:person_id>/sign-out-everywhere", methods=["GET", "POST"])
def sign_out_everywhere(person_id: int):
    return _person_action(person_id, SIGN_OUT_EVERYWHERE)


@bp.route(f"/people/<{ID}:person_id>/reset-authenticator-app", methods=["GET", "POST"])
def reset_app(person_id: int):
    return _person_action(person_id, RESET_APP)


def _person_action(person_id: int, action: PersonAction):
    c, form = container(), ConfirmForm()
    with c.factory() as db:
        person = db.get(Person, person_id) or abort(404)
        name, allowed = person.name, action.allowed(current_user.person, person)
        has_app = action is not RESET_APP or second_factor.has_one(db, person_id)
    if form.validate_on_submit():
        try:
            with unit_of_work(c.factory) as db:
                action.run(db, person_id, current_user.person, c.clock.now(), c.settings.mail_sender, where())
        except InvalidInput as exc:
            put_problems(form, exc.problems)
        else:
            flash(action.done.format(name=name), "success")
            return redirect(url_for("admin.edit_person", person_id=person_id))
    return render_template("admin/person_confirm.html", form=form, title=action.title.format(name=name),
                           action=action, name=name, person_id=person_id, allowed=allowed, has_app=has_app), \
        400 if form.form_errors else 200


@bp.route("/security", methods=["GET", "POST"])
def security_settings():
    c = container()
    with c.factory() as db:
        current = second_factor.vco_staff_need_it(db)
    form = SecuritySettingsForm() if request.method == "POST" else SecuritySettingsForm(
        data={"vco_staff": "yes" if current else "no"})
    if form.validate_on_submit() and form.vco_staff.data in ("yes", "no"):
        wanted = form.vco_staff.data == "yes"
        with unit_of_work(c.factory) as db:
            if second_factor.set_vco_staff_need_it(db, wanted, current_user.id, c.clock.now()):
                events.record(db, Kind.SETTING_CHANGED, c.clock.now(), actor_id=current_user.id, where=where(),
                              detail=f"VCO staff need an authenticator app: {form.vco_staff.data}")
        flash("Security settings saved.", "success")
        return redirect(url_for("admin_accounts.security_settings"))
    if form.is_submitted() and not form.errors:
        put_problems(form, {"vco_staff": "Select yes if VCO staff need an authenticator app"})
    return render_template("admin/security.html", title="Security settings", form=form), 400 if form.errors else 200


@bp.route("/security-events")
def security_events():
    c, form = container(), EventFilterForm(request.args)
    form.kind.choices = choice_list([("", "Everything"), *((str(k), name) for k, name in KIND_NAMES.items())])
    form.validate()
    kind = form.kind.data if form.kind.data in {str(k) for k in Kind} else ""
    wanted = EventFilter(kind=kind, account=(form.account.data or "").strip() if not form.account.errors else "")
    with c.factory() as db:
        shown = events.recent_events(db, wanted)
    return render_template("admin/security_events.html", title="Security events", form=form, shown=shown,
                           kind_names=KIND_NAMES), 400 if form.errors else 200
