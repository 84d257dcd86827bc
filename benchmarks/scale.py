"""Scale benchmark: 100 times today's data (100,000 cases, 2,000,000 audit entries,
1,000,000 deadline rows) on PostgreSQL and on SQLite, served by the production command,
with the figures of the "Speed at human scale" targets:

- home page, case list, case page and an action (the form of "Record support given" on a
  case in its improvement plan, then its POST with the form's CSRF token and case version,
  a real transition) under 8 signed-in clients: p95 under 100 ms each;
- transitions in-process on the full database (the same action through `CaseService.fire`,
  one after another): p99 under 50 ms;
- the deadline sweep catching up 1,000 due deadlines (disputes whose window lapsed, each a
  breach and a system transition with its messages) among the 1,000,000 rows: at least 100
  effects/s;
- case-list search (`/cases?q=...`, casework/search.py) under 8 signed-in clients, each
  going through a mix of searches (a common title word, an organisation, a person, two
  words, a case reference, a short word, a word found nowhere): p95 under 200 ms;
- SQL statements of each page and of the POST, counted through SQLAlchemy's
  `before_cursor_execute` event (web.py's counts were 4, 4 and 7 for the three pages).

    .venv/bin/python benchmarks/scale.py        # both databases, full scale (a throwaway PostgreSQL cluster)
    .venv/bin/python benchmarks/scale.py --cases 1000 --audit-entries 20000 --deadlines 10000 \\
        --seconds 3 --transitions 100 --sweep-rows 100       # a quick look
    .venv/bin/python benchmarks/scale.py --databases postgresql --database-url postgresql+psycopg://...

The data: `casework demo` through the engine, then copies of its cases in chunks (web.py's
cloning: case rows, assignments, deadline rows, letters, notifications and hash-chained audit
entries, about 70% closed), written with SQLAlchemy Core `insert()` executemany, no COPY;
then closed and future filler deadline rows on one case nobody signed in sees, up to the
deadline-row total. The throwaway cluster (benchmarks/pgcluster.py) runs with fsync on.
With --database-url, this application's tables in that database are dropped and made again.
Writes benchmarks/results/scale.json and scale.md. Over 300 lines: a script run on its own,
one measure a function."""
import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, insert, select, text  # noqa: E402

from benchmarks import web as webbench  # noqa: E402
from benchmarks.scale_data import build_scale  # noqa: E402
from casework.deadlines import Deadline  # noqa: E402
from casework.organisations import Organisation, Person  # noqa: E402
from tests.factories import Cast  # noqa: E402
from tests.reliability.bulk import lapsed_disputes  # noqa: E402
from web.config import Settings  # noqa: E402
from workflows import calendar as cal  # noqa: E402
from workflows.sweep import sweep_due  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
ACTION = "record_support"
WHAT = "Paid for a volunteer coordinator's training day"


# --- the action, through the web form ----------------------------------------------------------

def _version(html: str) -> str:
    return re.search(r'name="case_version" type="hidden" value="(\d+)"', html).group(1)


def _action_form(html: str) -> list[tuple[str, str]]:
    today = cal.local_date(datetime.now(timezone.utc))
    return [("csrf_token", webbench._csrf(html)), ("case_version", _version(html)), ("what", WHAT),
            ("when", str(today.day)), ("when", str(today.month)), ("when", str(today.year))]


def hammer_action(clients, cases: list[int], seconds: float, server) -> tuple[dict, dict]:
    """Every client, on cases of its own in turn: GET the action's form, POST it (302 to the
    case page when the transition is made). Returns the figures of the GETs and of the POSTs."""
    gets, posts = [[] for _ in clients], [[] for _ in clients]
    get_errors, post_errors = [0] * len(clients), [0] * len(clients)
    mine = [cases[n::len(clients)] for n in range(len(clients))]
    cpu_before, stop_at = webbench._server_cpu(server), time.perf_counter() + seconds

    def run(n: int) -> None:
        client, turn = clients[n], 0
        while time.perf_counter() < stop_at:
            path = f"/cases/{mine[n][turn % len(mine[n])]}/actions/{ACTION}"
            turn += 1
            started = time.perf_counter()
            status, body = client.get(path)
            gets[n].append((time.perf_counter() - started) * 1000)
            if status != 200:
                get_errors[n] += 1
                continue
            form = urlencode(_action_form(body.decode()))
            started = time.perf_counter()
            status, _ = client.request("POST", path, form)
            posts[n].append((time.perf_counter() - started) * 1000)
            if status != 302:
                post_errors[n] += 1
    elapsed = webbench.run_clients(len(clients), run)
    server_cpu = webbench._server_cpu(server) - cpu_before
    figures = []
    for timings, errors in ((gets, get_errors), (posts, post_errors)):
        every = sorted(x for per_client in timings for x in per_client)
        figures.append(_latencies(every) | {"requests": len(every), "rps": round(len(every) / elapsed, 1),
                                            "errors": sum(errors)})
    served = figures[0]["requests"] + figures[1]["requests"]
    for f in figures:
        f["server_cpu_ms"] = round(server_cpu * 1000 / served, 2)   # the GET and the POST together
    return figures[0], figures[1]


