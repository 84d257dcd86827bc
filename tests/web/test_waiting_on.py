""""Waiting on you" lists only what the person can do themselves: not dates the case waits
for, not a party's task that only some of its staff take, not another body's task."""
from casework.organisations import Person
from casework.deadline_lists import soonest_deadlines
from tests.factories import dispute_at, funding_case_at


def waiting(factory, cast, who: str) -> set[str]:
    with factory() as db:
        person = db.get(Person, cast[who])
        return {line.label for line in soonest_deadlines(db, person, 100, waiting=True)}


def test_the_end_of_a_plan_or_of_notice_waits_on_nobody(factory, service, cast, clock):
    funding_case_at(service, cast, clock, "improvement_in_progress")
    funding_case_at(service, cast, clock, "notice_period")
    assert not {"The improvement plan ends", "The notice period ends"} & waiting(factory, cast, "fo")


def test_a_senior_reviewer_waits_only_on_the_review_assigned_to_them(factory, service, cast, clock):
    dispute_at(service, cast, clock, "raised")
    dispute_at(service, cast, clock, "no_agreement")
    review = dispute_at(service, cast, clock, "senior_review")
    assert waiting(factory, cast, "reviewer") == set()
    assert "Assign a senior reviewer" in waiting(factory, cast, "fo")
    service.fire(review.id, "assign_reviewer", cast["fo"], {"person": cast["reviewer"]}, clock.now())
    assert waiting(factory, cast, "reviewer") == {"Give the review outcome"}


def test_only_a_decision_maker_waits_on_a_response_to_the_panel_findings(factory, service, cast, clock):
    dispute_at(service, cast, clock, "panel_findings_issued")
    assert "Respond to the panel's findings" in waiting(factory, cast, "dm")
    assert "Respond to the panel's findings" not in waiting(factory, cast, "fo")
    assert "Respond to the panel's findings" not in waiting(factory, cast, "vl")


def test_only_the_mediation_service_waits_on_assigning_a_mediator(factory, service, cast, clock):
    dispute_at(service, cast, clock, "mediation_requested")
    label = "Agree to mediation and assign a mediator"
    assert label in waiting(factory, cast, "mediator")
    assert not [who for who in ("fo", "dm", "officer", "reviewer", "vl") if label in waiting(factory, cast, who)]


def acting(factory, cast, who: str) -> dict[str, str]:
    with factory() as db:
        person = db.get(Person, cast[who])
        return {line.label: line.case.acting for line in soonest_deadlines(db, person, 100)}


def test_tables_of_deadlines_say_who_must_act(factory, service, cast, clock):
    funding_case_at(service, cast, clock, "concern_raised")
    dispute_at(service, cast, clock, "mediation_requested")
    dispute_at(service, cast, clock, "panel_findings_issued")
    seen = acting(factory, cast, "dm") | acting(factory, cast, "fo")
    assert seen["Acknowledge the concern"] == "Crayford Community Kitchen"
    assert seen["Agree to mediation and assign a mediator"] == (
        "Crayford Community Kitchen, London Borough of Bexley and BVSC")
    assert seen["Respond to the panel's findings"] == "a decision-maker at London Borough of Bexley"


def test_the_home_page_says_who_must_act_on_deadlines_that_may_not_be_yours(signed_in, service, cast, clock):
    funding_case_at(service, cast, clock, "concern_raised")
    html = signed_in("fo").get("/").get_data(as_text=True)
    assert "Who must act" in html and "Crayford Community Kitchen" in html
