"""Administration: people and their roles, organisations, bank holidays, time limits and
messages that could not be delivered. Administrators see no case content here. Changes to
people and organisations are checked by casework.administration, bank holidays and time limits
by their forms (web.forms.admin, web.forms.time_limits) and the case service; each is logged with who made it."""
import logging
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from casework import second_factor, security_events as events
from casework.accounts import pending_invitation
from casework.administration import (EMAIL_TAKEN, ORGANISATION_NAME_TAKEN, PersonDetails, add_organisation,
                                     change_organisation, change_person, clean, set_person_active)
from casework.errors import InvalidInput, StaleVersion
from casework.messages import MessageStatus, OutboxMessage
from casework.organisations import Organisation, Person
from casework.permissions import can_administer
from casework.settings import ExtraHoliday
from casework.persistence import unit_of_work
from casework.security_events import Kind
from notifications.accounts import invite
from web.auth import where
from web.context import container
from web.forms.admin import (CONTACT_FIELDS, ORGANISATION_KINDS, ROLE_NAMES, ConfirmForm, HolidayForm, NewOrganisationForm,
                             NewPersonForm, OrganisationForm, PersonForm, put_problems)
from web.forms.time_limits import TimeLimitsForm, limit_groups, limit_values
from workflows.limits import CONSULTATION_FLOOR_WD, NOTICE_FLOOR_MONTHS

bp = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger(__name__)
#: The largest id a URL may name (PostgreSQL's integer); anything larger is simply not found.
ID = "int(max=2147483647)"


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
    form = NewPersonForm()
    if form.validate_on_submit():
        details, c = _person_details(form), container()
        if _added(form, lambda db: invite(db, details, current_user.id, c.clock.now(), c.settings.base_url,
                                          c.settings.mail_sender, where()).id, "person", {"email": EMAIL_TAKEN}):
            flash(f"Person added. We have emailed {clean(details.email).lower()} an invitation to choose a password.",
                  "success")
            return redirect(url_for("admin.people"))
    with container().factory() as db:
        everyone = db.scalars(select(Person).order_by(Person.name)).all()
        form.organisation.choices = [("", "Choose an organisation"), *_organisation_choices(db)]
        return render_template("admin/people.html", title="People", people=everyone, form=form,
                               role_names=ROLE_NAMES), 400 if form.errors or form.form_errors else 200


def _person_details(form: PersonForm) -> PersonDetails:
    return PersonDetails(form.name.data or "", form.email.data or "", form.organisation.data or "",
                         tuple(form.roles.data or ()), form.job_title.data or "", form.decides_as.data or "")


def _organisation_choices(db) -> list[tuple[str, str]]:
    return [(str(o.id), o.name) for o in db.scalars(select(Organisation).order_by(Organisation.name))]


@bp.route(f"/people/<{ID}:person_id>", methods=["GET", "POST"])
def edit_person(person_id: int):
    c = container()
    with c.factory() as db:
        person = db.get(Person, person_id) or abort(404)
        form = PersonForm() if request.method == "POST" else PersonForm(data={
            "name": person.name, "email": person.email, "organisation": str(person.organisation_id or ""),
            "roles": sorted(person.roles), "job_title": person.job_title or "",
            "decides_as": person.decides_as or ""})
        form.organisation.choices = _organisation_choices(db)
        shown = {"person": person, "is_self": person.id == current_user.id,
                 "title": f"Change details for {person.name}",
                 "invitation": pending_invitation(db, person_id, c.clock.now()),
                 "has_app": second_factor.has_one(db, person_id)}
    if form.validate_on_submit():
        details = _person_details(form)
        if _saved(form, lambda db: _logged(db, person_id, change_person(db, person_id, details, current_user.id)),
                  "person", person_id, {"email": EMAIL_TAKEN}):
            flash(f"Details saved for {clean(details.name)}.", "success")
            return redirect(url_for("admin.people"))
    return render_template("admin/person.html", form=form, **shown), 400 if form.errors or form.form_errors else 200


