"""Starting a case: a funder officer opens a funding-change case; either party raises a
dispute. Both forms are built from the fields the workflows declare."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from casework.cases import Case
from casework.errors import InvalidInput, NotFound
from casework.organisations import Organisation, OrganisationKind, Person, PersonRole
from casework.permissions import can_open_funding_case, can_raise_dispute
from casework.visibility import visible_cases
from web import uploads
from web.context import container
from web.forms.actions import apply_problems, build_form, engine_data
from workflows.opening import DISPUTE_FIELDS, FUNDING_CASE_FIELDS

bp = Blueprint("start", __name__)


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new_case():
    if not can_open_funding_case(current_user.person):
        abort(403)
    c = container()
    with c.factory() as db:
        form = build_form(FUNDING_CASE_FIELDS, _case_options(db), "Create draft case")
    if form.validate_on_submit() and not _title_too_long(form):
        try:
            case = c.service.open_funding_case(current_user.id, engine_data(form, FUNDING_CASE_FIELDS), c.clock.now())
            flash(f"Draft case {case.ref} created. Only you can see it until you raise a concern or propose a change.", "success")
            return redirect(url_for("cases.case_detail", case_id=case.id))
        except InvalidInput as exc:
            apply_problems(form, FUNDING_CASE_FIELDS, exc.problems)
    return render_template("cases/start.html", form=form, title="Start a funding case",
                           intro="Start a case when a funded programme has problems, or when funding may have to change."), 400 if form.errors or form.form_errors else 200


@bp.route("/disputes/new", methods=["GET", "POST"])
@login_required
def new_dispute():
    """Raise a dispute, with evidence files if the raiser has them: each file is checked and
    stored when sent, kept if the form needs another go, and recorded with the dispute."""
    if not can_raise_dispute(current_user.person):
        abort(403)
    c = container()
    with c.factory() as db:
        form = build_form(DISPUTE_FIELDS, _dispute_options(db), "Raise the dispute",
                          data={"linked_case": request.args.get("case", "")}, documents_mb=uploads.max_mb())
    kept = []
    if request.method == "POST":
        valid = form.validate_on_submit()
        kept = uploads.receive(form)
        if valid and not form.errors:
            try:
                case = c.service.raise_dispute(current_user.id, engine_data(form, DISPUTE_FIELDS), c.clock.now(),
                                               attachments=uploads.attachments(form, kept))
                uploads.scan_case(case.id)
                flash(f"Dispute {case.ref} raised. The other organisation must acknowledge it.", "success")
                return redirect(url_for("cases.case_detail", case_id=case.id))
            except InvalidInput as exc:
                apply_problems(form, DISPUTE_FIELDS, exc.problems)
            except NotFound as exc:
                form.form_errors.append(exc.message)
    return render_template("cases/start.html", form=form, title="Raise a Compact dispute", kept=kept, files=True,
                           intro="Say which Compact undertakings were not kept, what happened and what you want to happen."), 400 if form.errors or form.form_errors else 200


#: The longest title a case keeps (the `cases.title` column is String(300)): a longer one is
#: refused, never cut short without saying.
MAX_TITLE = 300


def _title_too_long(form) -> bool:
    """Put an error on a title longer than the case can keep; True if there was one."""
    if len((form.title.data or "").strip()) <= MAX_TITLE:
        return False
    apply_problems(form, FUNDING_CASE_FIELDS, {"title": f"Programme or service must be {MAX_TITLE} characters or fewer"})
    return True


def _case_options(db) -> dict:
    vcos = db.scalars(select(Organisation).where(Organisation.kind == OrganisationKind.VCO).order_by(Organisation.name))
    dms = db.scalars(select(Person).where(
        Person.organisation_id == current_user.organisation_id, Person.id != current_user.id,
        Person.id.in_(select(PersonRole.person_id).where(PersonRole.role == "decision_maker"))).order_by(Person.name))
    return {"vco": [(str(o.id), o.name) for o in vcos], "decision_maker": [(str(p.id), p.name) for p in dms]}


def _dispute_options(db) -> dict:
    mine = current_user.person.organisation
    other_kind = (Organisation.kind != OrganisationKind.STATUTORY) if mine and mine.is_funder else (Organisation.kind == OrganisationKind.STATUTORY)
    others = db.scalars(select(Organisation).where(other_kind, Organisation.kind != OrganisationKind.INFRASTRUCTURE)
                        .order_by(Organisation.name))
    cases = db.scalars(visible_cases(current_user.person).where(Case.workflow == "funding_change").order_by(Case.id.desc()).limit(50))
    return {"respondent": [(str(o.id), o.name) for o in others],
            "linked_case": [(str(k.id), f"{k.ref}: {k.title}") for k in cases]}
