"""The compliance report's projection of the audit trail (casework.report_events) and each
deadline's London closing date: kept with every transition, and made again from the trail by
`casework report rebuild` with the same rows."""
from datetime import date, datetime, timezone

from sqlalchemy import select

from casework.deadlines import Deadline
from casework.report_events import ReportCase, ReportEvent
from tests.casework.test_audit_keyed import run
from tests.factories import open_case, raise_dispute
from workflows.journeys import CONCERN
from workflows.sweep import sweep_due

UTC = timezone.utc


def at(clock, *when) -> datetime:
    clock.current = datetime(*when, tzinfo=UTC)
    return clock.current


def snapshot(engine):
    e = ReportEvent
    with engine.connect() as conn:
        events = conn.execute(select(e.case_id, e.seq, e.at, e.day, e.trigger, e.from_state, e.to_state, e.facts)
                              .order_by(e.case_id, e.seq)).all()
        closings = conn.execute(select(Deadline.id, Deadline.kind, Deadline.closed_at, Deadline.closed_on)
                                .order_by(Deadline.id)).all()
        cases = conn.execute(select(ReportCase).order_by(ReportCase.case_id)).all()
    return events, closings, cases


def test_the_rebuilt_projection_is_the_one_kept_with_each_transition(engine, service, cast, clock, monkeypatch):
    # Opened at 23:30 UTC on Tue 29 Sep 2026: 00:30 on Wed 30 Sep in London (BST).
    at(clock, 2026, 9, 29, 23, 30)
    case = open_case(service, cast, clock)
    service.fire(case.id, "raise_concern", cast["fo"], {**CONCERN, "letter_date": date(2026, 10, 1)},
                 at(clock, 2026, 10, 1, 9))
    service.fire(case.id, "pause", cast["fo"], {"reason": "Illness."}, at(clock, 2026, 10, 2, 9))
    service.fire(case.id, "resume", cast["fo"], {"reason": "Back."}, at(clock, 2026, 10, 5, 9))
    # Acknowledged at 23:30 UTC on Tue 6 Oct: Wed 7 Oct in London, the day its row closed on.
    service.fire(case.id, "acknowledge_concern", cast["vl"], {"comments": "OK."}, at(clock, 2026, 10, 6, 23, 30))
    # Disputes in December (GMT): one extended and answered, one withdrawn, one left to lapse.
    at(clock, 2026, 12, 1, 10)
    answered, withdrawn, lapsed = (raise_dispute(service, cast, clock) for _ in range(3))
    service.fire(answered.id, "acknowledge_dispute", cast["fo"], {"officer": cast["officer"]}, at(clock, 2026, 12, 3, 10))
    service.fire(answered.id, "extend_informal", cast["officer"], {"reason": "Papers.", "new_date": date(2026, 12, 23)},
                 at(clock, 2026, 12, 10, 10))
    service.fire(answered.id, "give_informal_response", cast["officer"], {"response": "Answer."},
                 at(clock, 2026, 12, 22, 10))
    service.fire(withdrawn.id, "withdraw_dispute", cast["vl"], {"reason": "Settled."}, at(clock, 2026, 12, 2, 10))
    sweep_due(service.factory, at(clock, 2026, 12, 21, 10), "test", service.calendar, service.limits, service.hooks)

    kept = snapshot(engine)
    events, closings, cases = kept
    opened = next(e for e in events if e.case_id == case.id and e.seq == 1)
    assert (opened.trigger, opened.from_state, opened.day) == ("open_case", None, date(2026, 9, 30))
    assert [e.trigger for e in events if e.case_id == case.id] == [
        "open_case", "raise_concern", "pause", "resume", "acknowledge_concern"]
    extended = next(e for e in events if e.trigger == "extend_informal")
    assert extended.facts["deadlines_moved"][0]["to"] == "2026-12-23"
    assert "response" not in extended.facts        # only the words a metric reads are kept
    ack = next(r for r in closings if r.kind == "concern_ack")
    assert ack.closed_on == date(2026, 10, 7)
    assert {r.closed_on for r in closings if r.closed_at is None} == {None}
    # Acknowledged 3 Dec and withdrawn 2 Dec; the third lapsed (a breach, the row still open).
    assert sorted(r.closed_on for r in closings if r.kind == "dispute_ack" and r.closed_at) == [
        date(2026, 12, 2), date(2026, 12, 3)]

    # Started when the concern was raised (1 Oct); the withdrawn dispute ended on 2 Dec.
    spans = {c.case_id: (c.started_day, c.ended_day, c.ended_state) for c in cases}
    assert spans[case.id] == (date(2026, 10, 1), None, None)
    assert spans[withdrawn.id] == (None, date(2026, 12, 2), "withdrawn")
    assert spans[answered.id] == (None, None, None)

    result = run(engine, monkeypatch, "report", "rebuild")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Rebuilt {len(events)} report events from the audit trail")
    assert snapshot(engine) == kept
