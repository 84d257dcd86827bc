"""Two scheduler processes sweeping the same PostgreSQL database at once, over 5,000 due
deadlines: each fires exactly once, and both do a share of the work."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from casework.audit import AuditEntry, verify_chains
from casework.deadlines import Deadline, DeadlineEffect, DeadlineStatus
from tests.factories import make_cast
from tests.reliability.bulk import lapsed_consultations, overdue_rows, quiet_case
from tests.reliability.scenario import SchedulerProcess, scheduler_env, wait_until_done
from workflows import calendar as cal

TRANSITIONS = 300            # lapsed consultations: the system closes each one
BREACHES = 4_700             # overdue rows: a breach recorded for each
pytestmark = pytest.mark.slow


@pytest.fixture
def pg(db, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("SKIP LOCKED sweepers are a PostgreSQL matter; SQLite serialises writers")
    return db


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_schedulers_fire_each_of_5000_due_deadlines_exactly_once(pg, db_url, sink, watcher):
    engine, factory = pg
    now = datetime.now(timezone.utc)
    cast = make_cast(factory)
    consultations = lapsed_consultations(engine, cast, TRANSITIONS, cal.local_date(now) - timedelta(days=2), now)
    for _ in range(10):
        overdue_rows(engine, quiet_case(engine, cast, now), BREACHES // 10, cal.local_date(now) - timedelta(days=2), now)
    env = scheduler_env(db_url, sink.port)
    sweepers = [SchedulerProcess(env, "--only", "sweep", "--interval", "0.5", "--lease-seconds", "60") for _ in range(2)]
    for sweeper in sweepers:
        sweeper.wait_started()
    wait_until_done(watcher, timeout=300, messages=False)
    assert [s.finish("terminate") for s in sweepers] == [0, 0]
    with factory() as s:
        effects = s.execute(select(DeadlineEffect.deadline_id, DeadlineEffect.effect)).all()
        assert len(effects) == len(set(effects)) == TRANSITIONS * 2 + BREACHES
        assert s.scalar(select(func.count()).select_from(Deadline).where(Deadline.status == DeadlineStatus.FIRED)) == TRANSITIONS
        closes = dict(s.execute(select(AuditEntry.case_id, func.count()).where(
            AuditEntry.trigger == "consultation_closes").group_by(AuditEntry.case_id)).all())
        assert closes == {case_id: 1 for case_id in consultations}
        assert verify_chains(s) == []
    shares = [fired_by(s) for s in sweepers]
    assert sum(shares) == TRANSITIONS + BREACHES and min(shares) > 0, shares


def fired_by(process: SchedulerProcess) -> int:
    """How many rows this process handled, from its log."""
    return sum(int(m.group(1)) for line in process.lines if (m := re.search(r"sweep: SweepResult\(claimed=(\d+)", line)))
