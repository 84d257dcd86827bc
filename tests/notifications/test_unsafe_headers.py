"""Text that reaches an email's headers with a line break or another control character in it
(a case title, an improvement plan action that became a reminder's subject, a person's name,
a letter's file name): the email still goes, with the header on one line, and a message whose
email cannot be built at all fails on its own, shown to administrators, while every other
message is delivered. Real SMTP (aiosmtpd on loopback), on both databases."""
import hashlib

import pytest
from casework.letters import Letter
from casework.messages import MessageStatus, OutboxMessage
from casework.persistence import unit_of_work
from notifications.delivery import deliver_due, failed_messages
from notifications.emails import email_content, new_message_id
from notifications.transports import SmtpTransport
from tests.factories import open_case
from tests.reliability.helpers import SmtpSink

SENDER = "casework@bexley.example"
#: CR, LF, CRLF, NUL, tab, vertical tab, form feed, file separator, escape, DEL, NEL (C1),
#: and Unicode's line and paragraph separators.
CONTROLS = ["\r", "\n", "\r\n", "\x00", "\t", "\x0b", "\x0c", "\x1c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"]


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


def skip_nul_on_postgresql(factory, control: str) -> None:
    """PostgreSQL text cannot hold NUL at all, so only SQLite can have a row with one."""
    with factory() as s:
        if "\x00" in control and s.get_bind().dialect.name == "postgresql":
            pytest.skip("PostgreSQL cannot store NUL")


def queue(factory, now, *, subject="Reminder: act by Friday", name="Grace Adeyemi", to="vl@example.org",
          letter_id=None, case_id=None, key="") -> int:
    with unit_of_work(factory) as s:
        row = OutboxMessage(dedupe_key=f"test:{key}:{to}:{subject}", message_id=new_message_id(SENDER),
                            case_id=case_id, to_address=to, subject=subject,
                            content=email_content(name=name, subject=subject, happened="Something happened",
                                                  todo=(), case_url="https://casework.test/cases/1",
                                                  case_ref="FC-0001"),
                            letter_id=letter_id, next_attempt_at=now, created_at=now,
                            status=MessageStatus.PENDING, attempts=0)
        s.add(row)
        s.flush()
        return row.id


def deliver(factory, port, clock):
    return deliver_due(factory, SmtpTransport("127.0.0.1", port, security="none", timeout=5), clock.now(),
                       "deliverer-1", sender=SENDER)


def stored(factory, pk) -> OutboxMessage:
    with factory() as s:
        return s.get(OutboxMessage, pk)


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c[0]):04X}{'+' if len(c) > 1 else ''}" for c in CONTROLS])
def test_a_subject_and_a_name_with_a_control_character_arrive_on_one_line(factory, clock, sink, control):
    skip_nul_on_postgresql(factory, control)
    pk = queue(factory, clock.now(), subject=f"Reminder: hire a cook{control}Bcc: thief@evil.example",
               name=f"Grace{control}Adeyemi")

    result = deliver(factory, sink.port, clock)

    assert (result.sent, result.failed) == (1, 0)
    [received] = sink.messages()
    assert received["Subject"] == "Reminder: hire a cook Bcc: thief@evil.example"
    assert received["Bcc"] is None and received["To"] == "vl@example.org"
    assert "Dear Grace Adeyemi," in received.get_body(("plain",)).get_content()
    assert stored(factory, pk).status == MessageStatus.SENT


@pytest.mark.parametrize("control", ["\r\n", "\x00", "\x1b"], ids=["CRLF", "NUL", "ESC"])
def test_a_letter_file_name_with_a_control_character_is_attached_on_one_line(factory, clock, sink, service, cast,
                                                                           control):
    skip_nul_on_postgresql(factory, control)
    case = open_case(service, cast, clock)
    pdf = b"%PDF-1.7 a letter"
    with unit_of_work(factory) as s:
        letter = Letter(case_id=case.id, kind="notice", filename=f"notice{control}Content-Type: text/html.pdf",
                        pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), trigger="issue_notice",
                        created_at=clock.now())
        s.add(letter)
        s.flush()
        letter_id = letter.id
    queue(factory, clock.now(), letter_id=letter_id, case_id=case.id)

    assert deliver(factory, sink.port, clock).sent == 1
    [attachment] = list(sink.messages()[0].iter_attachments())
    assert attachment.get_filename() == "notice Content-Type: text/html.pdf"
    assert attachment.get_content_type() == "application/pdf" and attachment.get_content() == pdf


def test_a_message_that_cannot_be_built_fails_alone_and_every_other_message_is_sent(factory, clock, sink):
    before = [queue(factory, clock.now(), key=f"before-{n}") for n in range(3)]
    bad = queue(factory, clock.now(), to="vl@example.org\r\nBcc: thief@evil.example", key="bad")
    after = [queue(factory, clock.now(), key=f"after-{n}") for n in range(3)]

    result = deliver(factory, sink.port, clock)

    assert (result.sent, result.failed, result.retrying) == (6, 1, 0)
    assert len(sink.messages()) == 6 and all(m["Bcc"] is None for m in sink.messages())
    assert {stored(factory, pk).status for pk in before + after} == {MessageStatus.SENT}
    row = stored(factory, bad)
    assert (row.status, row.attempts, row.claimed_by, row.lease_until) == (MessageStatus.FAILED, 1, None, None)
    assert row.last_error.startswith("The email could not be built")
    with factory() as s:
        assert [m.id for m in failed_messages(s)] == [bad], "administrators see it among failed messages"
    assert deliver(factory, sink.port, clock).claimed == 0, "nothing is left claimed or re-claimed"
