"""Case bundles: one indexed, paginated PDF of a case's papers (and a ZIP of the files that
cannot go into a PDF), built in the background and kept under the instance folder. A bundle
is built for one set of inputs, named by their fingerprint: when a document, a letter or the
timeline changes, the fingerprint changes and a new bundle is built.

Uploaded documents reach the bundle through one seam, `bundle_documents`, as `BundleSource`s."""
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import partial

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework import documents
from casework.cases import Case
from casework.document_store import DocumentStore
from casework.letters import Letter
from casework.persistence import Base, UTCDateTime

#: Raised when what a bundle holds or how it is laid out changes, so bundles are built again.
BUNDLE_FORMAT = 1


class BundleStatus(StrEnum):
    QUEUED = "queued"        #: asked for; waiting for the scheduler
    BUILDING = "building"    #: being put together (see `progress`)
    READY = "ready"          #: the PDF (and any ZIP) can be downloaded
    FAILED = "failed"        #: could not be built; asking again tries again


class Bundle(Base):
    __tablename__ = "bundles"
    __table_args__ = (UniqueConstraint("case_id", "fingerprint"),
                      Index("ix_bundles_status_requested_at", "status", "requested_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of what went in (`fingerprint`): documents, letters and the timeline.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default=BundleStatus.QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)   # percent
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 of the PDF, shown on the bundle's page so a reader can check their copy.
    sha256: Mapped[str | None] = mapped_column(String(64))
    pages: Mapped[int | None] = mapped_column(Integer)
    #: File names under the bundle folder (CASEWORK_BUNDLE_DIR, or instance/bundles).
    pdf_path: Mapped[str | None] = mapped_column(String(200))
    zip_path: Mapped[str | None] = mapped_column(String(200))
    zip_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_ready(self) -> bool:
        return self.status == BundleStatus.READY


@dataclass(frozen=True)
class BundleSource:
    """An uploaded document as the bundle reads it. `read_bytes` is called only when the
    bundle is built; `sha256` (when known) saves reading the file to fingerprint it."""

    title: str
    added_at: datetime
    added_by: str
    content_type: str
    read_bytes: Callable[[], bytes] = field(repr=False, compare=False)
    sha256: str | None = None
    filename: str | None = None
    size: int | None = None

    def digest(self) -> str:
        return self.sha256 or hashlib.sha256(self.read_bytes()).hexdigest()


def documents_from(store: DocumentStore) -> Callable[[Session, Case], list[BundleSource]]:
    """The case's uploaded documents that go into its bundle, their bytes read from this store
    when the bundle is built: those cleared by the virus check and not withdrawn (`casework.
    documents.bundle_documents`), oldest first."""
    def bundle_documents(session: Session, case: Case) -> list[BundleSource]:
        return [BundleSource(title=document.description or document.original_name, added_at=document.uploaded_at,
                             added_by=document.uploaded_by_name, content_type=document.content_type,
                             read_bytes=partial(store.read, document.sha256), sha256=document.sha256,
                             filename=document.original_name, size=document.size)
                for document in documents.bundle_documents(session, case.id)]
    return bundle_documents


def fingerprint(case: Case, letters: Sequence[tuple[int, str]], documents: Sequence[BundleSource]) -> str:
    """SHA-256 of a bundle's inputs: the case's audit chain head (every transition, so the
    timeline, the summary and the letters), each letter's hash, and each document's hash,
    title and time. Equal fingerprints mean the same bundle."""
    inputs = {"format": BUNDLE_FORMAT, "case": [case.id, case.audit_seq, case.audit_head, case.title],
              "letters": [list(letter) for letter in letters],
              "documents": sorted([d.digest(), d.title, d.added_at.isoformat(), d.content_type, d.added_by]
                                  for d in documents)}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


_LETTER_HASHES = select(Letter.id, Letter.sha256)


def letter_hashes(session: Session, case_id: int) -> list[tuple[int, str]]:
    """(id, SHA-256) of each of the case's letters, oldest first."""
    return [tuple(row) for row in session.execute(
        _LETTER_HASHES.where(Letter.case_id == case_id).order_by(Letter.id))]


def current_fingerprint(session: Session, case: Case, documents: Sequence[BundleSource]) -> str:
    """The fingerprint of the case's bundle as it stands now."""
    return fingerprint(case, letter_hashes(session, case.id), documents)


def bundle_for(session: Session, case_id: int, digest: str) -> Bundle | None:
    """The bundle built (or being built) from these inputs, if there is one."""
    return session.scalar(select(Bundle).where(Bundle.case_id == case_id, Bundle.fingerprint == digest))
