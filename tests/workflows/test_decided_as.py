"""Each funding decision records how its decision-maker decided (as a senior officer or an
elected member), as it was on the day: the audit trail and the report's projection keep it,
and changing the person later does not change a decision already made."""
from sqlalchemy import select, update

from casework.audit import AuditEntry
from casework.organisations import Person
from casework.persistence import unit_of_work
from casework.report_events import ReportEvent
from tests.factories import funding_case_at

REASONS = {"consideration": "Read their response in full.", "options_weighed": "No change; reduce; end.",
           "rationale": "A reduction keeps the service open at current demand."}


def decides_as(factory, person_id: int, kind: str | None) -> None:
    with unit_of_work(factory) as db:
        db.execute(update(Person).where(Person.id == person_id).values(decides_as=kind))


def recorded(factory, case_id: int, trigger: str) -> tuple:
    with factory() as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id, AuditEntry.trigger == trigger)).one()
        event = db.scalars(select(ReportEvent).where(ReportEvent.case_id == case_id,
                                                     ReportEvent.trigger == trigger)).one()
        return entry.data.get("decided_as"), (event.facts or {}).get("decided_as")


def test_a_decision_records_that_an_elected_member_made_it(service, factory, cast, clock):
    decides_as(factory, cast["dm"], "elected_member")
    case = funding_case_at(service, cast, clock, "decision_pending")
    service.fire(case.id, "decide_change", cast["dm"], {**REASONS, "outcome": "reduce"}, clock.now())
    assert recorded(factory, case.id, "decide_change") == ("elected_member", "elected_member")


def test_a_decision_of_no_change_records_it_too(service, factory, cast, clock):
    decides_as(factory, cast["dm"], "senior_officer")
    case = funding_case_at(service, cast, clock, "decision_pending")
    service.fire(case.id, "decide_no_change", cast["dm"], REASONS, clock.now())
    assert recorded(factory, case.id, "decide_no_change") == ("senior_officer", "senior_officer")


def test_a_later_change_to_the_person_leaves_the_decision_as_it_was(service, factory, cast, clock):
    decides_as(factory, cast["dm"], "senior_officer")
    case = funding_case_at(service, cast, clock, "decision_pending")
    service.fire(case.id, "decide_change", cast["dm"], {**REASONS, "outcome": "reduce"}, clock.now())
    decides_as(factory, cast["dm"], "elected_member")
    assert recorded(factory, case.id, "decide_change") == ("senior_officer", "senior_officer")


def test_a_decision_maker_with_no_answer_records_none(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "decision_pending")
    service.fire(case.id, "decide_change", cast["dm"], {**REASONS, "outcome": "reduce"}, clock.now())
    assert recorded(factory, case.id, "decide_change") == (None, None)
