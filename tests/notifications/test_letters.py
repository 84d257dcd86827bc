"""Letters: the right words and dates reach the PDF, user text stays text, output is repeatable."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from markupsafe import Markup
from pypdf import PdfReader

from notifications.letters import (
    LETTER_KINDS, REQUIRED_FIELDS, Letter, MissingLetterFields, RefusedURL, letter_html,
    render_letter,
)
from notifications.letters.rendering import (
    STATIC_DIR, BundledAssetFetcher, html_to_pdf, long_date, paragraphs,
)

HOSTILE_IMG = '<img src="http://127.0.0.1:9/x">'
HOSTILE_LINK = '<link rel="stylesheet" href="file:///etc/passwd">'


def make_context(kind: str, **overrides) -> dict:
    """A complete context for one kind of letter."""
    common = {
        "funder_name": "London Borough of Bexley",
        "org_name": "Crayford Community Kitchen",
        "case_ref": "FC-0042",
        "letter_date": date(2026, 12, 2),
        "generated_on": date(2026, 12, 2),
        "programme": "the community lunch club",
    }
    by_kind = {
        "concern": {
            "issues": "Attendance has fallen from 60 to 25 people a week.",
            "evidence": "Quarterly monitoring returns for April to September 2026.",
            "what_good_looks_like": "At least 50 people a week, with a waiting list kept.",
            "acknowledge_by": date(2026, 12, 9),
        },
        "consultation": {
            "proposal": "Reduce the grant from £40,000 to £25,000 a year.",
            "criteria_and_reasons": "We are applying the 2027 prevention criteria.",
            "impact_summary": "About 30 older residents would lose a hot meal twice a week.",
            "respond_by": date(2027, 1, 6),
        },
        "decision": {
            "outcome": "reduce",
            "decided_on": date(2027, 1, 20),
            "response_considered": "We read your response and met your trustees.",
            "options_weighed": "Keep the grant; reduce it; end it.",
            "rationale": "The prevention budget is 40% lower in 2027.",
            "next_steps": "We will send you written notice within 10 working days.",
        },
        "notice": {
            "outcome": "end",
            "decision_summary": "We will end the grant for the community lunch club.",
            "rationale": "The council's budget for community meals has been cut by 40%.",
            "decided_on": date(2026, 11, 30),
            "channel": "email",
            "sent_on": date(2026, 12, 2),
            "deemed_given_on": date(2026, 12, 3),
            "notice_months": 3,
            "notice_period_end": date(2027, 3, 3),
            "earliest_effective_on": date(2027, 3, 4),
            "effective_on": date(2027, 4, 1),
            "acknowledge_by": date(2026, 12, 10),
        },
        "notice_moved": {
            "outcome": "end",
            "old_effective_on": date(2027, 3, 2),
            "new_effective_on": date(2027, 3, 11),
            "reason": "the notice period was paused while dispute DS-0003 was open",
        },
        "dispute_outcome": {
            "dispute_ref": "D-0007",
            "stage": "senior_review",
            "outcome": "partly_upheld",
            "reasons": "The consultation did not explain the criteria.",
            "remedies": "We will consult again and extend the notice.",
            "next_steps": "We will write to you about the new consultation.",
            "next_step_by": date(2027, 2, 26),
        },
        "findings_response": {
            "dispute_ref": "D-0007",
            "finding": "breach",
            "findings_on": date(2027, 2, 1),
            "recommendations": "Consult again for 20 working days.",
            "response": "We accept the findings and will consult again.",
        },
    }
    return common | by_kind[kind] | overrides


def pdf_text(pdf: bytes) -> str:
    """All the text in a PDF, with runs of whitespace (line breaks included) made single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture(scope="module")
def notice() -> Letter:
    return render_letter("notice", make_context("notice"))


@pytest.fixture(scope="module")
def notice_text(notice: Letter) -> str:
    return pdf_text(notice.pdf)


# The notice: dates, rationale and the judicial review warning reach the PDF.

