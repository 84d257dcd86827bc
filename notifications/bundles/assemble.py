"""Putting a bundle together: render the parts (summary and timeline, then each letter, then
each PDF or image document in date order; then the same for the funding case a dispute is
about), count their pages, render the cover and index with
those page numbers (twice if the index's own length moves them), merge everything with pypdf
and lay a stamp page over each page: the case number and "Page N of M". Documents that cannot
be PDF pages go into a ZIP beside it, and are listed in the index."""
import io
import logging
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from PIL import Image
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PyPdfError

from casework.bundles import BundleSource
from notifications.bundles import pages
from notifications.bundles.contents import BuiltBundle, CaseRecord, IndexEntry, LetterPart, is_image, is_pdf
from notifications.letters.rendering import LONDON, long_date

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
A4 = (595.28, 841.89)
#: The title in the index of each group's summary and timeline.
RECORD_TITLES = ("Case summary and timeline", "Funding case summary and timeline")
#: The index is rendered again until its page count settles; twice is the most it ever takes.
MAX_INDEX_PASSES = 4


@dataclass
class _Part:
    title: str
    section: str
    added: str
    by: str = ""
    reader: PdfReader | None = None
    note: str = ""
    zipped: tuple[str, bytes] | None = field(default=None, repr=False)
    group: int = 0   # 0: the case's own papers; 1: the funding case a dispute is about
    about: str = ""  # the uploader's description of a document

    @property
    def count(self) -> int:
        return len(self.reader.pages) if self.reader is not None else 0


