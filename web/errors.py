"""Domain errors and HTTP errors become GOV.UK error pages here, in one place; no person
ever sees a stack trace. Each request that needs one gets a short reference
(`request_reference`): an unexpected failure is logged with it and the error page shows it, so
what someone quotes to the service desk finds the exception in the log; security events
written during the request carry it too. A signed-in person refused a page (403) or another
organisation's case (shown as not found) is logged as `access_denied`, never stored."""
import logging
import secrets

from flask import Flask, current_app, g, has_request_context, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from casework.errors import (CaseworkError, GateRefused, InvalidInput, NotFound, NotPermitted,
                             StaleVersion, TriggerNotAllowed, UnknownTrigger)
from casework.security_events import ACCESS_DENIED, Where, log_only

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
        if status == 403:
            log_denied(exc.message)
        return _page(status, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _page(400, "Your form expired or was sent from somewhere else. Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 403:
            log_denied("")
        if exc.code == 413:
            return _page(413, _too_large())
        if (exc.code or 500) < 500:
            return _page(exc.code, None)
        reference = request_reference()
        log.error("HTTP %s, reference %s", exc.code or 500, reference, exc_info=exc)
        return _page(exc.code or 500, None, reference)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        reference = request_reference()
        log.exception("Unhandled error, reference %s", reference)
        return _page(500, None, reference)


def _too_large() -> str:
    from web.composition import document_desk
    desk = document_desk(current_app.extensions["casework"])
    return (f"What you sent is too large, so nothing was saved. Each file must be smaller than "
            f"{desk.limits.max_bytes // (1024 * 1024)}MB, and you can send up to {desk.max_files} files at once. "
            f"Go back and select fewer or smaller files, or shorten what you typed.")


def log_denied(detail: str) -> None:
    """Log (never store) that the signed-in person was refused what this request asked for."""
    if not getattr(current_user, "is_authenticated", False):
        return
    container = current_app.extensions["casework"]
    log_only(ACCESS_DENIED, container.clock.now(), person_id=current_user.id, account=current_user.email,
             organisation_id=current_user.person.organisation_id,
             where=Where(request.remote_addr or "", request_reference()),
             detail=f"{request.method} {request.path} {detail}".strip())


#: Letters and digits nobody misreads (no 0/O, 1/I/L) for a reference read out over the phone.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def request_reference() -> str:
    """This request's reference, made the first time it is asked for: 8 characters (about 40
    random bits), shown as two groups of four. Empty outside a request."""
    if not has_request_context():
        return ""
    if "reference" not in g:
        code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
        g.reference = f"{code[:4]}-{code[4:]}"
    return g.reference


def _page(status: int, message: str | None, reference: str = ""):
    template = f"errors/{status}.html" if status in (400, 403, 404, 409, 429, 500) else "errors/400.html"
    if status == 405:
        template = "errors/404.html"
    return render_template(template, title=TITLES.get(status, TITLES[400]), message=message,
                           hide_account=status == 500, reference=reference), status
