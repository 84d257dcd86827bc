"""Administrators add and change people and organisations, add one-off bank holidays and set
the time limits: each form names every problem in a GOV.UK error summary, keeps what was typed
and ticked, and writes nothing while anything is wrong; email addresses and organisation names
stay unique, even when two administrators add the same one at the same moment; roles and
organisation types read the same wherever they are shown; a holiday's date is asked for in
day, month and year boxes, with the GOV.UK date input's messages; each time limit has its own
box and its own message; a deactivated person is signed out everywhere and cannot sign in; and
no administrator can lock themselves out (deactivate themselves, or give up their own
administrator role)."""
import logging
import re
from dataclasses import fields as dc_fields
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from casework import administration
from casework.logins import LoginSession
from casework.messages import OutboxMessage
from casework.organisations import Organisation, Person
from casework.persistence import unit_of_work
from casework.settings import ExtraHoliday, TimeLimitSetting
from tests.factories import funding_case_at
from tests.web.helpers import Page, email_of, location, login, page, snapshot
from web.forms.time_limits import LIMIT_WORDS
from workflows.limits import TimeLimits

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


def summary_links(response) -> list[str]:
    """Where each link in the error summary goes, checking that each goes to a field on the page."""
    html = response.get_data(as_text=True)
    summary = html.split('govuk-error-summary__list')[1].split("</ul>")[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert all(f'id="{target}"' in html for target in targets), targets
    return targets


def checkbox_labels(response, name: str) -> list[str]:
    html = response.get_data(as_text=True)
    return [" ".join(label.split()) for label in
            re.findall(rf'class="govuk-label govuk-checkboxes__label" for="{name}(?:-\d+)?">(.*?)</label>', html, re.S)]


def new_person(cast, **changes) -> dict:
    """The add-a-person form filled in for someone new at the kitchen, with these changes."""
    return {"name": "Jo Bloggs", "email": "jo.bloggs@example.org", "password": "a-long-enough-password",
            "organisation": str(cast.orgs["kitchen"]), "roles": ["vco_staff"], **changes}


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


def test_an_administrator_adds_a_person_who_chooses_a_password_from_the_invitation_and_signs_in(
        app, admin, cast, factory):
    response = admin.submit("/admin/people", new_person(cast, email=" Jo.Bloggs@Example.org ",
                                                        roles=["vco_staff", "mediator"]))

    assert location(response) == "/admin/people"
    assert ("Person added. We have emailed jo.bloggs@example.org an invitation to choose a password."
            in page(admin.get("/admin/people")).text)
    with factory() as s:
        jo = s.scalar(select(Person).where(Person.email == "jo.bloggs@example.org"))
        assert (jo.name, jo.organisation.name, jo.roles) == ("Jo Bloggs", "Crayford Community Kitchen",
                                                             {"vco_staff", "mediator"})
        assert jo.password_hash is None, "nobody typed a password for Jo"
        link = s.scalar(select(OutboxMessage.content).where(OutboxMessage.to_address == jo.email))["link_url"]
    jo_browser = app.test_client()
    path = link.removeprefix("http://casework.test")
    assert jo_browser.submit(path, {"password": "a-long-enough-password",
                                    "confirm": "a-long-enough-password"}).status_code == 302
    signed_in = app.test_client().submit("/sign-in", {"email": "jo.bloggs@example.org",
                                                       "password": "a-long-enough-password"})
    assert signed_in.status_code == 302


def test_adding_a_person_with_problems_names_each_one_keeps_what_was_typed_and_ticked_and_writes_nothing(
        admin, cast, engine):
    before = snapshot(engine)

    response = admin.submit("/admin/people", new_person(cast, name=" ", email="jo at example",
                                                        organisation="", roles=["vco_staff", "mediator"]))

    assert response.status_code == 400
    assert page(response).errors == ["Enter the person's full name",
                                     "Enter an email address in the correct format, like name@example.org",
                                     "Select an organisation"]
    assert summary_links(response) == ["name", "email", "organisation"]
    shown = page(response)
    assert shown.value("email") == "jo at example"
    assert sorted(shown.fields["roles"]) == ["mediator", "vco_staff"], "the ticked roles stay ticked"
    assert shown.value("password") is None, "an administrator never types a person's password"
    assert re.search(r"<title>\s*Error: ", response.get_data(as_text=True)), "the page title says there is a problem"
    assert snapshot(engine) == before


def test_adding_a_person_keeps_the_organisation_chosen_and_asks_for_a_role(admin, cast, engine):
    before = snapshot(engine)
    response = admin.submit("/admin/people", new_person(cast, roles=[]))
    assert response.status_code == 400
    assert page(response).errors == ["Select at least one role"]
    assert summary_links(response) == ["roles"]
    assert page(response).value("organisation") == str(cast.orgs["kitchen"])
    assert page(response).value("name") == "Jo Bloggs"
    assert snapshot(engine) == before


def test_adding_a_person_names_each_role_as_the_change_page_does(admin, cast):
    adding = checkbox_labels(admin.get("/admin/people"), "roles")
    changing = checkbox_labels(admin.get(f"/admin/people/{cast['vl']}"), "roles")
    assert adding == changing
    assert "VCO staff: works at a voluntary or community organisation" in adding
    assert not any("Vco" in label or "_" in label for label in adding)


def test_the_people_page_names_each_persons_roles_in_words(admin, cast):
    listed = page(admin.get("/admin/people")).rows("Everyone who can sign in")
    assert any(row.startswith("Grace Adeyemi") and " VCO staff " in row for row in listed)
    assert any(row.startswith("Sam Lee") and " Decision-maker, Funder officer " in row for row in listed)


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


def test_an_administrator_adds_an_organisation(admin, factory):
    response = admin.submit("/admin/organisations", {"name": " Welling Food Bank ", "kind": "vco"})

    assert location(response) == "/admin/organisations"
    assert "Organisation added." in page(admin.get("/admin/organisations")).text
    with factory() as s:
        added = s.scalar(select(Organisation).where(Organisation.name == "Welling Food Bank"))
        assert added.kind == "vco"


def test_adding_an_organisation_with_problems_names_each_one_in_an_error_summary(admin, engine):
    before = snapshot(engine)

    response = admin.submit("/admin/organisations", {"name": "x" * 201})

    assert response.status_code == 400
    assert page(response).errors == ["Name must be 200 characters or fewer", "Select the type of organisation"]
    assert summary_links(response) == ["name", "kind"]
    assert page(response).value("name") == "x" * 201, "what was typed is kept"
    assert snapshot(engine) == before


def test_adding_an_organisation_keeps_the_type_chosen_and_asks_for_its_name(admin, engine):
    before = snapshot(engine)
    response = admin.submit("/admin/organisations", {"name": " ", "kind": "statutory"})
    assert response.status_code == 400
    assert page(response).errors == ["Enter the organisation's name"]
    assert page(response).value("kind") == "statutory"
    assert snapshot(engine) == before


def test_adding_an_organisation_whose_name_is_in_use_is_refused(admin, engine):
    before = snapshot(engine)
    response = admin.submit("/admin/organisations", {"name": "BVSC", "kind": "infrastructure"})
    assert response.status_code == 400
    assert page(response).errors == ["There is already an organisation with that name"]
    assert page(response).value("name") == "BVSC" and page(response).value("kind") == "infrastructure"
    assert snapshot(engine) == before


def test_an_organisation_added_under_the_same_name_at_the_same_moment_is_refused_too(admin, engine, monkeypatch):
    # Both administrators' checks ran before either saved: the database refuses the second.
    monkeypatch.setattr(administration, "_organisation_name_taken", lambda *_: False)
    before = snapshot(engine)

    response = admin.submit("/admin/organisations", {"name": "BVSC", "kind": "infrastructure"})

    assert response.status_code == 400
    assert page(response).errors == ["There is already an organisation with that name"]
    assert page(response).value("name") == "BVSC"
    assert snapshot(engine) == before


def test_the_organisations_table_names_each_type_as_the_form_does(admin):
    shown = page(admin.get("/admin/organisations"))
    council = next(row for row in shown.rows("Organisations") if row.startswith("London Borough of Bexley"))
    assert "Funder (council or NHS body)" in council
    html = admin.get("/admin/organisations").get_data(as_text=True)
    assert re.search(r'class="govuk-label govuk-radios__label"[^>]*>\s*Funder \(council or NHS body\)', html)


# --- bank holidays -------------------------------------------------------------------------

def date_box_classes(response, field: str) -> dict[str, bool]:
    """Which of a date input's day, month and year boxes are marked as having a problem."""
    html = response.get_data(as_text=True)
    return {part: "govuk-input--error" in re.search(rf'<input class="([^"]*)" id="{field}-{part}"', html).group(1)
            for part in ("day", "month", "year")}


def test_the_holiday_date_is_asked_for_in_day_month_and_year_boxes(admin):
    html = admin.get("/admin/holidays").get_data(as_text=True)
    for part in ("day", "month", "year"):
        assert re.search(rf'<label class="govuk-label govuk-date-input__label" for="on-{part}">\s*{part.title()}', html)
    assert re.search(r"<legend[^>]*>\s*Date of the holiday\s*</legend>", html)
    assert "For example, 8 5 2027" in page_text(html) and "2027-05-10" not in html


def test_a_holiday_added_by_day_month_and_year_is_listed(admin, factory):
    response = admin.submit("/admin/holidays", {"on": [" 10 ", "May", "2027"], "name": " A coronation "})

    assert location(response) == "/admin/holidays"
    shown = page(admin.get("/admin/holidays"))
    assert "Monday 10 May 2027 A coronation" in shown.rows("Coming up")
    assert "10 May 2027: A coronation" in shown.text
    with factory() as s:
        assert s.scalars(select(ExtraHoliday.name).where(ExtraHoliday.on == date(2027, 5, 10))).all() == [
            "A coronation"]


@pytest.mark.parametrize("typed, message, marked", [
    (["", "", ""], "Enter the date of the holiday", {"day", "month", "year"}),
    (["", "5", "2027"], "Date of the holiday must include a day", {"day"}),
    (["10", "", "2027"], "Date of the holiday must include a month", {"month"}),
    (["10", "5", ""], "Date of the holiday must include a year", {"year"}),
    (["", "", "2027"], "Date of the holiday must include a day and month", {"day", "month", "year"}),
    (["10", "13", "2027"], "Date of the holiday must be a real date", {"month"}),
    (["ten", "5", "2027"], "Date of the holiday must be a real date", {"day"}),
    (["31", "2", "2027"], "Date of the holiday must be a real date", {"day", "month", "year"}),
    (["10", "5", "27"], "Date of the holiday must include a year with 4 numbers", {"year"}),
])
def test_a_holiday_date_with_a_problem_is_named_box_by_box_kept_and_nothing_is_written(
        admin, engine, service, typed, message, marked):
    before = snapshot(engine)

    response = admin.submit("/admin/holidays", {"on": typed, "name": "A coronation"})

    assert response.status_code == 400
    assert page(response).errors == [message]
    assert summary_links(response) == ["on-day"]
    assert {part for part, wrong in date_box_classes(response, "on").items() if wrong} == marked
    assert page(response).fields["on"] == typed, "what was typed is kept, box by box"
    assert page(response).value("name") == "A coronation"
    assert snapshot(engine) == before
    assert service.calendar.extra_holidays() == {}


def test_problems_with_a_holidays_date_and_name_are_named_together(admin, engine):
    before = snapshot(engine)
    response = admin.submit("/admin/holidays", {"on": ["10", "", "2027"], "name": "x" * 201})
    assert page(response).errors == ["Date of the holiday must include a month",
                                     "Name of the holiday must be 200 characters or fewer"]
    assert summary_links(response) == ["on-day", "name"]
    assert page(response).value("name") == "x" * 201
    assert snapshot(engine) == before


def test_a_holiday_needs_a_name(admin, engine):
    before = snapshot(engine)
    response = admin.submit("/admin/holidays", {"on": ["10", "5", "2027"], "name": " \x00 "})
    assert page(response).errors == ["Enter the name of the holiday"]
    assert page(response).fields["on"] == ["10", "5", "2027"]
    assert snapshot(engine) == before


@pytest.mark.parametrize("typed, message", [
    (["25", "12", "2026"], "25 December 2026 is already a bank holiday (Christmas Day)"),
    (["10", "5", "2027"], "10 May 2027 is already a bank holiday (A coronation)"),
])
def test_a_day_that_is_already_a_bank_holiday_is_refused_with_its_name(admin, engine, service, typed, message):
    admin.submit("/admin/holidays", {"on": ["10", "5", "2027"], "name": "A coronation"})
    before, calendar_before = snapshot(engine), service.calendar.extra_holidays()

    response = admin.submit("/admin/holidays", {"on": typed, "name": "Another day off"})

    assert response.status_code == 400
    assert page(response).errors == [message]
    assert page(response).fields["on"] == typed
    assert snapshot(engine) == before
    assert service.calendar.extra_holidays() == calendar_before


def test_a_holiday_another_server_added_a_moment_ago_is_refused_and_then_shown(admin, engine, factory, service):
    # Added by another server process, whose holidays this one has not read: the database refuses it.
    with unit_of_work(factory) as s:
        s.add(ExtraHoliday(on=date(2027, 5, 10), name="A coronation", added_at=datetime.now(timezone.utc)))
    before = snapshot(engine)

    response = admin.submit("/admin/holidays", {"on": ["10", "5", "2027"], "name": "The coronation"})

    assert response.status_code == 400
    assert page(response).errors == ["10 May 2027 is already a bank holiday"]
    assert snapshot(engine) == before
    assert service.calendar.extra_holidays() == {date(2027, 5, 10): "A coronation"}, "read now"
    assert "Monday 10 May 2027 A coronation" in page(response).rows("Coming up")


# --- time limits --------------------------------------------------------------------------

LIMIT_NAMES = [f.name for f in dc_fields(TimeLimits)]


def limits_form(**changes) -> dict:
    """The time limits form as it stands for the defaults, with these changes."""
    values = {name: str(getattr(TimeLimits(), name)) for name in LIMIT_NAMES}
    return {**values, **changes}


def test_every_time_limit_is_named_in_words_with_its_unit(admin):
    html = admin.get("/admin/time-limits").get_data(as_text=True)
    shown = Page(html)
    assert {n for words in LIMIT_WORDS.values() for n in words} == set(LIMIT_NAMES)
    for name in LIMIT_NAMES:
        assert shown.value(name) == str(getattr(TimeLimits(), name)), name
        assert f'for="{name}"' in html or f'aria-describedby="{name}-hint' in html
    assert "Time to acknowledge a concern" in shown.text and "Shortest written notice" in shown.text
    assert "calendar months" in shown.text and "working days" in shown.text
    assert not re.search(r"\b(?:ack|wd)\b|_", shown.text.replace("Error:", "")), "no internal names"


def test_each_time_limit_with_a_problem_is_named_on_its_own_box_and_nothing_is_saved(admin, engine, service):
    before, limits_before = snapshot(engine), service.limits
    typed = {"reminder_wd": "", "concern_ack_wd": "-1", "plan_agree_wd": "three", "plan_period_months": "61",
             "review_wd": "99999999999999999999", "notice_months": "4", "dispute_pauses_notice": "maybe"}

    response = admin.submit("/admin/time-limits", limits_form(**typed))

    assert response.status_code == 400
    assert page(response).errors == [
        "Enter the time between a reminder and its due date",
        "Time to acknowledge a concern must be 0 working days or more",
        "Time to agree a plan must be a whole number of working days, like 20",
        "Usual length of an improvement plan must be 60 calendar months or fewer",
        "Time to review performance must be 520 working days or fewer",
        "Select yes if raising a dispute pauses written notice"]
    assert summary_links(response) == ["reminder_wd", "concern_ack_wd", "plan_agree_wd", "plan_period_months",
                                       "review_wd", "dispute_pauses_notice"]
    kept = page(response)
    assert {name: kept.value(name) for name in typed if name != "dispute_pauses_notice"} == {
        name: value for name, value in typed.items() if name != "dispute_pauses_notice"}, "what was typed is kept"
    assert snapshot(engine) == before
    assert service.limits == limits_before


@pytest.mark.parametrize("changes, message, box", [
    ({"consultation_min_wd": "9"}, "Shortest consultation must be at least 10 working days", "consultation_min_wd"),
    ({"consultation_min_wd": "15", "consultation_wd": "12"},
     "Usual length of a consultation must be at least as long as the shortest consultation (15 working days)",
     "consultation_wd"),
])
def test_the_consultation_rules_are_named_on_the_box_to_change(admin, engine, changes, message, box):
    before = snapshot(engine)
    response = admin.submit("/admin/time-limits", limits_form(**changes))
    assert response.status_code == 400
    assert page(response).errors == [message]
    assert summary_links(response) == [box]
    assert snapshot(engine) == before


def test_saved_time_limits_are_used_and_shown(admin, factory, service):
    response = admin.submit("/admin/time-limits", limits_form(notice_months=" 4 ", consultation_min_wd="12",
                                                              dispute_pauses_notice="1"))

    assert location(response) == "/admin/time-limits"
    shown = page(admin.get("/admin/time-limits"))
    assert "Time limits saved. They apply to deadlines set from now on." in shown.text
    assert (shown.value("notice_months"), shown.value("consultation_min_wd"), shown.value("dispute_pauses_notice")) == (
        "4", "12", "1")
    assert (service.limits.notice_months, service.limits.consultation_min_wd, service.limits.dispute_pauses_notice) == (
        4, 12, 1)
    with factory() as s:
        assert s.get(TimeLimitSetting, "notice_months").value == 4


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


def test_additions_are_logged_with_the_administrator_who_made_them(admin, cast, factory, caplog):
    with caplog.at_level(logging.INFO, logger="web.views.admin"):
        admin.submit("/admin/people", new_person(cast))
        admin.submit("/admin/organisations", {"name": "Welling Food Bank", "kind": "vco"})
    with factory() as s:
        jo = s.scalar(select(Person.id).where(Person.email == "jo.bloggs@example.org"))
        welling = s.scalar(select(Organisation.id).where(Organisation.name == "Welling Food Bank"))
    assert [r.getMessage() for r in caplog.records if r.name == "web.views.admin"] == [
        f"Administrator {cast['admin']} added person {jo}",
        f"Administrator {cast['admin']} added organisation {welling}"]
