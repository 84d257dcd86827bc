"""A Compact dispute in a real browser: raised by the funded organisation, through informal
resolution and senior review, to mediation taken on by BVSC."""
import pytest
from playwright.sync_api import expect

from tests.browser.steps import act, case_id_of, expect_stage, send, timeline_steps

pytestmark = pytest.mark.browser

VCO = "manager@crayfordkitchen.example"
CONTRACT_MANAGER = "contract.manager@bexley.example"
OFFICER = "officer@bexley.example"
REVIEWER = "senior.reviewer@bexley.example"
MEDIATOR = "mediator@bvsc.example"


def test_a_dispute_goes_from_informal_resolution_to_mediation(sign_in):
    vco = sign_in(VCO)
    vco.get_by_role("button", name="Raise a dispute").click()
    vco.get_by_label("London Borough of Bexley").check()
    vco.get_by_label("Statutory 4: Discuss changes early", exact=False).check()
    vco.get_by_label("Statutory 4: Give at least three months", exact=False).check()
    vco.get_by_label("Subject", exact=True).fill("Grant cut without reading our response")
    vco.get_by_label("What happened").fill("The council cut our grant without reading our consultation response.")
    vco.get_by_label("Outcome you are seeking").fill("A fresh consultation that considers our evidence.")
    vco.get_by_label("Evidence", exact=True).fill("Our response of 3 March and the decision letter.")
    send(vco, "Raise the dispute")
    expect_stage(vco, "Raised")
    case = case_id_of(vco)

    fo = sign_in(CONTRACT_MANAGER)
    act(fo, case, "Acknowledge the dispute", "Informal resolution",
        lambda p: p.get_by_label("Mark Bell", exact=False).check())

    officer = sign_in(OFFICER)
    act(officer, case, "Give a written response", "Response given",
        lambda p: p.get_by_label("Response").fill("We read your response; the notes of the meeting show it."))
    act(vco, case, "Ask for a senior review", "Senior review",
        lambda p: p.get_by_label("Reason").fill("The response did not say how our evidence was weighed."))
    act(fo, case, "Assign a senior reviewer", "Senior review",
        lambda p: p.get_by_label("Anne Clarke", exact=False).check())

    def outcome(page):
        page.get_by_label("Partly upheld").check()
        page.get_by_label("Reasons").fill("The consultation was long enough but its response was not weighed.")
        page.get_by_label("Consult again").check()
    reviewer = sign_in(REVIEWER)
    act(reviewer, case, "Give the review outcome", "Review outcome given", outcome)

    act(vco, case, "Ask for mediation", "Mediation requested",
        lambda p: p.get_by_label("Reason").fill("We want to agree a timetable for consulting again."))
    agree = lambda p: p.get_by_label("You agree to take part in mediation").check()  # noqa: E731
    act(vco, case, "Agree to mediation", "Mediation requested", agree)
    act(fo, case, "Agree to mediation", "Mediation requested", agree)

    def take_on(page):
        page.get_by_label("Ruth Nolan", exact=False).check()
        page.get_by_label("Declaration of no conflict of interest").fill("I have no connection with either party.")
    mediator = sign_in(MEDIATOR)
    act(mediator, case, "Take on mediation", "In mediation", take_on)
    expect(mediator.locator(".govuk-inset-text")).to_contain_text("Ruth Nolan is mediating")

    assert timeline_steps(mediator) == [
        "Dispute raised", "Acknowledge the dispute", "Give a written response", "Ask for a senior review",
        "Assign a senior reviewer", "Give the review outcome", "Ask for mediation", "Agree to mediation",
        "Agree to mediation", "Take on mediation"]
