"""Sessions and security: a new session on sign-in, sign-out and idle time end it on the
server, where signing in leads (next=), security headers, cookie flags, caching, and the
production settings check. Sign-in throttling: tests/web/test_sign_in_throttle.py."""
import pytest
from sqlalchemy import select

from casework.logins import LoginSession
from tests.factories import funding_case_at
from tests.web.conftest import make_app
from tests.web.helpers import PASSWORD, email_of, location, login, page
from web import create_app
from web.composition import Container
from web.config import DEV_SECRET, ConfigError, Settings


def session_cookie(browser) -> str | None:
    cookie = browser.get_cookie("session")
    return cookie.value if cookie else None


# --- sessions -------------------------------------------------------------------------------

def test_signing_in_starts_a_new_session(client):
    client.fetch_token()
    before, old_token = session_cookie(client), client.csrf_token

    assert login(client, "fo").status_code == 302

    assert session_cookie(client) not in (None, before)
    refused = client.submit("/session/extend", {"csrf_token": old_token})
    assert refused.status_code == 400, "nothing from the signed-out session carries over"


def test_each_sign_in_gets_its_own_server_session(app, factory):
    first, second = app.test_client(), app.test_client()
    login(first, "fo"), login(second, "fo")
    with factory() as s:
        tokens = s.scalars(select(LoginSession.token)).all()
    assert len(set(tokens)) == 2


def test_a_copied_session_cookie_stops_working_after_sign_out(app, signed_in):
    victim = signed_in("vl")
    copied = session_cookie(victim)
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/").status_code == 200, "the copy works while the session is live"

    assert location(victim.submit("/sign-out")) == "/sign-in"

    replayed = thief.get("/")
    assert replayed.status_code == 302 and location(replayed).startswith("/sign-in")


def test_signing_out_says_so(signed_in):
    browser = signed_in("vl")
    response = browser.submit("/sign-out", follow_redirects=True)
    assert "You have signed out." in page(response).text


def test_following_a_link_to_sign_out_only_asks(signed_in, factory):
    browser = signed_in("vl")

    response = browser.get("/sign-out")

    assert response.status_code == 200
    shown = page(response)
    assert "Do you want to sign out?" in shown.text and shown.value("csrf_token")
    assert browser.get("/").status_code == 200, "still signed in"
    with factory() as s:
        assert s.scalar(select(LoginSession.ended_at)) is None


def test_the_sign_out_question_page_signs_out_with_its_button(signed_in):
    browser = signed_in("vl")
    token = page(browser.get("/sign-out")).value("csrf_token")

    response = browser.submit("/sign-out", {"csrf_token": token}, follow_redirects=True)

    assert "You have signed out." in page(response).text
    assert location(browser.get("/")).startswith("/sign-in")


def test_sign_out_without_the_pages_token_leaves_the_person_signed_in(signed_in, factory):
    browser = signed_in("vl")
    assert browser.post("/sign-out").status_code == 400
    assert browser.get("/").status_code == 200
    with factory() as s:
        assert s.scalar(select(LoginSession.ended_at)) is None


def test_signing_out_again_from_a_page_left_open_in_another_tab_is_not_an_error(signed_in):
    browser = signed_in("vl")
    stale = browser.fetch_token()
    browser.submit("/sign-out")  # in another tab: a new, signed-out session without that token

    response = browser.submit("/sign-out", {"csrf_token": stale, "timeout": "1"}, follow_redirects=True)

    assert response.status_code == 200
    assert "You were signed out because you were inactive" in page(response).text


def test_the_timeout_warning_signs_out_with_a_post_that_says_why(signed_in):
    browser = signed_in("fo")
    html = browser.get("/").get_data(as_text=True)
    assert 'method="post" action="/sign-out" hidden data-timeout-sign-out' in html
    assert 'href="/sign-out' not in html, "no page links to signing out"

    response = browser.submit("/sign-out", {"timeout": "1"}, follow_redirects=True)

    assert "You were signed out because you were inactive" in page(response).text


