"""The case bundle in a real browser: the panel chair of the demo's dispute at its hearing
downloads the bundle, and its index gives the documents' page numbers (read back from the
PDF). The documents reach the bundle through its documents seam, as uploaded ones will."""
import dataclasses
import hashlib
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casework.cases import Case
from tests.browser.steps import accessibility_violations, serious
from tests.notifications.bundle_samples import page_texts, sample_pdf, source
from tests.notifications.test_bundle_pdf import index_rows
from web.composition import bundle_work

pytestmark = pytest.mark.browser

CHAIR = "chair@compactpanel.example"
SPREADSHEET = b"month,meals\nOctober,412\nNovember,398\n"


@pytest.fixture
def documents(live_server):
    """The consultation response (a 2-page PDF) and a spreadsheet, handed to the bundle."""
    container = live_server.container
    before = bundle_work(container)
    handed = [source("Consultation response", sample_pdf("Consultation response", 2), "application/pdf", 1),
              source("Meals served", SPREADSHEET, "text/csv", 2, filename="meals.csv")]
    container.extras["bundles"] = dataclasses.replace(before, documents=lambda session, case: handed)
    yield handed
    container.extras["bundles"] = before


def test_the_panel_chair_downloads_the_bundle_and_its_index_gives_the_documents_pages(sign_in, live_server, documents):
    with live_server.container.factory() as db:
        case_id = db.scalar(select(Case.id).where(Case.workflow == "dispute", Case.status == "panel_hearing"))
    chair = sign_in(CHAIR)
    chair.goto(f"/cases/{case_id}")
    chair.get_by_role("button", name="Download the case bundle").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Case bundle")
    assert serious(accessibility_violations(chair)) == []
    shown = chair.locator("[data-sha256=pdf]").inner_text()
    with chair.expect_download() as download:
        chair.get_by_role("link", name="Download the case bundle").click()
    pdf = download.value.path().read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == shown
    pages = page_texts(pdf)
    index = index_rows(pages[1])
    assert index["Meals served"] == "In the ZIP file"
    first, last = (int(n) for n in re.fullmatch(r"(\d+) to (\d+)", index["Consultation response"]).groups())
    assert last == first + 1
    assert "Consultation response sheet 1" in pages[first - 1] and "Consultation response sheet 2" in pages[last - 1]
    with chair.expect_download() as download:
        chair.get_by_role("link", name="Download the other files").click()
    assert download.value.suggested_filename.endswith(".zip")
