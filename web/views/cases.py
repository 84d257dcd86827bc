"""Cases: each person's home, case lists, the case page, and one question page per action.

A little over 300 lines on purpose: these routes share how a case is loaded and refused
(`load_case`) and how an action's page is built and answered; apart, one page's story would
be in two files."""
from collections import defaultdict

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from io import BytesIO

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from casework.bundles import linked_funding_case
from casework.cases import Case, CaseAssignment, CaseLink
from casework.errors import GateRefused, InvalidInput, StaleVersion
from casework.documents import can_add_documents, documents_of
from casework.letters import Letter
from casework.organisations import Organisation, Person
from casework.permissions import can_download_bundle, can_open_funding_case, can_raise_dispute, can_view_case
from casework.separation import linked_case_officers
from casework.persistence import unit_of_work
from casework.queries import audit_trail, case_page, case_rows, letters_of
from web import uploads
from web.auth import where
from web.composition import document_desk
from web.context import container
from web.errors import log_denied
from web.diagram import diagram_svg, stage_names
from web.forms.actions import add_engine_problems, apply_problems, build_form, engine_data
from web.presenters.documents import by_entry, document_lines, unchecked_banner
from web.presenters.formatting import pagination
from web.presenters.improvement import DECISIONS, improvement_history
from web.presenters.stages import (actions_for, case_summary, deadline_items, due_text, not_yet_possible,
                                   possible_later, stage_words, tag)
from web.presenters.timeline import timeline_items
from web.security import CSP
from web.views import case_exports, filters
from web.views.home import sections as home_sections
from web.views.options import case_words, field_options, initial_values
from workflows import calendar as cal
from workflows.definitions import Asking
from workflows.deadlines import live_rows
from workflows.registry import WORKFLOWS

bp = Blueprint("cases", __name__)


#: A case as its pages show it, in one statement built once: with its assignments (the
#: people's names, not their roles) and its organisations.
_CASE = select(Case).where(Case.id == bindparam("case_id")).options(
    joinedload(Case.assignments).joinedload(CaseAssignment.person).lazyload(Person.role_rows),
    joinedload(Case.vco), joinedload(Case.funder), joinedload(Case.complainant_org), joinedload(Case.respondent_org))


def load_case(db, case_id: int) -> Case:
    """The case if this person may see it; 404 otherwise, so nothing leaks."""
    case = db.execute(_CASE, {"case_id": case_id}).unique().scalar_one_or_none()
    if case is None or not can_view_case(current_user.person, case):
        if case is not None:  # the same page as a case that does not exist; logged as a refusal
            log_denied(f"case {case_id} is not theirs to see")
        abort(404)
    return case


@bp.route("/")
@login_required
def home():
    c = container()
    today = cal.local_date(c.clock.now())
    with c.factory() as db:
        tables = filters.waiting_on(db, current_user.person, today)
        sections = home_sections(db.connection(), current_user.person)
    case_url = _case_urls()
    return render_template("cases/home.html", title="Home", today=today, sections=sections,
                           **{name: deadline_items(lines, today, c.service.calendar, case_url)
                              for name, lines in tables.items()},
                           can_open=can_open_funding_case(current_user.person),
                           can_dispute=can_raise_dispute(current_user.person))


@bp.route("/cases")
@login_required
def case_list():
    c = container()
    chosen = filters.chosen(request.args)
    with c.factory() as db:
        page = case_page(db, current_user.person, filters.page_number(request.args),
                         filters.case_filter(chosen, c.clock.now()))
        organisations = db.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name)).all()
    kept = {name: value for name, value in chosen.items() if value}   # the list's own filters, for its links
    return render_template("cases/list.html", title="Cases", page=page, chosen=chosen, case_url=_case_urls(), tag=tag,
                           stages=filters.stage_choices(), organisations=organisations, kept=kept,
                           pagination=pagination(page.number, page.pages, lambda n: url_for(
                               "cases.case_list", **{**kept, "page": n})))


@bp.route("/cases.<any(csv, xlsx):kind>")
@login_required
def case_list_export(kind: str):
    """The case list, as its filters and search narrow it, as a file: the same cases the page lists."""
    c = container()
    chosen, now = filters.chosen(request.args), c.clock.now()
    with unit_of_work(c.factory) as db:
        rows = case_rows(db, current_user.person, filters.case_filter(chosen, now))
        data, name = case_exports.export_file(db, current_user.person, rows, chosen, kind, now, where())
    return send_file(BytesIO(data), mimetype=case_exports.MEDIA[kind], download_name=name, as_attachment=True)


