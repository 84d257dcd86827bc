"""Security test plan rows 11, 14 and 15 (see tests/SECURITY_PLAN.md), with the production
settings: one response of every class (HTML page, redirect, 404, 500, static file, PDF letter,
SVG) carries the full set of headers; a letter downloads as an attachment under a header that
cannot be split, whatever its stored name; and an unexpected failure shows the generic
error page, never a traceback, the exception's text or a secret."""
import hashlib
import json
import logging
import re

import pytest
from sqlalchemy.exc import OperationalError

from casework.letters import Letter
from casework.persistence import unit_of_work
from tests.factories import funding_case_at
from tests.web.conftest import SECRET, make_app
from tests.web.helpers import login, page, sign_in_directly

YEAR = 31_536_000


@pytest.fixture
def production(engine, service, clock, cast):
    return make_app(engine, service, clock, env="production")


def add_letter(factory, case_id, clock, filename="concern-FC-0001.pdf") -> int:
    pdf = b"%PDF-1.7 a letter"
    with unit_of_work(factory) as s:
        letter = Letter(case_id=case_id, kind="concern", filename=filename, pdf=pdf,
                        sha256=hashlib.sha256(pdf).hexdigest(), trigger="raise_concern", created_at=clock.now())
        s.add(letter)
        s.flush()
        return letter.id


