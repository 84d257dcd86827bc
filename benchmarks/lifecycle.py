"""Lifecycle benchmark: funding-change cases driven through their whole performance route by
the real engine (every transition its own committed transaction with its audit entry and
deadline rows), timed per transition; then, in the same run, a plain `sqlite3` floor doing the
equivalent writes per transition against the same schema, in WAL mode with the same
synchronous setting as the application.

    .venv/bin/python benchmarks/lifecycle.py                      # 2,000 cases on SQLite
    .venv/bin/python benchmarks/lifecycle.py --database-url postgresql+psycopg://...

Prints a markdown table and writes benchmarks/results/lifecycle.json."""
import argparse
import hashlib
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, time as clock_time, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from casework.clock import FixedClock  # noqa: E402
from casework.models import Base  # noqa: E402
from casework.organisations import Organisation, Person  # noqa: E402
from casework.persistence import make_engine, make_session_factory, unit_of_work  # noqa: E402
from casework.persistence.migrate import upgrade  # noqa: E402
from workflows import calendar as cal  # noqa: E402
from workflows.journeys import FUNDING_PERFORMANCE  # noqa: E402
from workflows.service import CaseService  # noqa: E402

SYNC = "FULL"
START = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
CAST = {"fo": ("funder_officer", "council"), "dm": ("decision_maker", "council"), "vl": ("vco_staff", "kitchen")}
TRANSITIONS_PER_CASE = len(FUNDING_PERFORMANCE) + 1     # the journey, then the notice takes effect


# --- the engine -----------------------------------------------------------------------------

def prepare(url: str):
    """A freshly migrated database (this application's tables are dropped first) with the
    three people every case needs."""
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as s:
        orgs = {"council": Organisation(name="London Borough of Bexley", kind="statutory"),
                "kitchen": Organisation(name="Crayford Community Kitchen", kind="vco")}
        people = {}
        for key, (role, org) in CAST.items():
            people[key] = Person(email=f"{key}@example.org", name=key.upper(), organisation=orgs[org])
            people[key].grant(role)
        s.add_all([*orgs.values(), *people.values()])
        s.flush()
        ids = {k: p.id for k, p in people.items()}
        ids["kitchen"] = orgs["kitchen"].id
    return engine, factory, ids


def run_engine(url: str, cases: int) -> dict:
    engine, factory, ids = prepare(url)
    service = CaseService(factory, calendar=cal.WorkingCalendar())
    latencies: list[float] = []
    started, cpu = time.perf_counter(), time.process_time()
    for n in range(cases):
        clock = FixedClock(START)
        case = service.open_funding_case(ids["fo"], {"title": f"Programme {n}", "vco": ids["kitchen"],
                                                     "decision_maker": ids["dm"]}, clock.now())
        for step in FUNDING_PERFORMANCE:
            clock.advance(days=step.days_after)
            data = step.data_for(clock.now(), ids)
            t0 = time.perf_counter()
            case = service.fire(case.id, step.trigger, ids[step.who], data, clock.now())
            latencies.append(time.perf_counter() - t0)
        effective = date.fromisoformat(case.data["notice"]["effective_on"])
        clock.current = datetime.combine(effective, clock_time(9), tzinfo=timezone.utc)
        t0 = time.perf_counter()
        case = service.fire(case.id, "notice_takes_effect", None, {}, clock.now())
        latencies.append(time.perf_counter() - t0)
        assert case.status == "closed_changed", case.status
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    return summary(latencies, wall, cpu)


# --- the floor ----------------------------------------------------------------------------------

