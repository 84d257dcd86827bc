"""The scheduler as a timer: jobs run at once and then on their interval, a late run is never
dropped, a failing job is logged and tried again, and SIGTERM stops it cleanly."""
import os
import signal
import threading
import time

from casework.clock import SystemClock
from workflows.scheduler import JOB_DEFAULTS, Job, build_scheduler, run_until_stopped, start_background


def counter_job(seconds=0.05, fail=False):
    calls = []

    def run():
        calls.append(time.monotonic())
        if fail:
            raise RuntimeError("mail server on fire")
        return None
    return Job("count", run, seconds), calls


def test_job_defaults_never_drop_a_late_run_or_overlap():
    assert JOB_DEFAULTS == {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
    scheduler = build_scheduler([counter_job()[0]], SystemClock())
    scheduler.start(paused=True)
    try:
        job = scheduler.get_jobs()[0]
        assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (None, True, 1)
    finally:
        scheduler.shutdown(wait=False)


def test_jobs_run_at_once_and_then_every_interval():
    job, calls = counter_job(0.05)
    scheduler = build_scheduler([job], SystemClock())
    scheduler.start()
    try:
        time.sleep(0.4)
    finally:
        scheduler.shutdown(wait=True)
    assert len(calls) >= 3


def test_a_failing_job_is_logged_and_runs_again(caplog):
    job, calls = counter_job(0.05, fail=True)
    scheduler = build_scheduler([job], SystemClock())
    scheduler.start()
    try:
        time.sleep(0.3)
    finally:
        scheduler.shutdown(wait=True)
    assert len(calls) >= 2
    assert "Scheduled job count failed" in caplog.text


def test_sigterm_stops_the_foreground_scheduler_after_running_jobs_finish():
    job, calls = counter_job(0.05)
    threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGTERM)).start()
    started = time.monotonic()
    run_until_stopped([job], SystemClock())
    assert time.monotonic() - started < 3
    assert calls


def test_a_process_has_one_background_scheduler():
    job, _ = counter_job(60)
    first = start_background([job], SystemClock())
    try:
        assert start_background([job], SystemClock()) is first
    finally:
        first.shutdown(wait=True)