def test_an_old_timeout_link_after_the_session_ended_goes_to_sign_in_saying_why(client):
    response = client.get("/sign-out?timeout=1", follow_redirects=True)
    assert "You were signed out because you were inactive" in page(response).text


def test_an_idle_session_ends_after_the_timeout(app, signed_in, clock):
    browser = signed_in("fo")
    clock.advance(minutes=app.extensions["casework"].settings.idle_timeout_minutes + 1)
    response = browser.get("/")
    assert response.status_code == 302 and location(response).startswith("/sign-in")
    assert browser.get("/").status_code == 302, "going back to the page does not revive it"


def test_a_session_used_within_the_timeout_stays_signed_in(signed_in, clock):
    browser = signed_in("fo")
    clock.advance(minutes=29)
    assert browser.get("/").status_code == 200


def test_extending_the_session_keeps_it_alive(signed_in, clock):
    browser = signed_in("fo")
    clock.advance(minutes=20)
    assert browser.submit("/session/extend").status_code == 204
    clock.advance(minutes=20)
    assert browser.get("/").status_code == 200, "40 minutes after sign-in, 20 after extending"


def test_pages_tell_the_browser_when_the_session_times_out(signed_in):
    html = signed_in("fo").get("/").get_data(as_text=True)
    assert 'data-idle-timeout-seconds="1800"' in html and 'data-extend-url="/session/extend"' in html


# --- headers and cookies --------------------------------------------------------------------

def csp(response) -> dict[str, set[str]]:
    directives = (d.split() for d in response.headers["Content-Security-Policy"].split(";") if d.strip())
    return {name: set(values) for name, *values in directives}


