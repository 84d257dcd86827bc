"""Benchmark of the deadline sweep and mail delivery, on SQLite and PostgreSQL.

1. Claiming 1,000 due rows among 100,000 and among 1,000,000 deadline rows: the claim must
   read the (status, next_action_at) index, so both sizes cost about the same (ratio <= 2).
2. Firing 1,000 due deadlines, each with its system transition, audit entry and outbox rows.
3. Delivering 1,000 queued emails to a local SMTP server (aiosmtpd on loopback).

    .venv/bin/python benchmarks/sweep.py [--sizes 100000 1000000] [--no-postgres]

PostgreSQL comes from CASEWORK_BENCH_POSTGRES_URL or CASEWORK_TEST_POSTGRES_URL (a fresh
database is made on that server and dropped afterwards). Results go to benchmarks/results/
as sweep.md and sweep.json; scratch SQLite files go to a temporary folder and are deleted.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text, update  # noqa: E402

from casework.deadlines import Deadline  # noqa: E402
from casework.messages import MessageStatus, OutboxMessage  # noqa: E402
from casework.models import Base  # noqa: E402
from web.config import DEV_AUDIT_KEY  # noqa: E402
from casework.persistence import make_engine, make_session_factory, unit_of_work  # noqa: E402
from notifications.delivery import deliver_due  # noqa: E402
from notifications.emails import email_content, new_message_id  # noqa: E402
from notifications.subscribers import make_subscriber  # noqa: E402
from notifications.transports import SmtpTransport  # noqa: E402
from tests.factories import make_cast  # noqa: E402
from tests.reliability.bulk import FILLER_COLUMNS, filler_rows, lapsed_disputes, overdue_rows, quiet_case  # noqa: E402
from tests.reliability.helpers import SmtpSink, create_database, drop_database  # noqa: E402
from workflows import calendar as cal  # noqa: E402
from workflows.context import Hooks  # noqa: E402
from workflows.limits import DEFAULT_LIMITS  # noqa: E402
from workflows.sweep import claim_due, sweep_due  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
SENDER = "casework@bexley.example"
CLAIM_SQL = ("SELECT id FROM deadlines WHERE status = 'open' AND next_action_at <= {now} "
             "AND (lease_until IS NULL OR lease_until < {now}) ORDER BY next_action_at, id LIMIT 1000")


@contextmanager
def database(kind: str, pg_server: str | None, folder: Path):
    """A fresh, empty schema on SQLite (a file) or on a new PostgreSQL database."""
    url = f"sqlite:///{folder / f'bench-{time.time_ns()}.db'}" if kind == "sqlite" else create_database(pg_server)
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        if kind == "postgresql":
            drop_database(url)
        else:
            for leftover in folder.glob(Path(url.removeprefix("sqlite:///")).name + "*"):
                leftover.unlink()


def fill(engine, case_id: int, n: int, now: datetime) -> float:
    """n filler deadline rows in bulk (executemany on SQLite, COPY on PostgreSQL), with the
    table's indexes dropped while loading and built again after; returns seconds."""
    started, chunk = time.monotonic(), 50_000
    indexes = list(Deadline.__table__.indexes)
    with engine.begin() as conn:
        for index in indexes:
            index.drop(conn)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for start in range(0, n, chunk):
            rows = filler_rows(case_id, min(chunk, n - start), now, seed=start)
            _load(engine.dialect.name, cursor, rows)
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        for index in indexes:
            index.create(conn)
        conn.execute(text("ANALYZE"))
    if engine.dialect.name == "sqlite":  # start the timings with the write-ahead log empty
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.monotonic() - started


