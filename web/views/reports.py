"""The Compact compliance report (/reports): filters as GET parameters in the MOJ filter
layout, the headline summary with RAG tags, the six charts each with its table, then each
metric's tables; and its downloads, each with the same filters: a CSV file per table, XLSX
and ODS workbooks and a PDF board pack. VCO staff see their own organisation's figures only."""
from io import BytesIO
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user, login_required

from casework.permissions import can_view_reports
from casework.persistence import unit_of_work
from web.auth import where
from web.context import container
from web.views import report_files
from web.views.report_filters import CASE_TYPES, DECIDERS, ROUTES, report_request
from workflows.reporting.deadline_metrics import KIND_WORDS
from workflows.reporting.period import OWED_BY, PRESETS

bp = Blueprint("reports", __name__)


def _allowed() -> None:
    if not can_view_reports(current_user.person):
        abort(403)


def _view(db, now):
    asked = report_request(db, current_user.person, request.args, now)
    return report_files.report_view(db, asked, now, container().service)


@bp.route("/reports")
@login_required
def index():
    _allowed()
    c = container()
    with c.factory() as db:
        view = _view(db, c.clock.now())
    return render_template("reports/index.html", title="Compact compliance report", view=view, report=view.report,
                           chosen=view.asked.chosen, errors=view.asked.errors, vcos=view.asked.vcos,
                           funders=view.asked.funders, internal=view.asked.internal, presets=PRESETS, routes=ROUTES,
                           case_types=CASE_TYPES, deciders=DECIDERS, owed_choices=[(o, o) for o in OWED_BY], tags=view.asked.tags,
                           kinds=sorted(KIND_WORDS.items(), key=lambda kv: kv[1]), query=_query(view))


def _query(view) -> str:
    return "?" + urlencode(view.asked.query) if view.asked.query else ""


@bp.route("/reports/<string(maxlength=60):key>.csv")
@login_required
def table_csv(key: str):
    return _download("csv", key)


@bp.route("/reports/compact-report.<any(xlsx, ods, pdf):kind>")
@login_required
def workbook(kind: str):
    return _download(kind)


def _download(kind: str, key: str | None = None):
    """The file, with the filters of the query string; recorded as a security event."""
    _allowed()
    c = container()
    now = c.clock.now()
    with unit_of_work(c.factory) as db:
        view = _view(db, now)
        if key is not None and view.table(key) is None:
            abort(404)
        pages = render_template("reports/board_pack.html", view=view, report=view.report) if kind == "pdf" else None
        data, name = report_files.export_file(db, current_user.person, view, kind, now, where(), key, pages)
    return send_file(BytesIO(data), mimetype=report_files.MEDIA[kind], download_name=name, as_attachment=True)
