"""The idle-timeout warning (WCAG 2.2.1) in a real browser, with the page's clock moved on:
it opens with focus on "Stay signed in", staying extends the session on the server, and
doing nothing signs the person out and says why."""
import pytest
from playwright.sync_api import expect

from tests.browser.steps import accessibility_violations, serious

pytestmark = pytest.mark.browser

CONTRACT_MANAGER = "contract.manager@bexley.example"


def test_the_idle_warning_lets_a_person_stay_and_otherwise_signs_them_out(sign_in, live_server):
    settings = live_server.container.settings
    page = sign_in(CONTRACT_MANAGER, clock=True)
    dialog = page.get_by_role("alertdialog", name="You are about to be signed out")
    expect(dialog).to_be_hidden()

    page.clock.fast_forward((settings.idle_timeout_minutes * 60 - settings.idle_warning_minutes * 60 + 5) * 1000)
    page.clock.run_for(1500)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert serious(accessibility_violations(page)) == []

    with page.expect_response("**/session/extend") as extended:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert extended.value.status == 204
    expect(dialog).to_be_hidden()

    page.clock.fast_forward((settings.idle_timeout_minutes * 60 + 5) * 1000)
    page.clock.run_for(1500)
    expect(page).to_have_url(f"{live_server.url}/sign-in")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("signed out because you were inactive")
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/sign-in?next=%2F")
