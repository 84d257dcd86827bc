"""Security test plan row 12 (see tests/SECURITY_PLAN.md): text typed into forms, XSS
polyglots, template syntax, CRLF, right-to-left marks, reaches every page that shows it, the
emails and their headers as text, never as markup. The pages are checked with a fixed list of
payloads (each page render goes through the whole app); the email bodies and headers, pure
functions, with Hypothesis at 200 examples. The PDF letter: tests/notifications/test_letters.py
(test_user_typed_markup_*); the `|safe` lint: tests/test_security_plan_static.py."""
from html import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from casework.messages import OutboxMessage
from notifications.emails import build_email, email_content, render_bodies
from tests.web.helpers import page

POLYGLOTS = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert() )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/"
    "</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert()//>\\x3e",
    "{{ 7*191 }}{% print 7*191 %}${7*191}",
    "\u202eevil\u202c <b>bold</b>",
    "</textarea><svg onload=alert(1)>",
]
MARKERS = ("<script>alert", "<img src=x", "<svg", "<sVg", "<b>bold", "1337")


def hostile_case(fo, cast, payload: str) -> int:
    """A case titled with the payload, whose extension reason is the payload too."""
    title = f"Kitchen {payload}"
    assert fo.submit("/cases/new", {"title": title, "vco": str(cast.orgs["kitchen"]),
                                    "decision_maker": str(cast["dm"])}).status_code == 302
    return title


@pytest.mark.parametrize("payload", POLYGLOTS)
def test_typed_markup_shows_as_text_on_every_page_and_in_every_email(signed_in, service, cast, clock, factory,
                                                                       engine, payload):
    from sqlalchemy import update

    from casework.cases import Case
    from tests.factories import funding_case_at
    from tests.web.test_csrf import grant_extension
    from casework.persistence import unit_of_work
    funding_case_at(service, cast, clock, "concern_raised")   # a notification for Grace to read
    url, form = grant_extension(service, cast, clock)
    fo, vl = signed_in("fo"), signed_in("vl")   # after the clock has moved on
    case_id = int(url.split("/")[2])
    with unit_of_work(factory) as s:   # the title as if typed when the case was opened
        s.execute(update(Case).where(Case.id == case_id).values(title=f"Kitchen {payload}"[:300]))
    assert fo.submit(url, {**form, "reason": f"Because {payload}"}).status_code == 302
    new_title = hostile_case(fo, cast, payload.replace("\n", " "))

    pages = {who: browser for who, browser in (("fo", fo), ("vl", vl))}
    urls = [f"/cases/{case_id}", "/cases", "/", "/timeline", "/notifications", "/mail", f"/cases?q={payload}"]
    seen = 0
    for who, browser in pages.items():
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, (who, url)
            html = response.get_data(as_text=True)
            parsed = page(response)
            assert (parsed.inline_scripts, parsed.handler_attributes) == ([], []), (who, url)
            assert [m for m in MARKERS if m in html] == [], (who, url)
            seen += escape(payload, quote=False).split(" ")[0] in html or payload.split(" ")[0] in parsed.text
    assert seen >= 2, "the payload is shown, as text, on the case pages"
    assert new_title[:20] in page(fo.get("/cases")).text

    with factory() as s:
        rows = s.scalars(select(OutboxMessage)).all()
    assert rows, "the actions sent emails"
    for row in rows:
        text, html = render_bodies(row.content)
        assert [m for m in MARKERS if m in html] == [], row.subject
        message = build_email(row, "casework@bexley.example")
        assert "\n" not in message["Subject"] and "\r" not in message["Subject"]


hostile_text = st.one_of(st.sampled_from(POLYGLOTS), st.text(), st.text(alphabet="<>\"'&\r\n\x00\u202e{}%$/ab"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=hostile_text, subject=hostile_text, happened=hostile_text, todo=st.lists(hostile_text, max_size=2))
def test_no_typed_text_becomes_markup_or_a_header_line_in_an_email(name, subject, happened, todo):
    from datetime import datetime, timezone
    content = email_content(name=name, subject=subject, happened=happened, todo=tuple(todo),
                            case_url="http://casework.test/cases/1", case_ref="FC-0001")
    _, html = render_bodies(content)
    baseline = render_bodies(email_content(name="n", subject="s", happened="h", todo=("t",) * len(todo),
                                           case_url="http://casework.test/cases/1", case_ref="FC-0001"))[1]
    assert html.count("<") == baseline.count("<"), "no element came from the typed text"

    row = OutboxMessage(message_id="<1@bexley.example>", to_address="vl@example.org", subject=subject or "s",
                        content=content, created_at=datetime(2026, 12, 7, tzinfo=timezone.utc))
    try:
        message = build_email(row, "casework@bexley.example")
    except Exception as exc:   # refusing to build is allowed (the message then fails alone); splitting is not
        assert type(exc).__name__ == "UnsafeHeader", exc
        return
    assert not any(ch in str(message["Subject"]) for ch in "\r\n")
    assert set(message.keys()) == {"Message-ID", "Date", "From", "To", "Subject", "MIME-Version", "Content-Type"}
