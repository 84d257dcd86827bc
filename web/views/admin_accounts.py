"""Administration of sign-in: invitations (send again, cancel), whether VCO staff need an
authenticator app, and the security events page. Adding a person sends their invitation
(admin.people, through notifications.accounts.invite)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from casework import second_factor, security_events as events
from casework.errors import InvalidInput, NotFound
from casework.permissions import can_administer
from casework.persistence import unit_of_work
from casework.security_events import KIND_NAMES, EventFilter, Kind
from notifications.accounts import cancel_invitation, resend_invitation
from web.auth import where
from web.context import container
from web.forms.account import EventFilterForm, SecuritySettingsForm
from web.forms.admin import put_problems
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
