"""Adding documents to a case, with an action or on their own, and withdrawing them: each in
one transaction with its audit entry. The files are stored before any of this runs (see
`casework.document_store`), so a refusal or a crash here leaves at most an unnamed file."""
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from casework.cases import Actor, Case, load_case
from casework.documents import (Document, ScanStatus, Upload, add_documents, can_add_documents,
                                can_withdraw_document, find_document, withdraw_document)
from casework.errors import InvalidInput, NotFound, NotPermitted, StaleVersion
from casework.organisations import Person
from casework.permissions import can_view_case
from casework.persistence import unit_of_work

T = TypeVar("T")
#: Adding documents does not depend on what the person saw, so a clash with someone else's
#: change to the case (both appending to its audit trail) is simply tried again.
TRIES = 5
MAX_REASON = 2000


@dataclass(frozen=True)
class Attachments:
    """Stored files to record on a case, the description given, and their scan status to start with."""

    uploads: tuple[Upload, ...]
    description: str = ""
    status: ScanStatus = ScanStatus.CHECKING


def attach_audit(attachments: Attachments | None) -> dict:
    """What an action's audit entry records of the documents added with it."""
    if not attachments or not attachments.uploads:
        return {}
    return {"documents": [u.audit() for u in attachments.uploads]}


def attach(session: Session, case: Case, actor: Actor, attachments: Attachments | None, now: datetime,
           trigger: str) -> list[Document]:
    """Record the documents of the action just applied, linked to its audit entry."""
    if not attachments or not attachments.uploads:
        return []
    return add_documents(session, case, actor, attachments.uploads, attachments.description, now,
                         status=attachments.status, audit_seq=case.audit_seq, trigger=trigger)


def add_to_case(factory: sessionmaker[Session], case_id: int, actor_id: int, attachments: Attachments,
                now: datetime) -> list[int]:
    """Add documents from the case's documents section; returns their ids."""
    if not attachments.uploads:
        raise InvalidInput({"documents": "Select a file"})

    def work(session: Session) -> list[int]:
        case, person = _case_and_person(session, case_id, actor_id)
        if not can_add_documents(person, case):
            raise NotPermitted("You cannot add documents to this case.")
        return [d.id for d in add_documents(session, case, person, attachments.uploads, attachments.description,
                                            now, status=attachments.status)]
    return _retrying(factory, work)


def withdraw(factory: sessionmaker[Session], case_id: int, document_id: int, actor_id: int, reason: str,
             now: datetime) -> Document:
    """Withdraw a document the person uploaded, with their reason."""
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise InvalidInput({"reason": "Enter why you are withdrawing this document"})
    if len(reason) > MAX_REASON:
        raise InvalidInput({"reason": f"The reason must be {MAX_REASON:,} characters or fewer"})

    def work(session: Session) -> Document:
        case, person = _case_and_person(session, case_id, actor_id)
        document = find_document(session, case.id, document_id)
        if document is None:
            raise NotFound("There is no such document.")
        if not can_withdraw_document(person, case, document):
            raise NotPermitted("Only the person who added a document can withdraw it.")
        withdraw_document(session, case, document, person, reason, now)
        return document
    return _retrying(factory, work)


def _case_and_person(session: Session, case_id: int, actor_id: int) -> tuple[Case, Person]:
    person = session.get(Person, actor_id)
    case = load_case(session, case_id)
    if person is None or case is None or not can_view_case(person, case):
        raise NotFound("There is no case with that reference.")
    return case, person


def _retrying(factory: sessionmaker[Session], work: Callable[[Session], T]) -> T:
    for attempt in range(TRIES):
        try:
            with unit_of_work(factory) as session:
                return work(session)
        except (StaleDataError, IntegrityError):
            if attempt == TRIES - 1:
                raise StaleVersion() from None
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")
