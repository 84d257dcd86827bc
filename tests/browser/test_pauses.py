"""Pausing a notice in the browser: the funder officer pauses and resumes it on the same day,
and both sides then read an effective date one calendar day later (processes.md, "Clocks":
paused and resumed the same day counts as one day), with a letter giving the new date."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from casework.clock import FixedClock
from tests.browser.steps import act, open_case
from tests.factories import Cast, walk
from workflows import calendar as cal
from workflows.journeys import FUNDING_PERFORMANCE

pytestmark = pytest.mark.browser

CONTRACT_MANAGER = "contract.manager@bexley.example"
VCO = "manager@crayfordkitchen.example"


def long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def notice_running(live_server) -> tuple[int, date]:
    """A case of its own whose notice went out a few weeks ago, and its effective date."""
    service, ids = live_server.container.service, live_server.ids
    clock = FixedClock(live_server.container.clock.now() - timedelta(days=60))
    case = service.open_funding_case(ids["fo"], {"title": "Pause test lunches", "vco": ids["org:kitchen"],
                                                 "decision_maker": ids["dm"]}, clock.now())
    case = walk(service, case, FUNDING_PERFORMANCE, Cast(ids, {}), clock, until="notice_period")
    assert case.status == "notice_period"
    return case.id, date.fromisoformat(case.data["notice"]["effective_on"])


def reason(text: str):
    return lambda page: page.get_by_label("Reason").fill(text)


def test_pausing_and_resuming_a_notice_on_one_day_moves_its_effective_date_a_day_later(sign_in, live_server):
    case, effective = notice_running(live_server)
    today = cal.local_date(live_server.container.clock.now())
    assert effective > today + timedelta(days=30)
    later = effective + timedelta(days=1)   # paused on one calendar day (today): one day later
    fo = sign_in(CONTRACT_MANAGER)
    open_case(fo, case)
    expect(fo.locator(".govuk-inset-text")).to_contain_text(f"Funding changes on {long_date(effective)}")

    act(fo, case, "Pause deadlines", "Notice given", reason("Checking the budget figures."))
    expect(fo.get_by_text("Deadlines on this case are paused.")).to_be_visible()
    act(fo, case, "Resume deadlines", "Notice given", reason("Figures checked."))

    expect(fo.locator(".govuk-inset-text")).to_contain_text(f"Funding changes on {long_date(later)}")
    expect(fo.get_by_role("row", name="Funding changes")).to_contain_text(f"on {long_date(later)}")
    expect(fo.get_by_role("link", name="notice-moved-", exact=False)).to_be_visible()
    moved = fo.locator(".moj-timeline__item").filter(has_text="Old effective date")
    expect(moved).to_contain_text(long_date(effective))
    expect(moved).to_contain_text(long_date(later))

    vco = sign_in(VCO)
    open_case(vco, case)
    expect(vco.locator(".govuk-inset-text")).to_contain_text(f"on {long_date(later)}")
    expect(vco.locator(".govuk-inset-text")).not_to_contain_text(long_date(effective))
