"""The documents pages have no serious accessibility problems. (An organisation attaching its
consultation response and a spreadsheet, and the contract manager reading them, is the first
half of the journey in test_bundle.py.)"""
import pytest
from playwright.sync_api import expect

from tests.browser.steps import accessibility_violations, send, serious

pytestmark = pytest.mark.browser

MANAGER = "contract.manager@bexley.example"


def test_the_add_documents_page_has_no_serious_accessibility_problems(sign_in, live_server):
    manager = sign_in(MANAGER)
    manager.goto(f"/cases/{live_server.case_id('Detached youth work')}")
    manager.get_by_role("link", name="Add documents").click()
    assert serious(accessibility_violations(manager)) == []
    send(manager, "Add the files")   # nothing chosen: the page with its errors
    expect(manager.locator(".govuk-error-summary")).to_contain_text("Select a file")
    assert serious(accessibility_violations(manager)) == []


def test_raising_a_dispute_with_evidence_files_has_no_serious_accessibility_problems(sign_in, live_server):
    from tests.casework.test_file_checks import pdf
    vco = sign_in("coordinator@sidcupcarers.example")
    vco.goto("/disputes/new")
    assert serious(accessibility_violations(vco)) == []
    vco.get_by_label("Attach files (optional)").set_input_files(
        [{"name": "Our evidence.pdf", "mimeType": "application/pdf", "buffer": pdf(b"% evidence")}])
    send(vco, "Raise the dispute")   # nothing else answered: the page with its errors, the file kept
    expect(vco.locator(".govuk-error-summary")).to_contain_text("Enter subject")
    expect(vco.get_by_label("Our evidence.pdf")).to_be_checked()
    assert serious(accessibility_violations(vco)) == []
