"""A dispute linked to a funding case in its notice period pauses the notice clock only
where the funding code says so; the notice, a calendar period, then ends later by the calendar
days on which it stood paused (processes.md, "Clocks")."""
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from casework.cases import Case
from casework.deadlines import Deadline
from tests.factories import dispute_at, funding_case_at, raise_dispute
from workflows import calendar as cal
from workflows.dispute import WORKFLOW as DISPUTE
from workflows.sweep import sweep_due


def notice_row(factory, case_id):
    with factory() as s:
        return s.scalar(select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == "notice_effective")
                        .order_by(Deadline.id.desc()))


def test_dispute_does_not_pause_notice_by_default(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "notice_period")
    before = notice_row(factory, case.id).due_on
    raise_dispute(service, cast, clock, linked=case)
    row = notice_row(factory, case.id)
    assert (row.status, row.due_on) == ("open", before)


def test_dispute_pauses_notice_when_the_funding_code_says_so(service, cast, clock, factory):
    service.limits = replace(service.limits, dispute_pauses_notice=1)
    case = funding_case_at(service, cast, clock, "notice_period")
    before = notice_row(factory, case.id).due_on
    raise_dispute(service, cast, clock, linked=case)
    row = notice_row(factory, case.id)
    assert (row.status, row.due_on) == ("paused", before)   # never turned into working days


def test_ending_the_dispute_resumes_notice_later_by_the_days_it_stood_paused(service, cast, clock, factory):
    service.limits = replace(service.limits, dispute_pauses_notice=1)
    case = funding_case_at(service, cast, clock, "notice_period")
    before = notice_row(factory, case.id).due_on
    dispute = raise_dispute(service, cast, clock, linked=case)
    clock.advance(days=20)
    service.fire(dispute.id, "withdraw_dispute", cast["vl"], {"reason": "Settled."}, clock.now())
    row = notice_row(factory, case.id)
    assert row.status == "open"
    # Raised on day 0 and withdrawn on day 20: paused on 21 calendar days.
    assert row.due_on == before + timedelta(days=21)


def test_a_dispute_whose_window_lapses_resumes_notice_too(service, cast, clock, factory):
    service.limits = replace(service.limits, dispute_pauses_notice=1)
    case = funding_case_at(service, cast, clock, "notice_period")
    before = notice_row(factory, case.id).due_on
    dispute = dispute_at(service, cast, clock, "informal_response_given", linked=case)
    window = deadline_of(factory, dispute.id, "escalation_window")
    clock.current = window.fires_at + timedelta(days=3)   # nobody asked for a senior review in time
    sweep_due(service.factory, clock.now(), "sweeper", service.calendar, service.limits, service.hooks)
    with factory() as s:
        assert s.get(Case, dispute.id).status in DISPUTE.terminal
    row = notice_row(factory, case.id)
    assert row.status == "open"
    # Paused from the day the dispute was raised to the day its window lapsed, both counted.
    raised_on, ended_on = cal.local_date(dispute.opened_at), cal.local_date(window.fires_at)
    assert row.due_on == before + timedelta(days=(ended_on - raised_on).days + 1)


def deadline_of(factory, case_id, kind):
    with factory() as s:
        return s.scalar(select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == kind))
