"""Case-list search at scale (#15), on a database benchmarks/scale_data.py built (never
rebuilt or changed here, apart from the authenticator `serve` sets up for the demo contract
manager), for the searches of benchmarks/scale.py, as the demo contract manager:

    .venv/bin/python benchmarks/search_speed.py explain URL     # each statement's plan and time
    .venv/bin/python benchmarks/search_speed.py results URL     # what each search finds, as JSON
    .venv/bin/python benchmarks/search_speed.py serve URL       # gunicorn under 8 clients

- `explain`: the count and page statements of each search with EXPLAIN ANALYZE (PostgreSQL:
  its execution time, least disturbed by the other processes of a shared machine) or EXPLAIN
  QUERY PLAN and the median time of running it (SQLite), and the CPU time of `case_page`;
- `results`: the count, "more than" and the ids of pages 1, 2 and 40 of each search, to compare
  two versions of the code (run it from each worktree);
- `serve`: the production command (sync workers) with clients searching back to back, each
  starting at a different search; p50/p95 for each search and for all, with the load average."""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks import web as webbench  # noqa: E402
from benchmarks.scale import SEARCHES  # noqa: E402
from casework.organisations import Person  # noqa: E402
from casework.persistence import make_engine  # noqa: E402
from casework.queries import (COUNT_LIMIT, CaseFilter, _case_list_statements, _frequency_statement,  # noqa: E402
                              _part_statement, _rarest, _search_walk_statements,
                              case_page)
from casework.search import FREQUENT, SAMPLE, WALKED, search_terms  # noqa: E402
from casework.visibility import params_of, shape_of  # noqa: E402


def _statements(db: Session, person: Person, typed: str):
    chosen = CaseFilter(search=search_terms(typed))
    conn = db.connection()
    dialect = conn.dialect.name
    params = params_of(person) | chosen.params(dialect)
    count, page = _case_list_statements(shape_of(person), chosen.shape, dialect)
    statements = []
    if chosen.search:
        statements.append(("frequency", _frequency_statement(chosen.search.shape, dialect),
                           params | {"frequent": FREQUENT}))
        rarest = _rarest(conn, chosen.search, dialect, params)
        walk_count, walk_page, sample = _search_walk_statements(shape_of(person), chosen.shape, dialect, rarest)
        if rarest is not None:
            count, page = walk_count, walk_page
        else:
            sampled = params | {"count_limit": COUNT_LIMIT + 1, "sample": SAMPLE}
            statements.append(("sample", sample, sampled))
            found, titled, every = conn.execute(sample, sampled).one()
            if found > COUNT_LIMIT or every:   # the page part by part (case_page reads a part only if needed)
                walked = (titled >= WALKED, found - titled >= WALKED)
                parts = (0, 1, 2) if chosen.search.case_id is not None else (1, 2)
                return statements + [
                    (f"part {n}" + (" walked" if n and walked[n - 1] else " sorted"),
                     _part_statement(shape_of(person), chosen.shape, dialect, n, n > 0 and walked[n - 1]),
                     params | {"walk": 25}) for n in parts]
    return statements + [("count", count, params | {"count_limit": COUNT_LIMIT + 1}),
                         ("page", page, params | {"offset": 0, "size": 25, "walk": 25})]


