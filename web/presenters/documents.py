"""A case's documents as its page lists them: by the stage they were added at, each with
who added it, when, its size and type, and whether the virus scanner has passed it."""
from collections.abc import Callable
from dataclasses import dataclass

from casework.cases import Case
from casework.documents import Document, ScanStatus, can_open_document, can_withdraw_document
from casework.organisations import Person
from web.presenters.formatting import local_time
from workflows.registry import WORKFLOWS

#: The GOV.UK tag colour of each scan status.
STATUS_CLASSES = {ScanStatus.CHECKING: "govuk-tag--blue", ScanStatus.WAITING: "govuk-tag--yellow",
                  ScanStatus.NOT_CHECKED: "govuk-tag--grey", ScanStatus.CLEAN: "govuk-tag--green",
                  ScanStatus.INFECTED: "govuk-tag--red"}


@dataclass(frozen=True)
class DocumentLine:
    id: int
    name: str
    description: str
    by: str
    when: str
    size: str
    kind: str
    status: str
    status_class: str
    url: str | None            # None: this person may not open it
    inline: bool               # opened in the browser (PDF, image), in a new tab
    withdraw_url: str | None
    withdrawn: str | None      # "Withdrawn by ... on ...: reason"


def document_lines(documents: list[Document], case: Case, person: Person, url: Callable[[int], str],
                   withdraw_url: Callable[[int], str]) -> list[tuple[str, list[DocumentLine]]]:
    """(stage name, documents added at it) in the order the stages were reached."""
    from web.uploads import size_words
    info = WORKFLOWS[case.workflow].info
    stages: dict[str, list[DocumentLine]] = {}
    for d in documents:
        stage = info[d.stage].tag if d.stage in info else d.stage
        withdrawn = (f"Withdrawn on {local_time(d.withdrawn_at)}: {d.withdrawn_reason}" if d.is_withdrawn else None)
        stages.setdefault(stage, []).append(DocumentLine(
            d.id, d.original_name, d.description, d.uploaded_by_name, local_time(d.uploaded_at), size_words(d.size),
            d.kind, d.status.words, STATUS_CLASSES[d.status], url(d.id) if can_open_document(person, case, d) else None,
            d.inline, withdraw_url(d.id) if can_withdraw_document(person, case, d) else None, withdrawn))
    return list(stages.items())


def by_entry(documents: list[Document], case: Case, person: Person,
             url: Callable[[int], str]) -> dict[int, list[tuple[str, str | None]]]:
    """For each timeline entry (audit seq), the documents added with it: (name, link or None)."""
    out: dict[int, list[tuple[str, str | None]]] = {}
    for d in documents:
        if d.audit_seq is not None:
            out.setdefault(d.audit_seq, []).append(
                (d.original_name, url(d.id) if can_open_document(person, case, d) else None))
    return out


def unchecked_banner(documents: list[Document], scanner_set_up: bool) -> str | None:
    """Why some files cannot be opened yet, when that is so."""
    if not scanner_set_up and any(d.status is ScanStatus.NOT_CHECKED for d in documents):
        return ("Files on this case have not been checked for viruses, because no virus scanner is set up on "
                "this service. Until one is, only the person who added a file can open it.")
    if any(d.status in (ScanStatus.CHECKING, ScanStatus.WAITING) for d in documents):
        return ("Some files are still being checked for viruses. Until a file has been checked, only the person "
                "who added it can open it.")
    return None
