"""The home page and case list ask the database which cases a person may see and which
deadlines wait on them; those SQL conditions must agree with the Python rules the case page
uses (`can_view_case`, `waits_on`), for every member of the cast, across the stages of
both processes."""
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework.cases import Case
from casework.deadlines import LIVE, Deadline
from casework.organisations import Person
from casework.permissions import can_view_case
from casework.deadline_lists import soonest_deadlines
from casework.queries import CaseFilter, case_page
from casework.visibility import visible_cases, waits_on
from tests.conftest import built_once
from tests.factories import PEOPLE, dispute_at, funding_case_at

FUNDING = ["draft", "concern_raised", "improvement_in_progress", "consultation", "notice_period"]
DISPUTES = ["raised", "informal_resolution", "senior_review", "mediation_requested", "in_mediation",
            "no_agreement", "panel_referred", "panel_findings_issued"]


@pytest.fixture
def cases(engine, service, cast, clock):
    """Seventeen cases across the stages. The tests here only read them, so they are made through
    the engine once per worker and database, and copied into each later test's database."""
    def build():
        made = [funding_case_at(service, cast, clock, status) for status in FUNDING]
        made.append(funding_case_at(service, cast, clock, "decision_pending", route="resource"))
        made += [dispute_at(service, cast, clock, status) for status in DISPUTES]
        # A dispute about the case in its notice period: those judging it read that case too.
        made.append(dispute_at(service, cast, clock, "in_mediation", linked=made[FUNDING.index("notice_period")],
                               roles={"respondent": cast["fo2"]}))
        return made, clock.current
    made, clock.current = built_once(engine, "test_list_queries.cases", build)
    return made


def people(factory, cast) -> dict[str, Person]:
    with factory() as db:
        found = {key: db.get(Person, cast[key]) for key in PEOPLE}
        for person in found.values():
            person.roles, person.organisation
        return found


@pytest.mark.parametrize("who", PEOPLE)
def test_the_cases_listed_are_the_cases_the_person_may_open(factory, cast, cases, who):
    person = people(factory, cast)[who]
    with factory() as db:
        everything = db.scalars(select(Case).options(selectinload(Case.assignments))).all()
        expected = {case.id for case in everything if can_view_case(person, case)}
        assert set(db.scalars(visible_cases(person).with_only_columns(Case.id))) == expected
        listed = case_page(db, person, 1, CaseFilter(), size=1000)
        assert {line.id for line in listed.items} == expected
        assert listed.total == len(expected)


@pytest.mark.parametrize("who", PEOPLE)
def test_the_deadlines_waiting_on_a_person_are_those_of_their_roles_on_the_case(factory, cast, cases, who):
    person = people(factory, cast)[who]
    with factory() as db:
        rows = db.scalars(select(Deadline).where(Deadline.status.in_(LIVE))
                          .options(selectinload(Deadline.case).selectinload(Case.assignments))).all()
        expected = {row.id for row in rows if can_view_case(person, row.case)
                    and waits_on(person, row.case, row.kind, row.acting_roles)}
        found = {line.id for line in soonest_deadlines(db, person, 1000, waiting=True)}
    assert found == expected


def test_some_deadlines_wait_on_each_side(factory, cast, cases):
    """The cases above give the comparison something to find, for more than one person."""
    everyone = people(factory, cast)
    with factory() as db:
        waiting = {who: soonest_deadlines(db, person, 1000, waiting=True) for who, person in everyone.items()}
    assert {"fo", "vl", "mediator"} <= {who for who, lines in waiting.items() if lines}


def test_deadlines_come_soonest_first_within_the_dates_asked_for(factory, cast, cases, clock):
    fo = people(factory, cast)["fo"]
    with factory() as db:
        every = soonest_deadlines(db, fo, 1000)
        within = soonest_deadlines(db, fo, 1000, due=(date(2026, 12, 1), date(2026, 12, 31)))
        first_two = soonest_deadlines(db, fo, 2)
    dated = [line.due_on for line in every if line.due_on]
    assert dated == sorted(dated)
    assert [line.id for line in within] == [line.id for line in every
                                            if line.due_on and date(2026, 12, 1) <= line.due_on <= date(2026, 12, 31)]
    assert [line.id for line in first_two] == [line.id for line in every[:2]]


def test_a_list_longer_than_is_counted_says_more_than_and_pages_its_newest(factory, cast, service, clock, monkeypatch):
    monkeypatch.setattr("casework.queries.COUNT_LIMIT", 4)
    made = [funding_case_at(service, cast, clock, "concern_raised") for _ in range(6)]
    person = people(factory, cast)["fo"]
    with factory() as db:
        first = case_page(db, person, 1, CaseFilter(), size=3)
        last = case_page(db, person, 9, CaseFilter(), size=3)
    assert (first.total, first.more, first.pages) == (4, True, 2)
    assert [line.id for line in first.items] == [case.id for case in made[::-1][:3]]   # newest activity first
    assert last.number == 2 and len(last.items) == 3
    with factory() as db:
        exact = case_page(db, person, 1, CaseFilter(stage=("funding_change", "concern_raised")), size=10)
    monkeypatch.setattr("casework.queries.COUNT_LIMIT", 1000)
    with factory() as db:
        assert case_page(db, person, 1, CaseFilter(), size=10).more is False
    assert exact.more is True
