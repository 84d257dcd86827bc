"""Pages offer an action only when it could succeed in the case's present condition."""
from casework.organisations import Person
from tests.factories import dispute_at, funding_case_at, open_case
from workflows import calendar as cal
from workflows.journeys import ASSESSMENT
from workflows.offers import worth_offering


def test_pause_is_offered_until_the_case_is_paused_and_resume_only_after(service, cast, clock):
    case = funding_case_at(service, cast, clock, "concern_raised")
    assert (worth_offering("pause", case), worth_offering("resume", case)) == (True, False)
    case = service.fire(case.id, "pause", cast["fo"], {"reason": "Organisation's manager is on leave."}, clock.now())
    assert (worth_offering("pause", case), worth_offering("resume", case)) == (False, True)


def test_agreeing_a_plan_is_offered_only_once_a_plan_exists(service, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_planning")
    assert not worth_offering("agree_plan", case)
    case = service.fire(case.id, "propose_plan", cast["vl"], {"actions": [
        {"what": "Recruit volunteers", "who": "Chair", "by": "2027-02-01"}], "plan_end": "2027-02-01"}, clock.now())
    assert worth_offering("agree_plan", case)


def test_actions_with_no_rule_are_always_offered(service, cast, clock):
    assert worth_offering("raise_concern", open_case(service, cast, clock))


def test_consultation_is_offered_only_once_the_impact_assessment_is_complete(service, cast, clock):
    case = funding_case_at(service, cast, clock, "impact_assessment")
    assert not worth_offering("open_consultation", case)
    case = service.fire(case.id, "save_assessment", cast["fo"], ASSESSMENT, clock.now())
    assert worth_offering("open_consultation", case)


def test_a_mediation_session_is_offered_until_its_outcome_is_recorded_so_it_can_be_rebooked(service, cast, clock):
    case = dispute_at(service, cast, clock, "in_mediation")
    assert worth_offering("record_session", case)
    assert not worth_offering("record_no_agreement", case)
    case = service.fire(case.id, "record_session", cast["mediator"],
                        {"session_on": cal.local_date(clock.now()), "starts_at": "10:00", "place": "Civic Offices"},
                        clock.now())
    assert worth_offering("record_session", case)
    assert worth_offering("record_no_agreement", case)


def test_only_a_decision_maker_is_offered_the_response_to_the_panels_findings(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "panel_findings_issued")
    with factory() as s:
        decision_maker, officer = s.get(Person, cast["dm"]), s.get(Person, cast["fo"])
        assert worth_offering("respond_to_findings", case, decision_maker)
        assert not worth_offering("respond_to_findings", case, officer)


def person(factory, person_id: int) -> Person:
    with factory() as s:
        found = s.get(Person, person_id)
        found.roles   # read while the session is open
        return found


def test_agree_this_plan_is_not_offered_to_a_side_that_has_agreed_it(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_planning")
    case = service.fire(case.id, "propose_plan", cast["vl"], {"actions": [
        {"what": "Recruit volunteers", "who": "Chair", "by": "2027-02-01"}], "plan_end": "2027-02-01"}, clock.now())
    case = service.fire(case.id, "agree_plan", cast["vl"], {"version": 1}, clock.now())
    assert not worth_offering("agree_plan", case, person(factory, cast["vl"]))
    assert worth_offering("agree_plan", case, person(factory, cast["fo"]))


def test_agree_to_mediation_is_not_offered_to_a_side_that_has_agreed(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "mediation_requested")
    complainant = person(factory, cast["vl"])
    assert worth_offering("agree_to_mediate", case, complainant)
    case = service.fire(case.id, "agree_to_mediate", cast["vl"], {"confirm": "yes"}, clock.now())
    assert not worth_offering("agree_to_mediate", case, complainant)


def test_pause_is_not_offered_on_a_draft(service, cast, clock):
    assert not worth_offering("pause", open_case(service, cast, clock))
