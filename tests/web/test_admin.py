"""Administrators change people and organisations: each change is a question page that writes
nothing while anything is wrong; email addresses and organisation names stay unique; a
deactivated person is signed out everywhere and cannot sign in; and no administrator can
lock themselves out (deactivate themselves, or give up their own administrator role)."""
import logging

import pytest
from sqlalchemy import select

from casework.logins import LoginSession
from casework.organisations import Organisation, Person
from tests.factories import funding_case_at
from tests.web.helpers import Page, email_of, location, login, page, snapshot

LOCKED_OUT_ROLE = "You cannot remove your own administrator role"
LOCKED_OUT_ACCOUNT = "You cannot deactivate your own account"


def stored(factory, model, id_: int):
    with factory() as s:
        found = s.get(model, id_)
        if isinstance(found, Person):
            found.roles, found.organisation  # noqa: B018 - load while the session is open
        return found


def page_text(html: str) -> str:
    return Page(html).text


def details(cast, **changes) -> dict:
    """The person form for Grace Adeyemi (vl) as it stands, with these changes."""
    return {"name": "Grace Adeyemi", "email": email_of("vl"), "organisation": str(cast.orgs["kitchen"]),
            "roles": ["vco_staff"], **changes}


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


# --- people ---------------------------------------------------------------------------------

def test_the_people_page_links_to_each_person_and_says_who_is_deactivated(admin, cast, factory):
    admin.submit(f"/admin/people/{cast['vl']}/deactivate")
    listed = page(admin.get("/admin/people")).rows("Everyone who can sign in")
    assert any(row.startswith("Grace Adeyemi") and "Deactivated" in row and row.endswith("Change Grace Adeyemi")
               for row in listed)
    assert any(row.startswith("Priya Shah") and "Active" in row for row in listed)


def test_an_administrator_changes_a_persons_name_email_organisation_and_roles(admin, cast, factory):
    response = admin.submit(f"/admin/people/{cast['vl']}", details(
        cast, name="Grace Adeyemi-Okoro", email="  Grace.Okoro@Example.org ", organisation=str(cast.orgs["youth"]),
        roles=["vco_staff", "mediator"]))

    assert location(response) == "/admin/people"
    person = stored(factory, Person, cast["vl"])
    assert (person.name, person.email, person.organisation.name, person.roles) == (
        "Grace Adeyemi-Okoro", "grace.okoro@example.org", "Erith Youth Partnership", {"vco_staff", "mediator"})
    assert "Details saved for Grace Adeyemi-Okoro." in page(admin.get("/admin/people")).text


def test_the_person_page_shows_their_details_to_change(admin, cast):
    shown = page(admin.get(f"/admin/people/{cast['dm_fo']}"))
    assert shown.value("name") == "Sam Lee" and shown.value("email") == email_of("dm_fo")
    assert shown.value("organisation") == str(cast.orgs["council"])
    assert sorted(shown.fields["roles"]) == ["decision_maker", "funder_officer"]


def test_a_person_page_with_problems_names_each_one_and_writes_nothing(admin, cast, engine):
    before = snapshot(engine)

    response = admin.submit(f"/admin/people/{cast['vl']}", {"name": " ", "email": "not an email",
                                                            "organisation": "99999", "roles": []})

    assert response.status_code == 400
    assert page(response).errors == ["Enter the person's full name",
                                     "Enter an email address in the correct format, like name@example.org",
                                     "Select an organisation", "Select at least one role"]
    assert page(response).value("email") == "not an email", "what was typed is kept"
    assert snapshot(engine) == before


def test_an_email_address_used_by_someone_else_is_refused_whatever_its_case(admin, cast, engine):
    before = snapshot(engine)
    response = admin.submit(f"/admin/people/{cast['vl']}", details(cast, name="Grace A", email="FO@example.org"))
    assert response.status_code == 400
    assert page(response).errors == ["Someone already uses that email address"]
    assert snapshot(engine) == before


def test_a_person_may_keep_their_own_email_address(admin, cast):
    assert admin.submit(f"/admin/people/{cast['vl']}", details(cast, name="Grace A")).status_code == 302


def test_adding_a_person_with_an_address_in_use_is_refused(admin, cast, engine):
    before = snapshot(engine)
    response = admin.submit("/admin/people", {"name": "Another Grace", "email": email_of("vl").upper(),
                                              "password": "a-long-enough-password",
                                              "organisation": str(cast.orgs["kitchen"]), "roles": ["vco_staff"]})
    assert response.status_code == 400
    assert page(response).errors == ["Someone already uses that email address"]
    assert snapshot(engine) == before


