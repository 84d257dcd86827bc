"""The decision page shows the improvement history (issue #11, item 15): the decision-maker
reads the plan that was agreed and when it ended, which actions were done and which were not,
why the review found performance had not improved, and the organisation's disagreement with
the concern, before deciding.

The clock starts on Tuesday 1 December 2026, 10:00 London (tests/conftest.py); each journey
step is a day later than the one before."""
from tests.factories import funding_case_at, walk
from tests.web.helpers import page
from workflows.journeys import FUNDING_PERFORMANCE

DISAGREEMENT = "The figures leave out the three weeks the hall was closed for repairs."


def decision_due_with_a_history(service, cast, clock):
    """Concern raised Wed 2 Dec 2026; acknowledged Thu 3 Dec with a disagreement; plan proposed
    Fri 4 Dec (ends Tue 5 Jan 2027, actions due Sun 3 and Mon 4 Jan), agreed Sat 5 and Sun 6 Dec;
    the first action done Mon 7 Dec; then the journey on to the decision."""
    case = funding_case_at(service, cast, clock, "concern_raised")
    clock.advance(days=1)
    case = service.fire(case.id, "acknowledge_concern", cast["vl"],
                        {"comments": "We have a plan.", "disagreement": DISAGREEMENT}, clock.now())
    steps = [s.trigger for s in FUNDING_PERFORMANCE]
    case = walk(service, case, FUNDING_PERFORMANCE[steps.index("propose_plan"):steps.index("record_support")], cast, clock)
    clock.advance(days=1)
    case = service.fire(case.id, "complete_action", cast["vl"], {"action": 1, "evidence": "Two drivers started."},
                        clock.now())
    return walk(service, case, FUNDING_PERFORMANCE[steps.index("record_support"):], cast, clock,
                until="decision_pending")


def test_the_decision_page_shows_the_improvement_history(service, cast, clock, signed_in):
    case = decision_due_with_a_history(service, cast, clock)
    assert case.status == "decision_pending"
    response = signed_in("dm").get(f"/cases/{case.id}/actions/decide_change")
    shown = page(response)
    text = shown.text
    assert "The improvement history" in text
    assert "Plan agreed Version 1, agreed on 6 December 2026" in text
    assert "Plan end date 5 January 2027" in text
    assert shown.rows("Actions done") == [
        "Recruit two volunteer drivers Kitchen manager 3 January 2027 7 December 2026 Two drivers started."]
    assert shown.rows("Actions not done") == [
        "Publish the new menu in the parish newsletter Chair 4 January 2027"]
    assert "Why performance has not improved Attendance is still 20 a week." in text
    assert f"The organisation's disagreement with the concern {DISAGREEMENT}" in text


def test_the_no_change_decision_page_shows_it_too(service, cast, clock, signed_in):
    case = decision_due_with_a_history(service, cast, clock)
    text = page(signed_in("dm").get(f"/cases/{case.id}/actions/decide_no_change")).text
    assert "The improvement history" in text and DISAGREEMENT in text


def test_a_change_to_resources_has_no_improvement_history_to_show(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "decision_pending", route="resource")
    text = page(signed_in("dm").get(f"/cases/{case.id}/actions/decide_change")).text
    assert "The improvement history" not in text
