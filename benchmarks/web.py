"""Web benchmark: the home page, a case list and a case page under concurrent signed-in
clients against the production server (gunicorn serving `web.wsgi:app`, CASEWORK_ENV=
production), beside a trivial endpoint of the same app in the same run, on SQLite with
10,000 cases and 200,000 audit entries.

    .venv/bin/python benchmarks/web.py                    # 8 clients, 10 s per endpoint
    .venv/bin/python benchmarks/web.py --seconds 5 --workers 4 --threads 2   # gthread workers

The data: `casework demo` (organisations, one login per role, cases walked through the real
engine with their letters), then bulk copies of the demo cases inserted with SQLAlchemy core:
case rows, assignments, deadline rows, letters, notifications and audit chains with valid
hashes, shifted in time (about 70% closed), padded with deadline-moved entries to the
audit-entry total. Every client signs in as the contract manager, who sees the most cases.
Before the load, each page is requested once in-process to count its SQL statements
(SQLAlchemy's `before_cursor_execute` event on the engine).
Prints a markdown table and writes benchmarks/results/web.json (and .md).

Over 300 lines: a script run on its own, whose server, client and data helpers
`benchmarks/scale.py` shares."""
import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, insert, select  # noqa: E402

from casework.audit import AuditEntry, entry_hash  # noqa: E402
from casework.cases import SYSTEM, Case, CaseAssignment  # noqa: E402
from casework.deadlines import Deadline  # noqa: E402
from casework.letters import Letter  # noqa: E402
from casework.messages import Notification  # noqa: E402
from casework.organisations import Organisation, OrganisationKind  # noqa: E402
from web.config import DEV_AUDIT_KEY, Settings  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
AS = "contract.manager@bexley.example"
PROGRAMMES = ("lunch club", "youth club", "advice drop-in", "carers' cafe", "food bank", "homework club",
              "befriending calls", "holiday play scheme", "digital skills class", "walking group",
              "debt advice line", "community transport", "men's shed", "parent and toddler group")
PLACES = ("Crayford", "Erith", "Sidcup", "Thamesmead", "Bexleyheath", "Welling", "Belvedere", "Slade Green")
DATETIMES = {"cases": ("opened_at", "updated_at", "closed_at", "paused_at"),
             "deadlines": ("fires_at", "remind_at", "next_action_at", "reminded_at", "breached_at", "fired_at",
                           "closed_at", "created_at")}


# --- the database ----------------------------------------------------------------------------

def build_database(path: Path, n_cases: int, n_audit: int, rng: random.Random) -> dict:
    """Demo data through the engine, then bulk copies of its cases; returns what the run needs."""
    from casework.persistence.migrate import upgrade
    from web.composition import build
    from web.demo import seed
    container = build(Settings(database_url=f"sqlite:///{path}"))
    upgrade(container.engine)
    started = time.perf_counter()
    seed(container.service, container.clock.now())
    seeded = time.perf_counter() - started
    engine = container.engine
    with engine.connect() as conn:
        templates = _templates(conn)
        vcos = conn.scalars(select(Organisation.id).where(Organisation.kind == OrganisationKind.VCO)).all()
        names = dict(conn.execute(select(Organisation.id, Organisation.name)).all())
        first_id = conn.scalar(select(func.max(Case.id))) + 1
        demo_entries = conn.scalar(select(func.count()).select_from(AuditEntry))
    started = time.perf_counter()
    clones = _clones(templates, n_cases - len(templates), first_id, vcos, names, rng)
    _pad_audit(clones, n_audit - demo_entries - sum(len(c["audit"]) for c in clones), rng)
    page_case = _case_for_page(clones)
    rows = _rows(clones)
    with engine.begin() as conn:
        for table, batch in rows.items():
            conn.execute(insert(table.__table__), batch)
        refresh_report_projection(conn)
    engine.dispose()
    return {"seeded_seconds": round(seeded, 1), "bulk_seconds": round(time.perf_counter() - started, 1),
            "cases": n_cases, "audit_entries": demo_entries + len(rows[AuditEntry]),
            "deadlines": len(rows[Deadline]) + sum(len(t["deadlines"]) for t in templates),
            "letters": len(rows[Letter]) + sum(len(t["letters"]) for t in templates),
            "notifications": len(rows[Notification]) + sum(len(t["notifications"]) for t in templates),
            "page_case": page_case, "size_mb": round(path.stat().st_size / 1e6)}