def test_an_administrator_cannot_remove_their_own_administrator_role(admin, cast, engine):
    before = snapshot(engine)
    response = admin.submit(f"/admin/people/{cast['admin']}", {
        "name": "Ade Bello", "email": email_of("admin"), "organisation": str(cast.orgs["council"]),
        "roles": ["funder_officer"]})
    assert response.status_code == 400
    assert page(response).errors[0].startswith(LOCKED_OUT_ROLE)
    assert snapshot(engine) == before


def test_an_administrator_may_add_roles_to_themselves(admin, cast, factory):
    response = admin.submit(f"/admin/people/{cast['admin']}", {
        "name": "Ade Bello", "email": email_of("admin"), "organisation": str(cast.orgs["council"]),
        "roles": ["administrator", "funder_officer"]})
    assert response.status_code == 302
    assert stored(factory, Person, cast["admin"]).roles == {"administrator", "funder_officer"}


def test_an_administrator_may_remove_another_administrators_role(admin, cast, factory, signed_in):
    admin.submit(f"/admin/people/{cast['fo2']}", {
        "name": "Tom Okafor", "email": email_of("fo2"), "organisation": str(cast.orgs["council"]),
        "roles": ["funder_officer", "administrator"]})
    other = signed_in("fo2")
    response = other.submit(f"/admin/people/{cast['admin']}", {
        "name": "Ade Bello", "email": email_of("admin"), "organisation": str(cast.orgs["council"]),
        "roles": ["funder_officer"]})
    assert response.status_code == 302
    assert stored(factory, Person, cast["admin"]).roles == {"funder_officer"}
    assert admin.get("/admin/").status_code == 403, "their administration pages close at once"


# --- deactivating and reactivating -----------------------------------------------------------

def test_deactivating_asks_first_and_says_what_will_happen(admin, cast):
    shown = page(admin.get(f"/admin/people/{cast['vl']}/deactivate"))
    assert "Deactivate Grace Adeyemi?" in shown.text
    assert "will be signed out straight away and will not be able to sign in" in shown.text


def test_a_deactivated_person_is_signed_out_and_cannot_sign_in(app, admin, cast, signed_in, factory):
    grace = signed_in("vl")
    copied = app.test_client()
    copied.set_cookie("session", grace.get_cookie("session").value)

    response = admin.submit(f"/admin/people/{cast['vl']}/deactivate")

    assert location(response) == f"/admin/people/{cast['vl']}"
    assert not stored(factory, Person, cast["vl"]).is_active
    for browser in (grace, copied):
        assert location(browser.get("/")).startswith("/sign-in")
    refused = login(app.test_client(), "vl")
    assert refused.status_code == 200 and page(refused).errors == ["Enter a correct email address and password"]
    with factory() as s:
        assert all(row.ended_at is not None for row in s.scalars(
            select(LoginSession).where(LoginSession.person_id == cast["vl"])))


def test_reactivating_lets_a_person_sign_in_again_but_revives_no_old_session(app, admin, cast, signed_in):
    grace = signed_in("vl")
    admin.submit(f"/admin/people/{cast['vl']}/deactivate")

    response = admin.submit(f"/admin/people/{cast['vl']}/reactivate", follow_redirects=True)

    assert "Grace Adeyemi can sign in again." in page(response).text
    assert location(grace.get("/")).startswith("/sign-in"), "the old session stays ended"
    assert login(app.test_client(), "vl").status_code == 302


def test_an_administrator_cannot_deactivate_themselves(admin, cast, engine):
    before = snapshot(engine)
    html = admin.get(f"/admin/people/{cast['admin']}/deactivate").get_data(as_text=True)
    main = html.split('id="main-content"')[1].split("</main>")[0]
    assert LOCKED_OUT_ACCOUNT in page_text(main) and "<button" not in main

    response = admin.submit(f"/admin/people/{cast['admin']}/deactivate")

    assert response.status_code == 400
    assert page(response).errors[0].startswith(LOCKED_OUT_ACCOUNT)
    assert snapshot(engine) == before
    assert admin.get("/admin/").status_code == 200


