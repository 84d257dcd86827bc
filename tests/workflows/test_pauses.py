"""Pausing clocks (processes.md, "Clocks"): a paused notice period moves later by the calendar
days on which it stood paused and never earlier; the stated effective date follows it and the
organisation is told in writing; the clock stays paused while any pausing cause is open; an
added bank holiday keeps a pause. Every expected date below is worked out by hand."""
import io
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from casework.audit import AuditEntry
from casework.cases import Case
from casework.deadlines import LIVE, Deadline
from casework.letters import Letter
from casework.messages import OutboxMessage
from notifications.case_letters import render_case_letter
from notifications.subscribers import make_subscriber
from tests.factories import funding_case_at, open_case, raise_dispute
from workflows.context import Hooks
from workflows.service import CaseService
from workflows.sweep import sweep_due

UTC = timezone.utc


@pytest.fixture
def service(factory, calendar):
    """The service with real letters and messages, so what the organisation is told is stored."""
    hooks = Hooks(render_letter=render_case_letter,
                  on_events=make_subscriber("http://casework.test", "casework@bexley.example", calendar))
    return CaseService(factory, calendar=calendar, hooks=hooks)


def notice_given(service, cast, clock, sent_at: datetime, effective_on: date) -> Case:
    """A case walked to 'Preparing notice' from 1 October 2026, then notice emailed at `sent_at`."""
    clock.current = datetime(2026, 10, 1, 9, tzinfo=UTC)
    case = funding_case_at(service, cast, clock, "notice_pending")
    assert clock.now() < sent_at
    clock.current = sent_at
    return service.fire(case.id, "issue_notice", cast["fo"],
                        {"channel": "email", "sent_at": sent_at, "effective_on": effective_on}, clock.now())


def at(clock, day: date, hour: int = 10, minute: int = 0) -> datetime:
    # December to March: London is on GMT, so London and UTC clock times are the same.
    clock.current = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
    return clock.now()


def row(factory, case_id: int, kind: str) -> Deadline:
    with factory() as s:
        return s.scalar(select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == kind,
                                               Deadline.status.in_(LIVE)))


def case_now(factory, case_id: int) -> Case:
    with factory() as s:
        return s.get(Case, case_id)


def sweep(service, now: datetime) -> None:
    sweep_due(service.factory, now, "sweeper", service.calendar, service.limits, service.hooks)


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def told_in_writing(factory, case_id: int, old: str, new: str) -> None:
    """The organisation has a letter and an email (with the letter) giving both effective dates."""
    with factory() as s:
        letters = s.scalars(select(Letter).where(Letter.case_id == case_id, Letter.kind == "notice_moved")).all()
        assert len(letters) == 1
        text = pdf_text(letters[0].pdf)
        assert old in text and new in text, text
        emails = s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id,
                                                       OutboxMessage.letter_id == letters[0].id)).all()
        to_org = [m for m in emails if m.to_address == "vl@example.org"]
        assert len(to_org) == 1
        assert new in to_org[0].subject
        assert old in str(to_org[0].content) and new in str(to_org[0].content)


def moved_in_audit(factory, case_id: int, old: date, new: date) -> None:
    with factory() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id, AuditEntry.trigger == "resume")).all()
    assert [(e.data["old_effective_date"], e.data["new_effective_date"]) for e in entries] == [
        (old.isoformat(), new.isoformat())]


def test_pausing_a_notice_for_minutes_moves_it_a_day_later_never_earlier(service, cast, clock, factory):
    # Emailed Monday 30 November 2026 at 09:00 (a working day, before 17:00): deemed given that
    # day. Three calendar months on is 30 February, which does not exist, so the period's last
    # day is Sunday 28 February 2027 and the earliest effective date Monday 1 March 2027.
    case = notice_given(service, cast, clock, datetime(2026, 11, 30, 9, tzinfo=UTC), date(2027, 3, 1))
    assert row(factory, case.id, "notice_effective").due_on == date(2027, 2, 28)
    # Paused on Thursday 10 December and resumed five minutes later: the clock stood paused on
    # one calendar day, so the last day moves one day later, to Monday 1 March, and the change
    # takes effect on Tuesday 2 March 2027.
    service.fire(case.id, "pause", cast["fo"], {"reason": "Checking the budget figures."}, at(clock, date(2026, 12, 10)))
    service.fire(case.id, "resume", cast["fo"], {"reason": "Figures checked."}, at(clock, date(2026, 12, 10), minute=5))
    assert row(factory, case.id, "notice_effective").due_on == date(2027, 3, 1)
    assert case_now(factory, case.id).data["notice"]["effective_on"] == "2027-03-02"
    # Nothing closes the case before the new effective date.
    for day in (date(2027, 2, 27), date(2027, 3, 1)):
        sweep(service, at(clock, day, hour=12))
        assert case_now(factory, case.id).status == "notice_period"
    sweep(service, at(clock, date(2027, 3, 2), hour=0, minute=30))
    assert case_now(factory, case.id).status == "closed_changed"
    told_in_writing(factory, case.id, "1 March 2027", "2 March 2027")
    moved_in_audit(factory, case.id, date(2027, 3, 1), date(2027, 3, 2))


