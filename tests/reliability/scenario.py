"""Cases with deadlines already due, made through the real engine with clocks set in the past,
and the checks that every deadline fired once and every message went out once."""
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from casework.audit import AuditEntry, verify_chains
from casework.cases import Case
from casework.clock import FixedClock
from casework.deadlines import Deadline, DeadlineEffect, DeadlineStatus
from casework.messages import MessageStatus, OutboxMessage
from notifications.subscribers import make_subscriber
from tests.factories import Cast, make_cast, open_case, raise_dispute
from workflows import calendar as cal
from workflows.context import Hooks
from workflows.journeys import ASSESSMENT, CONCERN
from workflows.service import CaseService

BASE_URL, SENDER = "https://casework.test", "casework@bexley.example"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@dataclass
class Seeded:
    concerns: list[int] = field(default_factory=list)       # acknowledgement overdue: a breach
    consultations: list[int] = field(default_factory=list)  # window lapsed: closes, then decision overdue
    reminders: list[int] = field(default_factory=list)      # response due in 2 working days: a reminder
    disputes: list[int] = field(default_factory=list)       # escalation window lapsed: resolved
    cast: Cast | None = None


def seed(factory, n: int, now: datetime) -> Seeded:
    """n cases of each kind, every one due for the sweep at `now`."""
    calendar = cal.WorkingCalendar()
    service = CaseService(factory, calendar=calendar, hooks=Hooks(on_events=make_subscriber(BASE_URL, SENDER, calendar)))
    cast = make_cast(factory)
    seeded = Seeded(cast=cast)
    for i in range(n):
        seeded.concerns.append(_concern(service, cast, now - timedelta(days=30, minutes=i)))
        seeded.consultations.append(_consultation(service, cast, now - timedelta(days=100, minutes=i), None))
        seeded.reminders.append(_consultation(service, cast, None, now))
        seeded.disputes.append(_dispute(service, cast, now - timedelta(days=80, minutes=i)))
    return seeded


def _concern(service, cast, start: datetime) -> int:
    clock = FixedClock(start)
    case = open_case(service, cast, clock)
    clock.advance(days=1)
    service.fire(case.id, "raise_concern", cast["fo"], {**CONCERN, "letter_date": cal.local_date(clock.now())}, clock.now())
    return case.id


def _consultation(service, cast, start: datetime | None, due_soon_from: datetime | None) -> int:
    """Open for the full window from `start`, or due two working days after `due_soon_from`."""
    if due_soon_from is not None:
        respond_by = cal.add_working_days(cal.local_date(due_soon_from), 2)
        opened = cal.subtract_working_days(respond_by, 12)
        start = datetime.combine(opened, datetime.min.time(), tzinfo=timezone.utc) - timedelta(days=3, hours=-10)
    clock = FixedClock(start)
    case = open_case(service, cast, clock)
    steps = [("propose_resource_change", {"restriction": "Budget down 10%.", "proposal": "reduce", "criteria": "Reach."}),
             ("save_assessment", ASSESSMENT)]
    for trigger, data in steps:
        clock.advance(days=1)
        service.fire(case.id, trigger, cast["fo"], data, clock.now())
    clock.advance(days=1)
    today = cal.local_date(clock.now())
    service.fire(case.id, "open_consultation", cast["fo"], {
        "proposal": "Reduce the grant by 40%.", "criteria_reasons": "Attendance has fallen.",
        "impact_summary": "About 25 residents affected.",
        "respond_by": respond_by if due_soon_from else cal.add_working_days(today, 20)}, clock.now())
    return case.id


def _dispute(service, cast, start: datetime) -> int:
    clock = FixedClock(start)
    case = raise_dispute(service, cast, clock)
    clock.advance(days=1)
    service.fire(case.id, "acknowledge_dispute", cast["fo"], {"officer": cast["officer"]}, clock.now())
    clock.advance(days=1)
    service.fire(case.id, "give_informal_response", cast["officer"], {"response": "We considered it."}, clock.now())
    return case.id


# --- running the scheduler as a process ------------------------------------------------------

def scheduler_env(db_url: str, smtp_port: int) -> dict:
    return {**os.environ, "CASEWORK_DATABASE_URL": db_url, "CASEWORK_SMTP_HOST": "127.0.0.1",
            "CASEWORK_SMTP_PORT": str(smtp_port), "CASEWORK_SMTP_SECURITY": "none",
            "CASEWORK_MAIL_SENDER": SENDER, "CASEWORK_BASE_URL": BASE_URL, "PYTHONUNBUFFERED": "1"}


