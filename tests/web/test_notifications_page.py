"""The notifications page: the case reference is the link, the sentence is text, and every
notification can be reached a page at a time."""
from datetime import datetime, timedelta, timezone

from casework.messages import Notification
from casework.persistence import unit_of_work
from tests.factories import open_case
from tests.web.helpers import page


def _notify(factory, person_id: int, case_id: int | None, n: int, now) -> None:
    with unit_of_work(factory) as s:
        s.add_all(Notification(dedupe_key=f"test-{i}", person_id=person_id, case_id=case_id,
                               text=f"Notification number {i}.", created_at=now + timedelta(minutes=i))
                  for i in range(n))


def test_the_link_is_the_case_reference_and_the_sentence_is_text(signed_in, service, cast, clock, factory):
    case = open_case(service, cast, clock)
    _notify(factory, cast["vl"], case.id, 1, clock.now())
    html = signed_in("vl").get("/notifications").get_data(as_text=True)
    assert f'href="/cases/{case.id}">{case.ref}</a>: Notification number 0.' in html


def test_notifications_beyond_the_first_page_are_on_later_pages(signed_in, cast, clock, factory):
    _notify(factory, cast["vl"], None, 130, clock.now())
    vl = signed_in("vl")
    first = vl.get("/notifications").get_data(as_text=True)
    assert "Notification number 129." in first and "Notification number 104." not in first
    assert "Showing 1 to 25 of 130 notifications" in first
    assert 'aria-label="Pagination"' in first
    last = vl.get("/notifications?page=6").get_data(as_text=True)
    assert "Notification number 0." in last and "Showing 126 to 130 of 130" in last
    assert vl.get("/notifications?page=999").status_code == 200


def test_a_notifications_time_is_shown_in_london_time(signed_in, cast, factory):
    summer = datetime(2027, 6, 30, 23, 30, tzinfo=timezone.utc)   # 00:30 on 1 July in London
    _notify(factory, cast["vl"], None, 1, summer)
    html = signed_in("vl").get("/notifications").get_data(as_text=True)
    assert "1 July 2027, 00:30" in html and "23:30" not in html
