"""The web service: `create_app` builds the Flask app from Settings and the composition root."""
from datetime import timedelta
from pathlib import Path

from flask import Flask, send_from_directory
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.routing import IntegerConverter

from web.config import Settings

HERE = Path(__file__).parent
csrf = CSRFProtect()


class RowId(IntegerConverter):
    """`<int:...>` in every URL: a number both databases can hold as an id (a signed 64-bit
    integer). A larger one is no page at all (404), not an error from the database."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(settings: Settings | None = None, container=None) -> Flask:
    """Build the app; the container (database, services, clock) comes from the composition root."""
    from web import auth, errors, macro_cache, navigation, security, uploads
    from web.presenters import charts, formatting, report_tables
    from web.composition import build
    from web.views import (access, account, admin, admin_accounts, bundles, cases, documents, pages, public_figures,
                           reports, start)

    settings = settings or Settings.from_environ()
    settings.check()  # settings built in code must pass the same checks as the environment's
    container = container or build(settings)
    app = Flask(__name__, static_folder=str(HERE / "static"), template_folder=str(HERE / "templates"))
    app.config.update(
        SECRET_KEY=settings.secret_key, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production, WTF_CSRF_TIME_LIMIT=None,
        # In production the __Host- prefix binds the cookie to this host over HTTPS, path /, no Domain.
        SESSION_COOKIE_NAME="__Host-session" if settings.is_production else "session", SESSION_COOKIE_PATH="/",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.idle_timeout_minutes),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024, TESTING=settings.env == "test", SEND_FILE_MAX_AGE_DEFAULT=3600)
    app.extensions["casework"] = container
    if settings.trusted_proxies:  # the client's own address, for sign-in throttling, from the proxy's header
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)
    app.url_map.converters["int"] = RowId   # before any route is added
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(HERE / "templates")),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                      "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf")})])
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.add_template_filter(formatting.readable, "readable")
    app.add_template_filter(formatting.local_time, "local_time")
    app.add_template_filter(formatting.local_date, "local_date")
    app.add_template_filter(formatting.choice_label, "choice_label")
    uploads.init_app(app)   # before CSRF protection reads the form
    charts.register(app.jinja_env)
    report_tables.register(app.jinja_env)
    csrf.init_app(app)
    WTFormsHelpers(app)
    auth.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    navigation.init_app(app)
    for blueprint in (pages.bp, cases.bp, documents.bp, bundles.bp, start.bp, admin.bp, admin_accounts.bp, auth.bp,
                      access.bp, account.bp, reports.bp, public_figures.bp):
        app.register_blueprint(blueprint)
    macro_cache.init_app(app)   # once the routes are there: its fragments use url_for

    @app.route("/assets/<path:filename>")
    def govuk_assets(filename: str):
        return send_from_directory(HERE / "static" / "govuk" / "assets", filename, max_age=86400)

    _load_settings(container)
    _keep_settings_fresh(app, container)
    return app


class DatabaseNotReady(RuntimeError):
    """The database can be reached but has not been set up; the message says what to run."""


def schema_problem(engine) -> str | None:
    """What to run if the database lacks tables this version needs (one line), else None."""
    from sqlalchemy import inspect

    from casework.models import Base
    missing = sorted(set(Base.metadata.tables) - set(inspect(engine).get_table_names()))
    shown = engine.url.render_as_string(hide_password=True)
    if not missing:
        return None
    if len(missing) == len(Base.metadata.tables):
        return (f"The database {shown} has no tables yet. Run `casework init-db` to create them, "
                f"or `casework demo` to create them with demo data.")
    return (f"The database {shown} is missing tables this version needs ({', '.join(missing)}). "
            f"Run `casework init-db` to bring it up to date.")


def _load_settings(container) -> None:
    """The one-off bank holidays and the saved time limits, read straight away: a database
    with no tables yet stops the app with what to run, not a stack trace from SQLAlchemy."""
    from sqlalchemy.exc import DBAPIError
    try:
        _reload_settings(container)
    except DBAPIError:
        problem = schema_problem(container.engine)
        if problem is None:
            raise
        container.engine.dispose()  # the app will not be used
        raise DatabaseNotReady(problem) from None


def _reload_settings(container) -> None:
    from workflows.limits import TimeLimits
    container.service.load_holidays()
    container.service.load_limits(TimeLimits.from_environ(container.settings.limits))


#: How old another process's change to holidays or time limits may be before this one sees it.
SETTINGS_REFRESH_SECONDS = 30.0


def _keep_settings_fresh(app: Flask, container) -> None:
    """Each server process rereads holidays and time limits at most every 30 seconds, so a
    change an administrator saved through another process (or worker) is soon used here."""
    import time
    last = {"at": time.monotonic()}

    @app.before_request
    def refresh_settings() -> None:
        if time.monotonic() - last["at"] >= SETTINGS_REFRESH_SECONDS:
            last["at"] = time.monotonic()
            _reload_settings(container)
