"""The one composition root: builds the database, the case service with its hooks
(letters, notifications), the clock and the scheduler's jobs from Settings, for both the web
process and the scheduler process."""
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from casework.clock import Clock, SystemClock
from casework.persistence import make_engine, make_session_factory
from web.config import Settings
from workflows.context import Hooks
from workflows.limits import TimeLimits
from workflows.service import CaseService
from workflows import calendar as cal

if TYPE_CHECKING:
    from casework.clamav import Clamd
    from casework.document_store import DocumentStore
    from casework.documents import ScanStatus
    from casework.file_checks import Limits


@dataclass
class Container:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    service: CaseService
    clock: Clock
    extras: dict = field(default_factory=dict)


def build(settings: Settings, clock: Clock | None = None) -> Container:
    """Wire everything once for a process."""
    _ensure_sqlite_folder(settings.database_url)
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine, audit_key=settings.audit_key)
    limits = TimeLimits.from_environ(settings.limits)
    service = CaseService(factory, limits=limits, calendar=cal.WorkingCalendar(), hooks=_hooks(settings))
    return Container(settings, engine, factory, service, clock or SystemClock())


def _hooks(settings: Settings) -> Hooks:
    """Letters and notifications, handed down to the engine as callables."""
    from notifications.case_letters import render_case_letter
    from notifications.subscribers import make_subscriber
    return Hooks(render_letter=render_case_letter,
                 on_events=make_subscriber(settings.base_url, settings.mail_sender,
                                           booking_length=timedelta(minutes=settings.booking_minutes)))


def _ensure_sqlite_folder(url: str) -> None:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


# --- documents: where files are kept, the virus scanner, the limits ------------------------

@dataclass
class DocumentDesk:
    """What the web and the scheduler need for documents: the store, clamd (None: no scanner
    is set up, so files are held "not checked"), and the limits on uploads."""

    store: "DocumentStore"
    scanner: "Clamd | None"
    limits: "Limits"
    max_files: int

    @property
    def first_status(self) -> "ScanStatus":
        from casework.documents import ScanStatus
        return ScanStatus.CHECKING if self.scanner else ScanStatus.NOT_CHECKED

    @property
    def max_request_bytes(self) -> int:
        """The largest upload request: every file at its limit, and the form besides."""
        return self.limits.max_bytes * self.max_files + 1024 * 1024


def documents_dir(settings: Settings) -> Path:
    """CASEWORK_DOCUMENTS_PATH, else "documents" beside the SQLite file, or ./instance/documents."""
    if settings.documents_path:
        return Path(settings.documents_path)
    return mail_capture_dir(settings).parent / "documents"


def document_desk(container: Container) -> DocumentDesk:
    """The container's document desk, built from settings on first use."""
    if "documents" not in container.extras:
        from casework.clamav import Clamd
        from casework.document_store import DocumentStore
        from casework.file_checks import Limits
        settings = container.settings
        container.extras["documents"] = DocumentDesk(
            DocumentStore(documents_dir(settings)), Clamd(settings.clamd_socket) if settings.clamd_socket else None,
            Limits(max_bytes=settings.max_file_mb * 1024 * 1024), settings.max_files)
    return container.extras["documents"]


# --- the scheduler's jobs (sweep and mail delivery) ------------------------------------------

def mail_capture_dir(settings: Settings) -> Path:
    """Where mail is captured when no mail service is set up: beside the SQLite file, or ./instance/mail."""
    url = settings.database_url
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        return Path(url.removeprefix("sqlite:///")).parent / "mail"
    return Path("instance") / "mail"


def mail_transport(settings: Settings):
    """GOV.UK Notify if an API key is set, else SMTP if a host is set, else local capture."""
    if settings.notify_api_key:
        from notifications.notify import NotifyTransport
        return NotifyTransport(settings.notify_api_key, settings.notify_template_id, settings.notify_base_url)
    if settings.smtp_host:
        from notifications.transports import SmtpTransport
        return SmtpTransport(settings.smtp_host, settings.smtp_port, settings.smtp_security,
                             settings.smtp_user, settings.smtp_password)
    from notifications.capture import CaptureTransport
    return CaptureTransport(mail_capture_dir(settings))