@bp.route("/cases/<int:case_id>")
@login_required
def case_detail(case_id: int):
    c = container()
    today = cal.local_date(c.clock.now())
    with c.factory() as db:
        case = load_case(db, case_id)
        deadlines = live_rows(db, case)
        papers = _papers(db, case)
        return render_template(
            "cases/detail.html", title=f"{case.ref}: {case.title}", case=case, tag=tag(case), summary=case_summary(case),
            stage=stage_words(case, current_user.person, deadlines, today, c.service.limits.notice_months,
                             c.service.calendar),
            deadlines=[(d, due_text(d, today, c.service.calendar)) for d in deadlines],
            actions=actions_for(case, current_user.person, separated=linked_case_officers(db.connection(), case),
                                today=today),
            not_yet=not_yet_possible(case, current_user.person), later=possible_later(case, current_user.person, today),
            timeline=timeline_items(audit_trail(db, case.id), case, c.service.calendar, papers.pop("by_entry")),
            letters=letters_of(db, case.id), **papers,
            links=_links(db, case), workflow=WORKFLOWS[case.workflow], stage_names=stage_names(case.workflow),
            action_url=_urls("cases.action", "trigger", case_id=case.id),
            letter_url=_urls("cases.letter", "letter_id", case_id=case.id))


def _papers(db, case: Case) -> dict:
    """The case page's documents section, and the documents each timeline entry added."""
    person, listed = current_user.person, documents_of(db, case.id)
    url = _urls("documents.open_document", "document_id", case_id=case.id)
    withdraw_url = lambda document_id: url_for("documents.withdraw_page", case_id=case.id, document_id=document_id)
    return {"documents": document_lines(listed, case, person, url, withdraw_url),
            "by_entry": by_entry(listed, case, person, url),
            "documents_banner": unchecked_banner(listed, document_desk(container()).scanner is not None),
            "add_documents_url": url_for("documents.add", case_id=case.id) if can_add_documents(person, case) else None,
            "can_bundle": can_download_bundle(person, case, linked_funding_case(db, case))}


@bp.route("/cases/<int:case_id>/actions/<trigger>", methods=["GET", "POST"])
@login_required
def action(case_id: int, trigger: str):
    c = container()
    with c.factory() as db:
        case = load_case(db, case_id)
        # Not only the offered actions: someone who arrives anyway is told why it cannot be done.
        separated = linked_case_officers(db.connection(), case)
        row = next((t for t in actions_for(case, current_user.person, offered_only=False, separated=separated)
                    if t.trigger == trigger), None)
        if row is None and request.method == "POST" and _int(request.form.get("case_version")) not in (None, case.version):
            return _moved_on(case)   # sent twice, or from a page left open while the case moved on
        if row is None:
            abort(404)
        view = _action_view(db, case, row)
    form = view["form"]
    if request.method == "POST" and "change" in request.form:
        view["kept"] = uploads.receive(form) if row.accepts_documents else []
        return render_template("cases/action.html", **view)  # back from checking, answers kept
    if request.method == "POST" and _submitted(view):
        if row.check_first and "confirm" not in request.form:
            return _check_first(view, engine_data(form, row.fields))
        status = _fire(view, engine_data(form, row.fields))
        if status is None:
            uploads.scan_case(case_id)
            flash(row.done, "success")
            return redirect(url_for("cases.case_detail", case_id=case_id))
        return render_template("cases/action.html", **view), status
    if form.errors:
        add_engine_problems(form, row.fields)
    return render_template("cases/action.html", **view), 400 if form.errors else 200


def _action_view(db, case: Case, row) -> dict:
    """What an action's page shows: its form, with today's defaults and the case's words, the
    improvement history on a decision, and no files kept yet."""
    c = container()
    ask = Asking(case, cal.local_date(c.clock.now()), c.service.limits, c.service.calendar)
    start = initial_values(row, ask)
    form = build_form(row.fields, field_options(db, case, row), "Continue" if row.check_first else row.button,
                      data={"case_version": case.version, **start},
                      documents_mb=uploads.max_mb() if row.accepts_documents else None)
    case_words(form, row, ask)
    return {"case": case, "row": row, "form": form, "title": row.question.format_map(defaultdict(str, start)),
            "history": improvement_history(case) if row.trigger in DECISIONS else None, "kept": []}


def _submitted(view: dict) -> bool:
    """The form's answers pass its own checks, and every file sent with it was accepted (and
    stored, so it is kept whatever happens next)."""
    form, row = view["form"], view["row"]
    valid = form.validate_on_submit()
    if row.accepts_documents:
        view["kept"] = uploads.receive(form)
    return valid and not form.errors


