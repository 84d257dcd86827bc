"""What goes into a case bundle, as plain data: the case's record (summary and timeline, in
the words its page uses), its letters as sent, and the documents added to it. The builder
reads nothing else, so it can be tested, and benchmarked, without a database."""
from dataclasses import dataclass, field
from datetime import datetime

from casework.bundles import BundleSource

#: A letter's kind as the bundle's index names it.
LETTER_TITLES = {
    "concern": "Letter: concern",
    "consultation": "Letter: consultation",
    "decision": "Letter: decision",
    "notice": "Letter: written notice",
    "notice_moved": "Letter: new date for the change to funding",
    "dispute_outcome": "Letter: dispute outcome",
}
PDF_TYPES = frozenset({"application/pdf"})
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@dataclass(frozen=True)
class TimelineEntry:
    title: str
    byline: str
    when: str
    text: str


@dataclass(frozen=True)
class LetterPart:
    kind: str
    filename: str
    sent_at: datetime
    pdf: bytes = field(repr=False)

    @property
    def title(self) -> str:
        return LETTER_TITLES.get(self.kind, f"Letter: {self.kind.replace('_', ' ')}")


@dataclass(frozen=True)
class CaseRecord:
    """The case as its bundle tells it."""

    ref: str
    title: str
    kind: str                       # "Funding case" or "Compact dispute"
    organisation: str               # the council (or body) running the service
    summary: list[tuple[str, str]]
    timeline: list[TimelineEntry]   # oldest first
    letters: list[LetterPart]
    built_at: datetime
    #: For a dispute, the funding case it is about: its papers follow the dispute's own.
    linked: "CaseRecord | None" = None


@dataclass(frozen=True)
class IndexEntry:
    """One line of the bundle's index: pages first to last, or none when it is in the ZIP."""

    number: int
    title: str
    section: str
    added: str = ""
    by: str = ""
    first: int | None = None
    last: int | None = None
    note: str = ""
    group: int = 0   # which heading of the index it is under (0: the case's own papers)
    about: str = ""  # the uploader's description of a document

    @property
    def pages(self) -> str:
        if self.first is None:
            return ""
        return str(self.first) if self.last == self.first else f"{self.first} to {self.last}"


@dataclass(frozen=True)
class BuiltBundle:
    pdf: bytes = field(repr=False)
    pages: int
    index: list[IndexEntry]
    zip: bytes | None = field(default=None, repr=False)


def is_pdf(source: BundleSource) -> bool:
    return source.content_type in PDF_TYPES


def is_image(source: BundleSource) -> bool:
    return source.content_type in IMAGE_TYPES
