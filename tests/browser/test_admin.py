"""Administrators change a person's details and take away (and give back) their access, in a
real browser: the error summary takes focus and its links lead to the fields, and a
deactivated person's open page signs them out. Works on Daniel Osei, whom no other browser
test uses, and leaves him as he was."""
import re

import pytest
from playwright.sync_api import expect

from web.demo import PASSWORD

pytestmark = pytest.mark.browser

ADMIN = "admin@bexley.example"
DANIEL = "manager@thamesmeadadvice.example"


def open_person(page, name: str) -> None:
    page.goto("/admin/people")
    page.get_by_role("link", name=f"Change {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Change details for {name}")


def test_a_problem_on_the_person_page_is_summarised_and_linked_to_its_field(sign_in):
    page = sign_in(ADMIN)
    open_person(page, "Daniel Osei")
    page.get_by_label("Email address").fill("daniel at thamesmead")
    page.get_by_role("button", name="Save changes").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Enter an email address in the correct format, like name@example.org").click()
    expect(page.get_by_label("Email address")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))

    page.get_by_label("Email address").fill(DANIEL)
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Details saved for Daniel Osei.")


def test_a_deactivated_person_is_signed_out_and_can_come_back_when_reactivated(sign_in, live_server):
    daniel = sign_in(DANIEL)
    admin = sign_in(ADMIN)
    open_person(admin, "Daniel Osei")
    admin.get_by_role("link", name="Deactivate Daniel Osei").click()
    admin.get_by_role("button", name="Deactivate Daniel Osei").click()
    expect(admin.locator(".govuk-notification-banner--success")).to_contain_text(
        "Daniel Osei is deactivated and has been signed out.")

    daniel.reload()
    expect(daniel).to_have_url(re.compile(r"/sign-in"))
    try:
        daniel.get_by_label("Email address").fill(DANIEL)
        daniel.get_by_label("Password", exact=True).fill(PASSWORD)
        daniel.get_by_role("button", name="Sign in").click()
        expect(daniel.locator(".govuk-error-summary")).to_contain_text("Enter a correct email address and password")
    finally:
        admin.get_by_role("link", name="Reactivate Daniel Osei").click()
        admin.get_by_role("button", name="Reactivate Daniel Osei").click()
        expect(admin.locator(".govuk-notification-banner--success")).to_contain_text("Daniel Osei can sign in again.")
    sign_in(DANIEL)
