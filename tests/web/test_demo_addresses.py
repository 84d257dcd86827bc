"""The demo's organisations have postal addresses and its people job titles (issue #11, item
17), so the demo's letters are complete: addressed, signed and with a way to get in touch."""
import pytest
from sqlalchemy import select

from casework.organisations import Organisation, Person
from web.demo import seed


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_every_demo_organisation_has_an_address_and_every_person_a_job_title(service, clock, factory):
    seed(service, clock.now())
    with factory() as s:
        organisations = s.scalars(select(Organisation)).all()
        people = s.scalars(select(Person)).all()
        assert organisations and all(o.address_line_1 and o.town and o.postcode for o in organisations)
        assert all(o.contact_name for o in organisations if o.kind == "vco")
        council = s.scalar(select(Organisation).where(Organisation.name == "London Borough of Bexley"))
        assert council.phone and council.postal_address.endswith("Bexleyheath\nDA6 7AT")
        assert all(p.job_title for p in people)
