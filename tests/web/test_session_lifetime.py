"""Sessions end 12 hours after signing in however busy they are, with a message saying why;
in production the session cookie is `__Host-session`; pages say `base-uri 'none'`; and the
server does not name its software's version."""
import http.client
import threading

from sqlalchemy import select
from werkzeug.serving import make_server

from casework.logins import LoginSession
from tests.web.conftest import make_app
from tests.web.helpers import location, login, page
from web.security import QuietRequestHandler

OUTLIVED = "You were signed out because you signed in 12 hours ago."


def test_a_busy_session_ends_12_hours_after_signing_in(patient_app, clock, factory):
    browser = patient_app.test_client()   # VCO staff: no authenticator app is required of them
    assert login(browser, "vl").status_code == 302
    clock.advance(hours=11, minutes=59)
    assert browser.get("/").status_code == 200, "still in use just before 12 hours"
    clock.advance(minutes=2)   # 12 hours 1 minute after signing in

    response = browser.get("/cases")
    assert response.status_code == 302 and location(response).startswith("/sign-in")
    assert OUTLIVED in page(browser.get(location(response))).text
    assert browser.get("/").status_code == 302, "going back does not revive it"
    with factory() as s:
        assert s.scalar(select(LoginSession.ended_at)) is not None, "the session ended on the server too"


def test_an_idle_session_still_says_sign_in_not_12_hours(app, clock):
    browser = app.test_client()
    login(browser, "fo")
    clock.advance(minutes=31)
    response = browser.get("/cases")
    assert OUTLIVED not in page(browser.get(location(response))).text


def test_signing_in_again_starts_a_new_12_hours(patient_app, clock):
    browser = patient_app.test_client()
    login(browser, "vl")
    clock.advance(hours=12, minutes=1)
    browser.get("/")
    browser.csrf_token = None
    assert login(browser, "vl").status_code == 302
    clock.advance(hours=11)
    assert browser.get("/").status_code == 200


def test_the_production_cookie_is_host_prefixed(engine, service, clock, cast):
    app = make_app(engine, service, clock, env="production")
    response = login(app.test_client(), "fo")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    attributes = {part.strip().split("=")[0].lower(): part for part in cookie.split(";")[1:]}
    assert "secure" in attributes and attributes["path"].strip() == "Path=/" and "domain" not in attributes


def test_pages_forbid_a_base_element(client):
    policy = client.get("/sign-in").headers["Content-Security-Policy"]
    assert "base-uri 'none'" in [d.strip() for d in policy.split(";")]


def test_the_development_server_names_no_software_version(app):
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        conn.request("GET", "/sign-in")
        response = conn.getresponse()
        response.read()
        conn.close()
    finally:
        server.shutdown()
        thread.join()
    assert response.status == 200
    assert response.getheader("Server") == "Compact Casework"