def refresh_report_projection(conn) -> None:
    """The compliance report's projection (report events, case spans, deadline closing dates)
    made again from rows written in bulk, as the engine would have kept it."""
    from casework.report_events import rebuild, refill_closing_dates
    rebuild(conn)
    refill_closing_dates(conn)


def _templates(conn) -> list[dict]:
    """Every demo case with its child rows, as plain dicts."""
    def rows(model, case_id):
        return [dict(r._mapping) for r in conn.execute(select(model.__table__).where(model.case_id == case_id))]
    out = []
    for case in conn.execute(select(Case.__table__).order_by(Case.id)):
        case = dict(case._mapping)
        out.append({"case": case, "assignments": rows(CaseAssignment, case["id"]),
                    "deadlines": rows(Deadline, case["id"]), "letters": rows(Letter, case["id"]),
                    "notifications": rows(Notification, case["id"]),
                    "audit": sorted(rows(AuditEntry, case["id"]), key=lambda e: e["seq"])})
    return out


def _clones(templates, n, first_id, vcos, names, rng) -> list[dict]:
    """n copies of demo cases: about 70% closed ones spread over two years, the rest open
    ones shifted up to three weeks earlier, so that some deadlines are overdue."""
    closed = [t for t in templates if t["case"]["closed_at"] is not None]
    live = [t for t in templates if t["case"]["closed_at"] is None]
    clones = []
    for case_id in range(first_id, first_id + n):
        is_closed = rng.random() < 0.7
        template = rng.choice(closed if is_closed else live)
        shift = timedelta(days=-rng.uniform(0, 730) if is_closed else -rng.uniform(0, 21))
        clones.append(_clone(template, case_id, shift, rng.choice(vcos), names, rng))
    return clones


def _clone(template, case_id, shift, vco, names, rng) -> dict:
    case = _shifted(template["case"], "cases", shift) | {"id": case_id}
    if case["workflow"] == "funding_change":
        case["title"] = f"{rng.choice(PLACES)} {rng.choice(PROGRAMMES)}"
        case["vco_org_id"] = vco
    else:
        if case["complainant_org_id"] == case["vco_org_id"]:
            case["complainant_org_id"] = vco
        else:
            case["respondent_org_id"] = vco
        case["vco_org_id"] = vco
        case["title"] = f"{names[case['complainant_org_id']]} and {names[case['respondent_org_id']]}"
    child = lambda row: {k: v for k, v in row.items() if k != "id"} | {"case_id": case_id}  # noqa: E731
    days = timedelta(days=shift.days)
    return {
        "case": case,
        "assignments": [child(a) | {"assigned_at": a["assigned_at"] + shift} for a in template["assignments"]],
        "deadlines": [_shifted(child(d), "deadlines", shift)
                      | {"claimed_by": None, "lease_until": None, "due_on": d["due_on"] and d["due_on"] + days}
                      for d in template["deadlines"]],
        "letters": [child(x) | {"created_at": x["created_at"] + shift} for x in template["letters"]],
        "notifications": [child(x) | {"created_at": x["created_at"] + shift, "dedupe_key": f"bench:{case_id}:{n}",
                                      "read_at": x["read_at"] and x["read_at"] + shift}
                          for n, x in enumerate(template["notifications"])],
        "audit": [child(e) | {"at": e["at"] + shift} for e in template["audit"]],
    }


def _shifted(row: dict, table: str, shift: timedelta) -> dict:
    return row | {k: row[k] + shift for k in DATETIMES[table] if row.get(k) is not None}


def _pad_audit(clones, extra: int, rng) -> None:
    """Spread `extra` entries over the cases (a case that ran long has more), as the entries
    a bank holiday leaves when it moves a deadline."""
    for clone in rng.choices(clones, k=max(0, extra)):
        last = clone["audit"][-1]
        moved = last["at"] + timedelta(hours=rng.uniform(1, 48))
        clone["audit"].append({
            "case_id": last["case_id"], "at": moved, "actor_id": None, "actor_name": SYSTEM.name,
            "trigger": "deadline_moved", "from_state": last["to_state"], "to_state": last["to_state"],
            "data": {"deadline": "Respond to the consultation", "from": "2026-05-04", "to": "2026-05-05",
                     "reason": "Bank holiday on 4 May 2026 was added as a bank holiday"}})


def _case_for_page(clones) -> dict:
    """A case with a full page: notice given, letters, about 20 timeline entries."""
    candidates = [c for c in clones if c["case"]["status"] == "notice_period"] or clones
    chosen = min(candidates, key=lambda c: abs(len(c["audit"]) - 20))
    return {"id": chosen["case"]["id"], "status": chosen["case"]["status"], "audit_entries": len(chosen["audit"]),
            "letters": len(chosen["letters"]), "deadlines": len(chosen["deadlines"])}


