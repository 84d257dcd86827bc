"""The case bundle: ask for it, watch it being made, download it. Only those who may hold the
case's papers reach these pages (`permissions.can_download_bundle`); anyone else gets 404."""
from flask import Blueprint, abort, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from casework.bundles import Bundle, BundleStatus, bundle_for, linked_funding_case, papers_fingerprint, papers_of
from casework.permissions import can_download_bundle
from web.composition import bundle_work, worker_id
from web.context import container
from web.views.cases import load_case

bp = Blueprint("bundles", __name__)
#: Seconds between reloads of the page while a bundle is being made (a meta refresh: no script).
REFRESH_SECONDS = 5


def _case(db, case_id: int):
    case = load_case(db, case_id)
    if not can_download_bundle(current_user.person, case, linked_funding_case(db, case)):
        abort(404)
    return case


@bp.route("/cases/<int:case_id>/bundle")
@login_required
def show(case_id: int):
    work = bundle_work(container())
    with container().factory() as db:
        case = _case(db, case_id)
        papers = papers_of(db, case, work.documents)
        bundle = bundle_for(db, case.id, papers_fingerprint(db, papers))
        linked = papers.linked.case if papers.linked is not None else None
    waiting = bundle is not None and bundle.status in (BundleStatus.QUEUED, BundleStatus.BUILDING)
    return render_template("bundles/show.html", title=f"Case bundle for {case.ref}", case=case, bundle=bundle,
                           linked=linked, refresh=REFRESH_SECONDS if waiting else None)


@bp.route("/cases/<int:case_id>/bundle", methods=["POST"])
@login_required
def make(case_id: int):
    from notifications.bundles.jobs import build_now, request_bundle  # WeasyPrint loads only when needed
    c = container()
    work = bundle_work(c)
    with c.factory() as db:
        case = _case(db, case_id)
    requested = request_bundle(work, case.id, current_user.id, c.clock.now())
    if requested.small and requested.bundle.status == BundleStatus.QUEUED:   # a few seconds: made while they wait
        build_now(work, requested.bundle.id, c.clock.now(), worker_id())
    return redirect(url_for("bundles.show", case_id=case.id))


@bp.route("/cases/<int:case_id>/bundle/<int:bundle_id>.<any(pdf, zip):kind>")
@login_required
def download(case_id: int, bundle_id: int, kind: str):
    from notifications.bundles.jobs import bundle_file
    work = bundle_work(container())
    with container().factory() as db:
        case = _case(db, case_id)
        bundle = db.get(Bundle, bundle_id)
    name = bundle and bundle.case_id == case.id and bundle.is_ready and (bundle.pdf_path if kind == "pdf" else bundle.zip_path)
    if not name or not bundle_file(work, name).is_file():
        abort(404)
    response = send_file(bundle_file(work, name), mimetype="application/pdf" if kind == "pdf" else "application/zip",
                         as_attachment=True, download_name=f"case-bundle-{case.ref}.{kind}", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