def _latencies(ordered: list[float]) -> dict:
    if len(ordered) < 2:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": ordered[-1] if ordered else None}
    q = statistics.quantiles(ordered, n=100, method="inclusive")  # never above the largest
    return {"p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "p99_ms": round(q[98], 1),
            "max_ms": round(ordered[-1], 1)}


def count_action(url: str, case_id: int) -> dict:
    """SQL statements of the action's form (GET) and of its POST, in-process."""
    from web import create_app
    from web.composition import build
    from web.demo import PASSWORD
    settings = Settings(database_url=url)
    container = build(settings)
    client = create_app(settings, container).test_client()
    client.post("/sign-in", data={"email": webbench.AS, "password": PASSWORD,
                                  "csrf_token": webbench._csrf(client.get("/sign-in").get_data(as_text=True))})
    path = f"/cases/{case_id}/actions/{ACTION}"
    statements: list[str] = []
    event.listen(container.engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: statements.append(sql))
    form = _action_form(client.get(path).get_data(as_text=True))
    on_get = len(statements)
    statements.clear()
    response = client.post(path, data=MultiDict(form))   # the date's three parts share a name
    container.engine.dispose()
    return {"form": {"statements": on_get}, "post": {"status": response.status_code, "statements": len(statements)}}


# --- searching the case list ---------------------------------------------------------------------

#: What the clients search for, in turn: words of the demo's titles, organisations and people
#: (copied into every cloned case), a case reference, a short word and a word found nowhere.
SEARCHES = ("lunches", "Crayford", "Ruth Nolan", "carers respite", "FC-0042", "ad", "zyzzogeton")
SEARCH_TARGET_MS = 200


def hammer_search(clients, seconds: float, server) -> dict:
    """Every client searches the case list back to back, each starting at a different search."""
    latencies, errors = [[] for _ in clients], [0] * len(clients)
    cpu_before, stop_at = webbench._server_cpu(server), time.perf_counter() + seconds

    def run(n: int) -> None:
        turn = n
        while time.perf_counter() < stop_at:
            path = "/cases?" + urlencode({"q": SEARCHES[turn % len(SEARCHES)]})
            turn += 1
            started = time.perf_counter()
            status, body = clients[n].get(path)
            latencies[n].append((time.perf_counter() - started) * 1000)
            if status != 200 or b"case" not in body:
                errors[n] += 1
    elapsed = webbench.run_clients(len(clients), run)
    every = sorted(x for per_client in latencies for x in per_client)
    server_cpu = webbench._server_cpu(server) - cpu_before
    return _latencies(every) | {"requests": len(every), "rps": round(len(every) / elapsed, 1), "errors": sum(errors),
                                "server_cpu_ms": round(server_cpu * 1000 / max(1, len(every)), 2),
                                "searches": list(SEARCHES)}


# --- transitions in-process, and the sweep --------------------------------------------------------

def transitions_in_process(url: str, cases: list[int], n: int) -> dict:
    """n transitions (the same action) one after another through the service, on the full database."""
    from web.composition import build
    container = build(Settings(database_url=url))
    with container.factory() as s:
        actor = s.scalar(select(Person.id).where(Person.email == webbench.AS))
    latencies, cpu = [], []
    for i in range(-1, n):   # the first one, untimed, loads what a process loads once
        now = container.clock.now()
        t0, c0 = time.perf_counter(), time.process_time()
        container.service.fire(cases[i % len(cases)], ACTION, actor, {"what": WHAT, "when": cal.local_date(now)}, now)
        if i < 0:
            continue
        latencies.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    container.engine.dispose()
    ordered = sorted(latencies)
    return _latencies(ordered) | {"transitions": n, "per_second": round(n * 1000 / sum(ordered), 1),
                                  "cpu_ms": round(statistics.fmean(cpu), 2)}


