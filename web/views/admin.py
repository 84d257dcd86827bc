"""Administration: people and their roles, organisations, bank holidays, time limits and
messages that could not be delivered. Administrators see no case content here."""
from dataclasses import fields as dc_fields
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from casework.errors import InvalidInput
from casework.messages import MessageStatus, OutboxMessage
from casework.organisations import Organisation, OrganisationKind, Person, Role
from casework.passwords import hash_password
from casework.permissions import can_administer
from casework.settings import ExtraHoliday
from casework.persistence import unit_of_work
from web.context import container
from workflows.limits import TimeLimits

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def only_administrators():
    if not can_administer(current_user.person):
        abort(403)


@bp.route("/")
def index():
    c = container()
    with c.factory() as db:
        failed = db.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == MessageStatus.FAILED))
        return render_template("admin/index.html", title="Administration", failed=failed)


@bp.route("/people", methods=["GET", "POST"])
def people():
    c = container()
    errors = {}
    if request.method == "POST":
        errors = _add_person(request.form)
        if not errors:
            flash("Person added.", "success")
            return redirect(url_for("admin.people"))
    with c.factory() as db:
        everyone = db.scalars(select(Person).order_by(Person.name)).all()
        orgs = db.scalars(select(Organisation).order_by(Organisation.name)).all()
        return render_template("admin/people.html", title="People", people=everyone, organisations=orgs,
                               roles=list(Role), errors=errors, values=request.form), 400 if errors else 200


def _add_person(form) -> dict[str, str]:
    name, email = _typed(form, "name"), _typed(form, "email").lower()
    password, org, roles = form.get("password", ""), form.get("organisation", ""), form.getlist("roles")
    errors = {}
    if not name or len(name) > 200:
        errors["name"] = "Enter the person's full name"
    if "@" not in email or len(email) > 254:
        errors["email"] = "Enter an email address in the correct format, like name@example.org"
    if len(password) < 12 or len(password) > 200:
        errors["password"] = "Password must be between 12 and 200 characters"
    if not roles or any(r not in {x.value for x in Role} for r in roles):
        errors["roles"] = "Select at least one role"
    c = container()
    with unit_of_work(c.factory) as db:
        organisation = db.get(Organisation, int(org)) if org.isdigit() and len(org) < 10 else None
        if organisation is None:
            errors["organisation"] = "Select an organisation"
        if db.scalar(select(Person).where(func.lower(Person.email) == email)):
            errors["email"] = "Someone already uses that email address"
        if errors:
            return errors
        person = Person(name=name, email=email, organisation=organisation, password_hash=hash_password(password))
        person.grant(*roles)
        db.add(person)
    return {}


@bp.route("/organisations", methods=["GET", "POST"])
def organisations():
    c = container()
    error = None
    if request.method == "POST":
        name, kind = _typed(request.form, "name"), request.form.get("kind", "")
        with unit_of_work(c.factory) as db:
            if not name or len(name) > 200 or kind not in {k.value for k in OrganisationKind}:
                error = "Enter the organisation's name and choose its type"
            elif db.scalar(select(Organisation).where(Organisation.name == name)):
                error = "There is already an organisation with that name"
            else:
                db.add(Organisation(name=name, kind=kind))
        if error is None:
            flash("Organisation added.", "success")
            return redirect(url_for("admin.organisations"))
    with c.factory() as db:
        orgs = db.scalars(select(Organisation).order_by(Organisation.name)).all()
        return render_template("admin/organisations.html", title="Organisations", organisations=orgs,
                               kinds=list(OrganisationKind), error=error), 400 if error else 200


@bp.route("/holidays", methods=["GET", "POST"])
def holidays():
    c = container()
    errors = {}
    if request.method == "POST":
        try:
            on = date.fromisoformat(request.form.get("on", ""))
            moved = c.service.add_holiday(current_user.id, on, _typed(request.form, "name"), c.clock.now())
            flash(f"Bank holiday added. {moved} deadline(s) moved, and each case's timeline says why.", "success")
            return redirect(url_for("admin.holidays"))
        except ValueError:
            errors["on"] = "Enter a real date, like 2027-05-10"
        except InvalidInput as exc:
            errors = exc.problems
    today = c.clock.now().date()
    upcoming = c.service.calendar.holidays_between(today, date(today.year + 1, 12, 31))
    with c.factory() as db:
        extra = db.scalars(select(ExtraHoliday).order_by(ExtraHoliday.on)).all()
    return render_template("admin/holidays.html", title="Bank holidays", upcoming=upcoming, extra=extra,
                           errors=errors, values=request.form), 400 if errors else 200


@bp.route("/time-limits", methods=["GET", "POST"])
def time_limits():
    c = container()
    error = None
    if request.method == "POST":
        try:
            changes = {f.name: request.form[f.name] for f in dc_fields(TimeLimits) if f.name in request.form}
            c.service.set_limits(c.service.limits.with_overrides(changes), current_user.id, c.clock.now())
            flash("Time limits saved. They apply to deadlines set from now on.", "success")
            return redirect(url_for("admin.time_limits"))
        except ValueError as exc:
            error = str(exc)
    return render_template("admin/time_limits.html", title="Time limits", limits=c.service.limits,
                           names=[f.name for f in dc_fields(TimeLimits)], error=error), 400 if error else 200


def _typed(form, name: str) -> str:
    """What was typed in a text box, without NUL characters (PostgreSQL text cannot hold them)."""
    return form.get(name, "").replace("\x00", "").strip()


@bp.route("/failed-messages")
def failed_messages():
    c = container()
    with c.factory() as db:
        rows = db.scalars(select(OutboxMessage).where(OutboxMessage.status == MessageStatus.FAILED)
                          .order_by(OutboxMessage.created_at.desc()).limit(200)).all()
        return render_template("admin/failed_messages.html", title="Messages not delivered", messages=rows)
