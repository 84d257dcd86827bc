"""Security test plan rows 1, 3 and 4 (see tests/SECURITY_PLAN.md), where the existing route
table in test_access.py and the form table in test_csrf.py stop short of the plan:

1. IDOR: a case or letter of another organisation answers exactly what a case or letter that
   does not exist answers (same status, same page), for every person and every route with an id.
3. Mass assignment: fields a form does not ask for (organisation, status, version, owner,
   password hash, ...) are ignored; only the transition changes the case.
4. Safe methods: no GET, by anyone, writes to the database; a form sent with another
   session's CSRF token is refused and writes nothing."""
import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from casework.cases import Case, CaseAssignment
from casework.organisations import Person
from tests.factories import PEOPLE, funding_case_at
from tests.web.helpers import page, sign_in_directly, snapshot
from tests.web.test_access import consultation_case, routes, url_for_route  # noqa: F401 (a fixture)
from tests.web.test_csrf import FORMS, awaiting_code

MISSING = 999_999
#: itsdangerous-signed CSRF tokens: different in every session, so left out when pages are compared.
TOKEN = re.compile(r"[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{10,}")


def id_routes(app) -> list[tuple[str, str]]:
    by_endpoint = {rule.endpoint: rule.arguments for rule in app.url_map.iter_rules()}
    return [(endpoint, method) for endpoint, method in routes(app) if {"case_id", "letter_id"} & by_endpoint[endpoint]]


def answer(app, browser, endpoint, method, ids) -> tuple[int, str]:
    url = url_for_route(app, endpoint, ids)
    response = browser.get(url) if method == "GET" else browser.submit(url, {})
    with response:   # a download holds its file open until the response is closed
        return response.status_code, TOKEN.sub("<token>", response.get_data().decode("utf-8", "replace"))


# --- 1. IDOR ------------------------------------------------------------------------------------

def test_another_organisations_case_or_letter_looks_exactly_like_one_that_does_not_exist(
        app, client, consultation_case, service, cast, clock):  # noqa: F811
    kitchen = consultation_case
    # A second organisation's case: Tom (fo2) opens one with the youth partnership.
    youth_case = service.open_funding_case(cast["fo2"], {"title": "Holiday play scheme for Erith",
                                                         "vco": cast.orgs["youth"], "decision_maker": cast["dm"]},
                                           clock.now())
    worlds = {"kitchen": (kitchen, "Lunch club for older residents"),
              "youth": ({**kitchen, "case_id": youth_case.id, "letter_id": MISSING}, "Holiday play scheme")}
    nowhere = {**kitchen, "case_id": MISSING, "letter_id": MISSING}
    compared, leaks, differ = 0, [], []
    for who in PEOPLE:
        browser = sign_in_directly(app, app.test_client(), who)
        for endpoint, method in id_routes(app):
            missing = answer(app, browser, endpoint, method, nowhere)
            assert missing[0] == 404, (who, endpoint, method)
            for world, (ids, title) in worlds.items():
                got = answer(app, browser, endpoint, method, ids)
                if got[0] != 404:
                    continue   # this person may see this case
                compared += 1
                if got != missing:
                    differ.append((who, world, endpoint, method))
                if title in got[1]:
                    leaks.append((who, world, endpoint, method))
    assert (differ, leaks) == ([], [])
    # Not vacuous: at least the plan's 4 roles x 2 organisations over every id route were refused.
    assert compared >= 8 * len(id_routes(app))


# --- 3. mass assignment ---------------------------------------------------------------------------

EXTRAS = {"organisation_id": "{youth}", "organisation": "{youth}", "vco": "{youth}", "vco_org_id": "{youth}",
          "funder_org_id": "{nhs}", "role": "administrator", "roles": "administrator", "state": "closed_withdrawn",
          "status": "closed_withdrawn", "owner_id": "{other_vl}", "version": "99", "id": "{MISSING}",
          "workflow": "dispute", "title": "Renamed by a stranger", "password_hash": "x", "is_active": "false",
          "data": "{{}}", "audit_head": "0" * 64}


def extras(cast, leave_out=()) -> dict[str, str]:
    values = {"youth": cast.orgs["youth"], "nhs": cast.orgs["nhs"], "other_vl": cast["other_vl"], "MISSING": MISSING}
    return {k: v.format(**values) for k, v in EXTRAS.items() if k not in leave_out}


def case_row(factory, case_id) -> dict:
    with factory() as s:
        case = s.get(Case, case_id)
        people = sorted(s.execute(select(CaseAssignment.person_id, CaseAssignment.role)
                                  .where(CaseAssignment.case_id == case_id)).all())
        return {"status": case.status, "workflow": case.workflow, "title": case.title, "version": case.version,
                "funder": case.funder_org_id, "vco": case.vco_org_id, "data_keys": set(case.data),
                "people": people}


