"""Booking ahead (processes.md, "Revisions (2026-12-07)"; issue #11 item 18): a mediation
session and a panel hearing are booked with a date, a start time (London time) and a place or
an https link; everyone on the dispute, the person who booked it included, is emailed the
booking with a calendar invitation (METHOD:REQUEST), which is parsed back here. Rebooking
keeps the invitation's UID and counts the change in SEQUENCE.

The dispute is raised on Tuesday 1 December 2026 and each journey step moves the clock one
day: mediation starts on Thursday 10 December, the panel is referred on Sunday 13 December."""
from datetime import date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from casework.deadlines import Deadline, DeadlineStatus
from casework.errors import GateRefused, InvalidInput
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

def invitations(factory, case_id: int, since: datetime) -> dict[str, tuple[OutboxMessage, Calendar]]:
    """The emails written at or after `since` that carry an invitation, by address, parsed back."""
    with factory() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id,
                                                     OutboxMessage.created_at >= since)).all()
        return {r.to_address: (r, Calendar.from_ical(r.content["invitation"]["text"]))
                for r in rows if (r.content or {}).get("invitation")}


def event(calendar: Calendar):
    [found] = calendar.walk("VEVENT")
    return found


def book_session(service, cast, case, now, **changes):
    data = {"session_on": date(2027, 1, 8), "starts_at": "14:30", "place": LINK, **changes}
    return service.fire(case.id, "record_session", cast["mediator"], data, now)


def test_a_mediation_session_is_booked_ahead_and_everyone_on_it_gets_an_invitation(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "in_mediation")
    booked_at = clock.now()
    # Booked on 10 December for Friday 8 January 2027 at 14:30 London time (GMT then, so 14:30 UTC).
    case = book_session(service, cast, case, booked_at)
    assert case.data["bookings"]["mediation_session"]["starts_at"] == "14:30"
    sent = invitations(factory, case.id, booked_at)
    # The parties (the organisation's staff, the council's officer), and the mediator who booked it.
    assert {"vl@example.org", "officer@example.org", "mediator@example.org"} <= set(sent)
    row, calendar = sent["vl@example.org"]
    assert row.subject == ("Dispute DS-0001: mediation session on Friday 8 January 2027 at 14:30 "
                           "(calendar invitation attached)")
    assert str(calendar["METHOD"]) == "REQUEST"
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/London"
    vevent = event(calendar)
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"
    assert vevent.decoded("DTSTART") == datetime(2027, 1, 8, 14, 30, tzinfo=LONDON)
    assert vevent.decoded("DTSTART").astimezone(timezone.utc) == datetime(2027, 1, 8, 14, 30, tzinfo=timezone.utc)
    assert vevent.decoded("DTEND") - vevent.decoded("DTSTART") == timedelta(hours=2)
    assert str(vevent["SUMMARY"]) == "Mediation session: dispute DS-0001"   # no names, only the case number
    assert (str(vevent["LOCATION"]), str(vevent["URL"])) == (LINK, LINK)
    assert int(vevent["SEQUENCE"]) == 0
    assert str(vevent["UID"]) == str(event(sent["mediator@example.org"][1])["UID"])
    assert "Friday 8 January 2027 at 14:30 (London time), online, at " + LINK in row.content["happened"]


def test_rebooking_the_session_sends_the_same_event_with_the_change_counted(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "in_mediation")
    case = book_session(service, cast, case, clock.now())
    first = event(invitations(factory, case.id, clock.now())["vl@example.org"][1])
    clock.current += timedelta(days=1)
    case = book_session(service, cast, case, clock.now(), session_on=date(2027, 1, 11), starts_at="10:00",
                        place="Bexleyheath Civic Offices, 2 Watling Street, Room 3")
    again = event(invitations(factory, case.id, clock.now())["vl@example.org"][1])
    assert str(again["UID"]) == str(first["UID"])
    assert int(again["SEQUENCE"]) == 1
    assert again.decoded("DTSTART") == datetime(2027, 1, 11, 10, 0, tzinfo=LONDON)
    assert str(again["LOCATION"]) == "Bexleyheath Civic Offices, 2 Watling Street, Room 3"
    assert "URL" not in again


@pytest.mark.parametrize("place", ["javascript:alert(1)", "http://meet.example.org/x", "data:text/html,hi",
                                   "https://", "www.zoom.example/j/1", "https://meet.example.org/a b"])
def test_a_place_that_looks_like_a_link_must_be_an_https_link(service, cast, clock, place):
    case = dispute_at(service, cast, clock, "in_mediation")
    with pytest.raises(GateRefused) as refused:
        book_session(service, cast, case, clock.now(), place=place)
    assert refused.value.field == "place"
    assert "https://" in refused.value.message


def test_a_start_time_is_required_and_must_be_a_real_time(service, cast, clock):
    case = dispute_at(service, cast, clock, "in_mediation")
    with pytest.raises(InvalidInput) as missing:
        service.fire(case.id, "record_session", cast["mediator"], {"session_on": date(2027, 1, 8), "place": LINK},
                     clock.now())
    assert set(missing.value.problems) == {"starts_at"}
    with pytest.raises(InvalidInput) as wrong:
        book_session(service, cast, case, clock.now(), starts_at="25:10")
    assert set(wrong.value.problems) == {"starts_at"}