@pytest.mark.parametrize("words", [
    "Notice counts as given 3 December 2026",
    "Minimum notice period ends 3 March 2027",
    "Earliest date a change can take effect 4 March 2027",
    "The change takes effect 1 April 2027",
    "Notice sent by email 2 December 2026",
])
def test_notice_pdf_shows_each_key_date_as_a_long_date(notice_text, words):
    assert words in notice_text


def test_notice_pdf_shows_the_rationale(notice_text):
    assert "The council's budget for community meals has been cut by 40%." in notice_text


def test_notice_pdf_says_judicial_review_runs_from_the_decision_not_the_dispute(notice_text):
    assert ("Any time limit for judicial review runs from the date of the decision, "
            "30 November 2026, not from the end of the dispute process.") in notice_text


def test_notice_pdf_explains_how_to_dispute_under_the_compact(notice_text):
    for stage in ("Informal resolution", "Senior review", "Mediation", "BVSC", "Compact panel"):
        assert stage in notice_text


def test_notice_pdf_footer_numbers_pages(notice_text, notice):
    pages = len(PdfReader(io.BytesIO(notice.pdf)).pages)
    assert f"Page 1 of {pages}" in notice_text
    assert "Reference FC-0042" in notice_text


def test_notice_without_exception_says_nothing_about_shorter_notice(notice_text):
    assert "Why we have given less notice" not in notice_text


def test_notice_with_exception_gives_category_and_justification():
    context = make_context("notice", effective_on=date(2027, 1, 4), exception={
        "category": "safeguarding", "justification": "Two incidents were reported to the police.",
        "approved_by": "Jo Adeyemi, Director of Communities"})
    text = pdf_text(render_letter("notice", context).pdf)
    assert "The reason in this case is a safeguarding concern." in text
    assert "Two incidents were reported to the police." in text
    assert "Jo Adeyemi, Director of Communities approved the shorter notice." in text
    assert "The change takes effect on 4 January 2027, which is earlier" in text


def test_notice_taking_effect_before_the_earliest_date_without_exception_is_refused():
    with pytest.raises(ValueError, match="earliest_effective_on"):
        letter_html("notice", make_context("notice", effective_on=date(2027, 3, 3)))


# User-typed text is text: it is escaped, and the renderer never fetches anything it names.

@pytest.mark.parametrize("hostile", [HOSTILE_IMG, HOSTILE_LINK])
def test_user_typed_markup_is_escaped_in_the_html(hostile):
    html = letter_html("notice", make_context("notice", rationale=hostile, org_name=hostile))
    assert hostile not in html
    assert str(paragraphs(hostile)) in html
    assert "&lt;" + hostile[1:5] in html


@pytest.mark.parametrize("hostile", [HOSTILE_IMG, HOSTILE_LINK])
def test_user_typed_markup_appears_as_text_in_the_pdf(hostile):
    letter = render_letter("concern", make_context("concern", evidence=hostile))
    assert hostile in pdf_text(letter.pdf)


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://127.0.0.1:9/x",
    "https://example.com/letter.css",
    "data:text/css,body{color:red}",
    (STATIC_DIR / ".." / "rendering.py").as_uri(),
    (STATIC_DIR / "missing.css").as_uri(),
    "file://otherhost" + (STATIC_DIR / "letter.css").as_posix(),
])
def test_fetcher_refuses_anything_but_bundled_assets(url):
    with pytest.raises(RefusedURL):
        BundledAssetFetcher().fetch(url)


def test_fetcher_serves_the_bundled_stylesheet():
    response = BundledAssetFetcher().fetch((STATIC_DIR / "letter.css").as_uri())
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize("element", [HOSTILE_IMG, HOSTILE_LINK])
def test_an_outside_url_in_letter_html_stops_the_render(element):
    with pytest.raises(RefusedURL):
        html_to_pdf(f"<!DOCTYPE html><html><head></head><body>{element}<p>x</p></body></html>")


# Errors are clear.

def test_unknown_kind_is_a_value_error():
    with pytest.raises(ValueError, match="unknown letter kind 'eviction'"):
        render_letter("eviction", make_context("notice"))


@pytest.mark.parametrize(("kind", "field"), [
    (kind, field) for kind in LETTER_KINDS for field in REQUIRED_FIELDS[kind]])
