"""Benchmark of the case bundle: a case with 300 pages of documents, built as the scheduler
builds it (claim, read the case, render, merge, stamp, write the files). Target: under 30
seconds on this machine. Measured, never asserted in a test.

    .venv/bin/python benchmarks/bundle.py [--pages 300] [--per-document 10] [--images 5]

The documents are handed in through the bundle's documents seam (`BundleWork.documents`), as
uploaded ones will be: PDFs of text pages rendered once by WeasyPrint before the clock starts,
a few photos (PNG), and a spreadsheet for the ZIP. The case is a funding case at "Concern
raised" with its letter, on a scratch SQLite file. Results go to benchmarks/results/bundle.json.
"""
import argparse
import io
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from sqlalchemy import select  # noqa: E402
from weasyprint import HTML  # noqa: E402

from casework.bundles import Bundle, BundleSource  # noqa: E402
from casework.clock import FixedClock  # noqa: E402
from casework.models import Base  # noqa: E402
from casework.persistence import make_engine, make_session_factory  # noqa: E402
from notifications.bundles.jobs import BundleWork, build_due, request_bundle  # noqa: E402
from notifications.case_letters import render_case_letter  # noqa: E402
from tests.factories import funding_case_at, make_cast  # noqa: E402
from web.config import DEV_AUDIT_KEY  # noqa: E402
from web.presenters.bundles import describer  # noqa: E402
from workflows import calendar as cal  # noqa: E402
from workflows.context import Hooks  # noqa: E402
from workflows.service import CaseService  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
PARAGRAPH = ("<p>Meals served, volunteers on shift and referrals received, by week, with notes on each "
             "session and what changed since the last return.</p>")


def text_pdf(name: str, pages: int) -> bytes:
    html = "".join(f"<section style='break-after: page'><h1>{name}, page {i}</h1>{PARAGRAPH * 14}</section>"
                   for i in range(1, pages + 1))
    return HTML(string=html).write_pdf()


def photo(seed: int) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((1600, 1200), 40 + seed).convert("RGB").save(out, "PNG")
    return out.getvalue()


def documents(pages: int, per_document: int, images: int, start: datetime) -> list[BundleSource]:
    body = text_pdf("Monitoring return", per_document)
    count = pages // per_document
    found = [BundleSource(f"Monitoring return {n}", start + timedelta(hours=n), "Grace Adeyemi", "application/pdf",
                          lambda: body, size=len(body)) for n in range(1, count + 1)]
    found += [BundleSource(f"Photo {n}", start + timedelta(hours=count + n), "Grace Adeyemi", "image/png",
                           (lambda b: lambda: b)(photo(n))) for n in range(1, images + 1)]
    csv = b"week,meals\n" + b"".join(b"%d,%d\n" % (w, 400 + w) for w in range(52))
    found.append(BundleSource("Meals served", start, "Grace Adeyemi", "text/csv", lambda: csv, filename="meals.csv"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="pages of PDF documents [300]")
    parser.add_argument("--per-document", type=int, default=10, help="pages in each PDF [10]")
    parser.add_argument("--images", type=int, default=5, help="photos, a page each [5]")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bundle-bench-"))
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine, audit_key=DEV_AUDIT_KEY)
    clock = FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))
    calendar = cal.WorkingCalendar()
    service = CaseService(factory, calendar=calendar, hooks=Hooks(render_letter=render_case_letter))
    case = funding_case_at(service, make_cast(factory), clock, "concern_raised")
    print(f"Preparing {args.pages} pages of PDFs and {args.images} photos ...", flush=True)
    docs = documents(args.pages, args.per_document, args.images, clock.now())
    work = BundleWork(factory, folder / "bundles", describer("London Borough of Bexley", calendar),
                      documents=lambda session, c: docs)
    request_bundle(work, case.id, None, clock.now())
    load = os.getloadavg()[0]
    cpu, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    built = build_due(work, clock.now(), "bench")
    seconds = time.perf_counter() - wall
    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu_seconds = used.ru_utime - cpu.ru_utime + used.ru_stime - cpu.ru_stime
    with factory() as s:
        bundle = s.scalar(select(Bundle))
    size = (folder / "bundles" / bundle.pdf_path).stat().st_size
    result = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "built": built,
              "status": bundle.status, "pages": bundle.pages, "document_pages": args.pages, "images": args.images,
              "seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2), "pdf_mb": round(size / 1e6, 1),
              "load_average_at_start": round(load, 2), "target_seconds": 30}
    print(f"Bundle of {bundle.pages} pages ({args.pages} of PDF documents, {args.images} photos, a letter, "
          f"the summary and timeline): {seconds:.1f} s ({cpu_seconds:.1f} s CPU), {size / 1e6:.1f} MB; "
          f"load average {load:.2f} at the start. Target under 30 s: {'met' if seconds < 30 else 'MISSED'}.")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bundle.json").write_text(json.dumps(result, indent=2) + "\n")
    engine.dispose()
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
