"""The case bundle's PDF, read back as a person would read it (poppler's pdftotext): a cover,
an index whose page numbers lead to each part, every page stamped with the case number and
"Page N of M", PDFs and images in date order, and what cannot be pages in the ZIP."""
import io
import re
import zipfile

import pytest
from pypdf import PdfReader, PdfWriter

from notifications.bundles.assemble import build
from tests.notifications.bundle_samples import page_texts, record, sample_pdf, sample_png, source

CSV = b"month,meals\nOctober,412\nNovember,398\n"


@pytest.fixture(scope="module")
def bundle():
    """Summary and timeline, a 2-page letter, then documents added out of order: a 3-page
    return (day 3), a photo (day 1), a spreadsheet (day 2) and a 1-page plan (day 4)."""
    documents = [source("Monitoring return", sample_pdf("Monitoring return", 3), "application/pdf", 3),
                 source("Photo of the kitchen", sample_png(), "image/png", 1),
                 source("Meals served", CSV, "text/csv", 2, filename="meals.csv"),
                 source("Improvement plan", sample_pdf("Improvement plan", 1), "application/pdf", 4)]
    return build(record(), documents)


def index_rows(text: str) -> dict[str, str]:
    """Index lines as {title: pages}: "3  Photo of the kitchen  3 December 2026, by ...  7"."""
    rows = {}
    for line in text.splitlines():
        found = re.match(r"\s*\d+\s+(.+?)\s{2,}.*?\s{2,}(\d+(?: to \d+)?|In the ZIP file)\s*$", line)
        if found:
            rows[found[1]] = found[2]
    return rows


def test_the_index_gives_each_part_the_pages_it_is_on(bundle):
    pages = page_texts(bundle.pdf)
    index = index_rows(pages[1])
    # Cover page 1, index page 2; then summary and timeline (1 page), the letter (2 pages), and
    # the documents by date: photo (1), spreadsheet (ZIP), return (3), plan (1).
    assert index == {"Case summary and timeline": "3", "Letter: dispute outcome": "4 to 5",
                     "Photo of the kitchen": "6", "Meals served": "In the ZIP file",
                     "Monitoring return": "7 to 9", "Improvement plan": "10"}
    assert "Case summary" in pages[2]
    assert "Outcome letter sheet 1" in pages[3] and "Outcome letter sheet 2" in pages[4]
    assert "Photo of the kitchen" in pages[5]
    assert [n for n, text in enumerate(pages, start=1) if "Monitoring return sheet" in text] == [7, 8, 9]
    assert "Improvement plan sheet 1" in pages[9]


def test_every_page_is_stamped_with_the_case_number_and_page_n_of_m(bundle):
    pages = page_texts(bundle.pdf)
    assert len(pages) == bundle.pages == 10
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"DS-0007\s+Page {number} of 10\b", text), f"page {number}: {text[:200]!r}"


def test_the_cover_names_the_case_and_the_organisation(bundle):
    cover = page_texts(bundle.pdf)[0]
    for words in ("Case bundle", "DS-0007", "Lunch club funding dispute", "London Borough of Bexley", "7 December 2026"):
        assert words in cover


def test_files_that_are_not_pages_are_in_the_zip_under_their_names(bundle):
    with zipfile.ZipFile(io.BytesIO(bundle.zip)) as archive:
        assert archive.namelist() == ["meals.csv"]
        assert archive.read("meals.csv") == CSV


def test_a_bundle_of_pdfs_and_images_only_has_no_zip():
    built = build(record(letters=[]), [source("Plan", sample_pdf("Plan", 1), "application/pdf", 1)])
    assert built.zip is None
    assert "In the ZIP file" not in page_texts(built.pdf)[1]


def test_a_damaged_pdf_goes_in_the_zip_and_the_index_says_so():
    broken = b"%PDF-1.7\nthis is not really a PDF"
    built = build(record(letters=[]), [source("Accounts 2025", broken, "application/pdf", 1, filename="accounts.pdf")])
    index = page_texts(built.pdf)[1]
    assert "could not be shown as pages" in index
    assert index_rows(index)["Accounts 2025"] == "In the ZIP file"
    with zipfile.ZipFile(io.BytesIO(built.zip)) as archive:
        assert archive.read("accounts.pdf") == broken


def test_a_long_index_moves_every_page_number_after_it():
    """Forty-five documents need more than one index page: the numbers count them all."""
    receipts = PdfReader(io.BytesIO(sample_pdf("Receipt", 45))).pages
    documents = [source(f"Receipt {n}", single_page(receipts[n - 1]), "application/pdf", n) for n in range(1, 46)]
    built = build(record(letters=[], events=1), documents)
    pages = page_texts(built.pdf)
    summary_on = next(n for n, text in enumerate(pages, start=1) if "Case summary" in text and "Timeline" in text)
    index = index_rows("".join(pages[1:summary_on - 1]))
    assert summary_on > 3 and index["Case summary and timeline"] == str(summary_on)
    for n in (1, 30, 45):
        assert f"Receipt sheet {n}\n" in pages[int(index[f"Receipt {n}"]) - 1] + "\n"


def single_page(page) -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_page(page)
    writer.write(out)
    return out.getvalue()


def test_an_image_that_is_not_one_goes_in_the_zip():
    built = build(record(letters=[]), [source("Photo", b"\x89PNG\r\n\x1a\nbroken", "image/png", 1, filename="photo.png")])
    assert index_rows(page_texts(built.pdf)[1])["Photo"] == "In the ZIP file"


def test_a_disputes_bundle_gives_the_funding_case_its_own_section_after_the_disputes_papers():
    import dataclasses
    funding = dataclasses.replace(record(letters=[], events=1), ref="FC-0003", title="Lunch club for older residents",
                                  kind="Funding case")
    dispute = dataclasses.replace(record(), linked=funding)
    built = build(dispute, [source("Our evidence", sample_pdf("Dispute evidence", 1), "application/pdf", 1)],
                  linked_documents=[source("Monitoring return", sample_pdf("Monitoring return", 2), "application/pdf", 2),
                                    source("Meals served", CSV, "text/csv", 3, filename="meals.csv")])
    pages = page_texts(built.pdf)
    # Cover 1, index 2; the dispute: summary 3, its 2-page letter 4-5, its evidence 6; then the
    # funding case: summary 7, its 2-page monitoring return 8-9; the spreadsheet in the ZIP.
    assert index_rows(pages[1]) == {"Case summary and timeline": "3", "Letter: dispute outcome": "4 to 5",
                                    "Our evidence": "6", "Funding case summary and timeline": "7",
                                    "Monitoring return": "8 to 9", "Meals served": "In the ZIP file"}
    index = pages[1]
    heading = "The funding case FC-0003 it is about: Lunch club for older residents"
    assert index.index("Compact dispute DS-0007") < index.index("Our evidence") < index.index(heading) \
        < index.index("Funding case summary and timeline")
    assert "Funding case FC-0003: Lunch club for older residents" in pages[6]
    assert "Monitoring return sheet 1" in pages[7] and "Monitoring return sheet 2" in pages[8]
    assert len(pages) == 9 and all(f"DS-0007 Page {n} of 9" in " ".join(text.split()) for n, text in enumerate(pages, 1))
    assert zipfile.ZipFile(io.BytesIO(built.zip)).namelist() == ["meals.csv"]
