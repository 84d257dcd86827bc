"""Case bundles: one indexed, paginated PDF of a case's papers (and a ZIP of the files that
cannot go into a PDF), built in the background and kept under the instance folder. A bundle
is built for one set of inputs, named by their fingerprint: when a document, a letter or the
timeline changes, the fingerprint changes and a new bundle is built.

A dispute's bundle also holds the papers of the funding case it is about (`CaseLink`): that
case's summary and timeline, its letters and its clean documents (`papers_of`), so its
fingerprint changes when the linked case does.

Uploaded documents reach the bundle through one seam, `bundle_documents`, as `BundleSource`s."""
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from casework import documents
from casework.cases import Case, CaseLink, load_case
from casework.document_store import DocumentStore
from casework.letters import Letter
from casework.persistence import Base, UTCDateTime

#: Raised when what a bundle holds or how it is laid out changes, so bundles are built again.
BUNDLE_FORMAT = 2   # 2: a dispute's bundle holds its linked funding case's papers


class BundleStatus(StrEnum):
    QUEUED = "queued"        #: asked for; waiting for the scheduler
    BUILDING = "building"    #: being put together (see `progress`)
    READY = "ready"          #: the PDF (and any ZIP) can be downloaded
    FAILED = "failed"        #: could not be built; asking again tries again
    REMOVED = "removed"      #: superseded, its files deleted (`remove_superseded`); the row is kept for audit


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
    #: What the uploader said of the file (one description may cover several files).
    description: str = ""

    def digest(self) -> str:
        return self.sha256 or hashlib.sha256(self.read_bytes()).hexdigest()


def documents_from(store: DocumentStore) -> Callable[[Session, Case], list[BundleSource]]:
    """The case's uploaded documents that go into its bundle, their bytes read from this store
    when the bundle is built: those cleared by the virus check and not withdrawn (`casework.
    documents.bundle_documents`), oldest first, each under the name it was uploaded with (the
    index gives its description beneath)."""
    def bundle_documents(session: Session, case: Case) -> list[BundleSource]:
        return [BundleSource(title=document.original_name, added_at=document.uploaded_at,
                             added_by=document.uploaded_by_name, content_type=document.content_type,
                             read_bytes=partial(store.read, document.sha256), sha256=document.sha256,
                             filename=document.original_name, size=document.size, description=document.description)
                for document in documents.bundle_documents(session, case.id)]
    return bundle_documents


Documents = Callable[[Session, Case], list[BundleSource]]


@dataclass(frozen=True)
class Papers:
    """What a case's bundle is made from: the case and its documents, and for a dispute about a
    funding case, that case's papers too (`linked`)."""

    case: Case
    documents: list[BundleSource]
    linked: "Papers | None" = None

    @property
    def every_document(self) -> list[BundleSource]:
        return self.documents + (self.linked.documents if self.linked else [])


def linked_funding_case(session: Session, case: Case) -> Case | None:
    """The funding case a dispute is about, if it names one."""
    if case.workflow != "dispute":
        return None
    linked_id = session.scalar(select(CaseLink.funding_case_id).where(CaseLink.dispute_id == case.id))
    return load_case(session, linked_id) if linked_id is not None else None


def papers_of(session: Session, case: Case, documents: Documents) -> Papers:
    """The case's papers as they stand, with those of the funding case a dispute is about."""
    linked = linked_funding_case(session, case)
    return Papers(case, documents(session, case),
                  Papers(linked, documents(session, linked)) if linked is not None else None)


def _inputs(case: Case, letters: Sequence[tuple[int, str]], documents: Sequence[BundleSource]) -> dict:
    return {"case": [case.id, case.audit_seq, case.audit_head, case.title],
            "letters": [list(letter) for letter in letters],
            "documents": sorted([d.digest(), d.title, d.added_at.isoformat(), d.content_type, d.added_by, d.description]
                                for d in documents)}


def fingerprint(case: Case, letters: Sequence[tuple[int, str]], documents: Sequence[BundleSource],
                linked: tuple[Case, Sequence[tuple[int, str]], Sequence[BundleSource]] | None = None) -> str:
    """SHA-256 of a bundle's inputs: the case's audit chain head (every transition, so the
    timeline, the summary and the letters), each letter's hash, and each document's hash,
    title and time; the same for the linked funding case of a dispute. Equal fingerprints mean
    the same bundle."""
    inputs = {"format": BUNDLE_FORMAT, **_inputs(case, letters, documents),
              "linked": _inputs(*linked) if linked is not None else None}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


_LETTER_HASHES = select(Letter.id, Letter.sha256)


def letter_hashes(session: Session, case_id: int) -> list[tuple[int, str]]:
    """(id, SHA-256) of each of the case's letters, oldest first."""
    return [tuple(row) for row in session.execute(
        _LETTER_HASHES.where(Letter.case_id == case_id).order_by(Letter.id))]


def current_fingerprint(session: Session, case: Case, documents: Sequence[BundleSource],
                        linked: Papers | None = None) -> str:
    """The fingerprint of the case's bundle as it stands now (with the linked case's papers)."""
    also = (linked.case, letter_hashes(session, linked.case.id), linked.documents) if linked is not None else None
    return fingerprint(case, letter_hashes(session, case.id), documents, also)


def papers_fingerprint(session: Session, papers: Papers) -> str:
    return current_fingerprint(session, papers.case, papers.documents, papers.linked)


def bundle_for(session: Session, case_id: int, digest: str) -> Bundle | None:
    """The bundle built (or being built) from these inputs, if there is one."""
    return session.scalar(select(Bundle).where(Bundle.case_id == case_id, Bundle.fingerprint == digest))


#: A superseded bundle's files are kept this long after a newer one is ready (a link on a page
#: opened just before still works), then deleted.
SUPERSEDED_KEPT = timedelta(days=1)


def superseded_files(session: Session, now: datetime) -> tuple[list[int], set[str]]:
    """Ready bundles superseded for more than a day (a newer bundle of the same case was ready
    before `now - SUPERSEDED_KEPT`), and the files only they name."""
    later = aliased(Bundle)
    stale = select(Bundle).where(Bundle.status == BundleStatus.READY, select(later.id).where(
        later.case_id == Bundle.case_id, later.id > Bundle.id,
        later.status.in_((BundleStatus.READY, BundleStatus.REMOVED)),
        later.built_at <= now - SUPERSEDED_KEPT).exists()).order_by(Bundle.id)
    bundles = list(session.scalars(stale))
    ids = {b.id for b in bundles}
    names = {n for b in bundles for n in (b.pdf_path, b.zip_path) if n}
    if names:   # a file a bundle still in use names (the same bytes) stays
        others = (Bundle.id.not_in(ids), Bundle.status != BundleStatus.REMOVED)
        for column in (Bundle.pdf_path, Bundle.zip_path):
            names -= set(session.scalars(select(column).where(*others, column.in_(names))))
    return sorted(ids), names


def mark_removed(session: Session, bundle_ids: Sequence[int]) -> None:
    """The rows of bundles whose files were deleted: kept, marked removed."""
    if bundle_ids:
        session.execute(update(Bundle).where(Bundle.id.in_(bundle_ids), Bundle.status == BundleStatus.READY)
                        .values(status=BundleStatus.REMOVED))