def report_timing(url: str, repeats: int) -> dict:
    """The compliance report (M1-M18) for the current financial half-year, all organisations,
    built in-process `repeats` times on the full database: target under 1 s."""
    from web.composition import build
    from workflows.reporting.period import Filters, half_year_of
    from workflows.reporting.report import build_report
    container = build(Settings(database_url=url))
    now = container.clock.now()
    filters = Filters(half_year_of(cal.local_date(now)))
    latencies, cpu = [], []
    for i in range(-1, repeats):   # the first one, untimed, loads what a process loads once
        t0, c0 = time.perf_counter(), time.process_time()
        with container.factory() as s:
            build_report(s, filters, now, calendar=container.service.calendar, limits=container.service.limits)
        if i >= 0:
            latencies.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    container.engine.dispose()
    # The app's own CPU (SQLite's included; not PostgreSQL's server): least disturbed by neighbours.
    return _latencies(sorted(latencies)) | {"reports": repeats, "cpu_ms": round(statistics.fmean(cpu), 1)}


def sweep_catch_up(url: str, n: int) -> dict:
    """n due disputes whose window lapsed, among every other row; the sweep's `now` is set just
    before the earliest other open row falls due, so that these n are all it has to do."""
    from web.composition import build
    container = build(Settings(database_url=url))
    engine = container.engine
    with engine.connect() as conn:
        earliest = conn.scalar(select(func.min(Deadline.next_action_at)).where(Deadline.status == "open"))
        orgs = dict(conn.execute(select(Organisation.name, Organisation.id)).all())
        officer = conn.scalar(select(Person.id).where(Person.email == "officer@bexley.example"))
    now = (earliest or datetime.now(timezone.utc)) - timedelta(hours=1)
    cast = Cast(ids={"officer": officer},
                orgs={"council": orgs["London Borough of Bexley"], "kitchen": orgs["Crayford Community Kitchen"]})
    lapsed_disputes(engine, cast, n, cal.local_date(now) - timedelta(days=2), now)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        rows = conn.scalar(select(func.count()).select_from(Deadline))
    service = container.service
    started, cpu = time.perf_counter(), time.process_time()
    result = sweep_due(container.factory, now, "bench", service.calendar, service.limits, service.hooks)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    assert result.fired == n and not result.errors, result
    effects = result.reminders + result.breaches + result.fired
    return {"deadline_rows": rows, "due": n, "fired": result.fired, "breaches": result.breaches,
            "reminders": result.reminders, "effects": effects, "seconds": round(seconds, 2),
            "effects_per_second": round(effects / seconds, 1), "fired_per_second": round(result.fired / seconds, 1),
            "cpu_ms_per_row": round(cpu * 1000 / n, 2)}


# --- one database ------------------------------------------------------------------------------------

def run_database(kind: str, url: str, args) -> dict:
    print(f"[{kind}] building {args.cases:,} cases, {args.audit_entries:,} audit entries, "
          f"{args.deadlines:,} deadline rows ...", flush=True)
    data = build_scale(url, args.cases, args.audit_entries, args.deadlines, random.Random(args.seed))
    print(f"[{kind}] {json.dumps({k: v for k, v in data.items() if k != 'action_cases'})}", flush=True)
    pages = {"home page": ("/", "Waiting on you"), "case list": ("/cases", "cases."),
             "case page": (f"/cases/{data['page_case']['id']}", "Timeline")}
    counted = webbench.count_statements(url, {name: path for name, (path, _) in pages.items()}
                                        | {"search": "/cases?" + urlencode({"q": SEARCHES[0]})})
    action_counts = count_action(url, data["action_cases"][-1])
    results = {}
    port = webbench.free_port()
    server = webbench.start_gunicorn(url, port, args.workers, 1)
    try:
        clients = [webbench.Client(port) for _ in range(args.clients)]
        from web.demo import PASSWORD
        clients[0].sign_in(webbench.AS, PASSWORD, webbench.give_authenticator(url, webbench.AS))
        clients[0].share_session(clients[1:])
        for name, (path, expect) in pages.items():
            webbench.hammer(clients, path, min(2.0, args.seconds / 5), expect, server)  # warm every worker
            results[name] = webbench.hammer(clients, path, args.seconds, expect, server) | {"path": path} | counted[name]
            print(f"[{kind}] {name}: {results[name]}", flush=True)
        hammer_search(clients, min(2.0, args.seconds / 5), server)  # warm every worker
        results["search"] = hammer_search(clients, args.seconds, server) | {"path": "/cases?q=<search>"} \
            | counted["search"]
        print(f"[{kind}] search: {results['search']}", flush=True)
        cases = data["action_cases"][:-1]
        hammer_action(clients, cases, min(2.0, args.seconds / 5), server)  # warm every worker
        form, post = hammer_action(clients, cases, args.seconds, server)
        path = f"/cases/<id>/actions/{ACTION}"
        results["action form"] = form | {"path": path} | action_counts["form"]
        results["action POST"] = post | {"path": path} | action_counts["post"]
        print(f"[{kind}] action: form {form}\n[{kind}] action: POST {results['action POST']}", flush=True)
    finally:
        webbench.stop(server)
    inproc = transitions_in_process(url, data["action_cases"], args.transitions)
    print(f"[{kind}] transitions in-process: {inproc}", flush=True)
    reporting = report_timing(url, args.reports)
    print(f"[{kind}] compliance report: {reporting}", flush=True)
    swept = sweep_catch_up(url, args.sweep_rows)
    print(f"[{kind}] sweep: {swept}", flush=True)
    return {"data": {k: v for k, v in data.items() if k != "action_cases"}, "web": results,
            "transitions": inproc, "reporting": reporting, "sweep": swept}


