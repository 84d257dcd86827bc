"""Evidence and other documents on a case: what was uploaded, by whom, at which stage, with
which action (its timeline entry), and whether the virus scanner has passed it. The bytes are
in the `DocumentStore` by SHA-256; a row is committed only after its file is stored (see
`casework.document_store` for the order). Documents are never deleted by people: they are
withdrawn with a reason, which the timeline shows.

Who may open one follows the case (`can_view_case`), narrowed by its scan: a clean file is
for everyone who may see the case; one not yet passed (being checked, waiting for the
scanner, or held unchecked because no scanner is set up) only for its uploader; an infected
one for nobody."""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.audit import append_entry
from casework.cases import Actor, Case, SystemActor, case_roles
from casework.file_checks import KINDS
from casework.organisations import Person
from casework.permissions import can_view_case
from casework.persistence import Base, UTCDateTime

MAX_DESCRIPTION = 500
#: The audit trail's names for what happens to documents outside an action.
ADDED, WITHDRAWN, QUARANTINED = "add_documents", "withdraw_document", "quarantine_document"


class ScanStatus(StrEnum):
    CHECKING = "checking"          #: being checked by the virus scanner now
    WAITING = "waiting"            #: the scanner could not be reached; the scheduler tries again
    NOT_CHECKED = "not_checked"    #: no scanner is set up (development): only the uploader may open it
    CLEAN = "clean"                #: the scanner found nothing
    INFECTED = "infected"          #: quarantined: never served to anyone

    @property
    def words(self) -> str:
        return {"checking": "Being checked", "waiting": "Waiting for check", "not_checked": "Not checked",
                "clean": "Checked", "infected": "Quarantined: virus found"}[self.value]


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: The case's stage when it was uploaded.
    stage: Mapped[str] = mapped_column(String(40))
    #: The audit entry (timeline entry) of the case it was added with.
    audit_seq: Mapped[int | None] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(MAX_DESCRIPTION), default="")
    #: The name as the uploader's browser gave it (shown escaped), and the cleaned one used
    #: for downloads.
    original_name: Mapped[str] = mapped_column(String(1000))
    stored_name: Mapped[str] = mapped_column(String(200))
    #: Decided by the file's content (`casework.file_checks`), never its name.
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    uploaded_by_name: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scan_status: Mapped[str] = mapped_column(String(20), index=True)
    scan_attempts: Mapped[int] = mapped_column(Integer, default=0)
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The scanner's name for what it found, for an infected file.
    scan_finding: Mapped[str | None] = mapped_column(String(200))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def kind(self) -> str:
        """What people read as its type ("PDF", "Excel spreadsheet")."""
        known = KINDS.get(self.content_type)
        return known.label if known else "File"

    @property
    def inline(self) -> bool:
        """A PDF or an image: opened in the browser; everything else is downloaded."""
        known = KINDS.get(self.content_type)
        return bool(known and known.inline)

    @property
    def status(self) -> ScanStatus:
        return ScanStatus(self.scan_status)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


@dataclass(frozen=True)
class Upload:
    """A file already checked and stored, ready to be recorded on a case."""

    original_name: str
    stored_name: str
    sha256: str
    size: int
    content_type: str

    def audit(self) -> dict:
        return {"name": self.original_name, "sha256": self.sha256, "size": self.size}


# --- who may do what ---------------------------------------------------------------------

def can_add_documents(person: Person, case: Case) -> bool:
    """Anyone with a role on the case (a party, an officer, a judge of a dispute) may add documents."""
    return isinstance(person, Person) and can_view_case(person, case) and bool(case_roles(case, person))


def can_open_document(person: Person | SystemActor, case: Case, document: Document) -> bool:
    """The case's readers, once the scanner has passed it; before that only its uploader; an
    infected or withdrawn file nobody (the system reads clean files, for bundles)."""
    if not can_view_case(person, case) or document.case_id != case.id or document.is_withdrawn:
        return False
    status = document.status
    if status is ScanStatus.CLEAN:
        return True
    if status is ScanStatus.INFECTED:
        return False
    return document.uploaded_by_id is not None and document.uploaded_by_id == person.id


