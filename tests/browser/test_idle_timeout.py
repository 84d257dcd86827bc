"""Signing out, and the idle-timeout warning (WCAG 2.2.1), in a real browser with the page's
clock moved on: the warning opens with focus on "Stay signed in", staying extends the session
on the server, and doing nothing signs the person out and says why. Every way of signing out
is a POST with the CSRF token; the header's "Sign out" works from the keyboard."""
import re

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
    with page.expect_request("**/sign-out") as signed_out:
        page.clock.run_for(1500)
    assert signed_out.value.method == "POST", "signing out is never a link another site could use"
    expect(page).to_have_url(f"{live_server.url}/sign-in")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("signed out because you were inactive")
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/sign-in?next=%2F")


def test_the_idle_warning_has_a_sign_out_button(sign_in, live_server):
    settings = live_server.container.settings
    page = sign_in(CONTRACT_MANAGER, clock=True)
    page.clock.fast_forward((settings.idle_timeout_minutes * 60 - settings.idle_warning_minutes * 60 + 5) * 1000)
    page.clock.run_for(1500)
    dialog = page.get_by_role("alertdialog", name="You are about to be signed out")

    with page.expect_request("**/sign-out") as signed_out:
        dialog.get_by_role("button", name="Sign out").click()

    assert signed_out.value.method == "POST"
    expect(page).to_have_url(f"{live_server.url}/sign-in")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")


def test_the_header_sign_out_works_from_the_keyboard(sign_in, live_server):
    page = sign_in(CONTRACT_MANAGER)
    button = page.get_by_role("banner").get_by_role("button", name="Sign out")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/sign-in?next=%2F")


def test_a_link_to_sign_out_asks_first(sign_in, live_server):
    page = sign_in(CONTRACT_MANAGER)
    page.goto("/sign-out")
    expect(page.get_by_role("heading", level=1)).to_have_text("Do you want to sign out?")

    page.get_by_role("link", name="Stay signed in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, "))

    page.goto("/sign-out")
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/sign-in")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
