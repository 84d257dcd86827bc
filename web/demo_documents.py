"""Demo documents for `make run`: a small PDF, a PNG chart and a CSV of attendance figures on
two demo cases, stored and recorded as any upload is (checked by clamd when one is set up;
otherwise held "not checked", which only their uploader may open)."""
import io

from sqlalchemy import select

from casework.cases import Case
from casework.documents import Upload
from casework.file_checks import inspect_file
from notifications.document_scans import scan_document
from web.composition import Container, document_desk
from workflows.documents import Attachments, add_to_case

ATTENDANCE = b"month,sessions,attendance\nApril,12,31\nMay,13,29\nJune,12,33\nJuly,8,21\n"


def seed_documents(container: Container, ids: dict[str, int]) -> None:
    """Add the demo files to the kitchen's lunch club (its response) and the youth work case."""
    desk, now = document_desk(container), container.clock.now()
    with container.factory() as db:
        cases = {title: case_id for title, case_id in db.execute(select(Case.title, Case.id))}
    files = {"lunch": [("Consultation response - Crayford Community Kitchen.pdf", _pdf("Our response")),
                       ("Attendance April to July.csv", ATTENDANCE)],
             "youth": [("Sessions chart.png", _png())]}
    for title, key, who, description in (("Lunch club for older residents", "lunch", "vl", "Our response and figures"),
                                         ("Detached youth work", "youth", "fo", "Sessions delivered this year")):
        uploads = tuple(_upload(desk, name, content) for name, content in files[key])
        for document_id in add_to_case(container.factory, cases[title], ids[who],
                                       Attachments(uploads, description, desk.first_status), now):
            scan_document(container.factory, desk.store, desk.scanner, document_id, now,
                          base_url=container.settings.base_url, sender=container.settings.mail_sender)


def _upload(desk, name: str, content: bytes) -> Upload:
    return Upload(name, name, desk.store.put(content), len(content), inspect_file(content, desk.limits).mime)


def _pdf(text: str) -> bytes:
    """A one-page PDF saying `text`, written out by hand (no library needed for so little)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _png() -> bytes:
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (240, 120), "white")
    draw = ImageDraw.Draw(image)
    for n, height in enumerate((60, 80, 70, 95)):
        draw.rectangle((20 + n * 55, 110 - height, 55 + n * 55, 110), fill=(29, 112, 184))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
