"""Turn a letter template and its context into HTML, then into an A4 PDF.

The Jinja environment escapes everything and fails on any missing name. WeasyPrint gets a URL
fetcher that serves only the package's own static files, so text a user typed can never make
the renderer read a local file or call out to the network.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

STATIC_DIR = (Path(__file__).parent / "static").resolve()
LONDON = ZoneInfo("Europe/London")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")

#: What the decision does to the funding: "We have decided to ___ your funding for X".
DECISION_ACTIONS = {
    "no_change": "make no change to",
    "vary": "change the terms of",
    "reduce": "reduce",
    "end": "end",
    "re_allocate": "re-allocate",
}
#: The same outcome as it reads in a notice: "Your funding for X will ___ on 1 April 2027".
NOTICE_CHANGES = {
    "vary": "change",
    "reduce": "reduce",
    "end": "end",
    "re_allocate": "move to another organisation",
}
CHANNELS = {
    "email": "email",
    "portal": "Bexley Compact casework",
    "first_class_post": "first-class post",
    "hand": "hand delivery",
}
EXCEPTION_CATEGORIES = {
    "misuse_of_funds": "misuse of funds",
    "false_information": "false information",
    "regulator_or_police_investigation": "an investigation by a regulator or the police",
    "safeguarding": "a safeguarding concern",
    "insolvency": "insolvency",
    "other": "other exceptional circumstances",
}
DISPUTE_STAGES = {
    "informal_response": "Informal response",
    "senior_review": "Senior review outcome",
    "mediation": "Mediation outcome",
    "panel": "Compact panel findings",
}
#: Outcome labels, and which stage may give which outcome.
DISPUTE_OUTCOMES = {
    "written_response": "Written response given",
    "upheld": "Upheld",
    "partly_upheld": "Partly upheld",
    "not_upheld": "Not upheld",
    "agreement": "Agreement reached",
    "no_agreement": "No agreement",
    "breach": "The panel found a breach of the Compact",
    "no_breach": "The panel found no breach of the Compact",
}
STAGE_OUTCOMES = {
    "informal_response": ("written_response", "upheld", "partly_upheld", "not_upheld"),
    "senior_review": ("upheld", "partly_upheld", "not_upheld"),
    "mediation": ("agreement", "no_agreement"),
    "panel": ("breach", "no_breach"),
}


class RefusedURL(ValueError):
    """A letter tried to load something that is not one of its bundled assets."""


def long_date(value: date) -> str:
    """Format a date as people read it in a letter: 3 December 2026 (Europe/London)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: instants must be timezone-aware")
        value = value.astimezone(LONDON).date()
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__} {value!r}")
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def w3c_date(value: date) -> str:
    """Format a date or aware datetime for the PDF's creation and modification dates."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: instants must be timezone-aware")
        return value.replace(microsecond=0).isoformat()
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__} {value!r}")
    return value.isoformat()


def paragraphs(text: Any) -> Markup:
    """Escape user-typed text, then make a <p> per blank-line-separated block and <br> per line."""
    # str() drops any Markup "safe" flag: every piece of user text is escaped here.
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    blocks = [block.strip() for block in re.split(r"\n[ \t]*\n", text) if block.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in block.split("\n")))
        for block in blocks
    )


def _lookup(table: Mapping[str, str], what: str) -> Callable[[Any], str]:
    def label(value: Any) -> str:
        key = str(getattr(value, "value", value))
        if key not in table:
            raise ValueError(f"unknown {what} {key!r}; expected one of: {', '.join(table)}")
        return table[key]

    label.__name__ = what.replace(" ", "_")
    return label


def check_dispute_outcome(stage: Any, outcome: Any) -> None:
    """Fail unless this dispute stage can give this outcome (a panel does not "uphold")."""
    stage, outcome = (str(getattr(v, "value", v)) for v in (stage, outcome))
    _lookup(DISPUTE_STAGES, "dispute stage")(stage)
    if outcome not in STAGE_OUTCOMES[stage]:
        raise ValueError(f"a {stage} cannot have the outcome {outcome!r}; "
                         f"expected one of: {', '.join(STAGE_OUTCOMES[stage])}")


@cache
def environment() -> Environment:
    """The Jinja environment for letters: autoescaped, strict about undefined names."""
    env = Environment(
        loader=PackageLoader(__package__, "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        long_date=long_date,
        w3c_date=w3c_date,
        paragraphs=paragraphs,
        decision_action=_lookup(DECISION_ACTIONS, "decision outcome"),
        notice_change=_lookup(NOTICE_CHANGES, "notice outcome"),
        channel=_lookup(CHANNELS, "channel"),
        exception_category=_lookup(EXCEPTION_CATEGORIES, "exception category"),
        dispute_stage=_lookup(DISPUTE_STAGES, "dispute stage"),
        dispute_outcome=_lookup(DISPUTE_OUTCOMES, "dispute outcome"),
    )
    # Inlined so the HTML preview is self-contained; our own file, so it is safe markup (bandit B704 reviewed).
    env.globals["letter_css"] = Markup((STATIC_DIR / "letter.css").read_text(encoding="utf-8"))  # nosec B704
    return env


def render_template(name: str, context: Mapping[str, Any]) -> str:
    """Render one letter template to an HTML string."""
    return environment().get_template(name).render(context)


class BundledAssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves files in the static directory and refuses the rest."""

    def __init__(self) -> None:
        # fail_on_errors: a refused URL stops the render rather than leaving a silent gap.
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        """Return a bundled asset, or raise RefusedURL for any other URL."""
        path = bundled_asset_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def bundled_asset_path(url: str) -> Path:
    """The static file a file:// URL names, or RefusedURL if it is anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"letters may only load their bundled assets, not {url!r}")
    path = Path(url2pathname(parts.path)).resolve()
    if not path.is_relative_to(STATIC_DIR) or not path.is_file():
        raise RefusedURL(f"letters may only load their bundled assets, not {url!r}")
    return path


def html_to_pdf(html: str) -> bytes:
    """Render letter HTML to A4 PDF bytes; the same HTML always gives the same bytes."""
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/",
                    url_fetcher=BundledAssetFetcher())
    try:
        # No pdf_identifier: pydyf then derives nothing random, and dates come from <meta>.
        return document.write_pdf()
    except FatalURLFetchingError as error:
        raise RefusedURL(str(error.__cause__ or error)) from error
