"""The published compliance figures (/public/compact-figures and its CSV file), open to anyone
without signing in once an administrator publishes them (/admin/public-figures), and not
found otherwise: every organisation's figures together, suppressed as
workflows.reporting.public says, for a council's website or data.gov.uk."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from casework import security_events as events
from casework.permissions import can_administer
from casework.persistence import unit_of_work
from web.auth import where
from web.context import container
from web.exports import ExportMetadata, csv_bytes
from web.forms.report_targets import PublicFiguresForm
from web.presenters.formatting import local_time
from workflows.reporting.period import Filters, preset_period
from workflows.reporting.public import (CSV_MARKER, PAGE_MARKER, SUPPRESSION_WORDS, long_table, public_figures_on,
                                        public_tables, set_public_figures)
from workflows.reporting.report import build_report

bp = Blueprint("public_figures", __name__)
PERIODS = (("current_half", "This financial half-year"), ("previous_half", "Last financial half-year"))


def _report(db, now):
    if not public_figures_on(db):
        abort(404)
    preset = request.args.get("period", "current_half")
    preset = preset if preset in dict(PERIODS) else "current_half"
    s = container().service
    return preset, build_report(db, Filters(preset_period(preset, now)), now, calendar=s.calendar, limits=s.limits)


@bp.route("/public/compact-figures")
def page():
    c = container()
    with c.factory() as db:
        preset, report = _report(db, c.clock.now())
    return render_template("public/compact_figures.html", title="Compact compliance figures", report=report,
                           tables=public_tables(report, marker=PAGE_MARKER), preset=preset, periods=PERIODS,
                           as_at=local_time(report.as_at), suppression=SUPPRESSION_WORDS)


@bp.route("/public/compact-figures.csv")
def figures_csv():
    c = container()
    with c.factory() as db:
        preset, report = _report(db, c.clock.now())
    metadata = ExportMetadata(title="Compact compliance figures", filters={"Period": report.period.label()},
                              as_at=report.as_at, calendar_version=report.calendar_version,
                              suppression=SUPPRESSION_WORDS)
    data = csv_bytes(long_table(public_tables(report, marker=CSV_MARKER)), metadata)
    return send_file(BytesIO(data), mimetype="text/csv; charset=utf-8", as_attachment=True,
                     download_name=f"compact-figures-{report.period.start.isoformat()}.csv")


@bp.route("/admin/public-figures", methods=["GET", "POST"])
@login_required
def switch():
    """An administrator publishes the figures or stops; each change is a security event."""
    if not can_administer(current_user.person):
        abort(403)
    c = container()
    with c.factory() as db:
        on = public_figures_on(db)
    form = PublicFiguresForm() if request.method == "POST" else PublicFiguresForm(data={"publish": "yes" if on else "no"})
    if form.validate_on_submit() and form.publish.data in ("yes", "no"):
        with unit_of_work(c.factory) as db:
            if set_public_figures(db, form.publish.data == "yes", current_user.id, c.clock.now()):
                events.record(db, events.Kind.SETTING_CHANGED, c.clock.now(), actor_id=current_user.id,
                              where=where(), detail=f"Compliance figures published: {form.publish.data}")
        flash("The compliance figures are published." if form.publish.data == "yes"
              else "The compliance figures are no longer published.", "success")
        return redirect(url_for("public_figures.switch"))
    return render_template("admin/public_figures.html", title="Public compliance figures", form=form, on=on), \
        400 if form.errors else 200
