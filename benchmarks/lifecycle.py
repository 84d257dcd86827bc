"""Lifecycle benchmark: three lanes doing the same durable lifecycle, in one run.

1. engine: funding-change cases driven through their whole performance route by the real
   engine (`CaseService.fire`: a Session on the mapped Case, every statement through
   SQLAlchemy), each of the 16 transitions its own committed transaction with its audit
   entry and deadline rows;
2. SpiffWorkflow 3.2 (benchmarks/peer_spiff.py, adapted from the peer benchmark): the same 16
   transitions a case as BPMN user tasks, each one transaction that loads, runs and saves the
   serialized workflow with an audit row and the same deadline rows;
3. a plain `sqlite3` floor doing the equivalent writes against the application's schema.

All three commit in WAL mode with `synchronous=FULL` (each commit waits for an fsync). The
lanes take turns, a block of cases each (`--block`), so that a neighbour's load on this
shared machine falls on all of them alike. Reported per lane: transitions/s (transitions
over the time spent in them), p50, p99 and the CPU time per transition (this process only:
the figure least disturbed by other work); and the engine's throughput over SpiffWorkflow's
(target: at least 1.2) and its p99 (target: under 50 ms).

    .venv/bin/python benchmarks/lifecycle.py                      # 2,000 cases a lane, SQLite
    .venv/bin/python benchmarks/lifecycle.py --cases 200          # a quick look
    .venv/bin/python benchmarks/lifecycle.py --database-url postgresql+psycopg://...  # engine lane on PostgreSQL

Prints a markdown table and writes benchmarks/results/lifecycle.json. The SpiffWorkflow lane
needs the `bench` extra (`pip install -e '.[bench]'`)."""
import argparse
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
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


class EngineLane:
    def __init__(self, url: str) -> None:
        self.engine, factory, self.ids = prepare(url)
        self.service = CaseService(factory, calendar=cal.WorkingCalendar())

    def run(self, first: int, count: int, latencies: list[float], cpu: list[float]) -> None:
        clock, process, service, ids = time.perf_counter, time.process_time, self.service, self.ids
        for n in range(first, first + count):
            when = FixedClock(START)
            case = service.open_funding_case(ids["fo"], {"title": f"Programme {n}", "vco": ids["kitchen"],
                                                         "decision_maker": ids["dm"]}, when.now())
            for step in FUNDING_PERFORMANCE:
                when.advance(days=step.days_after)
                data = step.data_for(when.now(), ids)
                t0, c0 = clock(), process()
                case = service.fire(case.id, step.trigger, ids[step.who], data, when.now())
                latencies.append(clock() - t0)
                cpu.append(process() - c0)
            effective = date.fromisoformat(case.data["notice"]["effective_on"])
            when.current = datetime.combine(effective, clock_time(9), tzinfo=timezone.utc)
            t0, c0 = clock(), process()
            case = service.fire(case.id, "notice_takes_effect", None, {}, when.now())
            latencies.append(clock() - t0)
            cpu.append(process() - c0)
            assert case.status == "closed_changed", case.status

    def check(self, cases: int) -> None:
        with self.engine.connect() as conn:
            closed = conn.scalar(text("SELECT count(*) FROM cases WHERE status = 'closed_changed'"))
        assert closed == cases, closed

    def close(self) -> None:
        self.engine.dispose()


# --- the floor ----------------------------------------------------------------------------------

class FloorLane:
    """The same number of transitions as plain sqlite3 statements: update the case row with a
    version check, append a hash-chained audit row, close and open deadline rows, commit."""

    def __init__(self, path: Path) -> None:
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)          # the same tables and indexes as the application
        engine.dispose()
        self.db = db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=" + SYNC)
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("INSERT INTO organisations (name, kind) VALUES ('Council', 'statutory')")

    def run(self, first: int, count: int, latencies: list[float], cpu: list[float]) -> None:
        db, clock, process = self.db, time.perf_counter, time.process_time
        now = START.replace(tzinfo=None).isoformat(sep=" ")
        for n in range(first, first + count):
            db.execute("BEGIN IMMEDIATE")
            case_id = db.execute(
                "INSERT INTO cases (workflow, workflow_version, status, title, funder_org_id, opened_at, updated_at, "
                "data, audit_seq, version) VALUES ('funding_change', 1, 'draft', ?, 1, ?, ?, '{}', 0, 1)",
                (f"Programme {n}", now, now)).lastrowid
            db.execute("COMMIT")
            prev, data = "0" * 64, {}
            for seq in range(1, TRANSITIONS_PER_CASE + 1):
                t0, c0 = clock(), process()
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
                latencies.append(clock() - t0)
                cpu.append(process() - c0)
                prev = digest

    def check(self, cases: int) -> None:
        assert self.db.execute("SELECT count(*) FROM audit_entries").fetchone()[0] == cases * TRANSITIONS_PER_CASE

    def close(self) -> None:
        self.db.close()


