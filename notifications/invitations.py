"""Calendar invitations for a booked mediation session or panel hearing: an iCalendar file
(RFC 5545) with METHOD:REQUEST (RFC 5546), built with the `icalendar` package and kept on the
email's outbox row, so that every attempt sends the same bytes; and its cancellation
(METHOD:CANCEL, STATUS:CANCELLED) when the dispute ends before it (`notifications.cancellations`).

One booking is one event: its UID stays the same however often it is rebooked and its
SEQUENCE counts the changes (a cancellation is one more), so a calendar program moves or
removes the event rather than adding a second. The start is London time with its VTIMEZONE;
the summary names only the case number."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

LONDON = ZoneInfo("Europe/London")
#: How long a booking is assumed to last when nothing else is said (CASEWORK_BOOKING_MINUTES).
DEFAULT_LENGTH = timedelta(hours=2)
SUMMARY = {"mediation_session": "Mediation session: dispute {ref}",
           "panel_hearing": "Compact panel hearing: dispute {ref}"}


def filename(case_ref: str, kind: str) -> str:
    """The name of a booking's calendar file."""
    return f"{case_ref}-{kind.replace('_', '-')}.ics"


def invitation(*, kind: str, booking: dict, case_id: int, case_ref: str, case_url: str, to_address: str,
               sender: str, stamp: datetime, length: timedelta = DEFAULT_LENGTH, cancelled: bool = False) -> dict:
    """The invitation one person is emailed (or, `cancelled`, its cancellation), as stored on
    the outbox row: its file name, method (REQUEST or CANCEL), booking kind and text."""
    method = "CANCEL" if cancelled else "REQUEST"
    domain = sender.rpartition("@")[2] or "casework.invalid"
    start = datetime.combine(date.fromisoformat(str(booking["on"])[:10]), time.fromisoformat(booking["starts_at"]),
                             tzinfo=LONDON)
    event = Event()
    event.add("uid", f"{kind.replace('_', '-')}-{case_id}@{domain}")
    event.add("sequence", int(booking.get("sequence") or 0) + (1 if cancelled else 0))
    if cancelled:
        event.add("status", "CANCELLED")
    event.add("dtstamp", stamp.astimezone(timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", start + length)
    event.add("summary", SUMMARY[kind].format(ref=case_ref))
    event.add("location", booking["place"])
    if booking.get("link"):
        event.add("url", booking["place"])
    event.add("description", f"See the case: {case_url}")
    event.add("organizer", vCalAddress(f"mailto:{sender}"), parameters={"cn": "Bexley Compact casework"})
    event.add("attendee", vCalAddress(f"mailto:{to_address}"),
              parameters={"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION", "rsvp": "FALSE"})
    calendar = Calendar()
    calendar.add("prodid", "-//Bexley Compact casework//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    # Only the years around it: the whole zone since 1970 would be most of the file.
    calendar.add_missing_timezones(first_date=date(start.year - 1, 1, 1), last_date=date(start.year + 2, 1, 1))
    return {"filename": filename(case_ref, kind), "method": method, "kind": kind, "text": calendar.to_ical().decode()}
