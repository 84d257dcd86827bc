"""Downtime: the scheduler was stopped while several due dates passed. Started again, it fires
everything that fell due, once each, in due order, and a second run finds nothing to do."""
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from casework.deadlines import Deadline, DeadlineEffect
from tests.reliability.scenario import ROOT, check_fired_once, scheduler_env, seed


def run_once(env) -> str:
    done = subprocess.run([sys.executable, "-c", "from web.cli import main; main()", "scheduler", "--once",
                           "--only", "sweep"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_after_downtime_everything_due_fires_once_in_due_order(db, db_url, sink):
    _, factory = db
    seeded = seed(factory, 2, datetime.now(timezone.utc))
    with factory() as s:
        due = dict(s.execute(select(Deadline.id, Deadline.fires_at)).all())  # rows due before the restart
    env = scheduler_env(db_url, sink.port)
    first, second = run_once(env), run_once(env)
    assert "fired=4" in first and "claimed=0" in second
    with factory() as s:
        order = [d for d, effect in s.execute(select(DeadlineEffect.deadline_id, DeadlineEffect.effect)
                                              .order_by(DeadlineEffect.id)) if effect == "breach" and d in due]
    assert order == sorted(order, key=lambda i: (due[i], i)) and len(order) == 6
    assert max(due[i] for i in order) - min(due[i] for i in order) > timedelta(days=20)  # several due dates
    check_fired_once(factory, seeded)
