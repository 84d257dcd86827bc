"""Scanning documents with ClamAV and acting on the verdict: a clean file is opened to the
case's readers; an infected one is quarantined (never served), recorded on the audit trail,
and its uploader and the administrators are told in the service and by email, in the same
transaction. When the scanner cannot be reached the file waits ("waiting for check") and the
scheduler's `scan` job tries again; nothing is lost, because the bytes are already stored.

The scan runs outside any transaction (it may take a second for a large file); the verdict is
written only if the document is still waiting for one, so two scanners never both record it."""
import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from casework.audit import append_entry
from casework.cases import SYSTEM, Case
from casework.clamav import Clamd, ScannerUnavailable
from casework.document_store import DocumentStore
from casework.documents import QUARANTINED, Document, ScanStatus, unscanned
from casework.messages import MessageStatus, Notification, OutboxMessage
from casework.organisations import Person, PersonRole, Role
from casework.persistence import unit_of_work
from notifications.emails import case_url, email_content, new_message_id

log = logging.getLogger(__name__)
PENDING = (ScanStatus.CHECKING, ScanStatus.WAITING)
#: A document left "being checked" this long was cut short (a crash): the scheduler scans it again.
STALE_CHECK = timedelta(minutes=10)
SUBJECT = "A file uploaded to {ref} contained a virus and has been quarantined"


def scan_document(factory: sessionmaker[Session], store: DocumentStore, scanner: Clamd | None, document_id: int,
                  now: datetime, *, base_url: str, sender: str) -> ScanStatus | None:
    """Scan one document's file and record the verdict; returns its status afterwards."""
    with factory() as db:
        found = db.execute(select(Document.sha256, Document.scan_status).where(Document.id == document_id)).first()
    if found is None or scanner is None or found.scan_status not in PENDING:
        return ScanStatus(found.scan_status) if found else None
    try:
        result = scanner.scan(store.chunks(found.sha256))
    except (ScannerUnavailable, OSError) as exc:
        log.warning("Document %s waits for the virus scanner: %s", document_id, exc)
        with unit_of_work(factory) as db:
            db.execute(update(Document).where(Document.id == document_id, Document.scan_status.in_(PENDING))
                       .values(scan_status=ScanStatus.WAITING, scan_attempts=Document.scan_attempts + 1))
        return ScanStatus.WAITING
    with unit_of_work(factory) as db:
        document = db.get(Document, document_id, with_for_update=True)
        if document.scan_status not in PENDING:
            return document.status
        document.scanned_at, document.scan_attempts = now, document.scan_attempts + 1
        if result.clean:
            document.scan_status = ScanStatus.CLEAN
        else:
            _quarantine(db, document, result.signature or "unknown", now, base_url, sender)
        return document.status


def scan_waiting(factory: sessionmaker[Session], store: DocumentStore, scanner: Clamd | None, now: datetime, *,
                 base_url: str, sender: str, limit: int = 20) -> int:
    """The scheduler's job: scan documents still owed a verdict; returns how many now have one."""
    if scanner is None:
        return 0
    with factory() as db:
        ids = unscanned(db, now - STALE_CHECK, limit)
    done = 0
    for document_id in ids:
        status = scan_document(factory, store, scanner, document_id, now, base_url=base_url, sender=sender)
        if status in (ScanStatus.CLEAN, ScanStatus.INFECTED):
            done += 1
        elif status is ScanStatus.WAITING:
            break   # the scanner is still down: the rest wait for the next run
    return done


def _quarantine(db: Session, document: Document, finding: str, now: datetime, base_url: str, sender: str) -> None:
    document.scan_status, document.scan_finding = ScanStatus.INFECTED, finding[:200]
    case = db.get(Case, document.case_id)
    append_entry(db, case, SYSTEM, QUARANTINED, case.status, case.status,
                 {"document": document.original_name, "sha256": document.sha256, "finding": finding}, now)
    case.updated_at = now
    for person in _to_tell(db, document):
        _tell(db, person, case, document, finding, now, base_url, sender)


def _to_tell(db: Session, document: Document) -> list[Person]:
    admins = select(Person).join(PersonRole).where(PersonRole.role == Role.ADMINISTRATOR, Person.is_active)
    people = {p.id: p for p in db.scalars(admins)}
    uploader = db.get(Person, document.uploaded_by_id) if document.uploaded_by_id else None
    if uploader is not None and uploader.is_active:
        people[uploader.id] = uploader
    return list(people.values())


def _tell(db: Session, person: Person, case: Case, document: Document, finding: str, now: datetime,
          base_url: str, sender: str) -> None:
    subject = SUBJECT.format(ref=case.ref)
    yours = person.id == document.uploaded_by_id
    happened = (f"The virus scanner found {finding} in “{document.original_name}”, "
                f"{'which you uploaded' if yours else f'uploaded by {document.uploaded_by_name}'} to {case.ref}. "
                f"The file has been quarantined: nobody can open it.")
    todo = (("Check your computer for viruses. Then upload a clean copy of the file, if it is still needed.",)
            if yours else ("Check whether other files from the same person or organisation need attention.",))
    key = f"quarantine:{document.id}:{person.id}"
    db.add(Notification(dedupe_key=key, person_id=person.id, case_id=case.id, text=happened[:500], created_at=now))
    db.add(OutboxMessage(
        dedupe_key=key, message_id=new_message_id(sender), case_id=case.id, person_id=person.id,
        to_address=person.email, subject=subject,
        content=email_content(name=person.name, subject=subject, happened=happened, todo=todo,
                              case_url=case_url(base_url, case.id) if yours else "", case_ref=case.ref),
        letter_id=None, status=MessageStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now))
