"""Nobody can choose a weak password: someone invited by an administrator who picks a
guessable one from their invitation link is told so on the password field, in the error
summary, and the link still works for a better one."""
import pytest

from tests.web.helpers import page
from tests.web.test_accounts import choose, invite, link_in_last_email


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "compact-demo", "compact-demo-2026", "JoBloggs2026"])
def test_a_guessable_password_is_refused_on_its_field(app, signed_in, cast, factory, password):
    invite(signed_in("admin"), cast, email="jo.bloggs@example.org")
    path = link_in_last_email(factory, "jo.bloggs@example.org")
    response = choose(app.test_client(), path, password)
    assert response.status_code == 400
    [error] = page(response).errors
    assert error.startswith("Password is too easy to guess.")
    assert 'href="#password"' in response.get_data(as_text=True)
    assert choose(app.test_client(), path, "violet harbour trombone quietly").status_code == 302
