"""What an uploaded file is, decided by its content and never its name: the types evidence
may be (PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG, JPEG, CSV, TXT), or the reason it is refused.

Binary types are recognised by their signature with `filetype`. Office documents are ZIP
containers, so each is opened and its own marker read: OOXML's `[Content_Types].xml` names
the main part, ODF's first entry `mimetype` names the format. A container whose entries would
expand past `max_unpacked` bytes in all, or any entry past `max_ratio` times its packed size,
is refused as a ZIP bomb without being unpacked. Text (CSV, TXT) must be UTF-8 with no NUL or
other control character than tab and line breaks; HTML and SVG are refused even though they
are text, because a browser would run what is in them. A PDF with JavaScript in it (`/JS` or
`/JavaScript`, also inside compressed object streams) is refused, not quarantined: nobody needs
a script to read evidence, and a refusal tells the uploader at once what to do."""
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

import filetype


class FileRefused(ValueError):
    """The file cannot be accepted; the message says why in words for the person uploading it."""


@dataclass(frozen=True)
class FileKind:
    """An accepted type: what people read ("PDF"), its MIME type, and whether a browser may show it."""

    label: str
    mime: str
    inline: bool = False


PDF = FileKind("PDF", "application/pdf", inline=True)
PNG = FileKind("PNG image", "image/png", inline=True)
JPEG = FileKind("JPEG image", "image/jpeg", inline=True)
DOCX = FileKind("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("Excel spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PPTX = FileKind("PowerPoint presentation",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation")
ODT = FileKind("OpenDocument text", "application/vnd.oasis.opendocument.text")
ODS = FileKind("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet")
CSV = FileKind("CSV", "text/csv")
TXT = FileKind("Text", "text/plain")
KINDS = {k.mime: k for k in (PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT, ODS, CSV, TXT)}

#: The names people read in "The selected file must be ...".
ALLOWED_WORDS = "a PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG, JPG, CSV or TXT"
#: OOXML's main part content types (in [Content_Types].xml), by kind.
_OOXML = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
          "application/vnd.ms-excel.sheet.macroEnabled.main+xml": None,
          "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX}
_ODF = {ODT.mime: ODT, ODS.mime: ODS}
_PDF_SCRIPT = re.compile(rb"/(JS|JavaScript)\b|/J#53|/Java#53cript")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_MARKUP = re.compile(r"<\s*(!doctype\s+html|html|svg|script|body|iframe)\b", re.I)


@dataclass(frozen=True)
class Limits:
    """How big a file may be, and how far a ZIP container may expand."""

    max_bytes: int = 20 * 1024 * 1024
    max_unpacked: int = 200 * 1024 * 1024
    max_ratio: int = 100


def inspect_file(data: bytes, limits: Limits = Limits()) -> FileKind:
    """The kind of this file by its content, or FileRefused with the reason."""
    if not data:
        raise FileRefused("The selected file is empty")
    if len(data) > limits.max_bytes:
        raise FileRefused(f"The selected file must be smaller than {_size_words(limits.max_bytes)}")
    guess = filetype.guess(data)
    mime = guess.mime if guess else None
    if mime == "application/pdf":
        _check_pdf(data)
        return PDF
    if mime in ("image/png", "image/jpeg"):
        return KINDS[mime]
    if mime in ("application/zip", *(k.mime for k in (DOCX, XLSX, PPTX, ODT, ODS))):
        return _container(data, limits)
    if mime is None:
        return _text(data)
    raise FileRefused(f"The selected file must be {ALLOWED_WORDS}")


def _check_pdf(data: bytes) -> None:
    if _PDF_SCRIPT.search(data) or any(_PDF_SCRIPT.search(part) for part in _inflated_streams(data)):
        raise FileRefused("The selected file is a PDF with JavaScript in it. Save it again without scripts "
                          "(for example, print it to a new PDF)")


def _inflated_streams(data: bytes, budget: int = 50 * 1024 * 1024):
    """The PDF's Flate-compressed streams, expanded up to a budget (scripts hide in object streams)."""
    for match in _STREAM.finditer(data):
        inflater = zlib.decompressobj()
        try:
            part = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(part)
        yield part
        if budget <= 0:
            return


def _container(data: bytes, limits: Limits) -> FileKind:
    refused = FileRefused(f"The selected file must be {ALLOWED_WORDS}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise refused from None
    total = sum(e.file_size for e in entries)
    if total > limits.max_unpacked or any(e.file_size > limits.max_ratio * max(e.compress_size, 1) and
                                          e.file_size > 1024 * 1024 for e in entries):
        raise FileRefused("The selected file expands to far more than its size (it may be a ZIP bomb)")
    with archive:
        names = {e.filename for e in entries}
        try:
            if "[Content_Types].xml" in names:
                types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
                kind = next((k for t, k in _OOXML.items() if t in types), None)
            elif entries and entries[0].filename == "mimetype":
                kind = _ODF.get(archive.read("mimetype").decode("ascii", "replace").strip())
            else:
                kind = None
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
            raise refused from None
    if kind is None:
        raise refused
    return kind


def _text(data: bytes) -> FileKind:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(f"The selected file must be {ALLOWED_WORDS}") from None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f" for ch in text):
        raise FileRefused(f"The selected file must be {ALLOWED_WORDS}")
    if _MARKUP.search(text[:4096]):
        raise FileRefused("The selected file is a web page or an SVG image, which cannot be added as evidence. "
                          "Save it as a PDF first")
    return CSV if _looks_like_csv(text) else TXT


def _looks_like_csv(text: str) -> bool:
    """Two or more lines with the same number of commas (at least one each)."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    return len(lines) >= 2 and lines[0].count(",") >= 1 and len({line.count(",") for line in lines[:5]}) == 1


def _size_words(n: int) -> str:
    return f"{n // (1024 * 1024)}MB" if n >= 1024 * 1024 else f"{n // 1024}KB"


def clean_name(name: str, limit: int = 200) -> str:
    """A file name safe to store and to put in a header: no folders, control characters or
    leading dots, at most `limit` characters with its extension kept."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in base)
    base = " ".join(base.split()).lstrip(".").strip() or "document"
    if len(base) > limit:
        stem, dot, ext = base.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        base = (stem if ext else base)[:limit - len(ext) - 1].rstrip() + (f".{ext}" if ext else "")
    return base