def bundle_folder(settings: Settings) -> Path:
    """Where case bundles are kept: CASEWORK_BUNDLE_DIR, else beside the SQLite file, else ./instance/bundles."""
    if settings.bundle_dir:
        return Path(settings.bundle_dir)
    return mail_capture_dir(settings).parent / "bundles"


def bundle_work(container: Container):
    """What building case bundles needs: the database, the folder, and the case's record in
    the words of its page (the web's presenters, handed down)."""
    if "bundles" not in container.extras:
        from casework.bundles import documents_from
        from notifications.bundles.jobs import BundleWork
        from web.presenters.bundles import describer
        container.extras["bundles"] = BundleWork(
            container.factory, bundle_folder(container.settings),
            describer(container.settings.council_name, container.service.calendar),
            documents_from(document_desk(container).store))
    return container.extras["bundles"]


def worker_id() -> str:
    """This process's name in claims: host, process id and a random part."""
    import os
    import socket
    import uuid
    return f"{socket.gethostname()[:50]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def scheduler_jobs(container: Container, *, seconds: float | None = None, lease_seconds: float | None = None,
                   only: str | None = None) -> list:
    """The sweep, delivery and bundle jobs, built from settings (interval CASEWORK_SWEEP_SECONDS)."""
    from datetime import timedelta

    from notifications.delivery import deliver_due
    from workflows.scheduler import Job
    from workflows.sweep import sweep_due
    settings, service, clock = container.settings, container.service, container.clock
    interval = seconds or settings.sweep_seconds
    # A claim outlives a slow batch comfortably, yet a crashed worker's rows come back soon.
    lease = timedelta(seconds=lease_seconds or max(60.0, 10 * interval))
    me, transport = worker_id(), mail_transport(settings)

    def sweep():
        service.load_holidays()
        service.load_limits(TimeLimits.from_environ(settings.limits))
        return sweep_due(container.factory, clock.now(), me, service.calendar, service.limits, service.hooks,
                         lease=lease)

    def deliver():
        return deliver_due(container.factory, transport, clock.now(), me, sender=settings.mail_sender,
                           max_attempts=settings.max_attempts, lease=lease)
    def bundles():
        from notifications.bundles.jobs import build_due, remove_superseded
        from notifications.bundles.panel import send_panel_papers
        work, now = bundle_work(container), clock.now()
        sent = send_panel_papers(work, now, service.calendar, service.limits.panel_papers_wd, settings.base_url,
                                 settings.mail_sender)
        built = build_due(work, now, me)
        removed = remove_superseded(work, now)
        done = (f"{sent} panel emails", f"{built} bundles built", f"{removed} superseded bundles' files deleted")
        return ", ".join(done) if sent or built or removed else None

    def scan():
        return scan_and_sweep(container, clock.now())
    jobs = [Job("sweep", sweep, interval), Job("deliver", deliver, interval), Job("bundles", bundles, interval),
            Job("scan", scan, interval)]
    return [job for job in jobs if only in (None, job.name)]


def scan_and_sweep(container: Container, now) -> int:
    """The scheduler's `scan` job: files still owed a virus scan are scanned (the scanner was
    down, or a scan was cut short), then files no document names are removed after an hour."""
    from casework.documents import named_hashes
    from notifications.document_scans import scan_waiting
    desk, settings = document_desk(container), container.settings
    done = scan_waiting(container.factory, desk.store, desk.scanner, now, base_url=settings.base_url,
                        sender=settings.mail_sender)
    with container.factory() as db:
        desk.store.sweep_orphans(lambda hashes: named_hashes(db, hashes))
    return done


def start_background_scheduler(container: Container):
    """Start this process's one background scheduler (for `casework serve`); returns it."""
    from workflows.scheduler import start_background
    return start_background(scheduler_jobs(container), container.clock)
