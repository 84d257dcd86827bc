"""Delivery from the outbox to a real SMTP server (aiosmtpd on loopback), on both databases:
the stored Message-ID goes out, failures back off and end as failed, a server outage loses
nothing and duplicates nothing."""
import hashlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.letters import Letter
from casework.messages import MessageStatus, OutboxMessage
from casework.persistence import unit_of_work
from notifications.delivery import backoff, claim_pending, deliver_due, failed_messages, outbox_counts, retry_message
from notifications.emails import build_email, email_content, new_message_id
from notifications.transports import SmtpTransport
from tests.factories import open_case
from tests.reliability.helpers import SmtpSink, free_port

SENDER = "casework@bexley.example"


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


def smtp(port) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", port, security="none", timeout=5)


def queue(factory, now, n=1, to="vl@example.org", letter_id=None, case_id=None) -> list[int]:
    with unit_of_work(factory) as s:
        rows = [OutboxMessage(dedupe_key=f"test:{now.isoformat()}:{i}:{to}", message_id=new_message_id(SENDER),
                              case_id=case_id, to_address=to, subject=f"Reminder {i}: act by Friday — £0",
                              content=email_content(name="Grace Adeyemi", subject=f"Reminder {i}", happened=f"Body {i}",
                                                    todo=(), case_url="https://casework.test/cases/1",
                                                    case_ref="FC-0001"), letter_id=letter_id,
                              next_attempt_at=now, created_at=now, status=MessageStatus.PENDING, attempts=0)
                for i in range(n)]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def rows(factory) -> list[OutboxMessage]:
    with factory() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def deliver(factory, transport, clock, worker="deliverer-1", **kw):
    return deliver_due(factory, transport, clock.now(), worker, sender=SENDER, **kw)


def test_the_email_carries_the_stored_message_id_date_and_letter(factory, clock, sink, service, cast):
    case = open_case(service, cast, clock)
    pdf = b"%PDF-1.7 a letter"
    with unit_of_work(factory) as s:
        letter = Letter(case_id=case.id, kind="notice", filename="notice-FC-0001.pdf", pdf=pdf,
                        sha256=hashlib.sha256(pdf).hexdigest(), trigger="issue_notice", created_at=clock.now())
        s.add(letter)
        s.flush()
        letter_id = letter.id
    queue(factory, clock.now(), letter_id=letter_id, case_id=case.id)
    assert deliver(factory, smtp(sink.port), clock).sent == 1
    [received], [row] = sink.messages(), rows(factory)
    assert received["Message-ID"] == row.message_id
    assert received["Subject"] == row.subject
    [attachment] = list(received.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content()) == ("notice-FC-0001.pdf", pdf)
    assert (row.status, row.attempts, row.sent_at) == (MessageStatus.SENT, 1, clock.now())


def test_smtp_down_then_up_every_message_arrives_exactly_once(factory, clock):
    port = free_port()
    queue(factory, clock.now(), n=20)
    first = deliver(factory, smtp(port), clock)
    assert (first.sent, first.retrying, first.released) == (0, 1, 19)
    clock.advance(minutes=5)
    assert deliver(factory, smtp(port), clock).sent == 0
    server = SmtpSink(port=port).start()
    try:
        clock.advance(minutes=10)
        assert deliver(factory, smtp(port), clock).sent == 20
        assert deliver(factory, smtp(port), clock).claimed == 0
        ids = server.message_ids()
    finally:
        server.stop()
    assert sorted(ids) == sorted(r.message_id for r in rows(factory)) and len(set(ids)) == 20


def test_each_failed_attempt_waits_twice_as_long_up_to_six_hours():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(30) == timedelta(hours=6)


def test_after_the_last_attempt_a_message_is_failed_listed_and_can_be_retried(factory, clock):
    port = free_port()
    [pk] = queue(factory, clock.now())
    for _ in range(3):
        deliver(factory, smtp(port), clock, max_attempts=3)
        clock.advance(hours=1)
    [row] = rows(factory)
    assert (row.status, row.attempts) == (MessageStatus.FAILED, 3) and "127.0.0.1" in row.last_error
    with unit_of_work(factory) as s:
        assert [m.id for m in failed_messages(s)] == [pk]
        assert outbox_counts(s) == {"pending": 0, "sent": 0, "failed": 1}
        assert retry_message(s, pk, clock.now()) is True
        assert retry_message(s, pk, clock.now()) is False
    assert (rows(factory)[0].status, rows(factory)[0].attempts) == (MessageStatus.PENDING, 0)


def test_a_refused_recipient_fails_at_once_and_the_rest_are_sent(factory, clock):
    server = SmtpSink(refuse={"gone@example.org"}).start()
    try:
        queue(factory, clock.now(), n=1, to="gone@example.org")
        queue(factory, clock.now(), n=2)
        result = deliver(factory, smtp(server.port), clock)
    finally:
        server.stop()
    assert (result.sent, result.failed) == (2, 1)
    assert {r.to_address: r.status for r in rows(factory)}["gone@example.org"] == MessageStatus.FAILED


def test_two_deliverers_at_once_send_each_message_once(factory, clock, sink):
    queue(factory, clock.now(), n=40)
    threads = [threading.Thread(target=deliver, args=(factory, smtp(sink.port), clock, f"deliverer-{n}"),
                                kwargs={"batch": 5}) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sink.message_ids()) == len(set(sink.message_ids())) == 40


def test_a_crash_after_the_server_accepted_resends_the_same_message_id(factory, clock, sink):
    queue(factory, clock.now())
    [pk] = claim_pending(factory, clock.now(), "crashed", batch=10, lease=timedelta(minutes=2))
    transport = smtp(sink.port)
    with factory() as s:
        transport.send(build_email(s.get(OutboxMessage, pk), SENDER))  # then the process died
    transport.close()
    clock.advance(minutes=3)
    assert deliver(factory, smtp(sink.port), clock).sent == 1
    assert len(sink.message_ids()) == 2 and len(set(sink.message_ids())) == 1
