"""What a person does on the case pages, in the words on the screen: open a case, choose an
action, fill GOV.UK date inputs, send; and what they then see: the stage tag, the success
banner, the timeline."""
import re
from datetime import date

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from workflows.registry import WORKFLOWS

CASE_URL = re.compile(r"/cases/(\d+)$")
AXE = Axe()
WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
              "resultTypes": ["violations"]}


def case_id_of(page: Page) -> int:
    """The id of the case page the browser is on."""
    match = CASE_URL.search(page.url)
    assert match, f"not on a case page: {page.url}"
    return int(match.group(1))


def open_case(page: Page, case_id: int) -> None:
    page.goto(f"/cases/{case_id}")


def choose_action(page: Page, case_id: int, action: str) -> None:
    """From the case page, follow one of the 'What you can do' buttons."""
    open_case(page, case_id)
    page.get_by_role("link", name=action, exact=True).click()


def fill_date(page: Page, field: str, on: date) -> None:
    """A GOV.UK date input: day, month and year boxes."""
    page.locator(f"#{field}-day").fill(str(on.day))
    page.locator(f"#{field}-month").fill(str(on.month))
    page.locator(f"#{field}-year").fill(str(on.year))


def send(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def expect_done(page: Page, action: str, stage: str) -> None:
    """Back on the case page with the success banner and the stage tag now showing."""
    expect(page).to_have_url(CASE_URL)
    done = next(t.done for w in WORKFLOWS.values() for t in w.transitions if t.button == action)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(done)
    expect_stage(page, stage)


def expect_stage(page: Page, stage: str) -> None:
    expect(page.locator("h1 .govuk-tag")).to_have_text(stage)


def act(page: Page, case_id: int, action: str, stage: str, fill=None, button: str | None = None) -> None:
    """Choose an action, fill its question page, send it and see the case at `stage`."""
    choose_action(page, case_id, action)
    if fill is not None:
        fill(page)
    send(page, button or action)
    expect_done(page, action, stage)


def timeline_steps(page: Page) -> list[str]:
    """What happened, oldest first, as the timeline names each step (without '— now …')."""
    titles = page.locator(".moj-timeline__title").all_inner_texts()
    return [t.split(" — ")[0].strip() for t in reversed(titles)]


def accessibility_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now, <details> opened first."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    return AXE.run(page, options=WCAG_22_AA).response["violations"]


def serious(violations: list[dict]) -> list[str]:
    return [f"{v['impact']}: {v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]
