"""Adding a one-off bank holiday moves every open working-day deadline it falls inside, and
says why on each case's timeline; chosen dates stay where they were."""
from datetime import date

import pytest
from sqlalchemy import func, select

from casework.audit import AuditEntry, verify_chains
from casework.deadlines import LIVE, Deadline
from casework.errors import InvalidInput
from casework.settings import ExtraHoliday
from tests.factories import counts, funding_case_at
from workflows import calendar as cal
from workflows.service import CaseService

HOLIDAY = date(2027, 1, 13)    # a Wednesday
NAME = "Royal wedding"


def due(factory, case_id: int, kind: str) -> date:
    with factory() as s:
        return s.scalar(select(Deadline.due_on).where(Deadline.case_id == case_id, Deadline.kind == kind,
                                                      Deadline.status.in_(LIVE)))


def last_entry(factory, case_id: int) -> AuditEntry:
    with factory() as s:
        return s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id)
                         .order_by(AuditEntry.seq.desc())).first()


@pytest.fixture
def cases(service, cast, clock):
    """A consultation with a chosen response date, then a concern raised on Sunday 10 January
    2027 whose acknowledgement is due five working days later, on Friday 15 January."""
    consultation = funding_case_at(service, cast, clock, "consultation")
    concern = funding_case_at(service, cast, clock, "concern_raised")
    return concern, consultation


def test_a_holiday_inside_a_working_day_deadline_moves_it_by_a_day(service, factory, cases, clock):
    concern, _ = cases
    assert due(factory, concern.id, "concern_ack") == date(2027, 1, 15)
    assert service.add_holiday(None, HOLIDAY, NAME, clock.now()) == 1
    assert due(factory, concern.id, "concern_ack") == date(2027, 1, 18)


def test_a_moved_deadline_is_on_the_timeline_with_its_reason(service, factory, cases, clock):
    concern, _ = cases
    service.add_holiday(None, HOLIDAY, NAME, clock.now())
    entry = last_entry(factory, concern.id)
    assert (entry.trigger, entry.from_state, entry.to_state) == ("deadline_moved", "concern_raised", "concern_raised")
    assert entry.data == {"deadline": "Acknowledge the concern", "from": "2027-01-15", "to": "2027-01-18",
                          "reason": "Royal wedding on 13 January 2027 was added as a bank holiday"}
    with factory() as s:
        assert verify_chains(s) == []


def test_a_chosen_date_deadline_stays_where_it_was(service, factory, cases, clock):
    _, consultation = cases
    before = counts(factory, consultation.id)
    respond_by = due(factory, consultation.id, "consultation_response")
    service.add_holiday(None, HOLIDAY, NAME, clock.now())
    assert due(factory, consultation.id, "consultation_response") == respond_by
    assert counts(factory, consultation.id) == before


def test_a_holiday_after_a_deadline_moves_nothing(service, factory, cases, clock):
    concern, _ = cases
    before = counts(factory, concern.id)
    assert service.add_holiday(None, date(2027, 1, 20), NAME, clock.now()) == 0
    assert counts(factory, concern.id) == before


def test_the_same_one_off_holiday_cannot_be_added_twice(service, factory, cases, clock):
    service.add_holiday(None, HOLIDAY, NAME, clock.now())
    with pytest.raises(InvalidInput) as refused:
        service.add_holiday(None, HOLIDAY, "Another name", clock.now())
    assert refused.value.problems == {"on": "13 January 2027 is already a bank holiday"}
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ExtraHoliday)) == 1


def test_an_existing_bank_holiday_cannot_be_added(service, factory, cases, clock):
    concern, _ = cases
    before = counts(factory, concern.id)
    with pytest.raises(InvalidInput) as refused:
        service.add_holiday(None, date(2026, 12, 28), "Boxing Day again", clock.now())
    assert refused.value.problems == {"on": "28 December 2026 is already a bank holiday"}
    assert counts(factory, concern.id) == before


def test_a_weekend_day_is_refused_as_a_holiday(service, factory, cases, clock):
    concern, _ = cases
    before = counts(factory, concern.id)
    with pytest.raises(InvalidInput) as refused:
        service.add_holiday(None, date(2027, 1, 16), NAME, clock.now())
    assert refused.value.problems == {"on": "16 January 2027 is a Saturday, which is not a working day anyway"}
    assert counts(factory, concern.id) == before
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(ExtraHoliday)) == 0


def test_a_holiday_without_a_name_is_refused(service, cases, clock):
    with pytest.raises(InvalidInput) as refused:
        service.add_holiday(None, HOLIDAY, "  ", clock.now())
    assert refused.value.problems == {"name": "Enter the name of the holiday"}
    assert service.calendar.is_working_day(HOLIDAY)


def test_a_stored_holiday_is_known_to_a_freshly_started_service(service, factory, cases, clock):
    service.add_holiday(None, HOLIDAY, NAME, clock.now())
    fresh = CaseService(factory, calendar=cal.WorkingCalendar())
    fresh.load_holidays()
    assert not fresh.calendar.is_working_day(HOLIDAY)