class SchedulerProcess:
    """`casework scheduler` in a child process, its log read as it runs."""

    def __init__(self, env: dict, *args: str) -> None:
        self.lines: list[str] = []
        self.started = threading.Event()
        self.proc = subprocess.Popen([sys.executable, "-c", "from web.cli import main; main()", "scheduler", *args],
                                     env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)
            if "Scheduler started" in line:
                self.started.set()

    def wait_started(self, timeout: float = 30) -> None:
        if not self.started.wait(timeout):
            self.proc.kill()
            raise AssertionError("the scheduler did not start:\n" + "".join(self.lines))

    def finish(self, signal_method: str = "terminate", timeout: float = 30) -> int:
        getattr(self.proc, signal_method)()
        code = self.proc.wait(timeout)
        self.reader.join(5)
        self.proc.stdout.close()
        return code


def work_left(factory, now: datetime) -> tuple[int, int]:
    """Due deadline rows not yet handled, and messages not yet sent."""
    with factory() as s:
        due = s.scalar(select(func.count()).select_from(Deadline).where(
            Deadline.status == DeadlineStatus.OPEN, Deadline.next_action_at <= now))
        pending = s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == MessageStatus.PENDING))
    return due, pending


def wait_for_progress(factory, since: tuple[int, int], timeout: float = 20) -> tuple[int, int]:
    """Wait until some due work has been done since `since` (or there is none left)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = work_left(factory, datetime.now(timezone.utc))
        if left != since or left == (0, 0):
            return left
        time.sleep(0.05)
    return since


def wait_until_done(factory, timeout: float = 90, messages: bool = True) -> None:
    """Wait until no due deadline is left (and, with `messages`, no unsent message)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        due, pending = work_left(factory, datetime.now(timezone.utc))
        if due == 0 and (pending == 0 or not messages):
            return
        time.sleep(0.3)
    raise AssertionError(f"work left after {timeout}s: {work_left(factory, datetime.now(timezone.utc))}")


# --- checks ------------------------------------------------------------------------------------

def check_fired_once(factory, seeded: Seeded) -> None:
    """Every due deadline caused each of its effects exactly once; the audit chains verify."""
    with factory() as s:
        effects = s.execute(select(DeadlineEffect.deadline_id, DeadlineEffect.effect)).all()
        assert len(effects) == len(set(effects))
        rows = list(s.scalars(select(Deadline)))
        now = datetime.now(timezone.utc)
        kinds = {(d, e) for d, e in effects}
        for row in rows:
            if row.status == DeadlineStatus.OPEN and row.fires_at <= now:
                assert row.breached_at is not None and (row.id, "breach") in kinds, row
            if row.status == DeadlineStatus.FIRED:
                assert (row.id, "expiry") in kinds, row
        _one_transition(s, seeded.consultations, "consultation_closes", "decision_pending")
        _one_transition(s, seeded.disputes, "escalation_window_closes", "resolved")
        reminded = {r.case_id for r in rows if (r.id, "reminder") in kinds}
        assert set(seeded.reminders) <= reminded
        breached = {r.case_id for r in rows if (r.id, "breach") in kinds and r.kind == "concern_ack"}
        assert breached == set(seeded.concerns)
        assert verify_chains(s) == []


def _one_transition(session, case_ids: list[int], trigger: str, status: str) -> None:
    counts = dict(session.execute(select(AuditEntry.case_id, func.count()).where(
        AuditEntry.trigger == trigger).group_by(AuditEntry.case_id)).all())
    assert {counts.get(i) for i in case_ids} == {1}, trigger
    assert set(session.scalars(select(Case.status).where(Case.id.in_(case_ids)))) == {status}


def check_delivered_once(factory, inbox_ids: list[str]) -> int:
    """Every message sent; the inbox holds exactly the outbox's Message-IDs. Returns resends."""
    with factory() as s:
        rows = s.execute(select(OutboxMessage.message_id, OutboxMessage.status)).all()
    assert {status for _, status in rows} == {MessageStatus.SENT}
    assert set(inbox_ids) == {mid for mid, _ in rows}
    assert len(set(inbox_ids)) == len(rows)
    return len(inbox_ids) - len(rows)


def today() -> date:
    return cal.local_date(datetime.now(timezone.utc))
