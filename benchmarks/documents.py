"""Upload benchmark: a 20 MB file sent from the documents page of a case, checked by its
content, stored, recorded and scanned by a real clamd, timed end to end through the Flask app
(the test client: multipart parsing included, no network). Target: under 5 seconds each.

    .venv/bin/python benchmarks/documents.py               # 5 uploads of 20 MB
    .venv/bin/python benchmarks/documents.py --runs 2 --mb 5

clamd starts on a private socket with the tests' one-signature database (tests/clamav.py), so
its scan time here is the engine's, not a production database's (about a minute to load, but
scanning time grows little with it). Prints a table and writes benchmarks/results/documents.json."""
import argparse
import io
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=int, default=20, help="size of each file in MB (at most the 20 MB limit)")
    args = parser.parse_args()
    from sqlalchemy import select

    from casework.clock import FixedClock
    from casework.documents import Document
    from casework.persistence import make_engine, make_session_factory
    from casework.models import Base
    from tests.clamav import ClamdProcess
    from tests.factories import funding_case_at, make_cast
    from tests.web.conftest import make_app
    from tests.web.helpers import sign_in_directly
    from web.config import DEV_AUDIT_KEY
    from workflows.context import Hooks
    from workflows.service import CaseService
    from werkzeug.datastructures import MultiDict
    from werkzeug.test import EnvironBuilder

    with tempfile.TemporaryDirectory() as folder:
        clamd = ClamdProcess(Path(folder) / "clamd").start()
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        Base.metadata.create_all(engine)
        factory = make_session_factory(engine, audit_key=DEV_AUDIT_KEY)
        clock = FixedClock(datetime(2026, 12, 1, 10, tzinfo=timezone.utc))
        service = CaseService(factory, hooks=Hooks())
        cast = make_cast(factory)
        case = funding_case_at(service, cast, clock, "consultation", route="resource")
        app = make_app(engine, service, clock, clamd_socket=clamd.socket, documents_path=f"{folder}/documents")
        browser = sign_in_directly(app, app.test_client(), "fo")
        token = browser.fetch_token()
        timings, cpu = [], []
        try:
            for n in range(args.runs):
                # Different bytes each run (a PDF header, then filler), so each is stored and scanned anew.
                content = b"%PDF-1.4\n" + os.urandom(16) + b"0" * (args.mb * 1024 * 1024 - 64) + b"\n%%EOF\n"
                data = MultiDict([("csrf_token", token), ("documents_description", f"Run {n}"),
                                  ("documents", (io.BytesIO(content), f"run-{n}.pdf"))])
                builder = EnvironBuilder(path=f"/cases/{case.id}/documents/new", method="POST", data=data)
                environ = builder.get_environ()
                started, cpu_started = time.perf_counter(), time.process_time()
                response = browser.open(environ)
                timings.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
                environ["wsgi.input"].close()
                assert response.status_code == 302, response.status_code
        finally:
            clamd.stop()
        with factory() as db:
            statuses = list(db.scalars(select(Document.scan_status)))
        engine.dispose()
    assert statuses == ["clean"] * args.runs, statuses
    result = {"mb": args.mb, "runs": args.runs, "seconds": timings, "cpu_seconds": cpu,
              "max_seconds": max(timings), "target_seconds": 5, "load_average": os.getloadavg()}
    print(f"| upload of {args.mb} MB, scanned | best {min(timings):.2f} s | worst {max(timings):.2f} s "
          f"| CPU (this process) {sum(cpu) / len(cpu):.2f} s | target 5 s: {'met' if max(timings) < 5 else 'MISSED'} |")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "documents.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
