"""Instants are stored in UTC and shown as people in England read them: London's date and time,
an hour ahead in summer, so a late-evening UTC instant can be the next day."""
from datetime import datetime, timezone

from web.presenters.formatting import local_date, local_time


def test_a_summer_instant_is_shown_an_hour_ahead_and_can_fall_on_the_next_day():
    instant = datetime(2027, 6, 30, 23, 30, tzinfo=timezone.utc)
    assert local_time(instant) == "1 July 2027, 00:30"
    assert local_date(instant) == "1 July 2027"


def test_a_winter_instant_is_shown_as_it_is_stored():
    instant = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)
    assert local_time(instant) == "31 December 2026, 23:30"
    assert local_date(instant) == "31 December 2026"
