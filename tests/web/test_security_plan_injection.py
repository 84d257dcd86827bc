"""Security test plan row 12 (see tests/SECURITY_PLAN.md): text typed into forms, XSS
polyglots, template syntax, CRLF, right-to-left marks, reaches every page that shows it, the
emails and their headers as text, never as markup. A fixed list of payloads goes through the
forms to every page; the email bodies and headers, pure functions, get Hypothesis at 200
examples. Then Hypothesis through the pages and the letters: 200 examples, each giving every
typed field its own value (so 200 per field), and no page or letter may gain an element or
attribute over the same one with plain words. The PDF letter: tests/notifications/
test_letters.py (test_user_typed_markup_*); the `|safe` lint: tests/test_security_plan_static.py."""
import os
from collections import Counter
from html import escape
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from casework.messages import OutboxMessage
from notifications.emails import build_email, email_content, render_bodies
from tests.factories import dispute_at, funding_case_at
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


# --- Hypothesis through the pages and the letters (plan row 12: >= 200 examples per field) ----

class Tags(HTMLParser):
    """The elements and attributes of a page, counted: markup typed text could have added."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.counted: Counter = Counter()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag not in ("p", "br"):  # typed line breaks become paragraphs and breaks
            self.counted[tag] += 1
            self.counted.update(f"{tag}[{name}]" for name, _ in attrs)


#: Typed text as the plan lists it: anything, polyglots, CRLF, right-to-left marks, NUL. Every
#: value starts with a letter, so no field is left out of a page for being blank.
page_text = st.builds(lambda head, rest: head + rest, st.sampled_from("abc"),
                      st.one_of(st.sampled_from(POLYGLOTS), st.text(max_size=40),
                                st.text(alphabet="<>\"'&\r\n\x00\u202e{}%$/ab= ", max_size=40)))
#: 200 in every run; a nightly run sets CASEWORK_FUZZ_EXAMPLES=5000 (the plan's figure).
EXAMPLES = int(os.environ.get("CASEWORK_FUZZ_EXAMPLES", "200"))
NOT_TYPED = {"on", "by", "respond_by", "opened_on", "stage_started_on", "proposal"}


def typed_paths(data, path=()) -> list[tuple]:
    """Where the free text a person typed sits in a case's data."""
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in typed_paths(value, (*path, key))
                if not (isinstance(value, str) and key in NOT_TYPED and path[-1:] != ("consultation",))]
    if isinstance(data, list):
        return [p for n, value in enumerate(data) for p in typed_paths(value, (*path, n))]
    return [path] if isinstance(data, str) else []


def put(data, path, value):
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


#: Cases whose timelines hold every kind of typed answer, and who reads each.
JOURNEYS = {
    "resource route to consultation": ("fo", lambda service, cast, clock: funding_case_at(
        service, cast, clock, "consultation", route="resource")),
    "performance route to notice": ("fo", lambda service, cast, clock: funding_case_at(
        service, cast, clock, "notice_period")),
    "dispute to the panel and closed": ("vl", lambda service, cast, clock: dispute_at(service, cast, clock, "closed")),
}


@pytest.mark.parametrize("journey", sorted(JOURNEYS))
def test_no_typed_text_in_any_field_becomes_markup_on_the_case_pages(app, signed_in, service, cast, clock, factory,
                                                                     journey):
    # 200 examples, each giving every typed field of a case (its title, the organisation's
    # name and each free-text answer on its timeline) its own generated value:
    # >= 200 per field. Each example renders the case page and the case list; neither may gain
    # an element or attribute over the same pages with plain words in those fields. The answers
    # are written over the audit entries the timeline reads (in SQL, past the append-only guard).
    import copy

    from sqlalchemy import bindparam, select, text, update
    from sqlalchemy.types import JSON

    from casework.audit import AuditEntry
    from casework.cases import Case
    from casework.organisations import Organisation
    from casework.persistence import unit_of_work
    reader, build = JOURNEYS[journey]
    case = build(service, cast, clock)
    with factory() as s:
        entries = {e.id: e.data for e in s.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id))}
    fields = [(entry_id, path) for entry_id, data in entries.items() for path in typed_paths(data)]
    assert len(fields) >= 10, fields
    write = text("UPDATE audit_entries SET data = :data WHERE id = :id").bindparams(bindparam("data", type_=JSON))
    fo = signed_in(reader)

    def shown(title: str, org: str, values: list[str]) -> tuple[Counter, Counter]:
        written = copy.deepcopy(entries)
        for (entry_id, path), value in zip(fields, values):
            put(written[entry_id], path, value)
        with unit_of_work(factory) as s:
            s.execute(update(Case).where(Case.id == case.id).values(title=title))
            s.execute(update(Organisation).where(Organisation.id == cast.orgs["kitchen"]).values(name=org))
            s.execute(write, [{"id": entry_id, "data": data} for entry_id, data in written.items()])
        detail, listing = fo.get(f"/cases/{case.id}"), fo.get("/cases")
        assert (detail.status_code, listing.status_code) == (200, 200)
        return Tags(detail.get_data(as_text=True)).counted, Tags(listing.get_data(as_text=True)).counted

    labelled = [f"field{n}x" for n in range(len(fields))]
    shown("title0x", "org0x", labelled)
    on_page = page(fo.get(f"/cases/{case.id}")).text
    assert [v for v in ["title0x", "org0x", *labelled] if v not in on_page] == [], "every field is on the page"
    plain = shown("a title", "a name", ["a words"] * len(fields))

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(title=page_text, org=page_text, values=st.lists(page_text, min_size=len(fields), max_size=len(fields)))
    def typed(title, org, values):
        clean = [v.replace("\x00", "") for v in values]  # as every form does (PostgreSQL holds no NUL)
        assert shown(title.replace("\x00", "")[:300], org.replace("\x00", "")[:200], clean) == plain

    typed()


@pytest.mark.parametrize("kind", ["concern", "consultation", "decision", "notice", "notice_moved",
                                  "dispute_outcome"])
def test_no_typed_text_in_any_field_becomes_markup_in_a_letter(kind):
    # The letter's HTML, which WeasyPrint turns into the PDF, for every typed field of each kind.
    from notifications.letters import letter_html
    from tests.notifications.test_letters import make_context
    from tests.notifications.test_ssrf_canary import CHOSEN
    context = make_context(kind)
    fields = sorted(name for name, value in context.items() if isinstance(value, str) and name not in CHOSEN)
    plain = Tags(letter_html(kind, {**context, **{name: "a words" for name in fields}})).counted

    @settings(max_examples=EXAMPLES, deadline=None, database=None)
    @given(values=st.lists(page_text, min_size=len(fields), max_size=len(fields)))
    def typed(values):
        assert Tags(letter_html(kind, {**context, **dict(zip(fields, values))})).counted == plain

    typed()