def can_withdraw_document(person: Person, case: Case, document: Document) -> bool:
    """The person who uploaded it may withdraw it, while they may still see the case."""
    return (not document.is_withdrawn and document.uploaded_by_id == getattr(person, "id", None)
            and can_view_case(person, case))


# --- writing -----------------------------------------------------------------------------

def add_documents(session: Session, case: Case, actor: Actor, uploads: Sequence[Upload], description: str,
                  now: datetime, *, status: ScanStatus, audit_seq: int | None = None,
                  trigger: str = ADDED) -> list[Document]:
    """Record stored files on the case in the caller's transaction. With no `audit_seq` (added
    from the documents section) this writes their own timeline entry; with one, they belong
    to the action that wrote it."""
    description = " ".join((description or "").replace("\x00", "").split())[:MAX_DESCRIPTION]
    if audit_seq is None:
        append_entry(session, case, actor, ADDED, case.status, case.status,
                     {"documents": [u.audit() for u in uploads], "description": description}, now)
        audit_seq = case.audit_seq
        case.updated_at = now
    documents = [Document(case_id=case.id, stage=case.status, audit_seq=audit_seq, trigger=trigger,
                          description=description, original_name=u.original_name[:1000],
                          stored_name=u.stored_name, content_type=u.content_type, size=u.size, sha256=u.sha256,
                          uploaded_by_id=actor.id, uploaded_by_name=actor.name, uploaded_at=now,
                          scan_status=status, scan_attempts=0) for u in uploads]
    session.add_all(documents)
    session.flush()
    return documents


def withdraw_document(session: Session, case: Case, document: Document, actor: Actor, reason: str,
                      now: datetime) -> None:
    """Withdraw a document with the reason given; the timeline records it. It stays on the
    case's list (struck through) and is never opened again."""
    document.withdrawn_at, document.withdrawn_by_id, document.withdrawn_reason = now, actor.id, reason
    append_entry(session, case, actor, WITHDRAWN, case.status, case.status,
                 {"document": document.original_name, "sha256": document.sha256, "reason": reason}, now)
    case.updated_at = now


# --- reading -----------------------------------------------------------------------------

def documents_of(session: Session, case_id: int) -> list[Document]:
    """Every document of the case, withdrawn ones included, oldest first."""
    return list(session.scalars(select(Document).where(Document.case_id == case_id)
                                .order_by(Document.uploaded_at, Document.id)))


def bundle_documents(session: Session, case_id: int) -> list[Document]:
    """The documents a bundle includes: passed by the scanner and not withdrawn, oldest first.
    Their bytes: `DocumentStore.open(document.sha256)` (or `.read`)."""
    return list(session.scalars(select(Document).where(
        Document.case_id == case_id, Document.scan_status == ScanStatus.CLEAN, Document.withdrawn_at.is_(None))
        .order_by(Document.uploaded_at, Document.id)))


def find_document(session: Session, case_id: int, document_id: int) -> Document | None:
    """The document if it belongs to this case."""
    document = session.get(Document, document_id)
    return document if document is not None and document.case_id == case_id else None


def named_hashes(session: Session, hashes: set[str]) -> set[str]:
    """Which of these SHA-256 hashes some document row names (for the store's orphan sweep)."""
    found: set[str] = set()
    ordered = sorted(hashes)
    for start in range(0, len(ordered), 500):
        found |= set(session.scalars(select(Document.sha256).where(Document.sha256.in_(ordered[start:start + 500]))))
    return found


def unscanned(session: Session, stale_before: datetime, limit: int = 20) -> list[int]:
    """Documents the scanner still owes a verdict: waiting ones, and ones left being checked
    since before `stale_before` (their scan was cut short by a crash)."""
    return list(session.scalars(select(Document.id).where(
        (Document.scan_status == ScanStatus.WAITING)
        | ((Document.scan_status == ScanStatus.CHECKING) & (Document.uploaded_at < stale_before)))
        .order_by(Document.id).limit(limit)))


def being_checked(session: Session, case_id: int) -> list[int]:
    """The case's documents waiting for their first scan."""
    return list(session.scalars(select(Document.id).where(
        Document.case_id == case_id, Document.scan_status == ScanStatus.CHECKING).order_by(Document.id)))