def test_missing_field_error_names_the_field(kind, field):
    context = make_context(kind)
    del context[field]
    with pytest.raises(MissingLetterFields, match=rf"\b{field}\b") as raised:
        letter_html(kind, context)
    assert raised.value.fields == (field,)


def test_exception_without_justification_names_it():
    context = make_context("notice", exception={"category": "insolvency"})
    with pytest.raises(MissingLetterFields, match="exception.justification"):
        letter_html("notice", context)


def test_unknown_outcome_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown notice outcome 'cancel'"):
        letter_html("notice", make_context("notice", outcome="cancel"))


def test_dispute_stage_cannot_give_another_stage_outcome():
    with pytest.raises(ValueError, match="panel cannot have the outcome 'partly_upheld'"):
        letter_html("dispute_outcome", make_context("dispute_outcome", stage="panel"))


def test_a_string_where_a_date_belongs_is_a_clear_error():
    with pytest.raises(TypeError, match="expected a date, got str '2027-04-01'"):
        letter_html("notice", make_context("notice", sent_on="2027-04-01"))


# Every kind renders, with a stable name, hash and bytes.

@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_every_kind_renders_a_pdf_naming_the_funder_and_organisation(kind):
    letter = render_letter(kind, make_context(kind))
    assert letter.kind == kind
    assert letter.pdf.startswith(b"%PDF-")
    text = pdf_text(letter.pdf)
    assert "London Borough of Bexley" in text
    assert "Crayford Community Kitchen" in text


@pytest.mark.parametrize(("kind", "filename"), [
    ("notice", "notice-FC-0042.pdf"),
    ("concern", "concern-FC-0042.pdf"),
    ("dispute_outcome", "dispute-outcome-D-0007-senior-review.pdf"),
    ("findings_response", "response-to-findings-D-0007.pdf"),
])
def test_filename_comes_from_the_reference(kind, filename):
    assert render_letter(kind, make_context(kind)).filename == filename


def test_sha256_is_the_hash_of_the_pdf_bytes(notice):
    assert notice.sha256 == hashlib.sha256(notice.pdf).hexdigest()


def test_same_context_gives_byte_identical_pdf(notice):
    assert render_letter("notice", make_context("notice")).pdf == notice.pdf


def test_same_context_gives_the_same_hash_in_a_fresh_process(notice):
    script = ("import sys; sys.path.insert(0, sys.argv[1]);"
              "from tests.notifications.test_letters import make_context;"
              "from notifications.letters import render_letter;"
              "print(render_letter('notice', make_context('notice')).sha256)")
    root = str(Path(__file__).resolve().parents[2])
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", script, root],
                            capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.strip() == notice.sha256


def test_pdf_dates_come_from_generated_on(notice):
    metadata = PdfReader(io.BytesIO(notice.pdf)).metadata
    assert metadata.creation_date.date() == date(2026, 12, 2)
    assert metadata.modification_date.date() == date(2026, 12, 2)


# Filters.

def test_paragraphs_splits_blocks_and_lines_after_escaping():
    assert str(paragraphs("One & two\n\nThree\r\n<b>four</b>")) == (
        "<p>One &amp; two</p><p>Three<br>\n&lt;b&gt;four&lt;/b&gt;</p>")


def test_paragraphs_escapes_even_text_already_marked_safe():
    assert str(paragraphs(Markup("<b>x</b>"))) == "<p>&lt;b&gt;x&lt;/b&gt;</p>"


def test_long_date_shows_an_instant_as_its_london_date():
    assert long_date(date(2026, 12, 3)) == "3 December 2026"
    assert long_date(datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc)) == "1 July 2026"


def test_letters_never_import_flask_werkzeug_or_web():
    script = ("import sys, notifications.letters;"
              "bad = sorted(m for m in sys.modules if m.split('.')[0] in"
              " {'flask', 'flask_login', 'flask_wtf', 'werkzeug', 'web'});"
              "print(','.join(bad))")
    root = str(Path(__file__).resolve().parents[2])
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", script],
                            capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.strip() == ""
