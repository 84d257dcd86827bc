"""Who is told (processes.md, "Revisions (2026-12-07)"; issue #11 item 19): email goes only to
the people assigned to a case or acting on it, never to every council user; and the
organisation is told when the review starts, when an impact assessment begins, that its own
dispute was received, and that mediation was requested, with the date to agree by.

Dates: the clock starts on Tuesday 1 December 2026 at 10:00 and each journey step moves it one
day (workflows/journeys.py)."""
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from casework.audit import AuditEntry
from casework.cases import Case, CaseAssignment, CaseLink
from casework.messages import Notification, OutboxMessage
from notifications.subscribers import make_subscriber
from tests.factories import dispute_at, funding_case_at, raise_dispute
from web import demo
from workflows.context import Hooks
from workflows.service import CaseService


@pytest.fixture
def service(factory, calendar):
    return CaseService(factory, calendar=calendar, hooks=Hooks(
        on_events=make_subscriber("https://casework.test", "casework@bexley.example", calendar)))


def emails(factory, case_id: int, since: datetime | None = None) -> list[OutboxMessage]:
    with factory() as s:
        query = select(OutboxMessage).where(OutboxMessage.case_id == case_id)
        if since is not None:
            query = query.where(OutboxMessage.created_at >= since)
        return list(s.scalars(query.order_by(OutboxMessage.id)))


def to(rows) -> set[str]:
    return {r.to_address for r in rows}


# --- the demo --------------------------------------------------------------------------------

def cases_on(s, person_id: int) -> set[int]:
    """The cases a person is on: assigned to, acted on, or the dispute about a funding case of theirs."""
    assigned = set(s.scalars(select(CaseAssignment.case_id).where(CaseAssignment.person_id == person_id)))
    acted = set(s.scalars(select(AuditEntry.case_id).where(AuditEntry.actor_id == person_id)))
    linked = set(s.scalars(select(CaseLink.dispute_id).where(CaseLink.funding_case_id.in_(assigned))))
    return assigned | acted | linked


def test_in_the_demo_the_contract_manager_is_told_only_about_cases_they_are_on(service, factory):
    demo.seed(service, datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc))
    with factory() as s:
        manager = s.scalar(select(demo.Person.id).where(demo.Person.email == "contract.manager@bexley.example"))
        told = Counter(s.scalars(select(Notification.case_id).where(Notification.person_id == manager)))
        emailed = Counter(s.scalars(select(OutboxMessage.case_id).where(OutboxMessage.person_id == manager)))
        on = cases_on(s, manager)
        disputes = set(s.scalars(select(Case.id).where(Case.workflow == "dispute")))
    # Before (main, with the complaints manager acting for the council on its disputes as here):
    # 147 notifications and 87 emails for the contract manager, 111 and 77 of them about cases
    # they had no part in (the "142"). After: 36 and 10, every one about a case of theirs;
    # the report's demo cases (all theirs) then added 27 notifications and 15 emails.
    assert set(told) <= on and set(emailed) <= on
    assert sum(told.values()) <= 70 and sum(emailed.values()) <= 30
    # The disputes they hear of are those about their own funding cases (three, with the
    # report's demo cases), never the council's other disputes.
    assert len(set(told) & disputes) == 3 < len(disputes)


# --- only those on the case ------------------------------------------------------------------

def test_a_dispute_against_the_council_is_emailed_to_its_decision_makers_not_every_council_user(
        service, factory, cast, clock):
    case = raise_dispute(service, cast, clock)
    sent = to(emails(factory, case.id))
    assert {"dm@example.org", "dm_fo@example.org"} <= sent     # who may acknowledge it for the council
    assert not sent & {"fo@example.org", "fo2@example.org", "officer@example.org"}


def test_once_acknowledged_only_those_acting_for_the_council_are_emailed(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "informal_resolution", roles={"respondent": cast["dm"]})
    clock.current += timedelta(days=1)
    later = clock.now()
    case = service.fire(case.id, "give_informal_response", cast["officer"], {"response": "We consulted."}, later)
    sent = to(emails(factory, case.id, later))
    # The organisation that raised it, and Helen Marsh who acknowledged it for the council.
    assert sent == {"vl@example.org", "dm@example.org"}


# --- the organisation is told ----------------------------------------------------------------

def test_the_organisation_is_emailed_when_the_review_starts(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_in_progress")
    clock.current = datetime(2027, 6, 1, 9, tzinfo=timezone.utc)   # well after the plan's end
    start = clock.now()
    service.fire(case.id, "start_review", cast["fo"], {}, start)
    [mail] = [m for m in emails(factory, case.id, start) if m.to_address == "vl@example.org"]
    assert mail.subject == "The review of Lunch club for older residents has started"


def test_the_organisation_is_emailed_when_an_impact_assessment_begins(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "performance_review")
    clock.current += timedelta(days=1)
    start = clock.now()
    service.fire(case.id, "begin_impact_assessment", cast["fo"], {"reasons": "Attendance is still low."}, start)
    [mail] = [m for m in emails(factory, case.id, start) if m.to_address == "vl@example.org"]
    assert mail.subject == ("An impact assessment of a change to funding for Lunch club for older residents "
                            "has started")


def test_whoever_raises_a_dispute_is_emailed_that_it_was_received(service, factory, cast, clock):
    case = raise_dispute(service, cast, clock)
    [receipt] = [m for m in emails(factory, case.id) if m.to_address == "vl@example.org"]
    assert "The dispute was received on 1 December 2026." in receipt.content["happened"]


def test_the_organisation_is_told_mediation_was_requested_with_the_date_to_agree_by(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "review_outcome_given")   # on Sunday 6 December
    clock.current += timedelta(days=1)
    asked = clock.now()
    assert asked.date() == date(2026, 12, 7)
    service.fire(case.id, "request_mediation", cast["vl"], {"reason": "To agree a timetable."}, asked)
    [mail] = [m for m in emails(factory, case.id, asked) if m.to_address == "vl@example.org"]
    # 10 WD from Mon 7 Dec 2026: 8-11 Dec (4), 14-18 (9), Mon 21 Dec (10).
    assert "Agree to mediation and assign a mediator by 21 December 2026." in mail.content["happened"]
