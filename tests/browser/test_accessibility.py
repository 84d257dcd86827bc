"""An axe-core scan (WCAG 2.2 AA rules) of every main page, as each kind of person sees it:
no serious or critical violations. Every violation found is printed, whatever its impact,
and a page with a serious one is screenshotted into test-artifacts/."""
import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.steps import accessibility_violations, choose_action, send

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


def case(title: str, workflow: str | None = None, status: str | None = None):
    return lambda page, server: page.goto(f"/cases/{server.case_id(title, workflow, status)}")


def action(title: str, trigger: str):
    return lambda page, server: page.goto(f"/cases/{server.case_id(title)}/actions/{trigger}")


def action_with_errors(page: Page, server) -> None:
    choose_action(page, server.case_id("Youth mentoring evenings"), "Raise a concern")
    send(page, "Raise a concern")
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def start_case_with_errors(page: Page, server) -> None:
    page.goto("/cases/new")
    send(page, "Create draft case")
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def sign_in_with_errors(page: Page, server) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Password", exact=True).fill("wrong password")
    send(page, "Sign in")
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def change_person_with_errors(page: Page, server) -> None:
    page.goto("/admin/people")
    page.get_by_role("link", name="Change Daniel Osei").click()
    page.get_by_label("Full name").fill("")
    send(page, "Save changes")
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def deactivate_question(page: Page, server) -> None:
    page.goto("/admin/people")
    page.get_by_role("link", name="Change Daniel Osei").click()
    page.get_by_role("link", name="Deactivate Daniel Osei").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate Daniel Osei?")


def change_organisation(page: Page, server) -> None:
    page.goto("/admin/organisations")
    page.get_by_role("link", name="Change Thamesmead Advice Centre").click()


MEDIATION = ("Crayford Community Kitchen and London Borough of Bexley", "dispute", "in_mediation")

#: who signs in (None: nobody) -> the pages to scan, as paths or as steps that reach the page
PAGES = {
    "signed out": (None, ["/sign-in", sign_in_with_errors, "/forgotten-password", "/help", "/accessibility",
                          "/no-such-page"]),
    "contract manager": ("contract.manager@bexley.example", [
        "/", "/cases?stage=funding_change:consultation&due=overdue", "/cases", case("Meals on wheels partnership"),
        case(*MEDIATION), action_with_errors, action("Community fridge", "propose_plan"), "/cases/new",
        start_case_with_errors, "/disputes/new", "/timeline?route=resource&start=2027-01-04", "/notifications",
        "/mail", "/help/funder"]),
    "funded organisation": ("manager@crayfordkitchen.example", [
        "/", case("Meals on wheels partnership"), "/disputes/new", "/sign-out"]),
    "decision-maker": ("decision.maker@bexley.example", ["/"]),
    "senior reviewer": ("senior.reviewer@bexley.example", ["/"]),
    "mediator": ("mediator@bvsc.example", ["/"]),
    "panel member": ("chair@compactpanel.example", ["/"]),
    "administrator": ("admin@bexley.example", [
        "/", "/admin/", "/admin/people", "/admin/organisations", "/admin/holidays", "/admin/time-limits",
        "/admin/failed-messages", change_person_with_errors, deactivate_question, change_organisation,
        "/admin/security-events", "/admin/security-events?kind=signed_in&account=admin", "/admin/security",
        "/account/", "/account/password", "/account/authenticator-app"]),
}


@pytest.mark.parametrize("who", PAGES)
def test_main_pages_have_no_serious_accessibility_problems(who, sign_in, live_server):
    email, pages = PAGES[who]
    page = sign_in(email)
    blocking = []
    for n, target in enumerate(pages, start=1):
        if callable(target):
            target(page, live_server)
        else:
            page.goto(target)
        where = page.url.removeprefix(live_server.url)
        violations = accessibility_violations(page)
        print(f"[{who}] {where}: {len(violations)} violation(s)")
        for v in violations:
            nodes = "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            print(f"    {v['impact']}: {v['id']} ({len(v['nodes'])}) {v['help']} -> {nodes}")
            if v["impact"] in BLOCKING:
                blocking.append({"page": where, "rule": v["id"], "impact": v["impact"], "help": v["help"],
                                 "nodes": [node["html"][:200] for node in v["nodes"][:5]]})
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", f"axe-{who}-{n}.png")),
                                full_page=True)
    assert not blocking, json.dumps(blocking, indent=2)


def test_the_scan_finds_a_field_without_a_label(sign_in):
    page = sign_in()  # a check that the scanner runs at all: an empty result means something
    page.set_content('<!doctype html><html lang="en"><title>t</title><main><input type="text"></main></html>')
    assert "label" in {v["id"] for v in accessibility_violations(page)}