@bp.route(f"/people/<{ID}:person_id>/<any(deactivate, reactivate):change>", methods=["GET", "POST"])
def change_access(person_id: int, change: str):
    c, active, form = container(), change == "reactivate", ConfirmForm()
    with c.factory() as db:
        person = db.get(Person, person_id) or abort(404)
        name, is_self = person.name, person.id == current_user.id
    if form.validate_on_submit():
        if _saved(form, lambda db: _logged(db, person_id, set_person_active(db, person_id, active, current_user.id,
                                                                             c.clock.now())), "person", person_id, {}):
            flash(f"{name} can sign in again." if active else f"{name} is deactivated and has been signed out.",
                  "success")
            return redirect(url_for("admin.edit_person", person_id=person_id))
    title = f"{'Reactivate' if active else 'Deactivate'} {name}?"
    return render_template("admin/person_access.html", form=form, title=title, name=name, person_id=person_id,
                           active=active, is_self=is_self), 400 if form.form_errors else 200


@bp.route(f"/organisations/<{ID}:organisation_id>", methods=["GET", "POST"])
def edit_organisation(organisation_id: int):
    c = container()
    with c.factory() as db:
        organisation = db.get(Organisation, organisation_id) or abort(404)
        form = OrganisationForm() if request.method == "POST" else OrganisationForm(
            data={"name": organisation.name, "kind": organisation.kind,
                  **{name: getattr(organisation, name) or "" for name in CONTACT_FIELDS}})
        title = f"Change details for {organisation.name}"
    if form.validate_on_submit():
        name = form.name.data or ""
        if _saved(form, lambda db: change_organisation(db, organisation_id, name, form.kind.data or "", form.contact()),
                  "organisation", organisation_id, {"name": ORGANISATION_NAME_TAKEN}):
            flash("Organisation details saved.", "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation.html", form=form, title=title,
                           organisation_id=organisation_id), 400 if form.errors or form.form_errors else 200


def _logged(db, person_id: int, changed: list[str]) -> list[str]:
    """Record the security events among these changes to a person (roles, deactivation)."""
    person = db.get(Person, person_id)
    kinds = {"roles": Kind.ROLES_CHANGED, "is_active": Kind.REACTIVATED if person.is_active else Kind.DEACTIVATED}
    for field in changed:
        if field in kinds:
            events.record(db, kinds[field], container().clock.now(), person_id=person_id, actor_id=current_user.id,
                          account=person.email, where=where(),
                          detail="roles: " + ", ".join(sorted(person.roles)) if field == "roles" else "")
    return changed


def _saved(form, change, what: str, id_: int, on_conflict: dict[str, str]) -> bool:
    """Run one change in its own transaction; put any problems on the form. Logs who changed what."""
    changed = _in_transaction(form, change, on_conflict)
    if changed is not None:
        log.info("Administrator %s changed %s %s: %s", current_user.id, what, id_, ", ".join(changed) or "nothing")
    return changed is not None


def _added(form, add, what: str, on_conflict: dict[str, str]) -> bool:
    """Add one person or organisation (`add` returns its id) in its own transaction; put any
    problems on the form. Logs who added what."""
    new_id = _in_transaction(form, add, on_conflict)
    if new_id is not None:
        log.info("Administrator %s added %s %s", current_user.id, what, new_id)
    return new_id is not None


def _in_transaction(form, work, on_conflict: dict[str, str]):
    """What `work` returned, committed; or None with the problems put on the form."""
    try:
        with unit_of_work(container().factory) as db:
            return work(db)
    except InvalidInput as exc:
        put_problems(form, exc.problems)
    except IntegrityError:  # a unique value taken by someone else at the same moment
        put_problems(form, on_conflict or {"": "Someone else changed this at the same time. Try again."})
    return None


@bp.route("/organisations", methods=["GET", "POST"])
def organisations():
    form = NewOrganisationForm()
    if form.validate_on_submit():
        name, kind = form.name.data or "", form.kind.data or ""
        if _added(form, lambda db: add_organisation(db, name, kind).id, "organisation",
                  {"name": ORGANISATION_NAME_TAKEN}):
            flash("Organisation added.", "success")
            return redirect(url_for("admin.organisations"))
    with container().factory() as db:
        orgs = db.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("admin/organisations.html", title="Organisations", organisations=orgs,
                           kinds=dict(ORGANISATION_KINDS), form=form), 400 if form.errors else 200


