"""Letters a case sends through the engine: for a fixed case the notice states the right
dates, the engine's context fills every template, and a changed template never alters a
letter already stored."""
import io
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, DictLoader
from pypdf import PdfReader
from sqlalchemy import select

from casework.audit import AuditEntry, verify_chains
from casework.clock import FixedClock
from casework.errors import GateRefused
from casework.letters import Letter
from casework.messages import OutboxMessage
from casework.models import Base
from web.config import DEV_AUDIT_KEY
from casework.persistence import make_engine, make_session_factory
from notifications.case_letters import render_case_letter, template_context
from notifications.delivery import claim_pending
from notifications.letters import letter_html, letter_preview_html, rendering
from notifications.subscribers import make_subscriber
from tests.factories import counts, dispute_at, funding_case_at, make_cast
from workflows import calendar as cal
from workflows.context import Hooks
from workflows.journeys import _notice
from workflows.service import CaseService

TEMPLATES = Path(rendering.__file__).parent / "templates"


def sqlite_factory(folder: Path):
    """Letters do not depend on the database, so these tests use SQLite only."""
    engine = make_engine(f"sqlite:///{folder / 'letters.db'}")
    Base.metadata.create_all(engine)
    return engine, make_session_factory(engine, audit_key=DEV_AUDIT_KEY)


@pytest.fixture
def factory(tmp_path):
    engine, factory = sqlite_factory(tmp_path)
    yield factory
    engine.dispose()


def letter_service(factory, calendar) -> CaseService:
    hooks = Hooks(render_letter=render_case_letter,
                  on_events=make_subscriber("https://casework.test", "casework@bexley.example", calendar))
    return CaseService(factory, calendar=calendar, hooks=hooks)


@pytest.fixture
def service(factory, calendar):
    return letter_service(factory, calendar)


@pytest.fixture
def cast(factory):
    return make_cast(factory)


@pytest.fixture(scope="module")
def noticed(tmp_path_factory):
    """One funding case walked to its notice, with every letter on the way (rendered once)."""
    engine, factory = sqlite_factory(tmp_path_factory.mktemp("noticed"))
    clock = FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))
    funding_case_at(letter_service(factory, cal.WorkingCalendar()), make_cast(factory), clock, "notice_period")
    yield factory
    engine.dispose()


def stored(factory, kind: str) -> list[Letter]:
    with factory() as s:
        return list(s.scalars(select(Letter).where(Letter.kind == kind).order_by(Letter.id)))


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_notice_for_a_fixed_case_states_the_right_dates(noticed):
    [notice] = stored(noticed, "notice")  # sent by email at 10:00 on Tuesday 12 January 2027
    text = pdf_text(notice.pdf)
    for row in ("Decision made 11 January 2027", "Notice sent by email 12 January 2027",
                "Notice counts as given 12 January 2027", "Minimum notice period ends 12 April 2027",
                "Earliest date a change can take effect 13 April 2027", "The change takes effect 13 April 2027",
                "Acknowledge this notice by 19 January 2027"):
        assert row in text
    assert "at least 3 months in writing" in text
    assert "judicial review runs from the date of the decision, 11 January 2027" in text


def test_the_audit_entry_records_the_stored_letters_hash(noticed):
    with noticed() as s:
        audited = {e.data["letter"]["sha256"] for e in s.scalars(select(AuditEntry)) if "letter" in (e.data or {})}
        letters = list(s.scalars(select(Letter)))
    assert {letter.sha256 for letter in letters} == audited and len(letters) == 4
    assert all(letter.verify() for letter in letters)


def test_a_changed_template_does_not_alter_a_stored_letter(service, cast, clock, factory, monkeypatch):
    funding_case_at(service, cast, clock, "notice_period")
    [before] = stored(factory, "notice")
    changed = (TEMPLATES / "notice.html").read_text().replace(
        "This letter is written notice", "CHANGED WORDING. This letter is written notice")
    original = rendering.environment()
    monkeypatch.setattr(rendering, "environment", lambda: original.overlay(
        loader=ChoiceLoader([DictLoader({"notice.html": changed}), original.loader])))
    clock.advance(days=1)
    funding_case_at(service, cast, clock, "notice_period")
    first, second = stored(factory, "notice")
    assert (first.pdf, first.sha256) == (before.pdf, before.sha256) and first.verify()
    assert "CHANGED WORDING" not in pdf_text(first.pdf) and "CHANGED WORDING" in pdf_text(second.pdf)
    with factory() as s:
        assert verify_chains(s) == []