def test_the_outcome_of_mediation_waits_for_the_session_day(service, cast, clock):
    case = dispute_at(service, cast, clock, "in_mediation")
    case = book_session(service, cast, case, clock.now())
    with pytest.raises(GateRefused) as refused:
        service.fire(case.id, "record_no_agreement", cast["mediator"], {"summary": "No."}, at(date(2027, 1, 7)))
    assert refused.value.message == ("The outcome can be recorded once the mediation session has taken place, "
                                     "on 8 January 2027.")
    case = service.fire(case.id, "record_no_agreement", cast["mediator"], {"summary": "No."}, at(date(2027, 1, 8), 17))
    assert case.status == "no_agreement"


def test_a_session_that_has_taken_place_cannot_be_rebooked(service, cast, clock):
    case = dispute_at(service, cast, clock, "in_mediation")
    case = book_session(service, cast, case, clock.now())
    with pytest.raises(GateRefused) as refused:
        book_session(service, cast, case, at(date(2027, 1, 9)), session_on=date(2027, 1, 12))
    assert refused.value.message == "The mediation session took place on 8 January 2027. It can no longer be changed."


def hearing(factory, case_id: int) -> Deadline:
    with factory() as s:
        return s.scalars(select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == "panel_findings",
                                                Deadline.status == DeadlineStatus.OPEN)).one()


def test_a_hearing_is_booked_then_rebooked_and_the_findings_date_moves_with_it(service, factory, cast, clock):
    case = factories.panel_ready(service, cast, clock)
    booked_at = clock.now()
    case = service.fire(case.id, "schedule_hearing", cast["panel1"],
                        {"hearing_on": date(2027, 1, 6), "starts_at": "14:00", "place": "Bexleyheath Civic Offices"},
                        booked_at)
    assert case.status == "panel_hearing"
    sent = invitations(factory, case.id, booked_at)
    # Every panel member (the chair who booked it too) and both parties.
    assert {"panel1@example.org", "panel2@example.org", "panel3@example.org", "vl@example.org"} <= set(sent)
    assert str(event(sent["panel2@example.org"][1])["SUMMARY"]) == "Compact panel hearing: dispute DS-0001"
    # Findings 10 WD after Wed 6 Jan 2027: 7, 8 (2), 11-15 (7), 18, 19, Wed 20 Jan (10).
    assert hearing(factory, case.id).due_on == date(2027, 1, 20)

    clock.current += timedelta(days=1)
    case = service.fire(case.id, "schedule_hearing", cast["panel1"],
                        {"hearing_on": date(2027, 1, 12), "starts_at": "10:30", "place": "Bexleyheath Civic Offices"},
                        clock.now())
    assert case.status == "panel_hearing"
    again = event(invitations(factory, case.id, clock.now())["vl@example.org"][1])
    assert int(again["SEQUENCE"]) == 1
    assert again.decoded("DTSTART") == datetime(2027, 1, 12, 10, 30, tzinfo=LONDON)
    # Findings 10 WD after Tue 12 Jan 2027: 13, 14, 15 (3), 18-22 (8), 25, Tue 26 Jan (10).
    assert hearing(factory, case.id).due_on == date(2027, 1, 26)


def test_moving_a_hearing_past_its_time_limit_needs_a_reason_and_records_the_miss(service, factory, cast, clock):
    case = factories.panel_ready(service, cast, clock)
    case = service.fire(case.id, "schedule_hearing", cast["panel1"],
                        {"hearing_on": date(2027, 1, 6), "starts_at": "14:00", "place": "Civic Offices"}, clock.now())
    # The hearing's limit: 30 WD from Sun 13 Dec 2026 is Wed 27 Jan 2027 (tests/workflows/test_late_by_choice.py).
    moved = {"hearing_on": date(2027, 2, 3), "starts_at": "14:00", "place": "Civic Offices"}
    with pytest.raises(InvalidInput) as refused:
        service.fire(case.id, "schedule_hearing", cast["panel1"], moved, clock.now())
    assert refused.value.problems == {"late_reason": "A hearing on 3 February 2027 is after the time limit, "
                                                     "27 January 2027. Enter why it cannot be sooner"}
    service.fire(case.id, "schedule_hearing", cast["panel1"], {**moved, "late_reason": "The chair is ill."}, clock.now())
    with factory() as s:
        limit = s.scalars(select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == "panel_hearing")).one()
    assert limit.breached_at is not None


def test_the_invitation_arrives_through_smtp_as_a_text_calendar_attachment(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "in_mediation")
    with factory() as s:   # only the booking's emails are sent here
        s.execute(update(OutboxMessage).values(status=MessageStatus.SENT))
        s.commit()
    book_session(service, cast, case, clock.now())
    sink = SmtpSink().start()
    try:
        deliver_due(factory, SmtpTransport("127.0.0.1", sink.port, security="none", timeout=5), clock.now(),
                    "deliverer-1", sender="casework@bexley.example")
        received = {m["To"]: m for m in sink.messages()}
    finally:
        sink.stop()
    [attachment] = list(received["vl@example.org"].iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "DS-0001-mediation-session.ics"
    vevent = event(Calendar.from_ical(attachment.get_content()))
    assert vevent.decoded("DTSTART") == datetime(2027, 1, 8, 14, 30, tzinfo=LONDON)
    assert str(vevent["ATTENDEE"]) == "mailto:vl@example.org"
