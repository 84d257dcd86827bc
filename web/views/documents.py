"""A case's documents: adding files at any time (with a short description), opening one, and
withdrawing one with a reason. Who may do each follows the case (`casework.documents`)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from casework.documents import can_add_documents, can_open_document, can_withdraw_document, find_document
from casework.errors import InvalidInput, NotPermitted
from web.context import container
from web.forms.documents import WithdrawForm, add_documents_form
from web.uploads import attachments, desk, max_mb, receive, scan_now
from web.views.cases import load_case
from workflows.documents import add_to_case, withdraw

bp = Blueprint("documents", __name__)


@bp.route("/cases/<int:case_id>/documents/new", methods=["GET", "POST"])
@login_required
def add(case_id: int):
    c = container()
    with c.factory() as db:
        case = load_case(db, case_id)
        if not can_add_documents(current_user.person, case):
            abort(404)
    form, kept = add_documents_form(max_mb()), []
    if request.method == "POST":
        valid = form.validate_on_submit()
        kept = receive(form)
        if not kept and not form.documents.errors:
            form.documents.errors = ["Select a file"]
        if valid and not form.documents.errors:
            ids = add_to_case(c.factory, case.id, current_user.id, attachments(form, kept), c.clock.now())
            scan_now(ids)
            flash(f"{len(ids)} file{'s were' if len(ids) != 1 else ' was'} added.", "success")
            return redirect(url_for("cases.case_detail", case_id=case.id, _anchor="documents"))
    return render_template("documents/add.html", title="Add documents", case=case, form=form, kept=kept), \
        400 if form.errors else 200


@bp.route("/cases/<int:case_id>/documents/<int:document_id>")
@login_required
def open_document(case_id: int, document_id: int):
    c = container()
    with c.factory() as db:
        case = load_case(db, case_id)
        document = find_document(db, case.id, document_id)
        if document is None or not can_open_document(current_user.person, case, document):
            abort(404)
    # PDFs and images open in the browser (in a new tab, from the link); everything else downloads.
    response = send_file(desk().store.path(document.sha256), mimetype=document.content_type,
                         as_attachment=not document.inline, download_name=document.stored_name,
                         conditional=False, etag=False, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/cases/<int:case_id>/documents/<int:document_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_page(case_id: int, document_id: int):
    c = container()
    with c.factory() as db:
        case = load_case(db, case_id)
        document = find_document(db, case.id, document_id)
        if document is None or not can_withdraw_document(current_user.person, case, document):
            abort(404)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            withdraw(c.factory, case.id, document.id, current_user.id, form.reason.data, c.clock.now())
            flash(f"‘{document.original_name}’ was withdrawn.", "success")
            return redirect(url_for("cases.case_detail", case_id=case.id, _anchor="documents"))
        except (InvalidInput, NotPermitted) as exc:
            form.reason.errors = [getattr(exc, "problems", {}).get("reason") or exc.message]
    return render_template("documents/withdraw.html", title="Withdraw a document", case=case, document=document,
                           form=form), 400 if form.errors else 200
