"""Files are accepted or refused by their content, never their name; names are cleaned for storage."""
import io
import zipfile
import zlib

import pytest
from PIL import Image

from casework.file_checks import CSV, DOCX, ODS, PDF, PNG, TXT, XLSX, FileRefused, Limits, clean_name, inspect_file

OOXML_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Override PartName="/{part}" ContentType="{type}"/></Types>')
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def ooxml(main_type: str, part: str = "word/document.xml", body: bytes = b"<w:document/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", OOXML_TYPES.format(part=part, type=main_type))
        z.writestr(part, body)
    return buffer.getvalue()


def pdf(body: bytes = b"") -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


def test_accepted_types_are_known_by_their_content():
    assert inspect_file(pdf()) is PDF
    assert inspect_file(png()) is PNG
    assert inspect_file(ooxml(WORD)) is DOCX
    assert inspect_file(ooxml(EXCEL, "xl/workbook.xml")) is XLSX
    assert inspect_file(b"name,attendance\nMonday,32\nTuesday,28\n") is CSV
    assert inspect_file("Notes from the meeting — 3 December\n".encode()) is TXT


def test_an_opendocument_spreadsheet_is_known_by_its_mimetype_entry():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    assert inspect_file(buffer.getvalue()) is ODS


@pytest.mark.parametrize("content, words", [
    (b"MZ\x90\x00\x03" + b"\x00" * 200, "must be a PDF"),                       # a Windows program renamed .pdf
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "must be a PDF"),                  # a Linux program
    (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "web page"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    (b"", "is empty"),
    (b"GIF89a\x01\x00\x01\x00", "must be a PDF"),
    (b"plain text\x00with a NUL", "must be a PDF"),
])
def test_refused_content_says_why(content, words):
    with pytest.raises(FileRefused, match=words):
        inspect_file(content)


def test_a_pdf_with_javascript_is_refused():
    with pytest.raises(FileRefused, match="JavaScript"):
        inspect_file(pdf(b"2 0 obj << /S /JavaScript /JS (app.alert('hi')) >> endobj"))


def test_javascript_hidden_in_a_compressed_object_stream_is_found():
    hidden = zlib.compress(b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>")
    with pytest.raises(FileRefused, match="JavaScript"):
        inspect_file(pdf(b"3 0 obj << /Type /ObjStm /Filter /FlateDecode >> stream\n" + hidden + b"\nendstream endobj"))


def test_a_zip_bomb_inside_a_docx_is_refused_without_unpacking_it():
    bomb = ooxml(WORD, body=b"\x00" * (20 * 1024 * 1024))   # 20 MB of zeros packs to about 20 KB
    assert len(bomb) < 100_000
    with pytest.raises(FileRefused, match="ZIP bomb"):
        inspect_file(bomb)


def test_a_container_expanding_past_the_total_limit_is_refused():
    big = ooxml(WORD, body=bytes(range(256)) * 8000)   # 2 MB that packs poorly: no ratio problem
    with pytest.raises(FileRefused, match="ZIP bomb"):
        inspect_file(big, Limits(max_unpacked=1024 * 1024))


def test_a_zip_that_is_not_an_office_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("payload.exe", b"MZ")
    with pytest.raises(FileRefused, match="must be a PDF"):
        inspect_file(buffer.getvalue())


def test_a_file_over_the_limit_is_refused_with_the_limit():
    with pytest.raises(FileRefused, match="smaller than 1MB"):
        inspect_file(pdf(b"x" * (1024 * 1024)), Limits(max_bytes=1024 * 1024))


@pytest.mark.parametrize("given, stored", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\grace\\returns.pdf", "returns.pdf"),
    ("report\r\nSet-Cookie: x=1.pdf", "report Set-Cookie: x=1.pdf"),
    ("\x00\x1b[31mred.csv", "[31mred.csv"),
    (".hidden", "hidden"),
    ("", "document"),
])
def test_names_are_cleaned_for_storage(given, stored):
    assert clean_name(given) == stored


def test_a_300_character_name_is_shortened_keeping_its_extension():
    cleaned = clean_name("a" * 296 + ".pdf")
    assert len(cleaned) == 200 and cleaned.endswith(".pdf")