def _fire(view: dict, data: dict) -> int | None:
    """Fire the action; on refusal, put the problem on the form and return the status to show."""
    c, form, row = container(), view["form"], view["row"]
    try:
        expected = _int(form.case_version.data)
        if expected is None:  # a form always carries the version it was shown; treat none as stale
            raise StaleVersion()
        c.service.fire(view["case"].id, row.trigger, current_user.id, data, c.clock.now(),
                       expected_version=expected, attachments=uploads.attachments(form, view["kept"]))
        return None
    except InvalidInput as exc:
        apply_problems(form, row.fields, exc.problems)
        return 400
    except GateRefused as exc:
        _refused(form, row, exc)
        return 400
    except StaleVersion as exc:
        form.form_errors.append(exc.message + " Your answers are still below; check the case, then send them again.")
        with c.factory() as db:
            form.case_version.data = db.get(Case, view["case"].id).version
        view["stale"] = True
        return 409


def _refused(form, row, exc: GateRefused) -> None:
    """A rule's refusal, beside the answer it is about when the form asks it."""
    if exc.field is not None and any(f.name == exc.field for f in row.fields):
        apply_problems(form, row.fields, {exc.field: exc.message})
    elif exc.field is not None and exc.field in form:   # one box of a question, as an action's date
        form[exc.field].errors = list(form[exc.field].errors) + [exc.message]
    else:
        form.form_errors.append(exc.message)


def _moved_on(case: Case):
    flash(f"Nothing was changed: this case had already moved on when you sent that. It is now at "
          f"‘{tag(case).text}’.", "important")
    return redirect(url_for("cases.case_detail", case_id=case.id))


def _check_first(view: dict, data: dict):
    """Check your answers before the action is done, after every check that doing it makes, so
    a refusal shows on the question page: the written notice with its dates and letter, or any
    other action's answers."""
    from notifications.case_letters import template_context
    from notifications.letters import letter_preview_html
    c, form, row = container(), view["form"], view["row"]
    try:
        preview = c.service.preview_letter(view["case"].id, row.trigger, current_user.id, data, c.clock.now())
    except InvalidInput as exc:
        apply_problems(form, row.fields, exc.problems)
        return render_template("cases/action.html", **view), 400
    except GateRefused as exc:
        _refused(form, row, exc)
        return render_template("cases/action.html", **view), 400
    if preview is None:
        return render_template("cases/check_answers.html", **view)
    kind, notice = preview
    letter_html = letter_preview_html(kind, template_context(kind, notice))
    return render_template("cases/check_notice.html", notice=notice, data=data, letter_html=letter_html, **view)


@bp.route("/cases/<int:case_id>/letters/<int:letter_id>")
@login_required
def letter(case_id: int, letter_id: int):
    c = container()
    with c.factory() as db:
        case = load_case(db, case_id)
        stored = db.get(Letter, letter_id)
        if stored is None or stored.case_id != case.id:
            abort(404)
        # No control character may reach the Content-Disposition header (it would fail there).
        name = "".join(ch if ch.isprintable() else " " for ch in stored.filename)
        download = request.args.get("download") == "1"
        response = send_file(BytesIO(stored.pdf), mimetype="application/pdf", download_name=name,
                             as_attachment=download)
    if download:  # sandboxed; not inline, where Chromium would refuse to show the PDF
        response.headers["Content-Security-Policy"] = f"{CSP}; sandbox"
    return response


@bp.route("/cases/<int:case_id>/diagram.svg")
@login_required
def diagram(case_id: int):
    c = container()
    with c.factory() as db:
        case = load_case(db, case_id)
        return diagram_svg(WORKFLOWS[case.workflow], case.status), 200, {"Content-Type": "image/svg+xml"}


#: The ids of the cases linked to a dispute or to a funding case, by the case's workflow.
_LINKED = {workflow: select(other).where(this == bindparam("case_id")).order_by(other)
           for workflow, this, other in (("dispute", CaseLink.dispute_id, CaseLink.funding_case_id),
                                         ("funding_change", CaseLink.funding_case_id, CaseLink.dispute_id))}


def _links(db, case: Case) -> list[Case]:
    # Most cases have none: ask for ids first, and load cases only when there are some.
    ids = db.connection().execute(_LINKED[case.workflow], {"case_id": case.id}).scalars().all()
    linked = db.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id)).all() if ids else []
    return [other for other in linked if can_view_case(current_user.person, other)]


def _case_urls():
    """The case page's URL for any case id, from one call of url_for."""
    return _urls("cases.case_detail", "case_id")


def _urls(endpoint: str, name: str, **values):
    """`url_for(endpoint, **values)` for any value of `name`, from one call of url_for: a home
    page links up to 75 cases, and url_for costs as much as the rest of a table row. The
    values must need no quoting (ids, trigger names); `name` must be the URL's last part."""
    marker = 987654321
    head, _, tail = url_for(endpoint, **values, **{name: marker}).rpartition(str(marker))
    return lambda value: f"{head}{value}{tail}"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