def directives(response) -> dict[str, set[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {name: set(values) for name, *values in (d.split() for d in policy.split(";") if d.strip())}


def boom(*args, **kwargs):
    raise OperationalError("SELECT password_hash FROM people -- s3cret-in-the-error", {}, Exception("db down"))


# --- 11. headers and cookies -------------------------------------------------------------------

def test_every_class_of_response_carries_the_security_headers(production, service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    letter_id = add_letter(factory, case.id, clock)
    production.view_functions["pages.help_index"] = boom   # a page whose database fails
    fo = sign_in_directly(production, production.test_client(), "fo")
    visitor = production.test_client()
    samples = {
        "html": (fo, f"/cases/{case.id}", 200), "redirect": (visitor, "/cases", 302),
        "not found": (fo, "/no-such-page", 404), "server error": (fo, "/help", 500),
        "static": (fo, "/static/app.css", 200), "pdf": (fo, f"/cases/{case.id}/letters/{letter_id}", 200),
        "pdf download": (fo, f"/cases/{case.id}/letters/{letter_id}?download=1", 200),
        "svg": (fo, f"/cases/{case.id}/diagram.svg", 200), "sign-in": (visitor, "/sign-in", 200),
    }
    wrong = {}
    for kind, (browser, url, status) in samples.items():
        with browser.get(url) as response:
            policy = directives(response)
            hsts = dict(part.strip().partition("=")[::2] for part in
                        response.headers.get("Strict-Transport-Security", "").split(";"))
            checks = {
                "status": response.status_code == status,
                "csp": all(policy.get(d) == {"'none'"} for d in ("object-src", "base-uri", "frame-ancestors")),
                "scripts": "'unsafe-inline'" not in policy.get("script-src", {"'unsafe-inline'"})
                           and "'unsafe-eval'" not in policy["script-src"],
                "hsts": int(hsts.get("max-age") or 0) >= YEAR and "includeSubDomains" in hsts,
                "nosniff": response.headers.get("X-Content-Type-Options") == "nosniff",
                "referrer": response.headers.get("Referrer-Policy") in (
                    "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"),
                "no-store": kind == "static" or response.headers.get("Cache-Control") == "no-store",
            }
            if failed := [name for name, ok in checks.items() if not ok]:
                wrong[kind] = failed
    assert wrong == {}


def test_the_production_session_cookie_has_every_flag(production):
    response = login(production.test_client(), "vl")
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, "signing in sets the session cookie"
    for cookie in cookies:
        name, *attributes = (part.strip() for part in cookie.split(";"))
        flags = {a.split("=")[0].lower(): a.partition("=")[2] for a in attributes}
        assert name.startswith("__Host-"), cookie
        assert {"secure", "httponly"} <= set(flags) and flags["samesite"].lower() == "lax", cookie
        assert "domain" not in flags and flags["path"] == "/", cookie


# --- 14. file download -------------------------------------------------------------------------

@pytest.mark.parametrize("stored_name", [
    'say "hello".pdf', "../../etc/passwd.pdf", "caf\u00e9 \U0001f600 letter.pdf", "a;b=c,d.pdf", "two\r\nX-Injected: 1.pdf",
])
def test_a_letter_downloads_as_an_attachment_whatever_its_stored_name(signed_in, service, cast, clock, factory,
                                                                       stored_name):
    case = funding_case_at(service, cast, clock, "concern_raised")
    letter_id = add_letter(factory, case.id, clock, filename=stored_name)
    response = signed_in("fo").get(f"/cases/{case.id}/letters/{letter_id}?download=1")

    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.isascii() and "\r" not in disposition and "\n" not in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "sandbox" in directives(response), "plan 14: a CSP sandbox on the download"
    assert response.mimetype == "application/pdf"
    if not stored_name.isascii():
        assert "filename*=UTF-8''" in disposition, "RFC 6266: the real name in filename*"
    # The name is one quoted token: nothing after it can be read as another parameter.
    from werkzeug.http import parse_options_header
    _, params = parse_options_header(disposition)
    assert set(params) <= {"filename", "filename*"}
    assert params["filename"].endswith(".pdf")


# --- 15. errors ----------------------------------------------------------------------------------

def test_production_runs_without_debug(production):
    assert production.debug is False and production.testing is False
    assert not production.config.get("PROPAGATE_EXCEPTIONS")


@pytest.mark.parametrize("failure", [boom, lambda *a, **k: 1 / 0, lambda *a, **k: {}["no-such-key"]])
def test_an_unexpected_failure_shows_the_generic_page_and_nothing_inside(production, failure, caplog):
    production.view_functions["cases.case_list"] = failure
    fo = sign_in_directly(production, production.test_client(), "fo")

    response = fo.get("/cases")

    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    for secret in ("Traceback", "s3cret", "SELECT", "ZeroDivisionError", "division by zero", "KeyError",
                   "no-such-key", "OperationalError", SECRET, ".py"):
        assert secret not in html, secret
    assert "Unhandled error" in caplog.text, "the failure is logged for the operators"


def test_the_error_page_gives_a_reference_that_finds_the_failure_in_the_log(production, caplog):
    # plan 15: "generic 500 page with a correlation id". Two failures get two references, each
    # logged beside its own exception, so what a person quotes finds the right one.
    fo = sign_in_directly(production, production.test_client(), "fo")
    shown = []
    for failure in (boom, lambda *a, **k: {}["no-such-key"]):
        production.view_functions["cases.case_list"] = failure
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="web.errors"):
            text = page(fo.get("/cases")).text
        reference = re.search(r"give them this reference: ([A-Z0-9]{4}-[A-Z0-9]{4})", text).group(1)
        (record,) = [r for r in caplog.records if r.name == "web.errors"]
        assert reference in record.getMessage() and record.exc_info is not None
        shown.append((reference, record.exc_info[0].__name__))
    assert shown[0][0] != shown[1][0]
    assert [name for _, name in shown] == ["OperationalError", "KeyError"]


def test_a_letter_renderer_that_fails_shows_the_reference_and_half_applies_nothing(
        engine, factory, calendar, clock, cast, caplog):
    # plan 15: "monkeypatch ... the renderer to raise". Raising a concern sends a letter; the
    # renderer fails: the generic page with a reference, the failure logged with it, and the
    # case exactly as it was (no status change, no audit entry, no letter, no email).
    from notifications.subscribers import make_subscriber
    from tests.factories import counts
    from tests.web.conftest import BASE_URL, SENDER, built_app, settings_for
    from web.composition import Container
    from workflows.context import Hooks
    from workflows.journeys import CONCERN
    from workflows.service import CaseService

    def renderer_down(*args, **kwargs):
        raise RuntimeError("WeasyPrint crashed at /usr/lib/fonts s3cret")
    service = CaseService(factory, calendar=calendar, hooks=Hooks(
        render_letter=renderer_down, on_events=make_subscriber(BASE_URL, SENDER, calendar)))
    settings = settings_for(engine, "production")
    production = built_app(settings, Container(settings, engine, factory, service, clock))
    case = funding_case_at(service, cast, clock, "draft")
    before = counts(factory, case.id)
    fo = sign_in_directly(production, production.test_client(), "fo")
    url, today = f"/cases/{case.id}/actions/raise_concern", clock.now().date()

    with caplog.at_level(logging.ERROR, logger="web.errors"):
        response = fo.submit(url, {"case_version": page(fo.get(url)).value("case_version"), **CONCERN,
                                   "letter_date": [str(today.day), str(today.month), str(today.year)]})

    text = page(response).text
    assert response.status_code == 500 and "s3cret" not in text and "WeasyPrint" not in text
    reference = re.search(r"give them this reference: ([A-Z0-9]{4}-[A-Z0-9]{4})", text).group(1)
    assert any(reference in r.getMessage() and r.exc_info for r in caplog.records if r.name == "web.errors")
    assert counts(factory, case.id) == before


def test_a_page_that_fails_has_the_reference_on_its_security_events_too(production, caplog, monkeypatch):
    # plan 15/16: the reference is the request's id; a security event from the same request carries it
    from web import auth
    monkeypatch.setattr(auth, "begin", boom)  # the password was right, then something failed
    with caplog.at_level(logging.INFO):
        text = page(login(production.test_client(), "vl")).text
    reference = re.search(r"give them this reference: ([A-Z0-9]{4}-[A-Z0-9]{4})", text).group(1)
    (event,) = [json.loads(r.getMessage()) for r in caplog.records if r.name == "casework.security"]
    assert event["event"] == "signed_in" and event["request_id"] == reference


def test_production_refuses_to_serve_a_debugger_console(production):
    for url in ("/console", "/?__debugger__=yes&cmd=resource&f=style.css", "/docs", "/metrics", "/openapi.json"):
        response = production.test_client().get(url)
        assert response.status_code in (302, 404), url
        assert "Werkzeug" not in response.get_data(as_text=True), url