def test_the_stated_effective_date_follows_a_dispute_pause(service, cast, clock, factory):
    service.limits = replace(service.limits, dispute_pauses_notice=1)
    # Emailed Tuesday 1 December 2026 at 10:00: deemed given that day; the period's last day is
    # Monday 1 March 2027 and the change takes effect on Tuesday 2 March.
    case = notice_given(service, cast, clock, datetime(2026, 12, 1, 10, tzinfo=UTC), date(2027, 3, 2))
    at(clock, date(2026, 12, 2))
    dispute = raise_dispute(service, cast, clock, linked=case)
    assert row(factory, case.id, "notice_effective").status == "paused"
    # Withdrawn on Thursday 10 December: paused on 2, 3, ... 10 December, nine calendar days, so
    # the last day is 1 March + 9 = Wednesday 10 March and the effective date Thursday 11 March.
    service.fire(dispute.id, "withdraw_dispute", cast["vl"], {"reason": "Settled."}, at(clock, date(2026, 12, 10)))
    notice_row = row(factory, case.id, "notice_effective")
    assert (notice_row.status, notice_row.due_on) == ("open", date(2027, 3, 10))
    assert case_now(factory, case.id).data["notice"]["effective_on"] == "2027-03-11"
    told_in_writing(factory, case.id, "2 March 2027", "11 March 2027")
    moved_in_audit(factory, case.id, date(2027, 3, 2), date(2027, 3, 11))


def test_the_notice_stays_paused_until_the_last_open_dispute_ends(service, cast, clock, factory):
    service.limits = replace(service.limits, dispute_pauses_notice=1)
    # Deemed given Tuesday 1 December 2026: last day Monday 1 March 2027.
    case = notice_given(service, cast, clock, datetime(2026, 12, 1, 10, tzinfo=UTC), date(2027, 3, 2))
    at(clock, date(2026, 12, 2))
    first = raise_dispute(service, cast, clock, linked=case)
    at(clock, date(2026, 12, 3))
    second = raise_dispute(service, cast, clock, linked=case)
    service.fire(first.id, "withdraw_dispute", cast["vl"], {"reason": "Settled."}, at(clock, date(2026, 12, 10)))
    assert row(factory, case.id, "notice_effective").status == "paused"
    assert case_now(factory, case.id).is_paused
    # The second dispute ends on Tuesday 15 December: paused from 2 to 15 December, 14 calendar
    # days, so the last day is 1 March + 14 = Monday 15 March 2027, effective Tuesday 16 March.
    service.fire(second.id, "withdraw_dispute", cast["vl"], {"reason": "Settled."}, at(clock, date(2026, 12, 15)))
    notice_row = row(factory, case.id, "notice_effective")
    assert (notice_row.status, notice_row.due_on) == ("open", date(2027, 3, 15))
    assert case_now(factory, case.id).data["notice"]["effective_on"] == "2027-03-16"
    assert not case_now(factory, case.id).is_paused


def test_an_added_bank_holiday_keeps_a_pause(service, cast, clock, factory):
    # Concern raised Tuesday 1 December 2026: 5 working days are 2, 3, 4, 7 and 8 December.
    case = open_case(service, cast, clock)
    service.fire(case.id, "raise_concern", cast["fo"], {
        "issues": "Attendance fell.", "evidence": "Monitoring returns.", "what_good_looks_like": "30 a week.",
        "letter_date": date(2026, 12, 1)}, clock.now())
    assert row(factory, case.id, "concern_ack").due_on == date(2026, 12, 8)
    # Paused Wednesday 2 December (4 working days left: 3, 4, 7, 8), resumed Monday 14
    # December: the 4 days are 15, 16, 17 and 18 December.
    service.fire(case.id, "pause", cast["fo"], {"reason": "Manager off sick."}, at(clock, date(2026, 12, 2)))
    service.fire(case.id, "resume", cast["fo"], {"reason": "Manager back."}, at(clock, date(2026, 12, 14)))
    assert row(factory, case.id, "concern_ack").due_on == date(2026, 12, 18)
    # A holiday far outside the deadline (Monday 10 May 2027) changes nothing.
    service.add_holiday(None, date(2027, 5, 10), "Coronation holiday", clock.now())
    assert row(factory, case.id, "concern_ack").due_on == date(2026, 12, 18)
    # One inside what is left (Wednesday 16 December) moves it later by a working day: 15,
    # 17, 18 and Monday 21 December.
    service.add_holiday(None, date(2026, 12, 16), "Civic day", clock.now())
    assert row(factory, case.id, "concern_ack").due_on == date(2026, 12, 21)
