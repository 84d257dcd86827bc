"""The scanner and the store under failure: clamd stopping mid-scan leaves the file waiting,
and the scheduler's retry passes it once clamd is back; a crash between storing a file and
committing its row leaves no row, and the orphan file is swept an hour later."""
import time

import pytest
from sqlalchemy import select

from casework.clamav import Clamd
from casework.document_store import DocumentStore
from casework.documents import Document, ScanStatus, Upload, named_hashes
from notifications.document_scans import scan_document, scan_waiting
from tests.clamav import ClamdProcess
from tests.factories import funding_case_at
from workflows import documents as workflow_documents
from workflows.documents import Attachments, add_to_case

PDF = b"%PDF-1.4\n% a monitoring return\n" + b"0" * 300_000 + b"\n%%EOF\n"
MAIL = {"base_url": "http://casework.test", "sender": "casework@bexley.example"}


@pytest.fixture
def store(tmp_path):
    return DocumentStore(tmp_path / "documents")


def upload(store: DocumentStore, content: bytes = PDF) -> Upload:
    return Upload("return.pdf", "return.pdf", store.put(content), len(content), "application/pdf")


def status_of(factory, document_id: int) -> str:
    with factory() as db:
        return db.get(Document, document_id).scan_status


def test_clamd_stopping_mid_scan_leaves_the_file_waiting_until_the_retry(tmp_path, store, factory, service, cast,
                                                                         clock):
    clamd = ClamdProcess(tmp_path / "clamd").start()
    case = funding_case_at(service, cast, clock, "consultation", route="resource")
    (document_id,) = add_to_case(factory, case.id, cast["vl"], Attachments((upload(store),)), clock.now())
    real_chunks = store.chunks

    def chunks_then_crash(sha256, size=64 * 1024):   # clamd is killed after the first chunk is sent
        for n, chunk in enumerate(real_chunks(sha256, size)):
            if n == 1:
                clamd.kill()
            yield chunk
    store.chunks = chunks_then_crash
    try:
        assert scan_document(factory, store, Clamd(clamd.socket, timeout=5), document_id, clock.now(),
                             **MAIL) is ScanStatus.WAITING
    finally:
        store.chunks = real_chunks
        clamd.stop()
    assert status_of(factory, document_id) == "waiting"
    assert scan_waiting(factory, store, Clamd(clamd.socket, timeout=5), clock.now(), **MAIL) == 0   # still down
    clamd.start()
    try:
        assert scan_waiting(factory, store, Clamd(clamd.socket), clock.now(), **MAIL) == 1
    finally:
        clamd.stop()
    assert status_of(factory, document_id) == "clean"


def test_a_crash_after_the_file_is_written_leaves_no_row_and_the_file_is_swept(store, factory, service, cast, clock,
                                                                               monkeypatch):
    case = funding_case_at(service, cast, clock, "consultation", route="resource")
    stored = upload(store, PDF + b"crash")

    def crash(*args, **kwargs):
        raise RuntimeError("the power went off")
    monkeypatch.setattr(workflow_documents, "add_documents", crash)
    with pytest.raises(RuntimeError):
        add_to_case(factory, case.id, cast["vl"], Attachments((stored,)), clock.now())
    with factory() as db:
        assert db.scalars(select(Document)).all() == []
        known = lambda hashes: named_hashes(db, hashes)
        assert store.sweep_orphans(known) == [], "a file younger than an hour may be about to get its row"
        assert store.sweep_orphans(known, now=time.time() + 3601) == [stored.sha256]
    assert not store.exists(stored.sha256)


def test_a_file_a_row_names_is_never_swept(store, factory, service, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation", route="resource")
    stored = upload(store)
    add_to_case(factory, case.id, cast["vl"], Attachments((stored,)), clock.now())
    with factory() as db:
        assert store.sweep_orphans(lambda hashes: named_hashes(db, hashes), now=time.time() + 10 * 3600) == []
    assert store.exists(stored.sha256)
