"""Letters for Bexley Compact casework: Jinja HTML templates rendered to A4 PDF.

Each kind of letter has one template and a fixed list of context fields. `render_letter`
checks the fields, renders the HTML and turns it into a PDF whose bytes depend only on the
context, so the stored letter and its hash can be reproduced.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .rendering import RefusedURL, check_dispute_outcome, html_to_pdf, render_template

__all__ = [
    "LETTER_KINDS", "OPTIONAL_FIELDS", "REQUIRED_FIELDS", "Letter", "MissingLetterFields",
    "RefusedURL", "letter_html", "render_letter",
]

LETTER_KINDS = ("concern", "consultation", "decision", "notice", "notice_moved", "dispute_outcome",
                "findings_response")

_COMMON_REQUIRED = ("funder_name", "org_name", "case_ref", "letter_date", "generated_on")
_COMMON_OPTIONAL = {
    "recipient_name": None,  # "Dear ..." line; no salutation without it
    "org_address": None,  # multi-line postal address under the organisation's name
    "signatory_name": None,
    "signatory_role": None,  # their job title, or their role on the case
    "signatory_org": None,  # whom they sign for, when it is not the funder (BVSC, the panel)
    "contact_email": None,
    "contact_phone": None,
}

#: Context fields each kind must have. Dates are `datetime.date`; text is plain user text.
REQUIRED_FIELDS: Mapping[str, tuple[str, ...]] = {
    "concern": _COMMON_REQUIRED + (
        "programme", "issues", "evidence", "what_good_looks_like", "acknowledge_by"),
    "consultation": _COMMON_REQUIRED + (
        "programme", "proposal", "criteria_and_reasons", "impact_summary", "respond_by"),
    "decision": _COMMON_REQUIRED + (
        "programme", "outcome", "decided_on", "response_considered", "options_weighed",
        "rationale", "next_steps"),
    "notice": _COMMON_REQUIRED + (
        "programme", "outcome", "decision_summary", "rationale", "decided_on", "channel",
        "sent_on", "deemed_given_on", "notice_months", "notice_period_end",
        "earliest_effective_on", "effective_on", "acknowledge_by"),
    "notice_moved": _COMMON_REQUIRED + (
        "programme", "outcome", "old_effective_on", "new_effective_on", "reason"),
    "dispute_outcome": _COMMON_REQUIRED + (
        "dispute_ref", "stage", "outcome", "reasons", "remedies", "next_steps"),
    "findings_response": _COMMON_REQUIRED + ("dispute_ref", "finding", "response"),
}

#: Context fields each kind can do without, with the value used when they are absent.
OPTIONAL_FIELDS: Mapping[str, Mapping[str, Any]] = {
    "concern": _COMMON_OPTIONAL,
    "consultation": _COMMON_OPTIONAL,
    "decision": _COMMON_OPTIONAL,
    "notice": _COMMON_OPTIONAL | {
        "exception": None,  # a mapping: category, justification, optional approved_by
        "dispute_pauses_notice": False,  # the funding code pauses the notice during a dispute
    },
    "notice_moved": _COMMON_OPTIONAL,
    "dispute_outcome": _COMMON_OPTIONAL | {
        "programme": None,
        "issued_by": None,  # e.g. "the Compact disputes panel"
        "next_step_by": None,  # date by which the next stage must be asked for (or answered)
        "decided_on": None,  # the disputed decision's date, for the judicial review note
    },
    "findings_response": _COMMON_OPTIONAL | {
        "findings_on": None,  # the day the panel issued its findings
        "recommendations": "",
    },
}


@dataclass(frozen=True)
class Letter:
    """A rendered letter: the PDF to store and send, its hash, and the HTML it came from."""

    kind: str
    filename: str
    pdf: bytes = field(repr=False)
    sha256: str
    html: str = field(repr=False)


class MissingLetterFields(ValueError):
    """The context lacks fields that this kind of letter needs."""

    def __init__(self, kind: str, fields: list[str]) -> None:
        self.kind = kind
        self.fields = tuple(fields)
        super().__init__(f"the {kind} letter needs these context fields: {', '.join(fields)}")


def letter_html(kind: str, context: Mapping[str, Any]) -> str:
    """Render the letter's HTML, for a check-your-answers preview and for the PDF."""
    return render_template(f"{kind}.html", _complete_context(kind, context))


def letter_preview_html(kind: str, context: Mapping[str, Any]) -> str:
    """The letter's content as a fragment to show inside a page: no document, styles or
    landmarks of its own, and its headings one level down (the page has the h1). Our own
    templates write the heading tags; what people typed is escaped, so it has none."""
    html = render_template(f"{kind}.html", {**_complete_context(kind, context), "fragment": True})
    for level in (2, 1):
        html = html.replace(f"<h{level}", f"<h{level + 1}").replace(f"</h{level}>", f"</h{level + 1}>")
    return html


def render_letter(kind: str, context: Mapping[str, Any]) -> Letter:
    """Render a letter to A4 PDF; the same context always gives the same bytes."""
    html = letter_html(kind, context)
    pdf = html_to_pdf(html)
    return Letter(kind=kind, filename=letter_filename(kind, context), pdf=pdf,
                  sha256=hashlib.sha256(pdf).hexdigest(), html=html)


def letter_filename(kind: str, context: Mapping[str, Any]) -> str:
    """The file name for a letter, such as notice-FC-0042.pdf."""
    if kind == "dispute_outcome":
        parts = ["dispute-outcome", context["dispute_ref"], context["stage"]]
    elif kind == "findings_response":
        parts = ["response-to-findings", context["dispute_ref"]]
    else:
        parts = [kind, context["case_ref"]]
    return "-".join(_slug(part) for part in parts) + ".pdf"


def _slug(value: Any) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", str(getattr(value, "value", value))).strip("-")


def _complete_context(kind: str, context: Mapping[str, Any]) -> dict[str, Any]:
    if kind not in LETTER_KINDS:
        raise ValueError(f"unknown letter kind {kind!r}; expected one of: {', '.join(LETTER_KINDS)}")
    missing = [name for name in REQUIRED_FIELDS[kind] if name not in context]
    exception = context.get("exception")
    if kind == "notice" and exception is not None:
        missing += [f"exception.{name}" for name in ("category", "justification")
                    if name not in exception]
    if missing:
        raise MissingLetterFields(kind, missing)
    if kind == "notice":
        _check_notice_dates(context)
    if kind == "dispute_outcome":
        check_dispute_outcome(context["stage"], context["outcome"])
    return {**OPTIONAL_FIELDS[kind], **context, "kind": kind, "fragment": False}


def _check_notice_dates(context: Mapping[str, Any]) -> None:
    """Refuse a notice that takes effect early unless exceptional circumstances are recorded."""
    if context["effective_on"] < context["earliest_effective_on"] and not context.get("exception"):
        raise ValueError(
            f"effective_on {context['effective_on']} is before earliest_effective_on "
            f"{context['earliest_effective_on']} and no exception is recorded")