def _rows(clones) -> dict:
    rows = {Case: [], CaseAssignment: [], Deadline: [], Letter: [], Notification: [], AuditEntry: []}
    for clone in clones:
        prev = "0" * 64
        for seq, entry in enumerate(clone["audit"], start=1):
            entry |= {"seq": seq, "prev_hash": prev}
            entry["hash"] = prev = entry_hash(
                DEV_AUDIT_KEY.encode(), entry["case_id"], seq, entry["at"], entry["actor_id"], entry["actor_name"],
                entry["trigger"],
                entry["from_state"], entry["to_state"], entry["data"], prev)
        # The case records its chain's length and last hash (casework/audit.py), as the
        # engine's append_entry would have left them.
        clone["case"] |= {"version": len(clone["audit"]) + 1, "audit_seq": len(clone["audit"]),
                          "audit_head": prev if clone["audit"] else None}
        rows[Case].append(clone["case"])
        for model, key in ((CaseAssignment, "assignments"), (Deadline, "deadlines"), (Letter, "letters"),
                           (Notification, "notifications"), (AuditEntry, "audit")):
            rows[model].extend(clone[key])
    return rows


# --- queries per page, in-process --------------------------------------------------------------

def count_statements(url: str, paths: dict[str, str]) -> dict[str, dict]:
    """SQL statements of one request to each page, its time (median of 5) with nothing else
    running in the server, and the CPU time it takes this process (median of 50: steadier than
    times on a shared machine), through the Flask test client."""
    from web import create_app
    from web.composition import build
    settings = Settings(database_url=url)
    container = build(settings)
    app = create_app(settings, container)
    statements: list[str] = []
    # Every statement passes SQLAlchemy's execution events (nothing goes under SQLAlchemy's API);
    # an executemany counts once, as it is one call.
    event.listen(container.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: statements.append(statement))
    client = app.test_client()
    token = _csrf(client.get("/sign-in").get_data(as_text=True))
    from web.demo import PASSWORD
    client.post("/sign-in", data={"email": AS, "password": PASSWORD, "csrf_token": token})
    out = {}
    for name, path in paths.items():
        client.get(path)  # warm
        timings = []
        for _ in range(5):
            statements.clear()
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        count = len(statements)  # of the last request
        cpu = []
        for _ in range(50):
            started = time.process_time()
            client.get(path)
            cpu.append((time.process_time() - started) * 1000)
        out[name] = {"status": response.status_code, "statements": count,
                     "ms": round(statistics.median(timings), 1), "cpu_ms": round(statistics.median(cpu), 1)}
    container.engine.dispose()
    return out


# --- the server and its clients ----------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def give_authenticator(url: str, email: str) -> str:
    """Set up an authenticator app for this person, as production requires of council staff;
    returns its secret, from which the benchmark makes the code."""
    import pyotp
    from sqlalchemy import delete, select

    from casework.organisations import Person
    from casework.persistence import make_engine
    from casework.second_factor import SecondFactor
    secret, engine = pyotp.random_base32(), make_engine(url)
    try:
        with engine.begin() as conn:
            person_id = conn.scalar(select(Person.id).where(Person.email == email))
            conn.execute(delete(SecondFactor).where(SecondFactor.person_id == person_id))
            conn.execute(SecondFactor.__table__.insert().values(
                person_id=person_id, secret=secret, set_up_at=datetime.now(timezone.utc), last_step=None))
    finally:
        engine.dispose()
    return secret


