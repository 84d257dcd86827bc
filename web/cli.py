"""The `casework` command: set up the database, load demo data, serve the web app with its
scheduler, run the scheduler alone, project a timeline, verify the audit trail, rebuild the
compliance report's events."""

import click

from web.config import ConfigError, Settings


def _container(needs_tables: bool = True, served_at: tuple[str, int] | None = None):
    """Everything a command needs, with a database it has just connected to: a database it cannot
    reach, or (unless the command makes them) one without its tables, stops the command with
    one line naming it (never its password) and what to do, not a stack trace."""
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from web import schema_problem
    from web.composition import build
    try:
        settings = Settings.from_environ()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if served_at is not None:
        settings = settings.served_at(*served_at)
    try:
        container = build(settings)
    except ArgumentError:  # names no password: SQLAlchemy does not repeat the URL
        raise click.ClickException("CASEWORK_DATABASE_URL is not a database URL, like "
                                   "postgresql+psycopg://user:password@host/casework") from None
    except ImportError as exc:  # a database this installation has no driver for, e.g. mysql://
        raise click.ClickException(f"CASEWORK_DATABASE_URL needs the Python module '{exc.name}', which is not "
                                   "installed: use sqlite:///path/to/casework.db or "
                                   "postgresql+psycopg://user:password@host/casework") from None
    except OSError as exc:  # the folder of a SQLite file cannot be made
        why = "a file is in the way" if isinstance(exc, (FileExistsError, NotADirectoryError)) else exc.strerror
        raise click.ClickException(f"Cannot open the database {_shown(settings.database_url)}: cannot make "
                                   f"the folder {exc.filename} ({why}).") from None
    try:
        with container.engine.connect():
            pass
    except DBAPIError as exc:
        container.engine.dispose()
        raise click.ClickException(_unreachable(container.engine.url, exc)) from None
    if needs_tables and (problem := schema_problem(container.engine)) is not None:
        container.engine.dispose()
        raise click.ClickException(problem)
    return container


def _shown(url) -> str:
    """The database URL with any password starred out."""
    from sqlalchemy import make_url
    return make_url(url).render_as_string(hide_password=True)


def _unreachable(url, exc) -> str:
    reason = (str(exc.orig).strip().splitlines() or ["no reason given"])[0].rstrip(".")
    if url.password:
        reason = reason.replace(str(url.password), "***")
    check = ("its folder exists and can be written to" if url.get_backend_name() == "sqlite"
             else "the database server is running and accepts connections")
    return f"Cannot connect to the database {_shown(url)} ({reason}). Check CASEWORK_DATABASE_URL and that {check}."


@click.group()
def main() -> None:
    """Bexley Compact casework."""


@main.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema."""
    from casework.persistence.migrate import UnrecordedSchema, adopt_unrecorded_schema, upgrade
    container = _container(needs_tables=False)
    try:
        if adopt_unrecorded_schema(container.engine):
            click.echo("The database already had every table this version needs, made without "
                       "`casework init-db`. It is now marked as up to date.")
            return
        upgrade(container.engine)
    except UnrecordedSchema as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        container.engine.dispose()
    click.echo("Database is up to date.")


@main.command()
@click.option("--route", type=click.Choice(["performance", "resource"]), required=True)
@click.option("--start", "start", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="The date the case starts (YYYY-MM-DD).")
def timeline(route: str, start) -> None:
    """Earliest date of every stage if every party uses its full time."""
    from workflows.limits import TimeLimits
    from workflows.timeline import project
    try:
        settings = Settings.from_environ()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    for milestone in project(route, start.date(), TimeLimits.from_environ(settings.limits)):
        click.echo(f"{milestone.on:%a %d %b %Y}  {milestone.label}")


@main.group()
def audit() -> None:
    """The audit trail."""


@audit.command("verify")
def audit_verify() -> None:
    """Check every case's keyed hash chain, its status and its letters; name the first problem of each case."""
    from casework.audit import verify_chains
    from casework.cases import Case
    container = _container()
    with container.factory() as session:
        problems = verify_chains(session)
        for p in problems:
            case = session.get(Case, p.case_id)
            click.echo(f"{case.ref if case else p.case_id}: {p.message}", err=True)
    container.engine.dispose()
    if problems:
        raise SystemExit(1)
    click.echo("Every audit chain verifies.")


@audit.command("rekey")
def audit_rekey() -> None:
    """Move entries written before the audit key onto it (once, after upgrading)."""
    from casework.audit_rekey import rekey_chains
    from casework.cases import Case
    from casework.persistence import unit_of_work
    container = _container()
    with unit_of_work(container.factory) as session:
        done = rekey_chains(session)
        for p in done.refused:
            case = session.get(Case, p.case_id)
            click.echo(f"{case.ref if case else p.case_id}: not rekeyed: {p.message}", err=True)
    container.engine.dispose()
    click.echo(f"Rekeyed {done.entries} entries of {done.cases} cases.")
    if done.refused:
        raise SystemExit(1)


@main.group()
def report() -> None:
    """The compliance report."""


@report.command("rebuild")
def report_rebuild() -> None:
    """Make the report's events again from the audit trail, and each deadline's closing date."""
    from casework.report_events import refill_closing_dates, rebuild
    container = _container()
    with container.engine.begin() as connection:
        events, closed = rebuild(connection), refill_closing_dates(connection)
    container.engine.dispose()
    click.echo(f"Rebuilt {events} report events from the audit trail and {closed} deadline closing dates.")


