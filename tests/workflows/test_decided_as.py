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


# --- the compliance report's "decision-maker" filter (M2 outcomes, M6 decision times) ----------

def report(service, as_at, **filters):
    from datetime import date
    from workflows.reporting.period import Filters, Period
    from workflows.reporting.report import build_report
    with service.factory() as db:
        return build_report(db, Filters(Period(date(2026, 1, 1), date(2027, 12, 31)), **filters), as_at,
                            calendar=service.calendar, limits=service.limits)


def outcomes(r) -> dict[str, int]:
    table = next(t for t in r.metric("m2").tables if t.key == "m2_outcome_mix")
    return {outcome: n for outcome, n, _ in table.rows if n}


def test_the_report_counts_only_the_decisions_of_the_decision_maker_asked_for(service, factory, cast, clock):
    # Two decisions of no change by the same person: the first as an elected member, the second
    # (after an administrator changed them) as a senior officer; a third case ends without one.
    decides_as(factory, cast["dm"], "elected_member")
    by_member = funding_case_at(service, cast, clock, "decision_pending")
    service.fire(by_member.id, "decide_no_change", cast["dm"], REASONS, clock.now())
    decides_as(factory, cast["dm"], "senior_officer")
    by_officer = funding_case_at(service, cast, clock, "decision_pending")
    service.fire(by_officer.id, "decide_no_change", cast["dm"], REASONS, clock.now())
    funding_case_at(service, cast, clock, "closed_resolved")

    everyone = report(service, clock.now())
    assert outcomes(everyone) == {"Resolved (performance improved)": 1, "No change to funding": 2}
    assert everyone.metric("m6").count == 2

    members = report(service, clock.now(), decision_maker_role=("elected_member",))
    # Only the case an elected member decided: one outcome, one decision time.
    assert outcomes(members) == {"No change to funding": 1}
    assert members.metric("m6").count == 1

    officers = report(service, clock.now(), decision_maker_role=("senior_officer",))
    assert outcomes(officers) == {"No change to funding": 1}
    assert officers.metric("m6").count == 1
    # Filters on whom a decision was made by leave the other metrics as they were.
    assert officers.metric("m1").headline == everyone.metric("m1").headline
