"""Documents made up for the bundle's tests: PDFs whose every page says which document and
page it is, a PNG, and files that are not pages (CSV), handed to the builder as the documents
seam (`casework.bundles.BundleSource`) would hand uploaded ones."""
import io
import subprocess
from datetime import datetime, timedelta, timezone

from PIL import Image
from weasyprint import HTML

from casework.bundles import BundleSource
from notifications.bundles.contents import CaseRecord, LetterPart, TimelineEntry

ADDED = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)


def sample_pdf(name: str, pages: int) -> bytes:
    """A PDF whose page i says "<name> sheet i" (and nothing that looks like a bundle stamp)."""
    html = "".join(f"<section style='break-after: page'><h1>{name} sheet {i}</h1><p>Monitoring figures.</p></section>"
                   for i in range(1, pages + 1))
    return HTML(string=html).write_pdf()


def sample_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (29, 112, 184)).save(out, "PNG")
    return out.getvalue()


def source(title: str, body: bytes, content_type: str, days: int, filename: str | None = None) -> BundleSource:
    return BundleSource(title=title, added_at=ADDED + timedelta(days=days), added_by="Grace Adeyemi",
                        content_type=content_type, read_bytes=lambda: body, filename=filename, size=len(body))


def record(letters: list[LetterPart] | None = None, events: int = 3) -> CaseRecord:
    return CaseRecord(
        ref="DS-0007", title="Lunch club funding dispute", kind="Compact dispute",
        organisation="London Borough of Bexley",
        summary=[("Raised by", "Crayford Community Kitchen"), ("About", "London Borough of Bexley")],
        timeline=[TimelineEntry(f"Step {i}", "Priya Shah", "1 December 2026, 10:00", "Reason: the figures")
                  for i in range(1, events + 1)],
        letters=letters if letters is not None else [
            LetterPart("dispute_outcome", "dispute-outcome-DS-0007.pdf", ADDED, sample_pdf("Outcome letter", 2))],
        built_at=datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc))


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text as pdftotext reads it (poppler: an independent reader)."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return text.decode().split("\f")[:-1]
