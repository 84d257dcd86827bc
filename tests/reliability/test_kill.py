"""The scheduler process killed with SIGKILL at random points while it sweeps and delivers:
after a restart every due deadline has fired exactly once, every message is delivered, the
SMTP server holds exactly one distinct Message-ID per message, and the audit chains verify."""
import os
import random
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.reliability.bulk import overdue_rows, quiet_case
from tests.reliability.scenario import (SchedulerProcess, check_delivered_once, check_fired_once, scheduler_env,
                                        seed, wait_for_progress, wait_until_done, work_left)
from workflows import calendar as cal

KILLS = 10           # per database: 20 in all
CASES_OF_EACH = 6    # 24 cases through the engine: about 40 due deadline rows and 200 emails
QUIET_OVERDUE = 300  # and overdue rows nobody is told about, so that sweeps take a while


@pytest.mark.slow
def test_sigkill_at_random_points_loses_nothing_and_repeats_nothing(db, db_url, sink, watcher):
    engine, factory = db
    now = datetime.now(timezone.utc)
    seeded = seed(factory, CASES_OF_EACH, now)
    overdue = cal.local_date(now) - timedelta(days=3)
    overdue_rows(engine, quiet_case(engine, seeded.cast, now), QUIET_OVERDUE, overdue, now)
    env = scheduler_env(db_url, sink.port)
    rng = random.Random(int(os.environ.get("CASEWORK_KILL_SEED", time.time_ns() % 10_000)))
    interrupted = []
    for _ in range(KILLS):
        process = SchedulerProcess(env, "--interval", "0.3", "--lease-seconds", "1.5")
        process.wait_started()
        wait_for_progress(watcher, work_left(watcher, datetime.now(timezone.utc)))
        time.sleep(rng.uniform(0, 0.4))  # somewhere in the middle of a sweep or a delivery run
        interrupted.append(work_left(watcher, datetime.now(timezone.utc)))
        process.finish("kill")
    final = SchedulerProcess(env, "--interval", "0.3", "--lease-seconds", "1.5")
    final.wait_started()
    wait_until_done(watcher)
    assert final.finish("terminate") == 0  # SIGTERM: a clean stop
    during_sweep = sum(due > 0 for due, _ in interrupted)
    during_delivery = sum(pending > 0 for _, pending in interrupted)
    assert during_sweep >= 2 and during_delivery >= 4, interrupted
    check_fired_once(factory, seeded)
    resends = check_delivered_once(factory, sink.message_ids())
    print(f"kills while sweeping {during_sweep}, while delivering {during_delivery}; resends {resends}; "
          f"{interrupted}")
