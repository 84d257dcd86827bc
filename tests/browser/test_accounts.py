"""Accounts in a real browser, each page scanned by axe (WCAG 2.2 AA, no serious or critical
violations): an administrator invites a council officer, who chooses a password, sets up an
authenticator app and signs in with a code; a forgotten password; signing out everywhere
else. Each journey uses a person of its own, so the demo people keep their password."""
import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.steps import accessibility_violations, send, serious

pytestmark = pytest.mark.browser
HELLO = re.compile(r"^Hello, ")
NEW = "a-long-new-password-2027"


def clean(page: Page) -> None:
    assert serious(accessibility_violations(page)) == [], page.url


def last_link(server, to: str) -> str:
    from casework.messages import OutboxMessage
    with server.container.factory() as db:
        content = db.scalars(select(OutboxMessage.content).where(OutboxMessage.to_address == to)
                             .order_by(OutboxMessage.id.desc())).first()
    return re.sub(r"^https?://[^/]+", "", content["link_url"])


#: A password the service's policy accepts, for the people these journeys make.
THEIR_PASSWORD = "violet harbour trombone quietly"


def person(server, email: str, name: str) -> str:
    """A person at the kitchen who can sign in with THEIR_PASSWORD."""
    from casework.administration import PersonDetails, add_person
    from casework.persistence import unit_of_work
    with server.container.factory() as db:
        from casework.organisations import Organisation
        kitchen = db.scalar(select(Organisation.id).where(Organisation.name == "Crayford Community Kitchen"))
    with unit_of_work(server.container.factory) as db:
        add_person(db, PersonDetails(name, email, str(kitchen), ("vco_staff",)), THEIR_PASSWORD)
    return email


def test_invited_officer_chooses_a_password_sets_up_an_app_and_signs_in_with_a_code(sign_in, live_server):
    admin = sign_in("admin@bexley.example")
    admin.goto("/admin/people")
    admin.get_by_label("Full name").fill("Olu Bankole")
    admin.get_by_label("Email address").fill("olu.bankole@bexley.example")
    admin.get_by_label("Organisation", exact=True).select_option(label="London Borough of Bexley")
    admin.get_by_role("checkbox", name=re.compile("Funder officer")).check()
    send(admin, "Add person")
    expect(admin.locator(".govuk-notification-banner")).to_contain_text("an invitation to choose a password")
    clean(admin)

    olu = sign_in()
    olu.goto(last_link(live_server, "olu.bankole@bexley.example"))
    expect(olu.get_by_role("heading", level=1)).to_have_text("Choose your password")
    clean(olu)
    olu.get_by_label("New password", exact=True).fill(NEW)
    olu.get_by_label("Type the new password again").fill("not the same password")
    send(olu, "Save password")
    expect(olu.locator(".govuk-error-summary")).to_contain_text("The passwords do not match")
    clean(olu)
    olu.get_by_label("New password", exact=True).fill(NEW)
    olu.get_by_label("Type the new password again").fill(NEW)
    send(olu, "Save password")

    expect(olu.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(olu.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    clean(olu)
    secret = "".join(olu.locator("#secret-key").inner_text().split())  # typed, as by someone who cannot scan
    olu.get_by_label("Security code from the app").fill("123")
    send(olu, "Continue")
    expect(olu.locator(".govuk-error-summary")).to_be_visible()
    clean(olu)
    olu.get_by_label("Security code from the app").fill(pyotp.TOTP(secret).now())
    send(olu, "Continue")
    expect(olu.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(olu.locator(".app-recovery-codes li")).to_have_count(10)
    clean(olu)
    olu.get_by_role("link", name="I have saved my recovery codes").click()
    expect(olu.get_by_role("heading", level=1)).to_have_text(HELLO)

    again = sign_in()
    again.goto("/sign-in")
    again.get_by_label("Email address").fill("olu.bankole@bexley.example")
    again.get_by_label("Password", exact=True).fill(NEW)
    send(again, "Sign in")
    expect(again.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    clean(again)
    # the next 30 seconds' code: the one that set the app up is spent, and each code works once
    again.get_by_label("Security code", exact=True).fill(pyotp.TOTP(secret).at(time.time() + 30))
    send(again, "Continue")
    expect(again.get_by_role("heading", level=1)).to_have_text(HELLO)


def test_a_forgotten_password_is_reset_from_the_emailed_link(sign_in, live_server):
    email = person(live_server, "forgetful@crayfordkitchen.example", "Fran Forgetful")
    page = sign_in()
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    clean(page)
    send(page, "Send me a link")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    clean(page)
    page.get_by_label("Email address").fill(email)
    send(page, "Send me a link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    clean(page)

    page.goto(last_link(live_server, email))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Type the new password again").fill(NEW)
    send(page, "Save password")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password has been changed")
    clean(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(NEW)
    send(page, "Sign in")
    expect(page.get_by_role("heading", level=1)).to_have_text(HELLO)


def test_signing_out_everywhere_else_ends_the_other_browser(sign_in, live_server):
    email = person(live_server, "two.browsers@crayfordkitchen.example", "Tam Twice")
    laptop, phone = sign_in(email, password=THEIR_PASSWORD), sign_in(email, password=THEIR_PASSWORD)
    laptop.get_by_role("link", name="Your account").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(laptop.get_by_role("region", name="Where you are signed in").locator("tbody tr")).to_have_count(2)
    clean(laptop)
    send(laptop, "Sign out everywhere else")
    expect(laptop.locator(".govuk-notification-banner")).to_contain_text("signed out everywhere else")
    clean(laptop)

    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sign in")
    laptop.goto("/")
    expect(laptop.get_by_role("heading", level=1)).to_have_text(HELLO)
