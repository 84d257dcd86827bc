"""Issue #14's journey in a real browser: an organisation attaches its consultation response
(a PDF) and a spreadsheet (XLSX) to a funding case; once the tests' clamd has checked them the
contract manager sees both; a dispute about the case reaches the Compact panel (its earlier
steps through the service, as the demo's are); the panel chair downloads the case bundle and
its index gives both documents, the response's page numbers leading to its pages (read back
from the PDF with pdftotext) and the spreadsheet in the ZIP. The pages on the way have no
accessibility problems (axe, WCAG 2.2 AA)."""
import dataclasses
import hashlib
import io
import re
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from casework.clock import FixedClock
from tests.browser.steps import accessibility_violations, choose_action, send, serious
from tests.casework.test_file_checks import EXCEL, ooxml
from tests.notifications.bundle_samples import page_texts, sample_pdf
from tests.notifications.test_bundle_pdf import index_rows
from workflows.journeys import DISPUTE_RAISE, DISPUTE_TO_PANEL
from workflows.service import CaseService

pytestmark = pytest.mark.browser

YOUTH = "director@erithyouth.example"
MANAGER = "contract.manager@bexley.example"
CHAIR = "chair@compactpanel.example"
RESPONSE = sample_pdf("Consultation response", 2)
SPREADSHEET = ooxml(EXCEL, "xl/workbook.xml")


def dispute_at_the_hearing(live_server, funding_case_id: int) -> int:
    """The organisation's dispute about the funding case, walked to its panel hearing (a day a
    step, from 20 days ago) by the people the demo casts in each part; no letters rendered."""
    service, ids = live_server.container.service, live_server.ids
    quiet = CaseService(service.factory, limits=service.limits, calendar=service.calendar,
                        hooks=dataclasses.replace(service.hooks, render_letter=None))
    clock = FixedClock(datetime.now(timezone.utc) - timedelta(days=20))
    case = quiet.raise_dispute(ids["youth"], {**DISPUTE_RAISE, "respondent": ids["org:council"],
                                              "linked_case": funding_case_id}, clock.now())
    people = {**ids, "complainant": ids["youth"], "respondent": ids["complaints"], "respondent_dm": ids["dm"]}
    for step in DISPUTE_TO_PANEL:
        if case.status == "panel_hearing":
            break
        clock.advance(days=step.days_after)
        case = quiet.fire(case.id, step.trigger, people[step.who], step.data_for(clock.now(), people), clock.now())
    assert case.status == "panel_hearing"
    return case.id


def test_a_response_with_a_spreadsheet_reaches_the_panel_in_the_indexed_bundle(sign_in, live_server):
    funding_case = live_server.case_id("Detached youth work")
    vco = sign_in(YOUTH)
    choose_action(vco, funding_case, "Send your response")
    assert serious(accessibility_violations(vco)) == []
    vco.get_by_label("Response").fill("Our full response is attached, with last year's sessions.")
    vco.get_by_label("Attach files (optional)").set_input_files([
        {"name": "Our response.pdf", "mimeType": "application/pdf", "buffer": RESPONSE},
        {"name": "Sessions 2026.xlsx", "mimeType": "application/octet-stream", "buffer": SPREADSHEET}])
    vco.get_by_label("Describe the files (optional)").fill("Response and session figures")
    send(vco, "Continue")
    expect(vco.get_by_role("heading", level=1)).to_have_text("Check your answers before you send them")
    expect(vco.locator(".govuk-summary-list")).to_contain_text("Our response.pdf")
    expect(vco.locator(".govuk-summary-list")).to_contain_text("Sessions 2026.xlsx")
    assert serious(accessibility_violations(vco)) == []
    send(vco, "Send your response")
    expect(vco.locator(".govuk-notification-banner--success")).to_contain_text("Your response was sent.")

    # The contract manager, once clamd has checked both.
    manager = sign_in(MANAGER)
    manager.goto(f"/cases/{funding_case}")
    documents = manager.locator("table.app-documents")
    expect(documents.locator("tr", has_text="Our response.pdf")).to_contain_text("Checked")
    expect(documents.locator("tr", has_text="Sessions 2026.xlsx")).to_contain_text("Checked")
    expect(documents.locator("tr", has_text="Sessions 2026.xlsx")).to_contain_text("Excel spreadsheet")
    with manager.expect_download() as download:
        documents.get_by_role("link", name="Sessions 2026.xlsx").click()
    assert download.value.suggested_filename == "Sessions 2026.xlsx"
    assert download.value.path().read_bytes() == SPREADSHEET
    timeline = manager.locator(".moj-timeline__item", has_text="Send your response")
    expect(timeline.get_by_role("link", name="Our response.pdf")).to_be_visible()

    # The panel chair of the dispute about the case downloads its bundle.
    dispute = dispute_at_the_hearing(live_server, funding_case)
    chair = sign_in(CHAIR)
    chair.goto(f"/cases/{dispute}")
    chair.get_by_role("button", name="Download the case bundle").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("Case bundle")
    assert accessibility_violations(chair) == []
    shown = chair.locator("[data-sha256=pdf]").inner_text()
    with chair.expect_download() as download:
        chair.get_by_role("link", name="Download the case bundle").click()
    pdf = download.value.path().read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == shown
    pages = page_texts(pdf)
    index = index_rows(pages[1])
    assert re.search(r"The funding case FC-\d{4} it is about: Detached youth work", pages[1])
    assert index["Sessions 2026.xlsx"] == "In the ZIP file"
    first, last = (int(n) for n in re.fullmatch(r"(\d+) to (\d+)", index["Our response.pdf"]).groups())
    assert last == first + 1
    assert "Consultation response sheet 1" in pages[first - 1] and "Consultation response sheet 2" in pages[last - 1]
    assert "Response and session figures" in pages[1]
    with chair.expect_download() as download:
        chair.get_by_role("link", name="Download the other files").click()
    with zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())) as archive:
        assert archive.read("Sessions 2026.xlsx") == SPREADSHEET