def test_dispute_outcome_letters_are_sent_at_each_stage(service, cast, clock, factory):
    dispute_at(service, cast, clock, "closed")
    names = [letter.filename for letter in stored(factory, "dispute_outcome")]
    assert names == ["dispute-outcome-DS-0001-informal-response.pdf", "dispute-outcome-DS-0001-senior-review.pdf",
                     "dispute-outcome-DS-0001-mediation.pdf", "dispute-outcome-DS-0001-panel.pdf"]
    assert "ask for a senior review by" in pdf_text(stored(factory, "dispute_outcome")[0].pdf)


COMMON = {"case_ref": "DS-0007", "programme": "Crayford Community Kitchen and London Borough of Bexley",
          "letter_date": date(2027, 2, 1), "generated_on": date(2027, 2, 1),
          "funder_name": "London Borough of Bexley", "org_name": "Crayford Community Kitchen"}


def test_a_mediation_agreement_letter_lists_what_was_agreed():
    context = {**COMMON, "stage": "mediation agreement", "outcome": "", "reasons": "Both sides met on 28 January.",
               "remedies": [], "follow_up": "The council consults again by 1 March.", "next_step_by": None}
    html = letter_html("dispute_outcome", template_context("dispute_outcome", context))
    assert "Agreement reached" in html and "The council consults again by 1 March." in html


def test_review_remedies_read_as_words_not_codes():
    context = {**COMMON, "stage": "senior review", "outcome": "partly_upheld", "reasons": "Thin on volunteers.",
               "remedies": ["reconsult", "apology"], "follow_up": "", "next_step_by": "2027-03-01"}
    fields = template_context("dispute_outcome", context)
    assert fields["remedies"] == "Consult again\nApology" and fields["next_step_by"] == date(2027, 3, 1)


def test_a_decision_without_a_response_says_so():
    context = {**COMMON, "case_ref": "FC-0003", "programme": "Lunch club", "outcome": "reallocate",
               "consideration": "", "rationale": "Demand has moved.", "decided_on": "2027-01-11"}
    fields = template_context("decision", context)
    assert fields["outcome"] == "re_allocate"
    assert fields["response_considered"].startswith("Crayford Community Kitchen did not send a response")


def test_the_notice_can_be_previewed_before_it_is_sent_without_writing_anything(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "notice_pending")
    data = _notice(clock.now(), {})
    before = counts(factory, case.id)
    kind, context = service.preview_letter(case.id, "issue_notice", cast["fo"], data, clock.now())
    html = letter_preview_html(kind, template_context(kind, context))
    assert counts(factory, case.id) == before
    assert "Notice counts as given" in html and f"{data['effective_on'].day} {data['effective_on']:%B %Y}" in html
    assert "<html" not in html and "<main" not in html and "<h1" not in html and "<style" not in html


def test_a_preview_is_refused_as_sending_would_be(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "notice_pending")
    too_soon = {**_notice(clock.now(), {}), "effective_on": cal.local_date(clock.now()) + timedelta(days=30)}
    with pytest.raises(GateRefused, match="needs an effective date of"):
        service.preview_letter(case.id, "issue_notice", cast["fo"], too_soon, clock.now())


def test_a_notice_planned_for_later_is_emailed_then_and_dated_that_day(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "notice_pending")
    planned = clock.now() + timedelta(days=2)
    deemed = cal.deemed_given(planned, "email")
    service.fire(case.id, "issue_notice", cast["fo"], {"channel": "email", "sent_at": planned,
                 "effective_on": cal.earliest_effective_date(deemed, 3)}, clock.now())
    with factory() as s:
        notice_letters = select(Letter.id).where(Letter.kind == "notice")
        held = {m.id: m.next_attempt_at
                for m in s.scalars(select(OutboxMessage).where(OutboxMessage.letter_id.in_(notice_letters)))}
    assert held and set(held.values()) == {planned}
    claimed_now = set(claim_pending(factory, clock.now(), "worker", 100, timedelta(minutes=5)))
    assert claimed_now and not claimed_now & set(held), "the notice's emails wait for their sending time"
    assert set(held) <= set(claim_pending(factory, planned, "worker", 100, timedelta(minutes=5)))
    [notice] = stored(factory, "notice")
    assert f"Notice sent by email {cal.local_date(planned).day} " in pdf_text(notice.pdf)
    assert f"{cal.local_date(planned):%-d %B %Y}" in pdf_text(notice.pdf).split("Notice sent")[0]
