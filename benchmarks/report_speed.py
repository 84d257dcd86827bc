"""The compliance report's speed as a user meets it (issue #15: the reports page for a
half-year under 1 s, the XLSX export under 5 s, at 100,000 cases on each database): the page
(`/reports`, the current financial half-year, all organisations: the report, its trend over
four half-years, the charts, the HTML) and the XLSX download of the same report, through the
Flask test client signed in as the contract manager, in this process. Gives the wall time and
this process's CPU (SQLite's work included, PostgreSQL's server not), and the SQL statements
the slowest spent their time on.

    .venv/bin/python benchmarks/report_speed.py URL [--repeats 3] [--statements] [--profile FILE]

Downloads are recorded as security events: run it on a copy of the data, never on `scale`."""
import argparse
import cProfile
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from web.config import Settings  # noqa: E402

AS = "contract.manager@bexley.example"
PATHS = {"page": "/reports", "xlsx": "/reports/compact-report.xlsx"}


def _sign_in(client, container) -> None:
    """Start the contract manager's session directly, as signing in does: the sign-in form
    asks for an authenticator code once `scale.py` has set one up on the same data."""
    from sqlalchemy import select

    from casework.logins import start_session
    from casework.organisations import Person
    from casework.persistence import unit_of_work
    with unit_of_work(container.factory) as db:
        person = db.scalar(select(Person).where(Person.email == AS))
        secret = start_session(db, person, container.clock.now()).secret
    with client.session_transaction() as session:
        session.permanent = True
        session["_user_id"], session["_fresh"] = secret, True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--statements", action="store_true", help="the slowest statements of the last request")
    parser.add_argument("--profile", help="write a cProfile of one page request to this file")
    parser.add_argument("--only", choices=tuple(PATHS), help="time only this request")
    args = parser.parse_args()
    from web import create_app
    from web.composition import build
    settings = Settings(database_url=args.url)
    container = build(settings)
    app = create_app(settings, container)
    spent: dict[str, list[float]] = defaultdict(list)
    started: list[float] = []
    event.listen(container.engine, "before_cursor_execute", lambda *a: started.append(time.perf_counter()))
    event.listen(container.engine, "after_cursor_execute",
                 lambda conn, cursor, statement, *rest: spent[statement].append(time.perf_counter() - started.pop()))
    client = app.test_client()
    _sign_in(client, container)
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, path in PATHS.items():
        if args.only and name != args.only:
            continue
        response = client.get(path)   # warm: what a process loads once
        assert response.status_code == 200, (path, response.status_code)
        walls, cpus = [], []
        for _ in range(args.repeats):
            spent.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(path)
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
            assert response.status_code == 200, (path, response.status_code)
        sql = sum(sum(v) for v in spent.values())
        print(f"{name}: wall {_s(walls)}, CPU {_s(cpus)}; last: {sum(len(v) for v in spent.values())} statements, "
              f"{sql:.2f} s waiting on them; {len(response.data):,} bytes; load {os.getloadavg()[0]:.2f}")
        if args.statements:
            for statement, times in sorted(spent.items(), key=lambda kv: -sum(kv[1]))[:15]:
                print(f"  {sum(times):7.3f} s x{len(times):<3} {' '.join(statement.split())[:220]}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(PATHS[args.only or "page"])
        profiler.disable()
        profiler.dump_stats(args.profile)
    container.engine.dispose()


def _s(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"


if __name__ == "__main__":
    main()
