"""Administrators record how each decision-maker decides (as a senior officer or an elected
member: processes.md's "senior officer or member at the statutory body"), so each decision
can record it and the compliance report can be filtered by it (reporting.md section 6)."""
import pytest

from casework.organisations import Person
from tests.web.helpers import email_of, location, page, snapshot
from tests.web.test_admin import stored


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


def sam(cast, **changes) -> dict:
    """The person form for Sam Lee (dm_fo: funder officer and decision-maker), with these changes."""
    return {"name": "Sam Lee", "email": email_of("dm_fo"), "organisation": str(cast.orgs["council"]),
            "roles": ["decision_maker", "funder_officer"], **changes}


def test_a_decision_maker_needs_to_say_how_they_decide(admin, cast, engine):
    before = snapshot(engine)
    response = admin.submit(f"/admin/people/{cast['dm_fo']}", sam(cast))
    assert response.status_code == 400
    assert page(response).errors == ["Select whether they decide as a senior officer or an elected member"]
    assert snapshot(engine) == before


def test_how_a_decision_maker_decides_is_kept_and_shown_again(admin, cast, factory):
    response = admin.submit(f"/admin/people/{cast['dm_fo']}", sam(cast, decides_as="elected_member"))
    assert location(response) == "/admin/people"
    assert stored(factory, Person, cast["dm_fo"]).decides_as == "elected_member"
    shown = page(admin.get(f"/admin/people/{cast['dm_fo']}"))
    assert shown.value("decides_as") == "elected_member"
    assert "As an elected member, such as a cabinet member or for a committee" in shown.text


def test_someone_who_is_not_a_decision_maker_keeps_no_answer(admin, cast, factory):
    admin.submit(f"/admin/people/{cast['dm_fo']}", sam(cast, decides_as="senior_officer"))
    assert stored(factory, Person, cast["dm_fo"]).decides_as == "senior_officer"
    response = admin.submit(f"/admin/people/{cast['dm_fo']}", sam(cast, roles=["funder_officer"],
                                                                  decides_as="senior_officer"))
    assert location(response) == "/admin/people"
    assert stored(factory, Person, cast["dm_fo"]).decides_as is None


def test_a_new_decision_maker_is_added_with_how_they_decide(admin, cast, factory):
    from sqlalchemy import select
    new = {"name": "Cllr Joan Pike", "email": "joan.pike@example.org", "organisation": str(cast.orgs["council"]),
           "job_title": "Cabinet Member for Communities", "roles": ["decision_maker"]}
    refused = admin.submit("/admin/people", new)
    assert refused.status_code == 400
    assert page(refused).errors == ["Select whether they decide as a senior officer or an elected member"]
    assert page(refused).value("name") == "Cllr Joan Pike", "what was typed is kept"
    assert location(admin.submit("/admin/people", {**new, "decides_as": "elected_member"})) == "/admin/people"
    with factory() as db:
        joan = db.scalar(select(Person).where(Person.email == "joan.pike@example.org"))
        assert (joan.decides_as, joan.roles) == ("elected_member", {"decision_maker"})


def test_an_answer_that_is_not_offered_is_refused(admin, cast, engine):
    before = snapshot(engine)
    response = admin.submit(f"/admin/people/{cast['dm_fo']}", sam(cast, decides_as="mayor"))
    assert response.status_code == 400
    assert page(response).errors == ["Select whether they decide as a senior officer or an elected member"]
    assert snapshot(engine) == before
