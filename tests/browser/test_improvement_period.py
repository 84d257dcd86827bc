"""The improvement period is honoured, through the UI (processes.md, Revisions 2026-12-07):
the contract manager cannot start the review of a running plan without saying why; with a
reason the review starts, and the timeline shows the early start and its reason."""
import pytest
from playwright.sync_api import expect

from tests.browser.steps import choose_action, expect_done, send, timeline_steps

pytestmark = pytest.mark.browser

CONTRACT_MANAGER = "contract.manager@bexley.example"


def test_the_review_cannot_start_before_the_plan_ends_without_a_reason(sign_in, live_server):
    case = live_server.case_id("Holiday hunger lunches", status="improvement_in_progress")
    fo = sign_in(CONTRACT_MANAGER)

    choose_action(fo, case, "Start the review")
    expect(fo.locator(".govuk-summary-list")).to_contain_text("Plan ends on")
    send(fo, "Start the review")
    expect(fo.locator(".govuk-error-summary")).to_contain_text("To start the review before then, select why.")
    expect(fo.locator("#early_reason-error")).to_contain_text("To start the review before then, select why.")
    expect(fo.get_by_role("heading", level=1)).to_have_text("Start the review")   # still asking, nothing done

    fo.get_by_label("The organisation asked to end the plan early").check()
    fo.get_by_label("What has happened (optional)").fill("The trustees wrote on Monday asking to review now.")
    send(fo, "Start the review")
    expect_done(fo, "Start the review", "Review due")
    assert timeline_steps(fo)[-1] == "Start the review"
    latest = fo.locator(".moj-timeline__item").first
    expect(latest).to_contain_text("The organisation asked to end the plan early")
    expect(latest).to_contain_text("Started early: Before the plan's end date")