def test_the_person_page_offers_deactivation_only_for_other_people(admin, cast):
    own = admin.get(f"/admin/people/{cast['admin']}").get_data(as_text=True)
    theirs = admin.get(f"/admin/people/{cast['vl']}").get_data(as_text=True)
    assert f"/admin/people/{cast['admin']}/deactivate" not in own and LOCKED_OUT_ACCOUNT in own
    assert f"/admin/people/{cast['vl']}/deactivate" in theirs


# --- organisations --------------------------------------------------------------------------

def test_an_administrator_changes_an_organisations_name_and_type(admin, cast, factory):
    response = admin.submit(f"/admin/organisations/{cast.orgs['youth']}",
                            {"name": " Erith Youth Trust ", "kind": "infrastructure"})
    assert location(response) == "/admin/organisations"
    organisation = stored(factory, Organisation, cast.orgs["youth"])
    assert (organisation.name, organisation.kind) == ("Erith Youth Trust", "infrastructure")


def test_an_organisation_name_in_use_is_refused(admin, cast, engine):
    before = snapshot(engine)
    response = admin.submit(f"/admin/organisations/{cast.orgs['youth']}", {"name": "BVSC", "kind": "vco"})
    assert response.status_code == 400
    assert page(response).errors == ["There is already an organisation with that name"]
    assert snapshot(engine) == before


def test_an_organisation_page_with_problems_names_each_one(admin, cast):
    response = admin.submit(f"/admin/organisations/{cast.orgs['youth']}", {"name": "x" * 201})
    assert page(response).errors == ["Name must be 200 characters or fewer", "Select the type of organisation"]


def test_the_type_of_an_organisation_in_a_case_cannot_change_but_its_name_can(signed_in, cast, service, clock, engine):
    funding_case_at(service, cast, clock, "concern_raised")
    admin = signed_in("admin")  # after the case, whose steps move the clock on by days
    before = snapshot(engine)
    refused = admin.submit(f"/admin/organisations/{cast.orgs['kitchen']}",
                           {"name": "Crayford Community Kitchen", "kind": "statutory"})
    assert refused.status_code == 400
    assert page(refused).errors == ["You cannot change the type of an organisation that is part of a case"]
    assert snapshot(engine) == before
    renamed = admin.submit(f"/admin/organisations/{cast.orgs['kitchen']}", {"name": "Crayford Kitchen", "kind": "vco"})
    assert renamed.status_code == 302


# --- who may, and what is recorded ----------------------------------------------------------

@pytest.mark.parametrize("url", ["/admin/people/{vl}", "/admin/people/{vl}/deactivate",
                                 "/admin/organisations/{kitchen}"])
def test_only_administrators_reach_the_change_pages(signed_in, client, cast, engine, url):
    url = url.format(vl=cast["vl"], kitchen=cast.orgs["kitchen"])
    browsers = [signed_in(who) for who in ("fo", "vl", "mediator")]
    before = snapshot(engine)
    assert location(client.get(url)).startswith("/sign-in")
    assert location(client.submit(url, {"name": "Taken over", "kind": "vco"})).startswith("/sign-in")
    for browser in browsers:
        assert browser.get(url).status_code == 403
        assert browser.submit(url, {"name": "Taken over", "kind": "vco"}).status_code == 403
    assert snapshot(engine) == before


@pytest.mark.parametrize("url", ["/admin/people/99999", "/admin/people/99999/deactivate",
                                 "/admin/organisations/99999", "/admin/people/99999999999999999999",
                                 "/admin/people/1/delete"])
def test_people_and_organisations_that_do_not_exist_are_not_found(admin, url):
    assert admin.get(url).status_code == 404
    assert admin.submit(url, {}).status_code == 404


def test_changes_are_logged_with_the_administrator_who_made_them(admin, cast, caplog):
    with caplog.at_level(logging.INFO, logger="web.views.admin"):
        admin.submit(f"/admin/people/{cast['vl']}", details(cast, name="Grace A"))
        admin.submit(f"/admin/people/{cast['vl']}/deactivate")
        admin.submit(f"/admin/organisations/{cast.orgs['youth']}", {"name": "Erith Youth Trust", "kind": "vco"})
    assert [r.getMessage() for r in caplog.records if r.name == "web.views.admin"] == [
        f"Administrator {cast['admin']} changed person {cast['vl']}: name",
        f"Administrator {cast['admin']} changed person {cast['vl']}: is_active",
        f"Administrator {cast['admin']} changed organisation {cast.orgs['youth']}: name"]
