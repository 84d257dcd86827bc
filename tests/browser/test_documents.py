"""An organisation attaches its consultation response (a PDF) and a spreadsheet to its
response; once clamd has checked them the contract manager sees and opens both. The upload
pages have no serious accessibility problems."""
import pytest
from playwright.sync_api import expect

from tests.browser.steps import accessibility_violations, choose_action, send, serious
from tests.casework.test_file_checks import EXCEL, ooxml, pdf

pytestmark = pytest.mark.browser

YOUTH = "director@erithyouth.example"
MANAGER = "contract.manager@bexley.example"


def test_an_organisation_attaches_its_response_and_the_contract_manager_reads_it(sign_in, live_server):
    case = live_server.case_id("Detached youth work")
    vco = sign_in(YOUTH)
    choose_action(vco, case, "Send your response")
    assert serious(accessibility_violations(vco)) == []
    vco.get_by_label("Response").fill("Our full response is attached, with last year's sessions.")
    vco.get_by_label("Attach files (optional)").set_input_files([
        {"name": "Our response.pdf", "mimeType": "application/pdf", "buffer": pdf(b"% our response")},
        {"name": "Sessions 2026.xlsx", "mimeType": "application/octet-stream",
         "buffer": ooxml(EXCEL, "xl/workbook.xml")}])
    vco.get_by_label("Describe the files (optional)").fill("Response and session figures")
    send(vco, "Continue")
    expect(vco.get_by_role("heading", level=1)).to_have_text("Check your answers before you send them")
    expect(vco.locator(".govuk-summary-list")).to_contain_text("Our response.pdf")
    expect(vco.locator(".govuk-summary-list")).to_contain_text("Sessions 2026.xlsx")
    assert serious(accessibility_violations(vco)) == []
    send(vco, "Send your response")
    expect(vco.locator(".govuk-notification-banner--success")).to_contain_text("Your response was sent.")

    manager = sign_in(MANAGER)
    manager.goto(f"/cases/{case}")
    documents = manager.locator("table.app-documents")
    expect(documents).to_contain_text("Our response.pdf")
    expect(documents).to_contain_text("Sessions 2026.xlsx")
    expect(documents.locator("tr", has_text="Our response.pdf")).to_contain_text("Checked")
    expect(documents.locator("tr", has_text="Sessions 2026.xlsx")).to_contain_text("Excel spreadsheet")
    with manager.expect_download() as download:
        documents.get_by_role("link", name="Sessions 2026.xlsx").click()
    assert download.value.suggested_filename == "Sessions 2026.xlsx"
    timeline = manager.locator(".moj-timeline__item", has_text="Send your response")
    expect(timeline.get_by_role("link", name="Our response.pdf")).to_be_visible()


def test_the_add_documents_page_has_no_serious_accessibility_problems(sign_in, live_server):
    manager = sign_in(MANAGER)
    manager.goto(f"/cases/{live_server.case_id('Detached youth work')}")
    manager.get_by_role("link", name="Add documents").click()
    assert serious(accessibility_violations(manager)) == []
    send(manager, "Add the files")   # nothing chosen: the page with its errors
    expect(manager.locator(".govuk-error-summary")).to_contain_text("Select a file")
    assert serious(accessibility_violations(manager)) == []
