"""What the booking tests share (`test_bookings.py`, `test_booking_cancelled.py`): a service
whose events send the emails a booking makes, London times, and the online meeting's link."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from notifications.subscribers import make_subscriber
from workflows.context import Hooks
from workflows.service import CaseService

LONDON = ZoneInfo("Europe/London")
LINK = "https://meet.bvsc.example/ds-0001"


def told_service(factory, calendar) -> CaseService:
    """The engine with the web's subscriber attached, so a booking queues its emails."""
    return CaseService(factory, calendar=calendar, hooks=Hooks(
        on_events=make_subscriber("https://casework.test", "casework@bexley.example", calendar)))


def at(day: date, hour: int = 9) -> datetime:
    """That London hour of the day, as the UTC instant the clock holds."""
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(timezone.utc)
