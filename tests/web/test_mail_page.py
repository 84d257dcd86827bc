"""The Emails page shows each person the emails this service sent to them, and nothing else:
an administrator, who sees no case content anywhere else, does not read other people's
emails about cases here either."""
from sqlalchemy import select

from casework.messages import OutboxMessage
from tests.factories import funding_case_at
from tests.web.helpers import page


def emails_to(factory, person_id: int) -> list[OutboxMessage]:
    with factory() as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.person_id == person_id)))


def test_each_person_sees_only_the_emails_sent_to_them(service, cast, clock, factory, signed_in):
    funding_case_at(service, cast, clock, "concern_raised")  # the organisation is emailed about the concern
    [to_vl, *_] = emails_to(factory, cast["vl"])

    vl_page = signed_in("vl").get(f"/mail?message={to_vl.id}").get_data(as_text=True)
    admin_list = page(signed_in("admin").get("/mail"))
    admin_opened = signed_in("admin").get(f"/mail?message={to_vl.id}").get_data(as_text=True)

    assert to_vl.subject in vl_page and "Dear Grace Adeyemi" in vl_page
    assert "No emails yet." in admin_list.text and to_vl.subject not in admin_list.text
    assert to_vl.subject not in admin_opened and "Dear Grace Adeyemi" not in admin_opened
    assert "Lunch club" not in admin_opened, "no case content for an administrator"