def test_extra_fields_on_a_case_action_change_nothing_but_what_the_action_does(signed_in, service, cast, clock,
                                                                                factory):
    from tests.web.test_csrf import grant_extension
    plain_url, form = grant_extension(service, cast, clock)
    stuffed_url, stuffed_form = grant_extension(service, cast, clock)
    plain_id, stuffed_id = (int(url.split("/")[2]) for url in (plain_url, stuffed_url))
    before = case_row(factory, stuffed_id)
    fo = signed_in("fo")

    assert fo.submit(plain_url, form).status_code == 302
    assert fo.submit(stuffed_url, {**stuffed_form, **extras(cast)}).status_code == 302

    plain, stuffed = case_row(factory, plain_id), case_row(factory, stuffed_id)
    assert stuffed == {**before, "version": before["version"] + 1, "data_keys": plain["data_keys"]}
    assert "organisation_id" not in stuffed["data_keys"] and "status" not in stuffed["data_keys"]


def test_extra_fields_on_a_new_case_are_ignored(signed_in, cast, factory):
    fo = signed_in("fo")
    form = {"title": "Night shelter", "vco": str(cast.orgs["kitchen"]), "decision_maker": str(cast["dm"])}
    assert fo.submit("/cases/new", {**form, "title": "Plain shelter"}).status_code == 302
    response = fo.submit("/cases/new", {**extras(cast, leave_out={"vco", "title"}), **form})
    assert response.status_code == 302
    with factory() as s:
        plain = s.scalars(select(Case).where(Case.title == "Plain shelter")).one()
        case = s.scalars(select(Case).where(Case.title == "Night shelter")).one()
        assert (case.status, case.workflow, case.version) == ("draft", "funding_change", plain.version)
        assert set(case.data) == set(plain.data)
        assert (case.funder_org_id, case.vco_org_id) == (cast.orgs["council"], cast.orgs["kitchen"])
        assert not set(EXTRAS) & set(case.data)


def test_extra_fields_on_a_person_are_ignored(signed_in, cast, factory):
    with factory() as s:
        before = s.get(Person, cast["vl"])
        hash_before = before.password_hash
    admin = signed_in("admin")
    form = {"name": "Grace Adeyemi-Okoro", "email": "vl@example.org", "organisation": str(cast.orgs["kitchen"]),
            "roles": ["vco_staff"]}
    response = admin.post(f"/admin/people/{cast['vl']}", data=MultiDict(
        {**extras(cast, leave_out={"organisation", "roles"}), **form, "csrf_token": admin.fetch_token()}))
    assert response.status_code == 302
    with factory() as s:
        person = s.get(Person, cast["vl"])
        assert person.name == "Grace Adeyemi-Okoro", "the form itself was applied"
        assert (person.organisation_id, person.password_hash, person.is_active) == (
            cast.orgs["kitchen"], hash_before, True)
        assert person.roles == {"vco_staff"}


# --- 4. safe methods and CSRF ---------------------------------------------------------------------

@pytest.mark.parametrize("who", ["visitor", *sorted(PEOPLE)])
def test_no_get_request_writes_anything(app, engine, consultation_case, who):  # noqa: F811
    browser = app.test_client() if who == "visitor" else sign_in_directly(app, app.test_client(), who)
    before = snapshot(engine)
    fetched = 0
    for endpoint, method in routes(app):
        if method == "GET":
            browser.get(url_for_route(app, endpoint, consultation_case)).close()
            fetched += 1
    assert fetched >= 35, "every GET route is fetched"
    after = snapshot(engine)
    # A download of a case list or a report is recorded (who, when, which filters), as the
    # issue asks: that event is the only row a GET may add.
    downloads = [row for row in after.pop("security_events") if row not in before["security_events"]]
    assert all(row.kind == "exported" for row in downloads), downloads
    before.pop("security_events")
    assert after == before


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_a_form_sent_with_another_sessions_token_is_refused_and_writes_nothing(
        app, engine, client, signed_in, service, cast, clock, endpoint):
    who, build = FORMS[endpoint]
    if build is awaiting_code:
        browser = client
        url, form = build(browser, service, cast, clock)
    else:
        url, form = build(service, cast, clock)
        browser = signed_in(who) if who else client
    stranger = signed_in("other_vl")
    stolen = stranger.fetch_token()
    before = snapshot(engine)

    response = browser.post(url, data=MultiDict({**form, "csrf_token": stolen}))

    assert response.status_code == 400
    assert "Your form expired or was sent from somewhere else" in page(response).text
    assert snapshot(engine) == before