def report(args, runs: dict) -> str:
    lines = [f"{args.cases:,} cases, {args.audit_entries:,} audit entries, {args.deadlines:,} deadline rows; "
             f"{args.clients} clients, {args.seconds:g} s per endpoint, gunicorn {args.workers} sync workers; "
             f"{os.cpu_count()} CPUs", ""]
    for kind, run in runs.items():
        lines += [f"## {kind}", "", f"Built in {run['data']['build_seconds']} s.", "",
                  "| endpoint | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors | SQL statements "
                  "| server CPU per request ms | target p95 < 100 ms |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for name, r in run["web"].items():
            p95, target = r["p95_ms"], SEARCH_TARGET_MS if name == "search" else 100
            lines.append(f"| {name} `{r['path']}` | {r['rps']} | {r['p50_ms']} | {p95} | {r.get('p99_ms')} | "
                         f"{r['max_ms']} | {r['errors']} | {r.get('statements', '-')} | {r['server_cpu_ms']} | "
                         f"{'met' if p95 is not None and p95 < target else 'missed'}"
                         f"{f' (target < {target} ms)' if target != 100 else ''} |")
        t, s = run["transitions"], run["sweep"]
        lines += ["", f"Transitions in-process ({t['transitions']:,} x {ACTION}, one at a time): {t['per_second']}/s, "
                  f"p50 {t['p50_ms']} ms, p99 {t['p99_ms']} ms (target p99 < 50 ms: "
                  f"{'met' if t['p99_ms'] is not None and t['p99_ms'] < 50 else 'missed'}), CPU {t['cpu_ms']} ms each.",
                  f"Sweep: {s['due']:,} due among {s['deadline_rows']:,} deadline rows, {s['effects']:,} effects "
                  f"({s['breaches']} breaches, {s['fired']} system transitions) in {s['seconds']} s: "
                  f"{s['effects_per_second']} effects/s, {s['fired_per_second']} transitions/s (target at least "
                  f"100 effects/s: {'met' if s['effects_per_second'] >= 100 else 'missed'}).", ""]
        if run.get("reporting"):
            r = run["reporting"]
            lines[-1:-1] = [f"Compliance report, current half-year, all organisations ({r['reports']} builds "
                            f"in-process): p50 {r['p50_ms']} ms, max {r['max_ms']} ms, CPU {r.get('cpu_ms')} ms each (target under 1 s: "
                            f"{'met' if r['max_ms'] is not None and r['max_ms'] < 1000 else 'missed'})."]
    lines.append(f"Load average at the end (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", nargs="+", choices=("postgresql", "sqlite"), default=["postgresql", "sqlite"])
    parser.add_argument("--database-url", help="a PostgreSQL database to use instead of a throwaway cluster")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--audit-entries", type=int, default=2_000_000)
    parser.add_argument("--deadlines", type=int, default=1_000_000, help="deadline rows in all (filler added)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="measuring time per endpoint")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--transitions", type=int, default=1000, help="transitions timed in-process")
    parser.add_argument("--sweep-rows", type=int, default=1000, help="due deadlines the sweep catches up")
    parser.add_argument("--reports", type=int, default=5, help="compliance reports timed in-process")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    from benchmarks.pgcluster import throwaway_postgres
    runs = {}
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="casework-scale-"))
        for kind in args.databases:
            if kind == "sqlite":
                url = f"sqlite:///{Path(folder) / 'scale.db'}"
            else:
                url = args.database_url or stack.enter_context(throwaway_postgres())
            runs[kind] = run_database(kind, url, args)
    table = report(args, runs)
    print("\n" + table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scale.md").write_text(table + "\n")
    (RESULTS / "scale.json").write_text(json.dumps({
        "python": platform.python_version(), "cpus": os.cpu_count(), "load_average": os.getloadavg(),
        "settings": vars(args), "runs": runs}, indent=2, default=str) + "\n")
    print(f"\nWrote {RESULTS / 'scale.json'}")


if __name__ == "__main__":
    main()