def run_floor(cases: int) -> dict:
    """The same number of transitions as plain sqlite3 statements: update the case row with a
    version check, append a hash-chained audit row, close and open deadline rows, commit."""
    folder = tempfile.mkdtemp(prefix="casework-floor-")
    path = Path(folder) / "floor.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)          # the same tables and indexes as the application
    engine.dispose()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=" + SYNC)
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("INSERT INTO organisations (name, kind) VALUES ('Council', 'statutory')")
    now = START.replace(tzinfo=None).isoformat(sep=" ")
    latencies: list[float] = []
    started, cpu = time.perf_counter(), time.process_time()
    for n in range(cases):
        db.execute("BEGIN IMMEDIATE")
        case_id = db.execute(
            "INSERT INTO cases (workflow, workflow_version, status, title, funder_org_id, opened_at, updated_at, "
            "data, audit_seq, version) VALUES ('funding_change', 1, 'draft', ?, 1, ?, ?, '{}', 0, 1)",
            (f"Programme {n}", now, now)).lastrowid
        db.execute("COMMIT")
        prev, data = "0" * 64, {}
        for seq in range(1, TRANSITIONS_PER_CASE + 1):
            t0 = time.perf_counter()
            data = {**data, f"step{seq}": {"text": "A reason given by the person acting. " * 4, "on": now}}
            body = json.dumps(data, sort_keys=True)
            db.execute("BEGIN IMMEDIATE")
            digest = hashlib.sha256(f"{case_id}|{seq}|{now}|{body}|{prev}".encode()).hexdigest()
            updated = db.execute("UPDATE cases SET status = ?, data = ?, updated_at = ?, audit_seq = ?, "
                                 "audit_head = ?, version = version + 1 WHERE id = ? AND version = ?",
                                 (f"s{seq}", body, now, seq, digest, case_id, seq)).rowcount
            assert updated == 1
            db.execute("INSERT INTO audit_entries (case_id, seq, at, actor_id, actor_name, trigger, from_state, "
                       "to_state, data, prev_hash, hash) VALUES (?, ?, ?, NULL, 'Bench', 't', 'a', 'b', ?, ?, ?)",
                       (case_id, seq, now, body, prev, digest))
            db.execute("UPDATE deadlines SET status = 'closed', closed_at = ?, next_action_at = NULL "
                       "WHERE case_id = ? AND status IN ('open', 'paused')", (now, case_id))
            db.execute("INSERT INTO deadlines (case_id, kind, label, state, due_on, fires_at, remind_at, "
                       "next_action_at, acting_roles, notify_roles, basis, status, created_at) "
                       "VALUES (?, 'k', 'Do it', 's', '2027-01-01', ?, ?, ?, '[]', '[]', '{}', 'open', ?)",
                       (case_id, now, now, now, now))
            db.execute("COMMIT")
            latencies.append(time.perf_counter() - t0)
            prev = digest
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.close()
    return summary(latencies, wall, cpu)


# --- reporting ------------------------------------------------------------------------------------

def summary(latencies: list[float], wall: float, cpu: float) -> dict:
    """Throughput and latency of the timed transitions; CPU time of the whole run (this process
    only, so it is the figure least disturbed by other work on the machine)."""
    ordered = sorted(latencies)
    return {"transitions": len(ordered), "seconds_in_transitions": round(sum(ordered), 3),
            "wall_seconds": round(wall, 3), "cpu_ms_per_transition": round(cpu / len(ordered) * 1000, 3),
            "transitions_per_second": round(len(ordered) / sum(ordered), 1),
            "p50_ms": round(statistics.median(ordered) * 1000, 3),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 3),
            "max_ms": round(ordered[-1] * 1000, 3)}


def table(results: dict) -> str:
    lines = ["| run | transitions | transitions/s | p50 ms | p99 ms | CPU ms per transition |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['transitions']:,} | {r['transitions_per_second']:,.0f} | "
                     f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['cpu_ms_per_transition']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder; "
                        "this application's tables in the database given are dropped and recreated")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "lifecycle.json")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='casework-bench-')) / 'bench.db'}"
    backend = url.split(":")[0].split("+")[0]
    results = {f"engine ({backend})": run_engine(url, args.cases), "sqlite3 floor": run_floor(args.cases)}
    engine_run, floor = results[f"engine ({backend})"], results["sqlite3 floor"]
    ratio = round(floor["transitions_per_second"] / engine_run["transitions_per_second"], 2)
    print(f"{args.cases:,} cases x {TRANSITIONS_PER_CASE} transitions, {platform.python_implementation()} "
          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}\n")
    print(table(results))
    print(f"\nThe engine takes {ratio}x the floor's time per transition.")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"cases": args.cases, "transitions_per_case": TRANSITIONS_PER_CASE,
                                       "backend": backend, "engine_vs_floor": ratio, "results": results,
                                       "python": platform.python_version(), "sqlite": sqlite3.sqlite_version},
                                      indent=2) + "\n")
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
