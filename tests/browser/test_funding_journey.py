"""The whole funding-change journey in a real browser, from a concern to an acknowledged
notice, across the contract manager, the funded organisation and the decision-maker."""
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect

from tests.browser.steps import (accessibility_violations, act, case_id_of, choose_action, expect_done, expect_stage,
                                 fill_date, send, serious, timeline_steps)
from workflows import calendar as cal

pytestmark = pytest.mark.browser

CONTRACT_MANAGER = "contract.manager@bexley.example"
VCO = "manager@crayfordkitchen.example"
DECISION_MAKER = "decision.maker@bexley.example"


def long_date(d) -> str:
    return f"{d.day} {d:%B %Y}"


def test_a_concern_runs_through_to_an_acknowledged_notice(sign_in, live_server):
    today = cal.local_date(live_server.container.clock.now())
    fo = sign_in(CONTRACT_MANAGER)

    fo.get_by_role("button", name="Start a funding case").click()
    fo.get_by_label("Programme or service").fill("Saturday breakfast club")
    fo.get_by_label("Crayford Community Kitchen").check()
    fo.get_by_label("Helen Marsh").check()
    send(fo, "Create draft case")
    expect_stage(fo, "Draft")
    case = case_id_of(fo)

    def concern(page):
        page.get_by_label("Issues found").fill("Only 12 children a week come; the agreement says 30.")
        page.get_by_label("Evidence").fill("Attendance registers for September and October.")
        page.get_by_label("What good looks like").fill("At least 30 children each Saturday.")
        fill_date(page, "letter_date", today)
    act(fo, case, "Raise a concern", "Concern raised", concern)

    vco = sign_in(VCO)
    act(vco, case, "Acknowledge the concern", "Agreeing a plan",
        lambda p: p.get_by_label("Comments (optional)").fill("We agree numbers are low since the move."))

    def plan(page):
        page.locator("#action_1_what").fill("Leaflet the three nearest primary schools")
        page.locator("#action_1_who").fill("Club coordinator")
        fill_date(page, "action_1_by", today + timedelta(days=21))
        page.locator("#action_2_what").fill("Move the start time to 9:30")
        page.locator("#action_2_who").fill("Trustees")
        fill_date(page, "action_2_by", today + timedelta(days=35))
        page.get_by_label("Support offered (optional)").fill("The council will print the leaflets.")
    act(fo, case, "Propose a plan", "Agreeing a plan", plan)

    choose_action(fo, case, "Agree this plan")
    expect(fo.get_by_role("heading", level=1)).to_have_text("Agree version 1 of the plan")
    send(fo, "Agree this plan")
    expect_done(fo, "Agree this plan", "Agreeing a plan")
    act(vco, case, "Agree this plan", "Improving")

    def early(page):   # the plan runs for three months: the review starts early, and says why
        page.get_by_label("The organisation asked to end the plan early").check()
        page.get_by_label("What has happened (optional)").fill("The trustees asked to review the plan now.")
    act(fo, case, "Start the review", "Review due", early)
    act(fo, case, "Assess a change to funding", "Assessing impact",
        lambda p: p.get_by_label("Reasons performance has not improved").fill("Attendance is still 14 a week."))

    def assessment(page):
        page.get_by_label("Beneficiaries affected (optional)").fill("About 14 children would lose a breakfast.")
        page.get_by_label("Service users affected (optional)").fill("Their parents, who use the time for work.")
        page.get_by_label("Volunteers affected (optional)").fill("4 volunteers.")
        page.get_by_label("Equality impact (optional)").fill("Families on low incomes are affected most.")
        page.get_by_label("Re-allocation", exact=False).fill("The Erith club can take 10 more children.")
    act(fo, case, "Save assessment", "Assessing impact", assessment)

    def consultation(respond_by):
        def fill(page):
            page.get_by_label("Proposal", exact=True).fill("Reduce the grant by a third from April.")
            page.get_by_label("Criteria and reasons").fill("Attendance below the agreed 30 for two terms.")
            page.get_by_label("Impact summary").fill("About 14 children; the Erith club has room.")
            fill_date(page, "respond_by", respond_by)
        return fill

    # Nine working days is too short: the page says so and keeps what was typed.
    choose_action(fo, case, "Start consultation")
    consultation(cal.add_working_days(today, 9))(fo)
    send(fo, "Start consultation")
    expect(fo.locator(".govuk-error-summary")).to_contain_text("at least 10 working days")
    expect(fo.get_by_label("Impact summary")).to_have_value("About 14 children; the Erith club has room.")
    fill_date(fo, "respond_by", cal.add_working_days(today, 10))
    send(fo, "Start consultation")
    expect_done(fo, "Start consultation", "Consultation open")

    # The organisation checks its response before sending it (GOV.UK check answers).
    choose_action(vco, case, "Send your response")
    vco.get_by_label("Response").fill("A second volunteer driver would double attendance.")
    send(vco, "Continue")
    expect(vco.get_by_role("heading", level=1)).to_have_text("Check your answers before you send them")
    expect(vco.locator(".govuk-summary-list")).to_contain_text("A second volunteer driver would double attendance.")
    send(vco, "Send your response")
    expect_done(vco, "Send your response", "Decision due")

    def decision(page):
        page.get_by_label("Reduce the funding").check()
        page.get_by_label("How the response was considered", exact=True).fill("The driver is not yet recruited.")
        page.get_by_label("Options weighed").fill("No change; reduce by a third; end the grant.")
        page.get_by_label("Rationale").fill("A smaller grant matches the children who come.")
    dm = sign_in(DECISION_MAKER)
    act(dm, case, "Decide: change funding", "Preparing notice", decision)

    # Check your answers: the dates the letter will carry, before it goes.
    choose_action(fo, case, "Check and send notice")
    fo.get_by_label("By hand").check()
    fill_date(fo, "sent_at_date", today)
    fo.get_by_label("Sending time", exact=True).fill("10:00")
    period_end = today + relativedelta(months=3)
    fill_date(fo, "effective_on", period_end + timedelta(days=1))
    send(fo, "Continue")
    expect(fo.get_by_role("heading", level=1)).to_have_text("Check the notice before you send it")
    answers = dict(zip(fo.locator(".govuk-summary-list__key").all_inner_texts(),
                       fo.locator(".govuk-summary-list__value").all_inner_texts()))
    expected = {"Sent by": "Hand delivery", "Sending time": f"{long_date(today)} at 10:00",
                "Deemed given on": long_date(today), "Minimum notice period ends": long_date(period_end),
                "Earliest date the change can take effect": long_date(period_end + timedelta(days=1)),
                "Effective date": long_date(period_end + timedelta(days=1))}
    assert {key: answers.get(key) for key in expected} == expected
    assert serious(accessibility_violations(fo)) == []
    fo.get_by_role("button", name="Send the notice").click()
    expect_done(fo, "Check and send notice", "Notice given")
    expect(fo.locator(".govuk-inset-text")).to_contain_text(long_date(period_end + timedelta(days=1)))
    expect(fo.get_by_role("link", name="notice-", exact=False)).to_be_visible()

    act(vco, case, "Acknowledge notice", "Notice given",
        lambda p: p.get_by_label("Comments (optional)").fill("Received; we will plan for April."))

    assert timeline_steps(vco) == [
        "Case opened", "Raise a concern", "Acknowledge the concern", "Propose a plan", "Agree this plan",
        "Agree this plan", "Start the review", "Assess a change to funding", "Save assessment",
        "Start consultation", "Send your response", "Decide: change funding", "Check and send notice",
        "Acknowledge notice"]