def _load(dialect: str, cursor, rows: list[tuple]) -> None:
    columns = f"{', '.join(FILLER_COLUMNS)}, acting_roles, notify_roles, basis"
    if dialect == "sqlite":
        cursor.executemany(f"INSERT INTO deadlines ({columns}) VALUES ({', '.join('?' * len(FILLER_COLUMNS))}, "
                           "'[]', '[]', '{}')",
                           [(*r[:4], r[4].isoformat(), _sqlite_time(r[5]), _sqlite_time(r[6]), r[7], _sqlite_time(r[8]))
                            for r in rows])
        return
    with cursor.copy(f"COPY deadlines ({columns}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row((*r, "[]", "[]", "{}"))


def _sqlite_time(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")


def explain(engine, now: datetime) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text("EXPLAIN QUERY PLAN " + CLAIM_SQL.format(now=":now")),
                                {"now": _sqlite_time(now)})
            return "\n".join(str(r[-1]) for r in rows)
        rows = conn.execute(text("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
                                 + CLAIM_SQL.format(now=":now") + " FOR UPDATE SKIP LOCKED"), {"now": now})
        return "\n".join(r[0] for r in rows)


def bench_claim(kind: str, pg: str | None, folder: Path, size: int) -> dict:
    """Time claiming 1,000 due rows among `size` rows (median of 10, after one warm-up)."""
    now = datetime.now(timezone.utc)
    with database(kind, pg, folder) as engine:
        factory = make_session_factory(engine, audit_key=DEV_AUDIT_KEY)
        cast = make_cast(factory)
        case_id = quiet_case(engine, cast, now)
        seconds_to_fill = fill(engine, case_id, size - 1000, now)
        overdue_rows(engine, case_id, 1000, cal.local_date(now) - timedelta(days=2), now)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        plan, timings = explain(engine, now), []
        for _ in range(11):
            started = time.perf_counter()
            claimed = claim_due(factory, now, "bench", batch=1000, lease=timedelta(minutes=5))
            timings.append(time.perf_counter() - started)
            assert len(claimed) == 1000, len(claimed)
            with unit_of_work(factory) as s:
                s.execute(update(Deadline).where(Deadline.claimed_by == "bench").values(claimed_by=None, lease_until=None))
        return {"db": kind, "rows": size, "fill_s": round(seconds_to_fill, 1),
                "claim_ms": round(statistics.median(timings[1:]) * 1000, 1), "plan": plan,
                "uses_index": "ix_deadlines_status_next_action_at" in plan}


def bench_fire(kind: str, pg: str | None, folder: Path, n: int = 1000) -> dict:
    """Fire n due deadlines, each with its system transition, audit entry and outbox rows."""
    now = datetime.now(timezone.utc)
    with database(kind, pg, folder) as engine:
        factory = make_session_factory(engine, audit_key=DEV_AUDIT_KEY)
        cast = make_cast(factory)
        lapsed_disputes(engine, cast, n, cal.local_date(now) - timedelta(days=2), now)
        calendar = cal.WorkingCalendar()
        calendar.is_working_day(cal.local_date(now))  # load the holiday tables before timing
        hooks = Hooks(on_events=make_subscriber("https://casework.test", SENDER, calendar))
        started = time.perf_counter()
        result = sweep_due(factory, now, "bench", calendar, DEFAULT_LIMITS, hooks)
        seconds = time.perf_counter() - started
        assert result.fired == n and not result.errors, result
        with engine.connect() as conn:
            outbox = conn.execute(text("SELECT count(*) FROM outbox_messages")).scalar()
            inapp = conn.execute(text("SELECT count(*) FROM notifications")).scalar()
        return {"db": kind, "fired": n, "seconds": round(seconds, 2), "per_second": round(n / seconds, 1),
                "outbox_rows": outbox, "notifications": inapp}


def _queued_email(i: int, now: datetime) -> OutboxMessage:
    subject = f"Reminder {i}: respond to the consultation"
    content = email_content(name="Grace", subject=subject, happened="The consultation closes in two working days.",
                            todo=("Respond to the consultation by 9 December 2026",),
                            case_url="https://casework.test/cases/1", case_ref="FC-0001")
    return OutboxMessage(dedupe_key=f"bench:{i}", message_id=new_message_id(SENDER), to_address="vl@example.org",
                         subject=subject, content=content, status=MessageStatus.PENDING, attempts=0,
                         next_attempt_at=now, created_at=now)


def bench_deliver(kind: str, pg: str | None, folder: Path, n: int = 1000) -> dict:
    """Deliver n queued emails to aiosmtpd on loopback."""
    now = datetime.now(timezone.utc)
    with database(kind, pg, folder) as engine:
        factory = make_session_factory(engine, audit_key=DEV_AUDIT_KEY)
        with unit_of_work(factory) as s:
            s.add_all(_queued_email(i, now) for i in range(n))
        sink = SmtpSink().start()
        try:
            started = time.perf_counter()
            result = deliver_due(factory, SmtpTransport("127.0.0.1", sink.port, "none"), now, "bench", sender=SENDER)
            seconds = time.perf_counter() - started
            received = len(set(sink.message_ids()))
        finally:
            sink.stop()
        assert result.sent == n == received, (result, received)
        return {"db": kind, "emails": n, "seconds": round(seconds, 2), "per_second": round(n / seconds, 1)}


def report(results: dict) -> str:
    lines = ["# Sweep and delivery benchmark", "", f"Run {results['at']} on {results['machine']}.", "",
             "## Claiming 1,000 due rows", "", "| database | rows | claim (ms, median of 10) | uses index | fill (s) |",
             "|---|---:|---:|---|---:|"]
    lines += [f"| {r['db']} | {r['rows']:,} | {r['claim_ms']} | {'yes' if r['uses_index'] else 'NO'} | {r['fill_s']} |"
              for r in results["claim"]]
    lines += ["", "| database | claim time, largest table / smallest | target |", "|---|---:|---|"]
    lines += [f"| {db} | {ratio} | <= 2 |" for db, ratio in results["claim_ratio"].items()]
    lines += ["", "## Firing 1,000 due deadlines (transition, audit, outbox)", "",
              "| database | seconds | per second | outbox rows | in-app rows |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {r['db']} | {r['seconds']} | {r['per_second']} | {r['outbox_rows']} | {r['notifications']} |"
              for r in results["fire"]]
    lines += ["", "## Delivering 1,000 emails to aiosmtpd on loopback", "", "| database | seconds | emails per second |",
              "|---|---:|---:|"]
    lines += [f"| {r['db']} | {r['seconds']} | {r['per_second']} |" for r in results["deliver"]]
    lines += ["", "## Query plans of the claim", ""]
    for r in results["claim"]:
        lines += [f"**{r['db']}, {r['rows']:,} rows**", "", "```", r["plan"], "```", ""]
    return "\n".join(lines)


def _claim_ms(results: dict, kind: str, size: int) -> float:
    return next(r["claim_ms"] for r in results["claim"] if (r["db"], r["rows"]) == (kind, size))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    pg = None if args.no_postgres else (os.environ.get("CASEWORK_BENCH_POSTGRES_URL")
                                        or os.environ.get("CASEWORK_TEST_POSTGRES_URL"))
    kinds = ["sqlite"] + (["postgresql"] if pg else [])
    RESULTS.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="casework-bench-"))
    results = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}", "claim": [], "fire": [], "deliver": []}
    for kind in kinds:
        for size in args.sizes:
            results["claim"].append(row := bench_claim(kind, pg, scratch, size))
            print(f"claim {kind} {size:>9,} rows: {row['claim_ms']} ms (index: {row['uses_index']})", flush=True)
        results["fire"].append(row := bench_fire(kind, pg, scratch))
        print(f"fire {kind}: {row['per_second']}/s", flush=True)
        results["deliver"].append(row := bench_deliver(kind, pg, scratch))
        print(f"deliver {kind}: {row['per_second']} emails/s", flush=True)
    results["claim_ratio"] = {kind: round(_claim_ms(results, kind, max(args.sizes))
                                          / _claim_ms(results, kind, min(args.sizes)), 2) for kind in kinds}
    shutil.rmtree(scratch, ignore_errors=True)
    (RESULTS / "sweep.json").write_text(json.dumps(results, indent=2))
    (RESULTS / "sweep.md").write_text(report(results))
    print(report(results))


if __name__ == "__main__":
    main()
