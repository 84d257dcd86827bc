"""What every page needs to know about the signed-in person: the menu, the unread count,
the idle timeout, and the permission functions templates use to show buttons."""
from flask import Flask, g, request
from flask_login import current_user

from casework import permissions
from web.context import container


def init_app(app: Flask) -> None:
    @app.context_processor
    def page_context() -> dict:
        c = container()
        context = {"council_name": c.settings.council_name, "permissions": permissions,
                   "limits": c.service.limits}
        if not current_user.is_authenticated:
            return context
        from web.views.pages import unread_count
        person = current_user.person
        items = [("cases.home", "/", "Home"), ("cases.case_list", "/cases", "Cases"),
                 ("pages.timeline", "/timeline", "Projected timeline"), ("pages.mail", "/mail", "Emails")]
        if permissions.can_view_reports(person):
            items.append(("reports.index", "/reports", "Reports"))
        if permissions.can_administer(person):
            items.append(("admin.index", "/admin/", "Administration"))
        items.append(("pages.help_index", "/help", "Help"))
        context.update(
            nav_items=[{"href": href, "text": text, "active": request.endpoint == endpoint}
                       for endpoint, href, text in items],
            unread_count=_unread(current_user, unread_count),
            idle_timeout_seconds=c.settings.idle_timeout_minutes * 60,
            idle_warning_seconds=c.settings.idle_warning_minutes * 60)
        return context


def _unread(signed_in, count) -> int:
    """Once per request, and not at all when the session check has read it: GOV.UK form
    widgets render templates of their own, each of which runs this context processor, and a
    page of fields would otherwise query once per field."""
    if signed_in.unread is not None:
        return signed_in.unread
    if g.get("unread_for") != signed_in.id:
        g.unread_for, g.unread = signed_in.id, count(signed_in.id)
    return g.unread
