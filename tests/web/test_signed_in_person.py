"""Every signed-in request checks its server-side session and reads the person behind it
(web/people.py keeps that Person while their rows read the same): a change to the person's
rows takes effect on their very next request."""
from sqlalchemy import delete, update

from casework.organisations import Person, PersonRole
from casework.persistence import unit_of_work
from tests.web.helpers import location, page


def test_a_role_granted_shows_on_the_next_request(signed_in, cast, factory):
    fo = signed_in("fo")
    assert "Administration" not in page(fo.get("/")).text
    with unit_of_work(factory) as db:
        db.add(PersonRole(person_id=cast["fo"], role="administrator"))
    assert "Administration" in page(fo.get("/")).text


def test_a_role_taken_away_goes_on_the_next_request(signed_in, cast, factory):
    admin = signed_in("admin")
    assert "Administration" in page(admin.get("/")).text
    with unit_of_work(factory) as db:
        db.execute(delete(PersonRole).where(PersonRole.person_id == cast["admin"]))
    assert "Administration" not in page(admin.get("/")).text


def test_a_deactivated_person_is_signed_out_on_their_next_request(signed_in, cast, factory):
    fo = signed_in("fo")
    assert fo.get("/").status_code == 200
    with unit_of_work(factory) as db:
        db.execute(update(Person).where(Person.id == cast["fo"]).values(is_active=False))
    assert location(fo.get("/")).startswith("/sign-in")


def test_a_new_name_shows_on_the_next_request(signed_in, cast, factory):
    fo = signed_in("fo")
    with unit_of_work(factory) as db:
        db.execute(update(Person).where(Person.id == cast["fo"]).values(name="Priya Shah-Okafor"))
    assert "Hello, Priya Shah-Okafor" in page(fo.get("/")).text