def explain(url: str, repeats: int) -> dict:
    engine = make_engine(url)
    out = {}
    with Session(engine) as db:
        person = db.scalars(select(Person).where(Person.email == webbench.AS)).one()
        conn = db.connection()
        for typed in SEARCHES:
            out[typed] = {}
            for name, statement, params in _statements(db, person, typed):
                compiled = statement.compile(dialect=engine.dialect)
                sql, bound = str(compiled), compiled.construct_params(params)
                if engine.dialect.name == "postgresql":
                    conn.execute(statement, params)  # warm
                    times, plan = [], []
                    for _ in range(repeats):
                        plan = [row[0] for row in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, bound)]
                        times.append(float(plan[-1].split(":")[1].split()[0]))
                    out[typed][name] = {"execution_ms": round(statistics.median(times), 1), "plan": plan}
                else:
                    positional = tuple(bound[k] for k in compiled.positiontup)
                    plan = [" ".join(str(x) for x in row)
                            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, positional)]
                    times, cpu = [], []
                    for _ in range(repeats + 1):
                        t0, c0 = time.perf_counter(), time.process_time()
                        conn.execute(statement, params).all()
                        times.append((time.perf_counter() - t0) * 1000)
                        cpu.append((time.process_time() - c0) * 1000)
                    out[typed][name] = {"ms": round(statistics.median(times[1:]), 1),
                                        "cpu_ms": round(statistics.median(cpu[1:]), 1), "plan": plan}
            cpu = []
            for _ in range(repeats + 1):
                c0 = time.process_time()
                case_page(db, person, 1, CaseFilter(search=search_terms(typed)))
                cpu.append((time.process_time() - c0) * 1000)
            out[typed]["case_page_cpu_ms"] = round(statistics.median(cpu[1:]), 1)
    engine.dispose()
    return out


def results(url: str) -> dict:
    engine = make_engine(url)
    out = {}
    with Session(engine) as db:
        person = db.scalars(select(Person).where(Person.email == webbench.AS)).one()
        for typed in SEARCHES + ("crayford lunch", "ad club", "nolan", "bexley", "FC-1", "42", "on w"):
            pages = {n: case_page(db, person, n, CaseFilter(search=search_terms(typed))) for n in (1, 2, 40)}
            out[typed] = {"total": pages[1].total, "more": pages[1].more,
                          **{f"page_{n}": [line.id for line in page.items] for n, page in pages.items()}}
    engine.dispose()
    return out


def serve(url: str, workers: int, clients: int, seconds: float) -> dict:
    from web.demo import PASSWORD
    port = webbench.free_port()
    secret = webbench.give_authenticator(url, webbench.AS)
    server = webbench.start_gunicorn(url, port, workers, 1)
    try:
        browsers = [webbench.Client(port) for _ in range(clients)]
        browsers[0].sign_in(webbench.AS, PASSWORD, secret)
        browsers[0].share_session(browsers[1:])
        found = {typed: [] for typed in SEARCHES}
        errors = [0]

        def run(n: int, until: float, record: bool) -> None:
            turn = n
            while time.perf_counter() < until:
                typed = SEARCHES[turn % len(SEARCHES)]
                turn += 1
                started = time.perf_counter()
                status, body = browsers[n].get("/cases?" + urlencode({"q": typed}))
                if record:
                    found[typed].append((time.perf_counter() - started) * 1000)
                    errors[0] += status != 200 or b"case" not in body
        warm = time.perf_counter() + 3
        webbench.run_clients(clients, lambda n: run(n, warm, False))
        load_before, cpu_before = os.getloadavg(), webbench._server_cpu(server)
        until = time.perf_counter() + seconds
        webbench.run_clients(clients, lambda n: run(n, until, True))
        cpu = webbench._server_cpu(server) - cpu_before
    finally:
        webbench.stop(server)
    every = sorted(x for times in found.values() for x in times)

    def figures(times: list[float]) -> dict:
        q = statistics.quantiles(sorted(times), n=100, method="inclusive")
        return {"requests": len(times), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1)}
    return {"workers": workers, "clients": clients, "seconds": seconds, "errors": errors[0],
            "server_cpu_ms_per_request": round(cpu * 1000 / len(every), 1),
            "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
            "all": figures(every), **{typed: figures(times) for typed, times in found.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("explain", "results", "serve"))
    parser.add_argument("url")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--plans", action="store_true", help="print the plans too (explain)")
    args = parser.parse_args()
    if args.what == "explain":
        out = explain(args.url, args.repeats)
        if not args.plans:
            out = {typed: {k: ({n: v for n, v in x.items() if n != "plan"} if isinstance(x, dict) else x)
                           for k, x in found.items()} for typed, found in out.items()}
    elif args.what == "results":
        out = results(args.url)
    else:
        out = serve(args.url, args.workers, args.clients, args.seconds)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
