"""The deadline sweep on both databases: reminders, breaches and system transitions happen
once each, in due order, after any downtime; paused rows wait; a dead sweeper's claim
expires; two sweepers never cause the same effect."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, text, update

from casework.audit import AuditEntry, verify_chains
from casework.cases import Case
from casework.deadlines import Deadline, DeadlineEffect, DeadlineStatus
from casework.messages import Notification, OutboxMessage
from notifications.subscribers import make_subscriber
from tests.factories import funding_case_at, open_case, raise_dispute, walk
from tests.reliability.bulk import FILLER_COLUMNS, filler_rows
from workflows import calendar as cal
from workflows.context import Hooks
from workflows.journeys import FUNDING_RESOURCE
from workflows.service import CaseService
from workflows.sweep import claim_due, sweep_due

BASE_URL, SENDER = "https://casework.test", "casework@bexley.example"


@pytest.fixture
def service(factory, calendar):
    return CaseService(factory, calendar=calendar, hooks=Hooks(on_events=make_subscriber(BASE_URL, SENDER, calendar)))


def sweep(service, clock, worker="sweeper-1", **kw):
    return sweep_due(service.factory, clock.now(), worker, service.calendar, service.limits, service.hooks, **kw)


def deadline(factory, case_id, kind) -> Deadline:
    with factory() as s:
        return s.scalars(select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == kind)
                         .order_by(Deadline.id.desc())).first()


def effects(factory, **where) -> list[DeadlineEffect]:
    with factory() as s:
        query = select(DeadlineEffect).order_by(DeadlineEffect.id)
        for name, value in where.items():
            query = query.where(getattr(DeadlineEffect, name) == value)
        return list(s.scalars(query))


def emails(factory, subject_start="") -> list[OutboxMessage]:
    with factory() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.subject.startswith(subject_start))
                              .order_by(OutboxMessage.id)))


def consultation_case(service, cast, clock) -> Case:
    return walk(service, open_case(service, cast, clock), FUNDING_RESOURCE, cast, clock)


def test_reminder_goes_once_when_its_day_comes(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    row = deadline(factory, case.id, "concern_ack")
    clock.current = row.remind_at + timedelta(hours=9)
    first, second = sweep(service, clock), sweep(service, clock)
    assert (first.reminders, second.claimed) == (1, 0)
    assert [m.subject for m in emails(factory, "Reminder")] == [
        "Reminder: acknowledge the concern due on 9 December 2026 (2 working days left)"]
    assert deadline(factory, case.id, "concern_ack").next_action_at == row.fires_at


def test_breach_is_recorded_once_and_tells_the_acting_and_notified_people(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    clock.current = deadline(factory, case.id, "concern_ack").fires_at + timedelta(hours=1)
    first, second = sweep(service, clock), sweep(service, clock)
    assert (first.breaches, first.reminders, second.claimed) == (1, 0, 0)
    overdue = emails(factory, "Overdue")
    assert {m.subject for m in overdue} == {"Overdue: acknowledge the concern was due on 9 December 2026"}
    assert sorted(m.to_address for m in overdue) == ["dm@example.org", "fo@example.org", "vl@example.org"]
    row = deadline(factory, case.id, "concern_ack")
    assert row.breached_at is not None and row.next_action_at is None and row.status == DeadlineStatus.OPEN


def test_expiry_fires_the_system_transition_as_the_system(service, cast, clock, factory):
    case = consultation_case(service, cast, clock)
    row = deadline(factory, case.id, "consultation_response")
    clock.current = row.fires_at + timedelta(days=3)
    assert sweep(service, clock).fired == 1
    with factory() as s:
        assert s.get(Case, case.id).status == "decision_pending"
        last = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.seq.desc())).first()
        assert (last.trigger, last.actor_id, last.actor_name) == ("consultation_closes", None, "Compact casework (automatic)")
        assert verify_chains(s) == []
    assert deadline(factory, case.id, "consultation_response").status == DeadlineStatus.FIRED


def test_a_deadline_whose_expiry_moves_the_case_on_is_told_by_that_move_not_as_overdue(service, cast, clock, factory):
    case = consultation_case(service, cast, clock)
    clock.current = deadline(factory, case.id, "consultation_response").fires_at + timedelta(days=3)
    with factory() as s:
        seen = s.scalar(select(func.max(Notification.id)))
    assert sweep(service, clock).fired == 1
    assert emails(factory, "Overdue") == []
    with factory() as s:
        told = s.scalars(select(Notification.text).where(Notification.id > seen)).all()
    assert told and all("closed without a response" in text and "was due on" not in text for text in told), told


def test_after_downtime_the_next_stage_counts_from_the_deadline_not_from_the_restart(service, cast, clock, factory):
    case = consultation_case(service, cast, clock)
    row = deadline(factory, case.id, "consultation_response")
    clock.current = row.fires_at + timedelta(days=9)
    sweep(service, clock)
    closed_on = row.due_on   # the window's last day, not the instant it ran out (processes.md, "Clocks")
    assert deadline(factory, case.id, "decision").due_on == cal.add_working_days(closed_on, service.limits.decision_wd)


def test_paused_deadlines_are_left_alone(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    service.fire(case.id, "pause", cast["fo"], {"reason": "Trustees are away"}, clock.now())
    clock.advance(days=60)
    assert sweep(service, clock).claimed == 0
    assert deadline(factory, case.id, "concern_ack").status == DeadlineStatus.PAUSED


def test_downtime_catch_up_fires_everything_once_in_due_order(service, cast, clock, factory):
    concern = funding_case_at(service, cast, clock, "concern_raised")
    dispute = raise_dispute(service, cast, clock)
    clock.advance(days=2)
    consultation = consultation_case(service, cast, clock)
    clock.advance(days=120)
    result = sweep(service, clock)
    assert sweep(service, clock).claimed == 0
    done = effects(factory)
    with factory() as s:
        due = {r.id: r.fires_at for r in s.scalars(select(Deadline))}
    fired_in = [e.deadline_id for e in done if e.effect in ("breach",)]
    assert fired_in == sorted(fired_in, key=lambda i: (due[i], i))
    assert len({(e.deadline_id, e.effect) for e in done}) == len(done)
    assert {concern.id, dispute.id, consultation.id} <= {deadline_case(factory, e.deadline_id) for e in done}
    assert result.errors == []


def deadline_case(factory, deadline_id) -> int:
    with factory() as s:
        return s.get(Deadline, deadline_id).case_id


def test_a_dead_sweepers_claim_is_taken_over_when_its_lease_ends(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    clock.current = deadline(factory, case.id, "concern_ack").fires_at + timedelta(hours=1)
    assert len(claim_due(factory, clock.now(), "dead-sweeper", lease=timedelta(minutes=5))) == 1
    assert sweep(service, clock).claimed == 0
    clock.advance(minutes=6)
    assert sweep(service, clock).breaches == 1


def test_an_effect_already_recorded_is_not_caused_again(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    clock.current = deadline(factory, case.id, "concern_ack").fires_at + timedelta(hours=1)
    sweep(service, clock)
    before = len(emails(factory))
    with factory() as s, s.begin():  # as if the marker were lost but the effect row kept
        s.execute(update(Deadline).where(Deadline.case_id == case.id, Deadline.kind == "concern_ack")
                  .values(breached_at=None, next_action_at=clock.now() - timedelta(minutes=1)))
    again = sweep(service, clock)
    assert (again.claimed, again.breaches) == (1, 0)
    assert len(effects(factory, effect="breach")) == 1 and len(emails(factory)) == before


def test_two_sweepers_at_once_cause_each_effect_once(service, cast, clock, factory):
    cases = [funding_case_at(service, cast, clock, "concern_raised") for _ in range(6)]
    clock.advance(days=40)
    results = []
    workers = [threading.Thread(target=lambda n=n: results.append(sweep(service, clock, f"sweeper-{n}", batch=2)))
               for n in range(2)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert sum(r.breaches for r in results) == len(cases) == len(effects(factory, effect="breach"))
    assert all(r.errors == [] for r in results)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.subject.startswith("Overdue"))) == 3 * len(cases)


def test_claim_reads_the_status_and_due_time_index(engine, factory, clock, service, cast):
    # The planner is asked about a table like a real one (5,000 rows, most closed, the open ones
    # due later), analysed: on a nearly empty table its choice of index depended on statistics
    # earlier tests on the same worker had left, and the test failed now and then.
    case = funding_case_at(service, cast, clock, "concern_raised")
    rows = [dict(zip(FILLER_COLUMNS, row)) for row in filler_rows(case.id, 5000, clock.now())]
    with engine.begin() as conn:
        conn.execute(insert(Deadline), rows)
        conn.execute(text("ANALYZE deadlines" if engine.dialect.name == "postgresql" else "ANALYZE"))
    query = ("SELECT id FROM deadlines WHERE status = 'open' AND next_action_at <= :now "
             "AND (lease_until IS NULL OR lease_until < :now) ORDER BY next_action_at, id LIMIT 200")
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.execute(text("EXPLAIN QUERY PLAN " + query), {"now": "2026-12-01"}))
        else:
            plan = " ".join(r[0] for r in conn.execute(text("EXPLAIN " + query), {"now": clock.now()}))
    assert "ix_deadlines_status_next_action_at" in plan, plan


def test_reminder_and_breach_write_in_app_notifications_too(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    clock.current = deadline(factory, case.id, "concern_ack").fires_at + timedelta(hours=1)
    sweep(service, clock)
    with factory() as s:
        texts = s.scalars(select(Notification.text).where(Notification.person_id == cast["vl"])).all()
    assert any("was due on 9 December 2026" in t for t in texts)


def test_a_row_that_fails_undoes_only_itself_in_a_shared_transaction(service, cast, clock, factory):
    cases = [funding_case_at(service, cast, clock, "concern_raised") for _ in range(3)]
    broken = cases[1].id
    subscriber = service.hooks.on_events

    def fails_for_one_case(connection, events, cases):
        subscriber(connection, events, cases)  # its rows are written first, so the savepoint must undo them
        if any(e.case_id == broken for e in events):
            raise RuntimeError("the mail template is missing")

    clock.advance(days=40)
    result = sweep_due(factory, clock.now(), "sweeper-1", service.calendar, service.limits,
                       Hooks(on_events=fails_for_one_case))
    assert result.breaches == 2 and [row_id for row_id, _ in result.errors] == [
        deadline(factory, broken, "concern_ack").id]
    assert {deadline_case(factory, e.deadline_id) for e in effects(factory, effect="breach")} == {
        cases[0].id, cases[2].id}
    with factory() as s:
        told = set(s.scalars(select(OutboxMessage.case_id).where(OutboxMessage.subject.startswith("Overdue"))))
    assert told == {cases[0].id, cases[2].id}
    assert deadline(factory, broken, "concern_ack").breached_at is None


def test_rows_of_one_case_due_together_are_handled_in_turn(service, cast, clock, factory):
    # The plan's actions and its end fall due at the same moment and are swept in one
    # transaction: each action is told as overdue once, then the plan's end moves the case
    # on, which closes the actions (each row sees what the rows before it did to the case).
    case = funding_case_at(service, cast, clock, "improvement_in_progress")
    end = deadline(factory, case.id, "plan_end")
    with factory() as s:
        actions = s.scalars(select(Deadline.id).where(Deadline.case_id == case.id,
                                                      Deadline.kind.startswith("action:"))).all()
    assert len(actions) == 2
    clock.current = end.fires_at + timedelta(hours=1)
    result = sweep(service, clock)
    assert (result.claimed, result.fired, result.breaches, result.errors) == (3, 1, 3, [])
    with factory() as s:
        assert s.get(Case, case.id).status == "performance_review"
        rows = s.scalars(select(Deadline).where(Deadline.id.in_(actions))).all()
        assert {row.status for row in rows} == {DeadlineStatus.CLOSED} and all(row.breached_at for row in rows)
        audit = s.scalars(select(AuditEntry.trigger).where(AuditEntry.case_id == case.id)
                          .order_by(AuditEntry.seq.desc())).first()
    assert audit == "plan_period_ends"
    overdue = emails(factory, "Overdue")
    assert len(overdue) == len({(m.person_id, m.subject) for m in overdue}) == 2 * len({m.person_id for m in overdue})
