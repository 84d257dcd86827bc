"""The other ways out of the outbox: local capture (the `make run` default) and GOV.UK Notify,
tested against a local HTTP server standing in for the Notify API."""
import base64
import uuid
from datetime import datetime, timezone

import jwt
import pytest

from casework.letters import Letter
from casework.messages import OutboxMessage
from notifications.capture import CaptureTransport, captured_attachment, captured_message, captured_messages
from notifications.emails import build_email, email_content, new_message_id
from notifications.notify import NotifyTransport
from notifications.transports import DeliveryError, PermanentFailure, TransportUnavailable
from tests.reliability.helpers import FakeNotify, free_port

SENDER = "casework@bexley.example"
SERVICE_ID, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
API_KEY = f"casework_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = str(uuid.uuid4())
PDF = b"%PDF-1.7 the notice"


def email(subject="Decision on Lunch club for older residents", letter=True):
    at = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
    row = OutboxMessage(message_id=new_message_id(SENDER), to_address="vl@example.org", subject=subject,
                        content=email_content(name="Grace", subject=subject, happened="Read the decision.", todo=(),
                                              case_url="https://casework.test/cases/1", case_ref="FC-0001"),
                        created_at=at)
    attached = Letter(filename="decision-FC-0001.pdf", pdf=PDF) if letter else None
    return build_email(row, SENDER, attached)


def test_captured_mail_can_be_read_back_with_its_letter(tmp_path):
    message = email()
    CaptureTransport(tmp_path).send(message)
    [captured] = captured_messages(tmp_path)
    assert (captured.message_id, captured.to, captured.subject) == (
        message["Message-ID"], "vl@example.org", "Decision on Lunch club for older residents")
    assert "Read the decision." in captured.text and captured.attachments == ("decision-FC-0001.pdf",)
    assert captured_message(tmp_path, message["Message-ID"]) == captured
    assert captured_attachment(tmp_path, message["Message-ID"], "decision-FC-0001.pdf") == PDF


def test_capturing_the_same_message_twice_keeps_one_copy(tmp_path):
    message = email()
    transport = CaptureTransport(tmp_path)
    transport.send(message)
    transport.send(message)
    assert len(captured_messages(tmp_path)) == 1
    assert captured_messages(tmp_path / "nothing-here") == []


def notify_send(url, message, **kw):
    transport = NotifyTransport(API_KEY, TEMPLATE_ID, base_url=url, **kw)
    try:
        transport.send(message)
    finally:
        transport.close()


def test_notify_is_sent_the_subject_body_letter_and_message_id_as_reference():
    message = email()
    with FakeNotify() as notify:
        notify_send(notify.url, message)
    [request] = notify.requests
    body = request["json"]
    assert request["path"] == "/v2/notifications/email"
    assert (body["email_address"], body["template_id"], body["reference"]) == (
        "vl@example.org", TEMPLATE_ID, message["Message-ID"])
    assert body["personalisation"]["subject"] == "Decision on Lunch club for older residents"
    assert "Read the decision." in body["personalisation"]["body"]
    assert base64.b64decode(body["personalisation"]["link_to_file"]["file"]) == PDF


def test_notify_requests_are_signed_with_the_api_key():
    with FakeNotify() as notify:
        notify_send(notify.url, email(letter=False))
    token = notify.requests[0]["auth"].removeprefix("Bearer ")
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["iss"] == SERVICE_ID


def test_notify_refusing_the_request_is_a_permanent_failure():
    with FakeNotify(status=400) as notify:
        with pytest.raises(PermanentFailure):
            notify_send(notify.url, email())


def test_notify_having_a_problem_is_worth_another_try():
    with FakeNotify(status=500) as notify:
        with pytest.raises(DeliveryError) as raised:
            notify_send(notify.url, email())
    assert not isinstance(raised.value, PermanentFailure)


def test_notify_out_of_reach_stops_the_run():
    with pytest.raises(TransportUnavailable):
        notify_send(f"http://127.0.0.1:{free_port()}", email(), timeout=2)


def test_notify_needs_a_template_id():
    with pytest.raises(ValueError):
        NotifyTransport(API_KEY, "", base_url="http://127.0.0.1:9")
