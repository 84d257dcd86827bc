"""An administrator adding a person cannot give them a weak password: the message is on the
password field, in the error summary, and nothing is written."""
import pytest

from tests.web.helpers import page, snapshot


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "compact-demo", "compact-demo-2026", "JoBloggs2026"])
def test_a_guessable_password_is_refused_on_its_field(signed_in, cast, engine, password):
    admin = signed_in("admin")
    before = snapshot(engine)
    response = admin.submit("/admin/people", {
        "name": "Jo Bloggs", "email": "jo.bloggs@example.org", "password": password,
        "organisation": str(cast.orgs["kitchen"]), "roles": ["vco_staff"]})
    assert response.status_code == 400
    [error] = page(response).errors
    assert error.startswith("Password is too easy to guess.")
    assert 'href="#password"' in response.get_data(as_text=True)
    assert snapshot(engine) == before
