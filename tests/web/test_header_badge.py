"""The header's badge of unread notifications, which the session check reads in the same
statement as the person (web/people.py, by notifications.inapp.unread_count_of): it agrees with unread_count,
says "99+" beyond 99, and follows the notifications from one request to the next."""
import re

from sqlalchemy import update

from casework.messages import Notification
from casework.persistence import unit_of_work
from notifications.inapp import unread_count
from web.people import UNREAD_CAP


def add_notifications(factory, person_id, now, unread, read=0):
    with unit_of_work(factory) as db:
        db.add_all(Notification(dedupe_key=f"badge:{person_id}:{n}", person_id=person_id, text=f"Note {n}",
                                created_at=now, read_at=now if n < read else None) for n in range(read + unread))


def badge(response) -> str:
    """The badge as people see it and as a screen reader says it, or "" without one."""
    found = re.search(r'moj-notification-badge">\s*<span aria-hidden="true">([^<]*)</span>\s*'
                      r'<span class="govuk-visually-hidden">([^<]*)</span>', response.get_data(as_text=True))
    return f"{found[1]} {found[2]}" if found else ""


def test_the_badge_counts_the_unread_notifications_as_the_notifications_page_does(signed_in, cast, factory, clock):
    fo = signed_in("fo")
    add_notifications(factory, cast["fo"], clock.now(), unread=3, read=2)
    with factory() as db:
        assert unread_count(db, cast["fo"], cap=UNREAD_CAP) == 3
    assert badge(fo.get("/")) == "3 (3 unread)"


def test_the_badge_says_99_plus_beyond_99(signed_in, cast, factory, clock):
    fo = signed_in("fo")
    add_notifications(factory, cast["fo"], clock.now(), unread=120)
    assert badge(fo.get("/cases")) == "99+ (more than 99 unread)"


def test_the_badge_goes_on_the_next_request_once_they_are_read(signed_in, cast, factory, clock):
    fo = signed_in("fo")
    add_notifications(factory, cast["fo"], clock.now(), unread=2)
    assert badge(fo.get("/")) == "2 (2 unread)"
    with unit_of_work(factory) as db:
        db.execute(update(Notification).where(Notification.person_id == cast["fo"]).values(read_at=clock.now()))
    assert badge(fo.get("/")) == ""
