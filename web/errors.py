"""Domain errors and HTTP errors become GOV.UK error pages here, in one place; no person
ever sees a stack trace."""
import logging

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from casework.errors import (CaseworkError, GateRefused, InvalidInput, NotFound, NotPermitted,
                             StaleVersion, TriggerNotAllowed, UnknownTrigger)

log = logging.getLogger(__name__)

STATUS = {NotFound: 404, UnknownTrigger: 404, NotPermitted: 403, StaleVersion: 409,
          TriggerNotAllowed: 409, GateRefused: 409, InvalidInput: 400}
TITLES = {400: "There is a problem with your request", 403: "You do not have permission to do this",
          404: "Page not found", 405: "Page not found", 409: "This case changed while you were looking at it",
          413: "The file or form is too large", 429: "Too many attempts", 500: "Sorry, there is a problem with the service"}


def init_app(app: Flask) -> None:
    @app.errorhandler(CaseworkError)
    def domain_error(exc: CaseworkError):
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
        return _page(status, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _page(400, "Your form expired or was sent from somewhere else. Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _page(exc.code or 500, _too_large() if exc.code == 413 else None)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("Unhandled error")
        return _page(500, None)


def _too_large() -> str:
    from web.composition import document_desk
    desk = document_desk(current_app.extensions["casework"])
    return (f"What you sent is too large, so nothing was saved. Each file must be smaller than "
            f"{desk.limits.max_bytes // (1024 * 1024)}MB, and you can send up to {desk.max_files} files at once. "
            f"Go back and select fewer or smaller files, or shorten what you typed.")


def _page(status: int, message: str | None):
    template = f"errors/{status}.html" if status in (400, 403, 404, 409, 429, 500) else "errors/400.html"
    if status == 405:
        template = "errors/404.html"
    return render_template(template, title=TITLES.get(status, TITLES[400]), message=message,
                           hide_account=status == 500), status