def start_gunicorn(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    """The production command of the README (sync workers, one request each); with more
    than one thread a worker, gthread workers, which keep connections alive."""
    env = {**os.environ, "CASEWORK_ENV": "production", "CASEWORK_SECRET_KEY": secrets.token_urlsafe(48),
           "CASEWORK_AUDIT_KEY": secrets.token_urlsafe(48), "CASEWORK_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    command = [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers), "--threads", str(threads),
               "--worker-class", "gthread" if threads > 1 else "sync", "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "web.wsgi:app"]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not start within 60 seconds")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


class Client:
    """One signed-in person's browser, as far as the server can tell: a keep-alive connection
    and the session cookie (set by hand: the production cookie is Secure, and this is http).

    Signing in goes through http.client; the measured GETs are written and read on a plain
    socket, because the clients share the server's two cores and http.client's parsing would
    take a good part of them. Every response is still read to its end, and its cookies kept."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.sock: socket.socket | None = None
        self.buffer = bytearray()
        self.prepared: dict[str, bytes] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": self._cookie_header(), "User-Agent": "benchmark"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        if response.will_close:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return response.status, text

    def get(self, path: str) -> tuple[int, bytes]:
        """GET on the keep-alive socket: the status and the whole body."""
        request = self.prepared.get(path) or self._prepare(path)
        for attempt in (1, 2):
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.sock.sendall(request)
                status, cookies, body, close = self._response()
                break
            except (OSError, ValueError):  # the server closed an idle keep-alive connection
                self._disconnect()
                if attempt == 2:
                    raise
        self._keep_cookies(cookies)
        if close:
            self._disconnect()
        return status, body

    def sign_in(self, email: str, password: str, app_secret: str | None = None) -> None:
        """Sign in as a person would in production: password, then the authenticator's code."""
        token = _csrf(self.request("GET", "/sign-in")[1])
        form = urlencode({"email": email, "password": password, "csrf_token": token})
        status, _ = self.request("POST", "/sign-in", form)
        if status == 302 and app_secret is not None:
            import pyotp
            token = _csrf(self.request("GET", "/sign-in/security-code")[1])
            form = urlencode({"code": pyotp.TOTP(app_secret).now(), "csrf_token": token})
            status, _ = self.request("POST", "/sign-in/security-code", form)
        if status != 302 or "Hello," not in self.request("GET", "/")[1]:
            raise SystemExit(f"Could not sign in as {email} (status {status})")
        self.conn.close()

    def share_session(self, clients: list["Client"]) -> None:
        """Give other clients this one's session (an authenticator code works once)."""
        for client in clients:
            client.cookies = dict(self.cookies)

    def _prepare(self, path: str) -> bytes:
        self.prepared[path] = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nAccept-Encoding: identity\r\n"
                               f"Cookie: {self._cookie_header()}\r\nUser-Agent: benchmark\r\n\r\n").encode()
        return self.prepared[path]

    def _response(self) -> tuple[int, list[str], bytes, bool]:
        buffer = self.buffer
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            self._receive()
        lines = buffer[:end].decode("latin-1").split("\r\n")
        status, length, cookies, close = int(lines[0].split(" ", 2)[1]), None, [], False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "set-cookie":
                cookies.append(value)
            elif name == "connection":
                close = value.lower() == "close"
            elif name == "transfer-encoding":
                raise SystemExit(f"Unexpected Transfer-Encoding: {value}")
        if length is None:
            raise SystemExit("A response without Content-Length")
        start = end + 4
        while len(buffer) < start + length:
            self._receive()
        body = bytes(buffer[start:start + length])
        del buffer[:start + length]
        return status, cookies, body, close

    def _receive(self) -> None:
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionResetError("the server closed the connection")
        self.buffer += chunk

    def _disconnect(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, bytearray()

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, headers: list[str]) -> None:
        before = dict(self.cookies)
        for header in headers:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        if self.cookies != before:
            self.prepared.clear()


def hammer(clients: list[Client], path: str, seconds: float, expect: str, server: subprocess.Popen) -> dict:
    """Every client requests `path` back to back for `seconds`; latencies in milliseconds, and
    the CPU time the server and the clients spent per request, and the share of the machine
    that other processes took meanwhile (the machine is shared, so latencies vary with it)."""
    latencies: list[list[float]] = [[] for _ in clients]
    errors = [0] * len(clients)
    expected = expect.encode()
    cpu_before, machine_before, client_before = _server_cpu(server), _machine_cpu(), time.process_time()
    stop_at = time.perf_counter() + seconds

    def run(n: int) -> None:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            status, body = clients[n].get(path)
            latencies[n].append((time.perf_counter() - started) * 1000)
            if status != 200 or expected not in body:
                errors[n] += 1
    elapsed = run_clients(len(clients), run)
    server_cpu, client_cpu = _server_cpu(server) - cpu_before, time.process_time() - client_before
    busy, total = (after - before for after, before in zip(_machine_cpu(), machine_before))
    every = sorted(x for per_client in latencies for x in per_client)
    q = statistics.quantiles(every, n=100, method="inclusive")  # never above the largest
    return {"requests": len(every), "errors": sum(errors), "rps": round(len(every) / elapsed, 1),
            "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "p99_ms": round(q[98], 1),
            "max_ms": round(every[-1], 1),
            "server_cpu_ms": round(server_cpu * 1000 / len(every), 2),
            "client_cpu_ms": round(client_cpu * 1000 / len(every), 2),
            "others_cpu_share": round(max(0.0, busy - server_cpu - client_cpu) / total, 2) if total else None}