@pytest.mark.parametrize("url", ["/sign-in", "/", "/no-such-page"])
def test_pages_carry_the_security_headers(signed_in, url):
    response = signed_in("fo").get(url)
    policy = csp(response)
    assert policy["script-src"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("no-referrer", "same-origin", "strict-origin-when-cross-origin")


def test_the_session_cookie_is_http_only_and_same_site_lax(client):
    response = login(client, "fo")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie, "a test server speaks plain HTTP"


def test_the_session_cookie_is_secure_in_production(engine, service, clock, cast):
    app = make_app(engine, service, clock, env="production")
    response = login(app.test_client(), "fo")
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_production_refuses_the_development_secret():
    with pytest.raises(ConfigError, match="CASEWORK_SECRET_KEY"):
        Settings(env="production").check()
    with pytest.raises(ConfigError, match="CASEWORK_SECRET_KEY"):
        Settings.from_environ({"CASEWORK_ENV": "production"})


def test_create_app_refuses_to_start_in_production_with_the_development_secret(engine, service, clock):
    settings = Settings(env="production", secret_key=DEV_SECRET, database_url=str(engine.url))
    with pytest.raises(ConfigError, match="CASEWORK_SECRET_KEY"):
        create_app(settings, Container(settings, engine, service.factory, service, clock))


def test_no_page_runs_inline_script(app, signed_in, service, cast, clock):
    case = funding_case_at(service, cast, clock, "concern_raised")
    pages = {"fo": ["/", "/cases", f"/cases/{case.id}", f"/cases/{case.id}/actions/resolve_concern", "/cases/new",
                    "/disputes/new", "/timeline", "/timeline?start=nonsense", "/notifications", "/mail", "/help",
                    "/help/funder", "/accessibility", "/admin/", "/cases/999999", "/sign-out"],
             "admin": ["/admin/", "/admin/people", "/admin/organisations", "/admin/holidays", "/admin/time-limits",
                       "/admin/failed-messages", f"/admin/people/{cast['vl']}", f"/admin/people/{cast['vl']}/deactivate",
                       f"/admin/organisations/{cast.orgs['kitchen']}"]}
    seen = {}
    for who, urls in pages.items():
        browser = signed_in(who)
        for url in urls:
            parsed = page(browser.get(url))
            seen[url] = (parsed.inline_scripts, parsed.handler_attributes, len(parsed.scripts))
    seen["/sign-in"] = (lambda p: (p.inline_scripts, p.handler_attributes, len(p.scripts)))(page(app.test_client().get("/sign-in")))
    assert {url: found[:2] for url, found in seen.items() if found[:2] != ([], [])} == {}
    assert all(found[2] for found in seen.values()), "each page loads its scripts from files"


# --- where signing in leads -----------------------------------------------------------------

def as_a_browser_reads_it(location_header: str) -> tuple[str, str]:
    """(host, path) a browser goes to from a Location header on http://localhost/sign-in: the
    WHATWG URL parser drops leading and trailing C0 controls and spaces and every tab and
    newline, and reads a backslash as a slash in http(s) URLs."""
    from urllib.parse import urljoin, urlsplit
    cleaned = location_header.strip("".join(map(chr, range(0x21))))
    cleaned = "".join(ch for ch in cleaned if ch not in "\t\n\r").replace("\\", "/")
    parts = urlsplit(urljoin("http://localhost/sign-in", cleaned))
    return parts.netloc, parts.path


def sign_in_with_next(client, raw_next: str):
    """Sign in from /sign-in?next=<raw_next> (raw_next is put in the query string as it is), as
    VCO staff: council staff go to set up an authenticator app first (test_accounts)."""
    client.csrf_token = None
    return client.submit(f"/sign-in?next={raw_next}", {"email": email_of("vl"), "password": PASSWORD})


@pytest.mark.parametrize("raw_next", [
    "/%09/evil.example/phish", "/%0a/evil.example", "/%0d%0a/evil.example", "%09//evil.example",
    "%20//evil.example", "/%5Cevil.example", "%5C%5Cevil.example", "/%5C/evil.example", "%5C/evil.example",
    "//evil.example", "///evil.example", "////evil.example", "/%2F/evil.example", "%2F%2Fevil.example",
    "https://evil.example/", "https:evil.example", "HTTPS://evil.example", "javascript:alert(1)",
    "%252F%252Fevil.example", "/%09%0d%0a%5C/evil.example", "%01//evil.example", "/%0b/evil.example",
    "/%E2%80%A8/evil.example",
])
def test_signing_in_never_leads_to_another_site(client, raw_next):
    response = sign_in_with_next(client, raw_next)

    assert response.status_code == 302
    host, _ = as_a_browser_reads_it(response.headers["Location"])
    assert host == "localhost", f"next={raw_next} led to {response.headers['Location']!r}"
    assert response.headers["Location"].isascii() and response.headers["Location"].isprintable()


@pytest.mark.parametrize("raw_next, path", [
    ("/cases/5", "/cases/5"), ("/cases%3Fstage%3Dconsultation", "/cases"), ("/notifications", "/notifications"),
])
def test_signing_in_leads_back_to_the_page_asked_for(client, raw_next, path):
    response = sign_in_with_next(client, raw_next)
    assert response.status_code == 302
    assert as_a_browser_reads_it(response.headers["Location"]) == ("localhost", path)


# --- caching ----------------------------------------------------------------------------------

def test_nothing_that_needs_signing_in_is_kept_by_a_browser_or_proxy(signed_in, service, cast, clock, factory):
    import hashlib

    from casework.letters import Letter
    from casework.persistence import unit_of_work
    case = funding_case_at(service, cast, clock, "concern_raised")
    pdf = b"%PDF-1.7 a letter"
    with unit_of_work(factory) as s:
        letter = Letter(case_id=case.id, kind="concern", filename="concern-FC-0001.pdf", pdf=pdf,
                        sha256=hashlib.sha256(pdf).hexdigest(), trigger="raise_concern", created_at=clock.now())
        s.add(letter)
        s.flush()
        letter_id = letter.id
    browser = signed_in("fo")
    for url in (f"/cases/{case.id}/letters/{letter_id}", f"/cases/{case.id}/letters/{letter_id}?download=1",
                f"/cases/{case.id}/diagram.svg", f"/cases/{case.id}", "/mail", "/notifications", "/healthz"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert "Expires" not in response.headers, url


def test_the_stylesheets_and_scripts_may_still_be_cached(signed_in):
    with signed_in("fo").get("/static/app.css") as response:
        assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")