# --- the run ------------------------------------------------------------------------------------

def run_lanes(lanes: dict, cases: int, block: int) -> dict:
    """Every lane does `cases` cases, the lanes taking turns a block of cases at a time."""
    timings = {name: ([], []) for name in lanes}
    for first in range(1, cases + 1, block):
        count = min(block, cases + 1 - first)
        for name, lane in lanes.items():
            lane.run(first, count, *timings[name])
    results = {}
    for name, lane in lanes.items():
        lane.check(cases)
        lane.close()
        results[name] = summary(*timings[name])
    return results


# --- reporting ------------------------------------------------------------------------------------

def summary(latencies: list[float], cpu: list[float]) -> dict:
    """Throughput and latency of the timed transitions, and the CPU time they took."""
    ordered = sorted(latencies)
    return {"transitions": len(ordered), "seconds_in_transitions": round(sum(ordered), 3),
            "cpu_ms_per_transition": round(sum(cpu) / len(cpu) * 1000, 3),
            "transitions_per_second": round(len(ordered) / sum(ordered), 1),
            "p50_ms": round(statistics.median(ordered) * 1000, 3),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 3),
            "max_ms": round(ordered[-1] * 1000, 3)}


def table(results: dict) -> str:
    lines = ["| lane | transitions | transitions/s | p50 ms | p99 ms | CPU ms per transition |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['transitions']:,} | {r['transitions_per_second']:,.0f} | "
                     f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['cpu_ms_per_transition']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases per lane (16 transitions each)")
    parser.add_argument("--block", type=int, default=100, help="cases a lane does before the next lane's turn")
    parser.add_argument("--lanes", nargs="+", choices=("engine", "spiff", "floor"), default=["engine", "spiff", "floor"])
    parser.add_argument("--database-url", help="the engine lane's database (default: a new SQLite file in a "
                        "temporary folder); this application's tables in it are dropped and recreated")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "lifecycle.json")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="casework-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'engine.db'}"
    backend = url.split(":")[0].split("+")[0]
    names = {"engine": f"engine ({backend})", "spiff": "SpiffWorkflow 3.2 (sqlite)", "floor": "sqlite3 floor"}
    lanes = {}
    for lane in args.lanes:
        if lane == "engine":
            lanes[names[lane]] = EngineLane(url)
        elif lane == "spiff":
            from peer_spiff import STEPS, SpiffLane
            assert len(STEPS) == TRANSITIONS_PER_CASE, "the SpiffWorkflow lane must make as many transitions"
            lanes[names[lane]] = SpiffLane(folder / "spiff.db", SYNC)
        else:
            lanes[names[lane]] = FloorLane(folder / "floor.db")
    results = run_lanes(lanes, args.cases, args.block)
    shutil.rmtree(folder, ignore_errors=True)
    print(f"{args.cases:,} cases a lane x {TRANSITIONS_PER_CASE} transitions, lanes taking turns {args.block} cases "
          f"at a time; {platform.python_implementation()} {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"synchronous={SYNC}\n")
    print(table(results))
    verdicts = {}
    engine_run = results.get(names["engine"])
    if engine_run:
        verdicts["engine_p99_under_50_ms"] = engine_run["p99_ms"] < 50
        print(f"\nEngine p99 {engine_run['p99_ms']:.1f} ms (target under 50 ms: "
              f"{'met' if verdicts['engine_p99_under_50_ms'] else 'missed'}).")
        for key, label in (("spiff", "SpiffWorkflow"), ("floor", "the floor")):
            other = results.get(names[key])
            if other:
                ratio = round(engine_run["transitions_per_second"] / other["transitions_per_second"], 2)
                verdicts[f"engine_over_{key}"] = ratio
                target = f" (target at least 1.2: {'met' if ratio >= 1.2 else 'missed'})" if key == "spiff" else ""
                print(f"Engine throughput / {label}'s: {ratio}x{target}.")
    print(f"Load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({
        "cases": args.cases, "transitions_per_case": TRANSITIONS_PER_CASE, "block": args.block, "backend": backend,
        "synchronous": SYNC, "results": results, **verdicts, "load_average": os.getloadavg(),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "spiffworkflow": _version("SpiffWorkflow"), "sqlalchemy": _version("SQLAlchemy")}, indent=2) + "\n")
    print(f"Written to {args.output}")


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


if __name__ == "__main__":
    main()
