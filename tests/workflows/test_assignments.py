"""Who is assigned to a case is saved with it, on both databases: `Case.assign` and
`Case.unassign` write their rows in the caller's unit of work (`Case.assignments` is
view-only, so that a transition's flush of the case need not sort out assignments)."""
from sqlalchemy import select

from casework.cases import CaseAssignment, CaseRole, load_case
from casework.organisations import Person
from casework.persistence import unit_of_work
from tests.factories import open_case


def stored(factory, case_id: int) -> list[tuple[str, int]]:
    with factory() as s:
        return sorted(tuple(row) for row in s.execute(select(CaseAssignment.role, CaseAssignment.person_id)
                                                      .where(CaseAssignment.case_id == case_id)))


def test_an_opened_case_keeps_its_officer_and_decision_maker(service, factory, cast, clock):
    case = open_case(service, cast, clock)
    assert [(a.role, a.person_id) for a in case.assignments] == [
        (CaseRole.FUNDER_OFFICER, cast["fo"]), (CaseRole.DECISION_MAKER, cast["dm"])]
    assert stored(factory, case.id) == [(CaseRole.DECISION_MAKER, cast["dm"]), (CaseRole.FUNDER_OFFICER, cast["fo"])]


def test_what_is_assigned_and_taken_off_in_one_unit_of_work_is_saved_as_it_ends(service, factory, cast, clock):
    case = open_case(service, cast, clock)
    with unit_of_work(factory) as s:
        loaded = load_case(s, case.id)
        other = s.get(Person, cast["dm_fo"])
        loaded.assign(other, CaseRole.SENIOR_REVIEWER, clock.now())
        loaded.unassign(CaseRole.SENIOR_REVIEWER)        # never written
        loaded.unassign(CaseRole.DECISION_MAKER)         # written before: deleted
        loaded.assign(other, CaseRole.DECISION_MAKER, clock.now())
        assert [(a.role, a.person.id) for a in loaded.assignments] == [
            (CaseRole.FUNDER_OFFICER, cast["fo"]), (CaseRole.DECISION_MAKER, cast["dm_fo"])]
    assert stored(factory, case.id) == [(CaseRole.DECISION_MAKER, cast["dm_fo"]),
                                        (CaseRole.FUNDER_OFFICER, cast["fo"])]
