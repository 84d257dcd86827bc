"""Form errors in a real browser: the GOV.UK error summary takes focus and links to each
field, so keyboard and screen-reader users land on the problem."""
import pytest
from playwright.sync_api import expect

from tests.browser.steps import choose_action, send

pytestmark = pytest.mark.browser

CONTRACT_MANAGER = "contract.manager@bexley.example"


def test_an_empty_action_form_shows_a_focused_error_summary_linking_to_each_field(sign_in, live_server):
    page = sign_in(CONTRACT_MANAGER)
    case = live_server.case_id("Youth mentoring evenings")
    choose_action(page, case, "Raise a concern")
    send(page, "Raise a concern")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title("Error: What is the concern? – Bexley Compact casework")
    assert page.evaluate("document.activeElement.closest('.govuk-error-summary') !== null")
    links = summary.locator(".govuk-error-summary__list a")
    expect(links).to_have_text(["Enter issues found", "Enter evidence", "Enter what good looks like",
                                "Enter date of the concern letter"])
    for target in ("issues", "evidence", "what_good_looks_like", "letter_date-day"):
        link = summary.locator(f"a[href='#{target}']")
        link.click()
        expect(page.locator(f"#{target}")).to_be_focused()
    expect(page.locator("#issues")).to_have_class("govuk-textarea govuk-textarea--error")
    expect(page.locator("h1 .govuk-tag")).to_have_count(0)  # still on the question page, nothing sent
