"""The scheduler: APScheduler 3.x as a plain timer that runs interval jobs (the deadline sweep,
outbox delivery). The jobs are callables handed in by the composition root; the scheduler
keeps no state of its own, so a missed tick is harmless: the next one finds everything that
fell due. Job defaults never drop a late run, coalesce missed runs into one, and never run
two copies of a job at once.
"""
import logging
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler

from casework.clock import Clock

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}

_background: BackgroundScheduler | None = None
_background_lock = threading.Lock()


@dataclass(frozen=True)
class Job:
    """One interval job: a name for the logs, what to run, and how often."""

    name: str
    run: Callable[[], object]
    seconds: float


class _SkippedRunFilter(logging.Filter):
    """A tick that finds the job still running is skipped by design (max_instances=1)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


_SKIPPED_RUNS = _SkippedRunFilter()


def build_scheduler(jobs: Sequence[Job], clock: Clock) -> BackgroundScheduler:
    """A scheduler (not yet started) that runs each job now and then every `seconds`."""
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults=JOB_DEFAULTS)
    logging.getLogger("apscheduler.scheduler").addFilter(_SKIPPED_RUNS)  # added once, however often called
    for job in jobs:
        scheduler.add_job(_logged(job), "interval", seconds=job.seconds, id=job.name, name=job.name,
                          next_run_time=clock.now())
    return scheduler


def _logged(job: Job) -> Callable[[], None]:
    def run() -> None:
        try:
            outcome = job.run()
        except Exception:  # noqa: BLE001 - logged; the next tick tries again
            log.exception("Scheduled job %s failed", job.name)
            return
        if outcome:
            log.info("%s: %s", job.name, outcome)
    return run


def run_until_stopped(jobs: Sequence[Job], clock: Clock, stop: threading.Event | None = None) -> None:
    """Run the jobs in the foreground until SIGTERM or SIGINT; finish running jobs, then return."""
    stop = stop or threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    scheduler = build_scheduler(jobs, clock)
    scheduler.start()
    log.info("Scheduler started: %s", ", ".join(f"{j.name} every {j.seconds:g}s" for j in jobs))
    try:
        while not stop.wait(1.0):
            pass
    finally:
        log.info("Scheduler stopping: waiting for running jobs to finish")
        scheduler.shutdown(wait=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log.info("Scheduler stopped")


def start_background(jobs: Sequence[Job], clock: Clock) -> BackgroundScheduler:
    """Start the one background scheduler of this process (a second call returns the first)."""
    global _background
    with _background_lock:
        if _background is None or not _background.running:
            _background = build_scheduler(jobs, clock)
            _background.start()
            log.info("Background scheduler started")
        return _background
