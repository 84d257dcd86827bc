"""Pages that are not about one case: help, accessibility, the projected timeline,
notifications, captured emails, and a trivial health check."""
from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from notifications.inapp import mark_all_read, notifications_page, unread_count as inapp_unread_count
from casework.persistence import unit_of_work
from web.context import container
from web.forms.inputs import GovDate
from web.people import UNREAD_CAP
from web.presenters.formatting import pagination
from web.views import filters
from workflows import calendar as cal
from workflows.timeline import project

bp = Blueprint("pages", __name__)

HELP_PAGES = {"funder": "help_funder", "vco": "help_vco", "mediator": "help_mediator",
              "decision-maker": "help_decision_maker", "reviewer-panel": "help_reviewer_panel",
              "admin": "help_admin"}


@bp.route("/healthz")
def heartbeat():
    return {"status": "ok"}


#: When the accessibility statement was prepared, last reviewed and the service last tested:
#: fixed dates, changed by hand when someone reviews or tests again (never today's date).
STATEMENT_PREPARED_ON = date(2026, 11, 25)
STATEMENT_REVIEWED_ON = date(2026, 11, 25)
SERVICE_TESTED_ON = date(2026, 11, 25)


@bp.route("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html", title="Accessibility statement",
                           prepared_on=STATEMENT_PREPARED_ON, reviewed_on=STATEMENT_REVIEWED_ON,
                           tested_on=SERVICE_TESTED_ON)


@bp.route("/help")
def help_index():
    return render_template("pages/help.html", title="Help")


@bp.route("/help/<topic>")
def help_topic(topic: str):
    if topic not in HELP_PAGES:
        abort(404)
    return render_template(f"pages/{HELP_PAGES[topic]}.html")


@bp.route("/timeline")
@login_required
def timeline():
    c = container()
    route = request.args.get("route", "performance")
    route = route if route in ("performance", "resource") else "performance"
    form = TimelineForm(request.args, meta={"csrf": False})
    start, error = _start_date(form, cal.local_date(c.clock.now()))
    milestones = project(route, start, c.service.limits, c.service.calendar)
    return render_template("pages/timeline.html", title="Projected timeline", route=route, form=form,
                           milestones=milestones, error=error), 400 if error else 200


class TimelineForm(FlaskForm):
    start = GovDate("Start date", description="For example, 1 12 2026")


def _start_date(form: TimelineForm, today: date) -> tuple[date, str | None]:
    """The date asked for in the GOV.UK date input (or, from an older link, as 2026-12-01)."""
    typed = request.args.getlist("start")
    if len(typed) == 1 and typed[0].strip():
        try:
            chosen = date.fromisoformat(typed[0])
            if 1990 <= chosen.year <= 2200:
                form.start.data, form.start.raw_data = chosen, None
                return chosen, None
        except ValueError:
            pass
        return today, _refuse(form, "Start date must be a real date")
    if not form.validate():
        return today, form.start.errors[0]
    if form.start.data is None:
        form.start.data = today
        return today, None
    if not 1990 <= form.start.data.year <= 2200:
        return today, _refuse(form, "Start date must be a real date")
    return form.start.data, None


def _refuse(form: TimelineForm, message: str) -> str:
    form.start.errors = [message]
    return message


@bp.route("/notifications")
@login_required
def notifications():
    c = container()
    with c.factory() as db:
        page = notifications_page(db, current_user.id, filters.page_number(request.args))
    return render_template("pages/notifications.html", title="Notifications", page=page,
                           pagination=pagination(page.number, page.pages,
                                                 lambda n: url_for("pages.notifications", page=n)))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    c = container()
    with unit_of_work(c.factory) as db:
        mark_all_read(db, current_user.id, c.clock.now())
    return redirect(url_for("pages.notifications"))


#: Unread notifications, counted up to 100: the badge says "99+" beyond that, and every page
#: asks, so a person with thousands unread must not cost a count of thousands.
def unread_count(person_id: int) -> int:
    """The header's badge: this person's unread notifications, up to 100."""
    with container().engine.connect() as conn:
        return inapp_unread_count(conn, person_id, cap=UNREAD_CAP)


@bp.route("/mail")
@login_required
def mail():
    """Emails this service sent to this person, administrators included (they see no case's
    content anywhere else): with no mail server set up, this is where a person trying the
    service reads them."""
    from casework.messages import OutboxMessage
    from notifications.emails import text_body
    c = container()
    with c.factory() as db:
        query = select(OutboxMessage).where(OutboxMessage.person_id == current_user.id) \
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(100)
        chosen = request.args.get("message", "")
        messages = db.scalars(query).all()
        shown = next((m for m in messages if str(m.id) == chosen), None)
        return render_template("pages/mail.html", title="Emails", messages=messages, shown=shown,
                               body=text_body(db, shown) if shown else None, captured=not c.settings.smtp_host)