@bp.route("/holidays", methods=["GET", "POST"])
def holidays():
    c, form = container(), HolidayForm()
    if form.validate_on_submit() and _holiday_added(form, c):
        return redirect(url_for("admin.holidays"))
    today = c.clock.now().date()
    upcoming = c.service.calendar.holidays_between(today, date(today.year + 1, 12, 31))
    with c.factory() as db:
        extra = db.scalars(select(ExtraHoliday).order_by(ExtraHoliday.on)).all()
    return render_template("admin/holidays.html", title="Bank holidays", upcoming=upcoming, extra=extra,
                           form=form), 400 if form.errors else 200


def _holiday_added(form: HolidayForm, c) -> bool:
    """Add the holiday and move the deadlines it affects; or put the problems on the form."""
    on, name = form.on.data, clean(form.name.data or "")
    if (existing := c.service.calendar.holiday_name(on)) is not None:
        put_problems(form, {"on": f"{on.day} {on:%B %Y} is already a bank holiday ({existing})"})
        return False
    try:
        moved = c.service.add_holiday(current_user.id, on, name, c.clock.now())
    except InvalidInput as exc:
        put_problems(form, exc.problems)
        return False
    except StaleVersion:  # just added by another server, whose holidays this one had not read yet
        c.service.load_holidays()
        put_problems(form, {"on": f"{on.day} {on:%B %Y} is already a bank holiday"})
        return False
    log.info("Administrator %s added the bank holiday %s", current_user.id, on.isoformat())
    flash(f"Bank holiday added. {moved} deadline(s) moved, and each case's timeline says why.", "success")
    return True


@bp.route("/time-limits", methods=["GET", "POST"])
def time_limits():
    c = container()
    form = TimeLimitsForm(data=limit_values(c.service.limits))
    if form.validate_on_submit():
        try:
            limits = c.service.limits.with_overrides(form.limits())
        except ValueError:  # a rule of workflows.limits that the form does not check box by box
            log.exception("Time limits refused")
            form.form_errors.append("These time limits cannot be used together. Check each one and try again")
        else:
            c.service.set_limits(limits, current_user.id, c.clock.now())
            log.info("Administrator %s saved the time limits", current_user.id)
            flash("Time limits saved. They apply to deadlines set from now on.", "success")
            return redirect(url_for("admin.time_limits"))
    return render_template("admin/time_limits.html", title="Time limits", form=form, groups=limit_groups(),
                           floors={"notice": NOTICE_FLOOR_MONTHS, "consultation": CONSULTATION_FLOOR_WD}), \
        400 if form.errors else 200


@bp.route("/report-targets", methods=["GET", "POST"])
def report_targets():
    """The compliance report's targets (per cent), which the Board agrees."""
    from casework.settings import ReportSetting
    from web.forms.report_targets import ReportTargetsForm
    from workflows.reporting.report import load_targets
    c = container()
    with c.factory() as db:
        current = load_targets(db)
    form = ReportTargetsForm(data={key: str(value) for key, value in current.items()})
    if form.validate_on_submit():
        with unit_of_work(c.factory) as db:
            for key, value in form.targets().items():
                db.merge(ReportSetting(name=f"target_{key}", value=value, changed_by_id=current_user.id,
                                       changed_at=c.clock.now()))
        log.info("Administrator %s saved the report targets", current_user.id)
        flash("Report targets saved.", "success")
        return redirect(url_for("admin.report_targets"))
    return render_template("admin/report_targets.html", title="Report targets", form=form), \
        400 if form.errors else 200


@bp.route("/failed-messages")
def failed_messages():
    c = container()
    with c.factory() as db:
        rows = db.scalars(select(OutboxMessage).where(OutboxMessage.status == MessageStatus.FAILED)
                          .order_by(OutboxMessage.created_at.desc()).limit(200)).all()
        return render_template("admin/failed_messages.html", title="Messages not delivered", messages=rows)
