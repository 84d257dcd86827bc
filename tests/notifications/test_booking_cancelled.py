"""A dispute that ends while a booking is still ahead (withdrawn, resolved or closed before the
session or hearing starts) cancels the booking in everyone's calendar: each person who was
sent the invitation is emailed a cancellation (RFC 5546 METHOD:CANCEL, the same UID, SEQUENCE
one more, STATUS:CANCELLED), delivered here through a real SMTP server and parsed back.

The dispute is raised on Tuesday 1 December 2026 and each journey step moves the clock one
day: mediation starts on Thursday 10 December, the panel is referred on Sunday 13 December."""
from datetime import date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from casework.messages import MessageStatus, OutboxMessage
from notifications.delivery import deliver_due
from notifications.transports import SmtpTransport
from tests import factories
from tests.factories import dispute_at
from tests.notifications.bookings import LINK, LONDON, at, told_service
from tests.reliability.helpers import SmtpSink


@pytest.fixture
def service(factory, calendar):
    return told_service(factory, calendar)

def invited(factory, case_id: int, kind: str) -> dict[str, Calendar]:
    """Everyone sent an invitation to this kind of booking so far, with the last one they were sent."""
    with factory() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id).order_by(OutboxMessage.id))
        return {r.to_address: Calendar.from_ical(r.content["invitation"]["text"])
                for r in rows if ((r.content or {}).get("invitation") or {}).get("filename") == f"DS-0001-{kind}.ics"}


def all_sent(factory) -> None:
    """Only what is written from here on is delivered."""
    with factory() as s:
        s.execute(update(OutboxMessage).values(status=MessageStatus.SENT))
        s.commit()


def delivered(factory, now: datetime) -> list:
    sink = SmtpSink().start()
    try:
        deliver_due(factory, SmtpTransport("127.0.0.1", sink.port, security="none", timeout=5), now,
                    "deliverer-1", sender="casework@bexley.example")
        return sink.messages()
    finally:
        sink.stop()


def calendars(messages: list) -> dict[str, tuple[object, object, Calendar]]:
    """The calendar files received, by address: the message, its attachment and the calendar."""
    found = {}
    for message in messages:
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                found[message["To"]] = (message, part, Calendar.from_ical(part.get_content()))
    return found


def event(calendar: Calendar):
    [found] = calendar.walk("VEVENT")
    return found


def test_withdrawing_a_dispute_cancels_its_session_in_everyones_calendar(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "in_mediation")
    case = service.fire(case.id, "record_session", cast["mediator"],
                        {"session_on": date(2027, 1, 8), "starts_at": "14:30", "place": LINK}, clock.now())
    clock.current = at(date(2026, 12, 11))
    case = service.fire(case.id, "record_session", cast["mediator"],   # moved once: SEQUENCE 1
                        {"session_on": date(2027, 1, 11), "starts_at": "10:00", "place": LINK}, clock.now())
    requests = invited(factory, case.id, "mediation-session")
    assert {"vl@example.org", "officer@example.org", "mediator@example.org"} <= set(requests)
    all_sent(factory)

    clock.current = at(date(2026, 12, 14))
    service.fire(case.id, "withdraw_dispute", cast["vl"], {"reason": "We settled it by phone."}, clock.now())
    received = calendars(delivered(factory, clock.now()))
    # Everyone invited, the person who withdrew it included; nobody else.
    assert set(received) == set(requests)
    message, attachment, calendar = received["vl@example.org"]
    assert message["Subject"] == ("Dispute DS-0001: mediation session on Monday 11 January 2027 at 10:00 "
                                  "cancelled (calendar cancellation attached)")
    assert "The mediation session on Monday 11 January 2027 at 10:00 is cancelled, because the dispute was " \
           "withdrawn." in message.get_body(("plain",)).get_content()
    assert attachment.get_param("method") == "CANCEL"
    assert attachment.get_filename() == "DS-0001-mediation-session.ics"
    assert str(calendar["METHOD"]) == "CANCEL"
    cancelled, requested = event(calendar), event(requests["vl@example.org"])
    assert str(cancelled["UID"]) == str(requested["UID"])
    assert int(requested["SEQUENCE"]) == 1 and int(cancelled["SEQUENCE"]) == 2
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled.decoded("DTSTART") == datetime(2027, 1, 11, 10, 0, tzinfo=LONDON)
    assert str(cancelled["ATTENDEE"]) == "mailto:vl@example.org"
    for address, (_, part, each) in received.items():
        assert str(event(each)["ATTENDEE"]) == f"mailto:{address}"
        assert str(event(each)["UID"]) == str(requested["UID"])


def test_only_the_booking_still_ahead_is_cancelled(service, factory, cast, clock):
    """Withdrawn while the hearing is ahead: the mediation session held before is not cancelled."""
    case = factories.panel_ready(service, cast, clock)
    case = service.fire(case.id, "schedule_hearing", cast["panel1"],
                        {"hearing_on": date(2027, 1, 14), "starts_at": "10:00", "place": "Civic Offices, Bexleyheath"},
                        clock.now())
    requests = invited(factory, case.id, "panel-hearing")
    all_sent(factory)
    clock.current = at(date(2027, 1, 14), 8)   # the hearing's day, before it starts
    service.fire(case.id, "withdraw_dispute", cast["vl"], {"reason": "Settled."}, clock.now())
    received = calendars(delivered(factory, clock.now()))
    assert {"panel1@example.org", "panel2@example.org", "panel3@example.org", "vl@example.org"} <= set(received)
    assert set(received) == set(requests)
    for message, _, calendar in received.values():
        assert message["Subject"].startswith("Dispute DS-0001: Compact panel hearing on Thursday 14 January 2027 ")
        assert str(event(calendar)["SUMMARY"]) == "Compact panel hearing: dispute DS-0001"
        assert str(event(calendar)["STATUS"]) == "CANCELLED"


def test_a_booking_that_has_started_is_not_cancelled(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "in_mediation")
    case = service.fire(case.id, "record_session", cast["mediator"],
                        {"session_on": date(2027, 1, 8), "starts_at": "14:30", "place": LINK}, clock.now())
    all_sent(factory)
    # Agreement recorded at 17:00 on the session's day: the session has been held.
    clock.current = at(date(2027, 1, 8), 17)
    case = service.fire(case.id, "record_agreement", cast["mediator"],
                        {"terms": "A new consultation.", "follow_up": "Consult by 1 March."}, clock.now())
    assert case.status == "resolved"
    assert calendars(delivered(factory, clock.now())) == {}
