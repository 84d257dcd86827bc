"""Evidence files on "Raise a dispute": the same GOV.UK file upload as an action's page, each
file checked by its content and by a real clamd, kept when the form needs another go, and
recorded with the dispute in the one transaction that raises it."""
import io

import pytest
from sqlalchemy import func, select

from casework.audit import AuditEntry
from casework.cases import Case
from casework.documents import Document, ScanStatus, Upload
from casework.errors import InvalidInput, NotFound
from tests.casework.test_file_checks import pdf
from tests.factories import DISPUTE_RAISE, open_case
from tests.web.conftest import make_app
from tests.web.helpers import location, page, sign_in_directly
from workflows.documents import Attachments

ANSWERS = {"undertakings": "s4.consultation", "what_happened": "The grant was cut without consultation.",
           "outcome_sought": "Consult us.", "evidence": "Our response and the attendance figures, attached."}
SPREADSHEET = b"month,attendance\nApril,31\nMay,29\n"


@pytest.fixture
def scanned_app(engine, service, clock, cast, clamd_socket):
    return make_app(engine, service, clock, clamd_socket=clamd_socket)


@pytest.fixture
def browser(scanned_app):
    return lambda who: sign_in_directly(scanned_app, scanned_app.test_client(), who)


def raise_with(browser_, answers: dict, files=(), kept=()):
    data = [*answers.items(), *[("kept_documents", token) for token in kept],
            *[("documents", (io.BytesIO(content), name)) for name, content in files]]
    return browser_.submit("/disputes/new", data, content_type="multipart/form-data")


def documents(factory) -> list[Document]:
    with factory() as db:
        return list(db.scalars(select(Document).order_by(Document.id)))


def test_the_raiser_attaches_evidence_and_it_is_recorded_with_the_dispute(browser, cast, factory):
    vl = browser("vl")
    raised = raise_with(vl, {**ANSWERS, "subject": "Grant cut without consultation", "respondent": str(cast.orgs["council"]),
                             "documents_description": "Our response and figures"},
                        [("response.pdf", pdf(b"% our response")), ("attendance.csv", SPREADSHEET)])
    assert raised.status_code == 302
    case_id = int(location(raised).rsplit("/", 1)[1])
    added = documents(factory)
    assert [(d.case_id, d.original_name, d.trigger, d.stage, d.scan_status, d.description) for d in added] == [
        (case_id, "response.pdf", "raise_dispute", "raised", ScanStatus.CLEAN, "Our response and figures"),
        (case_id, "attendance.csv", "raise_dispute", "raised", ScanStatus.CLEAN, "Our response and figures")]
    with factory() as db:
        entry = db.scalar(select(AuditEntry).where(AuditEntry.case_id == case_id, AuditEntry.seq == added[0].audit_seq))
    assert entry.trigger == "raise_dispute" and [d["name"] for d in entry.data["documents"]] == [
        "response.pdf", "attendance.csv"]
    council = page(browser("fo").get(f"/cases/{case_id}"))   # the other side reads them once checked
    assert "response.pdf" in council.text and "attendance.csv" in council.text and "Checked" in council.text


def test_files_are_kept_when_the_dispute_form_needs_another_go(browser, cast, factory):
    vl = browser("vl")
    answers = {**ANSWERS, "respondent": str(cast.orgs["council"]), "documents_description": "Our response"}
    refused = raise_with(vl, answers, [("response.pdf", pdf(b"% kept"))])       # no subject
    shown = page(refused)
    assert refused.status_code == 400 and "Enter subject" in shown.errors
    assert "response.pdf" in shown.text and shown.value("documents_description") == "Our response"
    assert shown.value("what_happened") == ANSWERS["what_happened"]
    kept = shown.fields["kept_documents"]
    assert len(kept) == 1
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(Case)) == 0 and documents(factory) == []
    raised = raise_with(vl, {**answers, "subject": "Grant cut"}, kept=kept)
    assert raised.status_code == 302
    assert [d.original_name for d in documents(factory)] == ["response.pdf"]


def test_a_refused_file_is_named_and_no_dispute_is_raised(browser, cast, factory):
    refused = raise_with(browser("vl"), {**ANSWERS, "subject": "Grant cut", "respondent": str(cast.orgs["council"])},
                         [("figures.pdf", b"MZ\x90\x00" + b"\x00" * 100)])
    shown = page(refused)
    assert refused.status_code == 400 and any("‘figures.pdf’ must be a PDF" in e for e in shown.errors)
    assert shown.value("subject") == "Grant cut"
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(Case)) == 0
    assert documents(factory) == []


def test_a_dispute_refused_by_the_engine_records_none_of_its_files(service, cast, clock, factory):
    other = open_case(service, cast, clock)   # a draft the organisation cannot see
    attachments = Attachments((Upload("response.pdf", "response.pdf", "ab" * 32, 10, "application/pdf"),),
                              "Our response", ScanStatus.CLEAN)
    with pytest.raises((InvalidInput, NotFound)):
        service.raise_dispute(cast["vl"], {**DISPUTE_RAISE, "respondent": cast.orgs["council"], "linked_case": other.id},
                              clock.now(), attachments=attachments)
    assert documents(factory) == []
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(Case).where(Case.workflow == "dispute")) == 0
