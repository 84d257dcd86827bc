"""Administrators keep each organisation's postal address, whom its letters are addressed to
and its telephone number, and each person's job title, for complete letters (issue #11, item
17): the organisation page asks for them with the GOV.UK address pattern's words, refuses a
part-address, a postcode that is not one or a telephone number that is not one beside the box,
keeps what was typed and writes nothing."""
from casework.organisations import Organisation, Person
from tests.web.helpers import location, page, snapshot
from tests.web.test_admin import summary_links

ADDRESS = {"name": "Crayford Community Kitchen", "kind": "vco", "address_line_1": "St Paulinus Church Hall",
           "address_line_2": "61 Iron Mill Lane", "town": "Crayford", "postcode": " da1  4rs ",
           "contact_name": "Grace Adeyemi", "phone": "01322 555 010"}


def stored(factory, model, id_):
    with factory() as s:
        return s.get(model, id_)


def test_an_administrator_keeps_an_organisations_address_and_contact(signed_in, cast, factory):
    admin = signed_in("admin")
    url = f"/admin/organisations/{cast.orgs['kitchen']}"
    assert location(admin.submit(url, ADDRESS)) == "/admin/organisations"
    kitchen = stored(factory, Organisation, cast.orgs["kitchen"])
    assert (kitchen.address_line_1, kitchen.address_line_2, kitchen.town, kitchen.postcode) == (
        "St Paulinus Church Hall", "61 Iron Mill Lane", "Crayford", "DA1 4RS")
    assert (kitchen.contact_name, kitchen.phone) == ("Grace Adeyemi", "01322 555 010")
    shown = page(admin.get(url))
    assert (shown.value("address_line_1"), shown.value("town"), shown.value("postcode")) == (
        "St Paulinus Church Hall", "Crayford", "DA1 4RS")


def test_a_part_address_and_a_wrong_postcode_and_telephone_are_refused_beside_each_box(signed_in, cast, engine):
    admin = signed_in("admin")
    before = snapshot(engine)
    response = admin.submit(f"/admin/organisations/{cast.orgs['kitchen']}",
                            {**ADDRESS, "address_line_1": "", "postcode": "DA1", "phone": "call the office"})
    assert response.status_code == 400
    shown = page(response)
    assert shown.errors == ["Enter address line 1, typically the building and street",
                            "Enter a real postcode, like DA6 7AT",
                            "Enter a telephone number, like 020 8303 7777 or 07700 900 982"]
    assert summary_links(response) == ["address_line_1", "postcode", "phone"]
    assert shown.value("town") == "Crayford" and shown.value("postcode") == "DA1"
    assert snapshot(engine) == before


def test_an_address_without_a_town_or_postcode_asks_for_them(signed_in, cast):
    response = signed_in("admin").submit(f"/admin/organisations/{cast.orgs['kitchen']}",
                                         {**ADDRESS, "town": "", "postcode": ""})
    assert page(response).errors == ["Enter town or city", "Enter postcode"]


def test_an_organisation_can_be_kept_without_an_address(signed_in, cast, factory):
    response = signed_in("admin").submit(f"/admin/organisations/{cast.orgs['youth']}",
                                         {"name": "Erith Youth Partnership", "kind": "vco"})
    assert location(response) == "/admin/organisations"
    assert stored(factory, Organisation, cast.orgs["youth"]).postal_address == ""


def test_an_administrator_sets_a_persons_job_title(signed_in, cast, factory):
    admin = signed_in("admin")
    url = f"/admin/people/{cast['fo']}"
    form = page(admin.get(url))
    answers = {"name": "Priya Shah", "email": form.value("email"), "organisation": str(cast.orgs["council"]),
               "roles": ["funder_officer"], "job_title": "Grants and contracts manager"}
    assert location(admin.submit(url, answers)) == "/admin/people"
    assert stored(factory, Person, cast["fo"]).job_title == "Grants and contracts manager"
    assert page(admin.get(url)).value("job_title") == "Grants and contracts manager"
    too_long = admin.submit(url, {**answers, "job_title": "x" * 101})
    assert page(too_long).errors == ["Job title must be 100 characters or fewer"]