def run_clients(count: int, run) -> float:
    """Run `run(n)` for each of `count` clients at once, in threads; the seconds taken."""
    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def _server_cpu(server: subprocess.Popen) -> float:
    """CPU seconds used so far by gunicorn's master and workers (Linux /proc; 0 elsewhere)."""
    tick, used = os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(server.pid) or fields[1] == str(server.pid):  # the master or a worker
            used += (int(fields[11]) + int(fields[12])) / tick
    return used


def _machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (Linux /proc/stat)."""
    try:
        ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    idle = ticks[3] + ticks[4]
    return (sum(ticks[:8]) - idle) / tick, sum(ticks[:8]) / tick


# --- the run -------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--audit-entries", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="measuring time per endpoint")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker (1: sync workers, as the README's production command)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", type=Path, help="keep the SQLite file here and reuse it on the next run")
    args = parser.parse_args()

    from web.demo import PASSWORD
    with tempfile.TemporaryDirectory(prefix="casework-web-bench-") as tmp:
        path = args.database or Path(tmp) / "casework.db"
        url = f"sqlite:///{path}"
        described = path.with_suffix(".json")
        if args.database and described.exists():
            data = json.loads(described.read_text())
            print(f"Reusing {path}", flush=True)
        else:
            print(f"Building {args.cases:,} cases and {args.audit_entries:,} audit entries in {path} ...", flush=True)
            data = build_database(path, args.cases, args.audit_entries, random.Random(args.seed))
            described.write_text(json.dumps(data))
        print(json.dumps(data), flush=True)
        pages = {"/healthz (trivial)": ("/healthz", '"ok"'), "home page": ("/", "Waiting on you"),
                 "case list": ("/cases", "cases."),
                 "case page": (f"/cases/{data['page_case']['id']}", "Timeline")}
        queries = count_statements(url, {name: path_ for name, (path_, _) in pages.items()})
        port = free_port()
        server = start_gunicorn(url, port, args.workers, args.threads)
        try:
            clients = [Client(port) for _ in range(args.clients)]
            clients[0].sign_in(AS, PASSWORD, give_authenticator(url, AS))
            clients[0].share_session(clients[1:])
            results = {}
            for name, (path_, expect) in pages.items():
                hammer(clients, path_, min(2.0, args.seconds / 5), expect, server)  # warm every worker
                results[name] = hammer(clients, path_, args.seconds, expect, server) | {"path": path_} | queries[name]
                print(f"  {name}: {results[name]}", flush=True)
        finally:
            stop(server)
    report(args, data, results)


def report(args, data: dict, results: dict) -> None:
    lines = [f"{args.clients} clients, {args.seconds:g} s per endpoint, gunicorn {args.workers} workers x "
             f"{args.threads} threads ({'gthread' if args.threads > 1 else 'sync'}), SQLite, {data['cases']:,} cases, "
             f"{data['audit_entries']:,} audit entries, {os.cpu_count()} CPUs", "",
             "| Endpoint | Requests/s | p50 (ms) | p95 (ms) | Max (ms) | Errors | SQL statements "
             "| One request alone (ms) | CPU per request in-process (ms) | Server CPU per request (ms) "
             "| Client CPU per request (ms) "
             "| Other processes' share of the CPUs | Target p95 < 100 ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, r in results.items():
        lines.append(f"| {name} `{r['path']}` | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} | "
                     f"{r['errors']} | {r['statements']} | {r['ms']} | {r['cpu_ms']} | {r['server_cpu_ms']} | "
                     f"{r['client_cpu_ms']} | "
                     f"{r['others_cpu_share']:.0%} | {'met' if r['p95_ms'] < 100 else 'missed'} |")
    lines += ["", f"Load average while measuring (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}"]
    table = "\n".join(lines)
    print("\n" + table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "web.md").write_text(table + "\n")
    (RESULTS / "web.json").write_text(json.dumps({
        "run_at": datetime.now().isoformat(timespec="seconds"), "python": platform.python_version(),
        "platform": platform.platform(), "cpus": os.cpu_count(), "load_average": os.getloadavg(),
        "settings": vars(args), "data": data, "results": results}, indent=2, default=str) + "\n")
    print(f"\nWrote {RESULTS / 'web.json'}")


if __name__ == "__main__":
    main()
