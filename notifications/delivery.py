"""Delivery from the outbox. Due rows are claimed like deadline rows (a conditional UPDATE
checked by its row count; SKIP LOCKED on PostgreSQL), sent outside any transaction, then
marked sent. A failed attempt waits longer each time (exponential backoff); after the
maximum attempts the message is marked failed for administrators to see, never dropped.
A crash between the server accepting and the commit means one resend with the same
Message-ID, so the reader's mail program still shows one email."""
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from casework.clock import require_aware
from casework.letters import Letter
from casework.messages import MessageStatus, OutboxMessage
from casework.persistence import unit_of_work
from notifications.emails import build_email
from casework.persistence.claims import claim_rows, claimable
from notifications.transports import PermanentFailure, Transport, TransportUnavailable
from workflows.sweep import one_connection

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


@dataclass
class DeliveryResult:
    """What one delivery run did."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0

    def __bool__(self) -> bool:
        return self.claimed > 0


def backoff(attempts: int) -> timedelta:
    """How long to wait after the nth failed attempt: 1, 2, 4, 8... minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def _claimable(now: datetime):
    return claimable(OutboxMessage, OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at, now)


def claim_pending(factory: sessionmaker[Session], now: datetime, worker_id: str, batch: int,
                  lease: timedelta) -> list[int]:
    """Claim up to `batch` messages that are due for an attempt; returns their ids."""
    return claim_rows(factory, OutboxMessage, OutboxMessage.status == MessageStatus.PENDING,
                      OutboxMessage.next_attempt_at, now, worker_id, batch, lease)


def deliver_due(factory: sessionmaker[Session], transport: Transport, now: datetime, worker_id: str, *,
                sender: str, max_attempts: int = 8, batch: int = 100,
                lease: timedelta = timedelta(minutes=5)) -> DeliveryResult:
    """Send every message due for an attempt, batch by batch, until none is left or the
    mail service cannot be reached."""
    now, result = require_aware(now), DeliveryResult()
    try:
        with one_connection(factory) as sessions:
            run = _Run(sessions, transport, now, worker_id, sender, max_attempts, result)
            started = time.monotonic()  # `now` is fixed for the run; leases count the time spent too
            while ids := claim_pending(sessions, now, worker_id, batch,
                                       lease + timedelta(seconds=time.monotonic() - started)):
                result.claimed += len(ids)
                if not run.batch(ids):
                    break
    finally:
        transport.close()
    return result


@dataclass
class _Run:
    factory: sessionmaker[Session]
    transport: Transport
    now: datetime
    worker_id: str
    sender: str
    max_attempts: int
    result: DeliveryResult

    def batch(self, ids: list[int]) -> bool:
        """Send a claimed batch; False when the service is unreachable (the rest are released).
        A message no email can be built from is failed on its own; the others still go."""
        emails = self._load(ids)
        for n, (row_id, attempts, email) in enumerate(emails):
            if isinstance(email, CannotBuild):
                self._finish(row_id, attempts, str(email), final=True)  # the same row never builds
                continue
            try:
                self.transport.send(email)
            except PermanentFailure as exc:
                self._finish(row_id, attempts, str(exc), final=True)
            except TransportUnavailable as exc:
                self._finish(row_id, attempts, str(exc), final=False)
                self._release([i for i, _, _ in emails[n + 1:]])
                log.warning("Mail service unavailable, stopping delivery: %s", exc)
                return False
            except Exception as exc:  # noqa: BLE001 - any other failure is retried later
                self._finish(row_id, attempts, f"{type(exc).__name__}: {exc}", final=False)
            else:
                self._sent(row_id, attempts)
        return True

    def _load(self, ids: list[int]) -> list[tuple[int, int, object]]:
        """(id, attempts, the email or why it cannot be built) for each claimed row."""
        with self.factory() as session:
            rows = session.scalars(select(OutboxMessage).where(
                OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == self.worker_id)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)).all()
            letters = {r.letter_id: session.get(Letter, r.letter_id) for r in rows if r.letter_id}
            return [(r.id, r.attempts, _built(r, self.sender, letters.get(r.letter_id))) for r in rows]

    def _mine(self, row_id: int):
        return update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == self.worker_id) \
            .execution_options(synchronize_session=False)

    def _sent(self, row_id: int, attempts: int) -> None:
        with unit_of_work(self.factory) as session:
            session.execute(self._mine(row_id).values(
                status=MessageStatus.SENT, sent_at=self.now, attempts=attempts + 1, last_error=None,
                claimed_by=None, lease_until=None))
        self.result.sent += 1

    def _finish(self, row_id: int, attempts: int, error: str, final: bool) -> None:
        attempts += 1
        give_up = final or attempts >= self.max_attempts
        values = {"attempts": attempts, "last_error": error[:2000], "claimed_by": None, "lease_until": None}
        if give_up:
            values["status"] = MessageStatus.FAILED
        else:
            values["next_attempt_at"] = self.now + backoff(attempts)
        with unit_of_work(self.factory) as session:
            session.execute(self._mine(row_id).values(**values))
        if give_up:
            self.result.failed += 1
            log.error("Message %s failed for good after %d attempt(s): %s", row_id, attempts, error)
        else:
            self.result.retrying += 1

    def _release(self, ids: list[int]) -> None:
        if ids:
            with unit_of_work(self.factory) as session:
                session.execute(update(OutboxMessage).where(
                    OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == self.worker_id)
                    .values(claimed_by=None, lease_until=None).execution_options(synchronize_session=False))
            self.result.released += len(ids)


class CannotBuild(str):
    """Why no email could be built from an outbox row (kept as its last error)."""


def _built(row: OutboxMessage, sender: str, letter: Letter | None):
    """The row's email, or CannotBuild: one bad row must not hold back the rest of its batch."""
    try:
        return build_email(row, sender, letter)
    except Exception as exc:  # noqa: BLE001 - whatever it is, this message alone fails
        log.exception("Message %s cannot be built as an email", row.id)
        return CannotBuild(f"The email could not be built: {type(exc).__name__}: {exc}")


def failed_messages(session: Session, limit: int = 200) -> list[OutboxMessage]:
    """Messages that could not be delivered, newest first, for administrators."""
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.status == MessageStatus.FAILED)
                                .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)))


def retry_message(session: Session, message_pk: int, now: datetime) -> bool:
    """Put a failed message back in the queue for a fresh set of attempts; False if it was not failed."""
    done = session.execute(update(OutboxMessage).where(
        OutboxMessage.id == message_pk, OutboxMessage.status == MessageStatus.FAILED)
        .values(status=MessageStatus.PENDING, attempts=0, next_attempt_at=require_aware(now),
                claimed_by=None, lease_until=None).execution_options(synchronize_session=False))
    return done.rowcount == 1


def outbox_counts(session: Session) -> dict[str, int]:
    """How many messages are pending, sent and failed."""
    counts = dict(session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status.value: counts.get(status.value, 0) for status in MessageStatus}
