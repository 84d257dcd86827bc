"""Pages offer an action only when it could succeed in the case's present condition."""
from tests.factories import funding_case_at, open_case
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
        {"what": "Recruit volunteers", "who": "Chair", "by": "2027-02-01"}]}, clock.now())
    assert worth_offering("agree_plan", case)


def test_actions_with_no_rule_are_always_offered(service, cast, clock):
    assert worth_offering("raise_concern", open_case(service, cast, clock))