def build(record: CaseRecord, documents: list[BundleSource], progress: Progress = lambda _: None,
          linked_documents: Sequence[BundleSource] = ()) -> BuiltBundle:
    """The bundle's PDF (and ZIP, when some documents cannot be pages) for this case: its own
    papers, then (for a dispute about a funding case, `record.linked`) that case's papers,
    each group under its own heading in the index."""
    groups = [(record, list(documents))] + ([(record.linked, list(linked_documents))] if record.linked else [])
    total, done, parts = sum(len(d) for _, d in groups), 0, []
    for group, (case, sources) in enumerate(groups):
        parts.append(_Part(RECORD_TITLES[group], "record", long_date(record.built_at), group=group,
                           reader=_reader(pages.render("record.html", {"record": case}))))
        parts += [_letter(letter, group) for letter in case.letters]
        for source in sorted(sources, key=lambda d: (d.added_at, d.title)):
            parts.append(_document(source, group))
            done += 1
            progress(80 * done // max(total, 1))
    index, front = _front(record, parts)
    progress(85)
    pdf = _merge(record.ref, [front, *(p.reader for p in parts if p.reader is not None)])
    progress(95)
    zipped = [p.zipped for p in parts if p.zipped is not None]
    return BuiltBundle(pdf=pdf, pages=len(PdfReader(io.BytesIO(pdf)).pages), index=index,
                       zip=_zip(zipped) if zipped else None)


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def _letter(letter: LetterPart, group: int = 0) -> _Part:
    part = _Part(letter.title, "letter", long_date(letter.sent_at.astimezone(LONDON)), group=group)
    return _as_pages(part, letter.pdf, _pdf_pages, letter.filename)


def _document(source: BundleSource, group: int = 0) -> _Part:
    """A document as pages of the bundle, or as a file in the ZIP when it cannot be pages."""
    added = long_date(source.added_at.astimezone(LONDON))
    part = _Part(source.title, "document", added, by=source.added_by, group=group, about=source.description)
    to_pages = None
    if is_pdf(source):
        to_pages = _pdf_pages
    elif is_image(source):
        to_pages = partial(_image_page, {"title": source.title, "added": f"{added} by {part.by}"}, source.content_type)
    return _as_pages(part, source.read_bytes(), to_pages, _zip_name(source))


def _as_pages(part: _Part, body: bytes, to_pages: Callable[[bytes], PdfReader] | None, zip_name: str) -> _Part:
    """The part as pages, or in the ZIP when it is not a PDF or an image, or cannot be read as one."""
    try:
        part.reader = to_pages(body) if to_pages is not None else None
    except (PyPdfError, ValueError, OSError, Image.DecompressionBombError) as error:   # kept whole in the ZIP
        log.warning("Bundle: %s could not be made into pages (%s); it goes in the ZIP", part.title, error)
        part.note = "This file could not be shown as pages, so it is in the ZIP file."
    if part.reader is None:
        part.zipped = (zip_name, body)
    return part


def _pdf_pages(body: bytes) -> PdfReader:
    """A PDF whose pages can all be read; an encrypted one is refused (it cannot be stamped)."""
    reader = _reader(body)
    if reader.is_encrypted:
        raise ValueError("the PDF is encrypted")
    if not reader.pages:
        raise ValueError("the PDF has no pages")
    for page in reader.pages:
        page.mediabox  # noqa: B018 - reading each page's box fails early on a damaged file
    return reader


def _image_page(context: dict, content_type: str, body: bytes) -> PdfReader:
    """A page showing the image, checked by Pillow first (WeasyPrint leaves out one it cannot read)."""
    with Image.open(io.BytesIO(body)) as image:
        image.verify()
    return _reader(pages.render("image.html", context, image=(body, content_type)))


def _front(record: CaseRecord, parts: list[_Part]) -> tuple[list[IndexEntry], PdfReader]:
    """The cover and index, with each part's first and last page. The index's own length
    moves every number after it, so it is rendered until its page count stays the same."""
    in_zip = any(p.zipped for p in parts)
    front_pages = 2
    for _ in range(MAX_INDEX_PASSES):
        index = _index(parts, first=front_pages + 1)
        total = front_pages + sum(p.count for p in parts)
        front = _reader(pages.render("front.html", {"record": record, "index": index, "total": total,
                                                    "in_zip": in_zip, "groups": _headings(record)}))
        if len(front.pages) == front_pages:
            return index, front
        front_pages = len(front.pages)
    raise RuntimeError("the bundle's index did not settle on a length")


def _headings(record: CaseRecord) -> list[str]:
    """The index's headings, one for each group of papers: none when the case has only its own."""
    if record.linked is None:
        return []
    return [f"{record.kind} {record.ref}: {record.title}",
            f"The funding case {record.linked.ref} it is about: {record.linked.title}"]


def _index(parts: list[_Part], first: int) -> list[IndexEntry]:
    entries, page = [], first
    for number, part in enumerate(parts, start=1):
        if part.reader is None:
            entries.append(IndexEntry(number, part.title, part.section, part.added, part.by, note=part.note,
                                      group=part.group, about=part.about))
            continue
        entries.append(IndexEntry(number, part.title, part.section, part.added, part.by, page,
                                  page + part.count - 1, part.note, part.group, part.about))
        page += part.count
    return entries


def _merge(ref: str, readers: list[PdfReader]) -> bytes:
    """One PDF of every part, each page stamped at its top right."""
    writer = PdfWriter()
    for reader in readers:
        for page in reader.pages:
            added = writer.add_page(page)
            for key in ("/AA", "/Annots"):   # no page actions or form fields carried over from uploads
                if key in added:
                    del added[key]
    stamps = _reader(pages.stamp_pages(ref, len(writer.pages)))
    for page, stamp in zip(writer.pages, stamps.pages):
        if page.rotation:   # a turned page is stamped where its reader sees the top right
            page.transfer_rotation_to_content()
        box = page.mediabox
        # The stamp's top right on the page's top right, whatever the page's size.
        page.merge_transformed_page(stamp, Transformation().translate(
            float(box.right) - A4[0], float(box.top) - A4[1]))
    writer.add_metadata({"/Title": f"Case bundle {ref}", "/Creator": "Bexley Compact casework"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip_name(source: BundleSource) -> str:
    name = source.filename or source.title
    return "".join(ch if ch.isprintable() and ch not in '/\\:' else "_" for ch in name).strip() or "document"


def _zip(files: list[tuple[str, bytes]]) -> bytes:
    """The files that are not pages, each under its own name (numbered if two share one)."""
    out, seen = io.BytesIO(), set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, (name, body) in enumerate(files, start=1):
            unique = name if name not in seen else f"{number}-{name}"
            seen.add(unique)
            archive.writestr(unique, body)
    return out.getvalue()
