"""Late by choice (processes.md, "Clocks"): a hearing set later than 30 working days after the
referral, or a mediation session later than 20 working days, needs a recorded reason, and
its time limit is recorded as missed (breach), never as met.

The dispute is raised on Tuesday 1 December 2026 and each step of the journey moves the clock
one calendar day (workflows/journeys.py), so the mediator is assigned (mediation starts) on
Thursday 10 December and the dispute is referred to the panel on Sunday 13 December 2026."""
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import select

from casework.audit import AuditEntry
from casework.deadlines import Deadline
from casework.errors import InvalidInput
from tests import factories
from tests.factories import counts, dispute_at
from workflows import calendar as cal

#: 30 WD from Sun 13 Dec 2026: 14-18 Dec (5), 21-24 (9), 25 and 28 Dec are bank holidays,
#: 29-31 (12), 1 Jan is a bank holiday, 4-8 Jan (17), 11-15 (22), 18-22 (27), 25, 26, Wed 27 Jan (30).
HEARING_DUE = date(2027, 1, 27)
#: About 200 days after the referral.
LATE_HEARING = date(2027, 7, 1)
#: 20 WD from Thu 10 Dec 2026: 11 Dec (1), 14-18 (6), 21-24 (10), 29-31 (13), 4-8 Jan (18), 11, Tue 12 Jan (20).
SESSION_DUE = date(2027, 1, 12)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=cal.LONDON).astimezone(timezone.utc)


def panel_ready(service, cast, clock):
    case = factories.panel_ready(service, cast, clock)
    assert case.data["stage_started_on"] == "2026-12-13"
    return case


def row(factory, case_id: int, kind: str) -> Deadline:
    with factory() as s:
        return s.scalars(select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == kind)).one()


def last_entry(factory, case_id: int) -> AuditEntry:
    with factory() as s:
        return s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id)
                         .order_by(AuditEntry.seq.desc())).first()


def test_a_hearing_after_the_limit_needs_a_reason_asked_for_on_its_own_question(service, factory, cast, clock):
    case = panel_ready(service, cast, clock)
    assert row(factory, case.id, "panel_hearing").due_on == HEARING_DUE
    before = counts(factory, case.id)
    with pytest.raises(InvalidInput) as refused:
        service.fire(case.id, "schedule_hearing", cast["panel1"], {"hearing_on": LATE_HEARING, "starts_at": "10:00", "place": "Civic Offices"}, clock.now())
    assert refused.value.problems == {"late_reason": "A hearing on 1 July 2027 is after the time limit, "
                                                     "27 January 2027. Enter why it cannot be sooner"}
    assert counts(factory, case.id) == before


def test_a_late_hearing_with_a_reason_records_the_limit_as_missed(service, factory, cast, clock):
    case = panel_ready(service, cast, clock)
    case = service.fire(case.id, "schedule_hearing", cast["panel1"],
                        {"hearing_on": LATE_HEARING, "starts_at": "10:00", "place": "Civic Offices", "late_reason": "The chair is abroad until June."}, clock.now())
    assert case.status == "panel_hearing"
    hearing = row(factory, case.id, "panel_hearing")
    assert hearing.status == "closed" and hearing.breached_at is not None, "missed, never met"
    entry = last_entry(factory, case.id)
    assert entry.data["late_reason"] == "The chair is abroad until June."
    assert entry.data["time_limit_missed"] == ("Appoint the panel and hold the hearing: due by 27 January 2027; "
                                               "set for 1 July 2027")


def test_a_hearing_on_the_last_day_of_the_limit_needs_no_reason_and_meets_it(service, factory, cast, clock):
    case = panel_ready(service, cast, clock)
    service.fire(case.id, "schedule_hearing", cast["panel1"], {"hearing_on": HEARING_DUE, "starts_at": "10:00", "place": "Civic Offices"}, clock.now())
    hearing = row(factory, case.id, "panel_hearing")
    assert hearing.status == "closed" and hearing.breached_at is None
    assert "time_limit_missed" not in last_entry(factory, case.id).data


def test_a_mediation_session_after_its_limit_needs_a_reason_and_is_recorded_as_missed(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "in_mediation")
    assert row(factory, case.id, "mediation_session").due_on == SESSION_DUE
    now = at(date(2027, 1, 15))
    with pytest.raises(InvalidInput) as refused:
        service.fire(case.id, "record_session", cast["mediator"], {"session_on": date(2027, 1, 13), "starts_at": "10:00", "place": "Civic Offices"}, now)
    assert refused.value.problems == {"late_reason": "A session on 13 January 2027 is after the time limit, "
                                                     "12 January 2027. Enter why it cannot be sooner"}
    service.fire(case.id, "record_session", cast["mediator"],
                 {"session_on": date(2027, 1, 13), "starts_at": "10:00", "place": "Civic Offices", "late_reason": "The council's officer was ill."}, now)
    session = row(factory, case.id, "mediation_session")
    assert session.status == "closed" and session.breached_at is not None
    assert last_entry(factory, case.id).data["time_limit_missed"] == (
        "Hold the mediation session: due by 12 January 2027; held on 13 January 2027")
