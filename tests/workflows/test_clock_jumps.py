"""Security test plan row 21, the clock jump: the machine's clock jumps an hour forward or back
(a wrong NTP step, a virtual machine restored from a snapshot). Whatever it does, each effect
happens once: a reminder or breach fired before the clock went back is not fired again when
the same instant comes round a second time, nothing fires before its time, and a claim made
just before the clock went back is taken over once its lease has run, an hour later than it
would have been, never lost. Times are taken from the stored deadline row and moved by whole
hours, so nothing here depends on the project's calendar functions."""
from datetime import timedelta

from sqlalchemy import select

from casework.deadlines import DeadlineEffect
from tests.factories import funding_case_at
from tests.workflows.test_sweep import deadline, effects, emails, service, sweep  # noqa: F401 (fixture)
from workflows.sweep import claim_due

HOUR = timedelta(hours=1)


def test_a_jump_forward_fires_what_fell_due_in_the_skipped_hour_once(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    row = deadline(factory, case.id, "concern_ack")
    clock.current = row.remind_at - timedelta(minutes=30)
    assert sweep(service, clock).claimed == 0, "not yet"

    clock.current += HOUR  # the reminder's time passed inside the jump
    assert sweep(service, clock).reminders == 1
    assert sweep(service, clock).claimed == 0
    assert len(emails(factory, "Reminder")) == 1


def test_a_jump_back_does_not_fire_a_reminder_or_a_breach_again(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    row = deadline(factory, case.id, "concern_ack")
    for due in (row.remind_at, row.fires_at):
        clock.current = due + timedelta(minutes=30)
        assert sweep(service, clock).claimed == 1
        clock.current -= HOUR  # back to before it was due
        assert sweep(service, clock).claimed == 0
        clock.current += HOUR + timedelta(seconds=1)  # the same instant comes round again
        assert sweep(service, clock).claimed == 0
    assert sorted(e.effect for e in effects(factory, deadline_id=row.id)) == ["breach", "reminder"]
    assert len(emails(factory, "Reminder")) == 1


def test_nothing_fires_early_after_a_jump_back(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    row = deadline(factory, case.id, "concern_ack")
    clock.current = row.fires_at - timedelta(minutes=30)
    sweep(service, clock)  # the reminder, long due
    clock.current -= HOUR
    clock.current += HOUR + timedelta(minutes=29)  # back to one minute before the breach
    assert sweep(service, clock).breaches == 0
    clock.current += timedelta(minutes=1)
    assert sweep(service, clock).breaches == 1


def test_a_claim_made_before_the_clock_went_back_is_taken_over_an_hour_later_not_lost(
        service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    row = deadline(factory, case.id, "concern_ack")
    clock.current = row.fires_at + timedelta(minutes=10)
    assert len(claim_due(factory, clock.now(), "dies-before-the-jump", lease=timedelta(minutes=5))) == 1
    clock.current -= HOUR
    clock.current += timedelta(minutes=6)  # its lease would have ended, had the clock not gone back
    assert sweep(service, clock).claimed == 0, "the lease is read against the clock as it is now"
    clock.current += HOUR  # the lease has now run by this clock too
    assert sweep(service, clock).breaches == 1
    with factory() as s:
        assert s.scalars(select(DeadlineEffect.effect).where(DeadlineEffect.deadline_id == row.id)).all().count(
            "breach") == 1
