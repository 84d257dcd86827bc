"""Particular bad input the fuzz tests may not happen upon: NUL bytes where the web layer
writes text itself (PostgreSQL refuses them), a form too big to accept, and time limits too
large to compute with."""
import pytest
from sqlalchemy import select

from casework.organisations import Organisation, Person
from casework.settings import ExtraHoliday
from tests.factories import counts, funding_case_at
from tests.web.helpers import login, page

NUL_FORMS = {
    "/admin/organisations": ({"name": "Welling\x00 Food Bank", "kind": "vco"}, Organisation.name, "Welling Food Bank"),
    "/admin/people": ({"name": "Jo\x00 Bloggs", "email": "jo\x00@example.org", "password": "a-long-enough-password",
                       "organisation": "3", "roles": "vco_staff"}, Person.name, "Jo Bloggs"),
    "/admin/holidays": ({"on": ["10", "5", "2027"], "name": "A corona\x00tion"}, ExtraHoliday.name, "A coronation"),
}


@pytest.mark.parametrize("url", sorted(NUL_FORMS))
def test_a_nul_byte_typed_into_an_administration_form_is_dropped(signed_in, factory, url):
    form, column, stored = NUL_FORMS[url]
    response = signed_in("admin").submit(url, form)
    assert response.status_code == 302
    with factory() as s:
        assert s.scalar(select(column).where(column == stored)) == stored


def test_a_nul_byte_typed_into_the_sign_in_email_is_dropped(client):
    assert login(client, "fo\x00").status_code == 302


def test_a_nul_byte_in_an_unknown_sign_in_email_is_a_failed_sign_in(client):
    response = login(client, "nobody\x00")
    assert response.status_code == 200
    assert page(response).errors == ["Enter a correct email address and password"]


def test_a_form_bigger_than_two_megabytes_is_refused_and_writes_nothing(service, cast, clock, signed_in, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    before = counts(factory, case.id)
    response = signed_in("fo").submit(f"/cases/{case.id}/actions/resolve_concern",
                                      {"case_version": str(case.version), "reason": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "The file or form is too large" in page(response).text
    assert counts(factory, case.id) == before


def test_a_time_limit_too_long_to_compute_with_is_refused(signed_in):
    admin = signed_in("admin")
    response = admin.submit("/admin/time-limits", {"notice_months": "100000000"})
    assert response.status_code == 400 and page(response).errors
    assert admin.get("/timeline").status_code == 200


@pytest.mark.parametrize("number", ["9223372036854775808", "99999999999999999999"])
def test_a_case_number_too_big_for_the_database_is_no_page(service, cast, clock, signed_in, number):
    case = funding_case_at(service, cast, clock, "concern_raised")
    browser = signed_in("vl")
    for url in (f"/cases/{number}", f"/cases/{number}/actions/acknowledge_concern", f"/cases/{number}/diagram.svg",
                f"/cases/{case.id}/letters/{number}"):
        assert browser.get(url).status_code == 404, url
    assert browser.submit(f"/cases/{number}/actions/acknowledge_concern", {}).status_code == 404


def test_numbers_in_addresses_written_in_other_digits_are_ignored_not_a_crash(signed_in):
    # "¹" and "٣" are digits to Python's str.isdigit but int() refuses them: a page number, an
    # organisation filter or a report's organisation written so was a 500. Each is now ignored,
    # as any other number that is not one.
    fo = signed_in("fo")
    for address in ("/cases?page=¹", "/cases?page=٣", "/cases?organisation=¹", "/reports?organisation=¹"):
        response = fo.get(address)
        assert response.status_code == 200, address