@main.command("add-holiday")
@click.argument("on", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("name")
def add_holiday(on, name: str) -> None:
    """Add a one-off bank holiday and move the deadlines it affects."""
    from casework.errors import CaseworkError
    container = _container()
    container.service.load_holidays()
    try:
        moved = container.service.add_holiday(None, on.date(), name, container.clock.now())
    except CaseworkError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Added {name} on {on.day} {on:%B %Y}; {moved} deadline(s) moved.")


@main.command()
@click.option("--reset", is_flag=True, help="Delete everything first (SQLite file or all tables).")
def demo(reset: bool) -> None:
    """Prepare the database with demo organisations, one login per role and demo cases."""
    from casework.models import Base
    from casework.persistence.migrate import upgrade
    from web.demo import logins, seed
    container = _container(needs_tables=False)
    if reset:
        Base.metadata.drop_all(container.engine)
        with container.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(container.engine)
    from web.demo_documents import seed_documents
    seed_documents(container, seed(container.service, container.clock.now()))
    _print_logins(logins())


def _print_logins(rows) -> None:
    click.echo("\nDemo logins (password for all: %s):" % rows[0][2])
    for purpose, email, _ in rows:
        click.echo(f"  {purpose:<40} {email}")
    click.echo("With CASEWORK_ENV=development the demo people sign in without an authenticator app; elsewhere\n"
               "administrators and council staff set one up the first time they sign in.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Do not run the deadline scheduler in this process.")
def serve(host: str, port: int, no_scheduler: bool) -> None:
    """Serve the web app for local use, with exactly one scheduler beside it."""
    from web import create_app
    from web.demo import logins
    from web.security import QuietRequestHandler
    container = _container(served_at=(host, port))
    app = create_app(container.settings, container)
    scheduler = None
    if not no_scheduler:
        from web.composition import start_background_scheduler
        scheduler = start_background_scheduler(container)
    _print_logins(logins())
    click.echo(f"\nOpen http://{host}:{port}/ in your browser. Press Ctrl+C to stop.")
    try:
        app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True,
                request_handler=QuietRequestHandler)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


@main.command()
@click.option("--interval", type=float, help="Seconds between runs [default: CASEWORK_SWEEP_SECONDS].")
@click.option("--lease-seconds", type=float,
              help="How long a claim on due rows lasts if this process dies [default: 10 intervals, at least 60].")
@click.option("--only", type=click.Choice(["sweep", "deliver", "bundles", "scan"]), help="Run one of the jobs only.")
@click.option("--once", is_flag=True, help="Run each job once, then exit.")
def scheduler(interval: float | None, lease_seconds: float | None, only: str | None, once: bool) -> None:
    """Sweep due deadlines, deliver the outbox and build case bundles until stopped (SIGTERM or Ctrl+C)."""
    import logging
    from web.composition import scheduler_jobs
    from workflows.scheduler import run_until_stopped
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("apscheduler", "transitions"):  # a line per job run and per state change
        logging.getLogger(chatty).setLevel(logging.WARNING)
    container = _container()
    jobs = scheduler_jobs(container, seconds=interval, lease_seconds=lease_seconds, only=only)
    try:
        if once:
            for job in jobs:
                click.echo(f"{job.name}: {job.run()}")
        else:
            run_until_stopped(jobs, container.clock)
    finally:
        container.engine.dispose()


@main.group()
def mail() -> None:
    """Outgoing email: captured mail, failed messages, sending now."""


@mail.command("list")
@click.option("--limit", default=20, show_default=True)
@click.option("--text", is_flag=True, help="Print each email's text too (to follow an invitation or reset link).")
def mail_list(limit: int, text: bool) -> None:
    """Emails captured locally (when no mail service is set up), newest first."""
    from notifications.capture import captured_messages
    from web.composition import mail_capture_dir
    settings = Settings.from_environ()
    for email in captured_messages(mail_capture_dir(settings), limit=limit):
        click.echo(f"{email.sent_at:%Y-%m-%d %H:%M}  {email.to:<32} {email.subject}")
        if text:
            click.echo("    " + email.text.replace("\n", "\n    "))


@mail.command("failed")
def mail_failed() -> None:
    """Messages that could not be delivered after every attempt."""
    from notifications.delivery import failed_messages
    container = _container()
    with container.factory() as session:
        for row in failed_messages(session):
            click.echo(f"#{row.id}  {row.to_address:<32} {row.subject}\n      {row.attempts} attempts: {row.last_error}")


@mail.command("retry")
@click.argument("message", type=int)
def mail_retry(message: int) -> None:
    """Queue a failed message (by its number in `casework mail failed`) for new attempts."""
    from casework.persistence import unit_of_work
    from notifications.delivery import retry_message
    container = _container()
    with unit_of_work(container.factory) as session:
        if not retry_message(session, message, container.clock.now()):
            raise click.ClickException(f"Message #{message} is not a failed message.")
    click.echo(f"Message #{message} will be sent on the next delivery run.")


@mail.command("send")
def mail_send() -> None:
    """Deliver every message that is due now, once."""
    from web.composition import scheduler_jobs
    container = _container()
    for job in scheduler_jobs(container, only="deliver"):
        click.echo(f"{job.name}: {job.run()}")
