"""Documents on a case, as people use them: attached to an action or added from the case page,
checked by a real clamd (tests.clamav), opened only by those the case and the scan allow,
refused with a message naming the file, and withdrawn with a reason."""
import io
import threading

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder
from sqlalchemy import func, select

from casework.audit import AuditEntry
from casework.document_store import DocumentStore
from casework.documents import Document
from casework.messages import Notification, OutboxMessage
from tests.clamav import EICAR
from tests.casework.test_file_checks import WORD, ooxml, pdf, png
from tests.factories import funding_case_at
from tests.web.conftest import documents_dir, make_app
from tests.web.helpers import page, sign_in_directly

SPREADSHEET = b"month,attendance\nApril,31\nMay,29\nJune,33\n"


@pytest.fixture
def scanned_app(engine, service, clock, cast, clamd_socket):
    """The app with the tests' clamd as its virus scanner."""
    return make_app(engine, service, clock, clamd_socket=clamd_socket)


@pytest.fixture
def browser(scanned_app):
    return lambda who: sign_in_directly(scanned_app, scanned_app.test_client(), who)


def files(*pairs) -> list:
    return [("documents", (io.BytesIO(content), name)) for name, content in pairs]


def add(browser_, case_id: int, pairs, description: str = "Monitoring returns"):
    """Send files from the documents page. (The request body is closed here: the test client
    leaves a large one's temporary file open.)"""
    data = MultiDict([("csrf_token", browser_.csrf_token or browser_.fetch_token()),
                      ("documents_description", description), *files(*pairs)])
    builder = EnvironBuilder(path=f"/cases/{case_id}/documents/new", method="POST", data=data)
    environ = builder.get_environ()
    try:
        return browser_.open(environ)
    finally:
        builder.close()
        environ["wsgi.input"].close()


def fetch(browser_, url: str):
    """GET a document, read whole and closed (files are streamed from an open file)."""
    response = browser_.get(url)
    response.get_data()
    response.close()
    return response


def rows(factory, case_id: int) -> list[Document]:
    with factory() as db:
        return list(db.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id)))


@pytest.fixture
def case(service, cast, clock):
    return funding_case_at(service, cast, clock, "consultation", route="resource")


def test_an_organisation_attaches_files_to_its_consultation_response(browser, case, factory):
    vl, fo = browser("vl"), browser("fo")
    url = f"/cases/{case.id}/actions/submit_response"
    checking = vl.submit(url, [("case_version", str(case.version)), ("response", "We disagree."),
                               *files(("response.pdf", pdf()), ("attendance.csv", SPREADSHEET))],
                         content_type="multipart/form-data")
    assert "response.pdf" in page(checking).text and "attendance.csv" in page(checking).text
    kept = page(checking).fields["kept_documents"]
    sent = vl.submit(url, [("case_version", str(case.version)), ("response", "We disagree."), ("confirm", "1"),
                           *[("kept_documents", token) for token in kept]])
    assert sent.status_code == 302
    added = rows(factory, case.id)
    assert [(d.original_name, d.content_type, d.scan_status, d.trigger) for d in added] == [
        ("response.pdf", "application/pdf", "clean", "submit_response"),
        ("attendance.csv", "text/csv", "clean", "submit_response")]
    with factory() as db:
        entry = db.scalar(select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.seq == added[0].audit_seq))
    assert entry.trigger == "submit_response" and [d["name"] for d in entry.data["documents"]] == [
        "response.pdf", "attendance.csv"]
    case_page = page(fo.get(f"/cases/{case.id}"))
    assert "response.pdf" in case_page.text and "attendance.csv" in case_page.text and "Checked" in case_page.text
    opened = fetch(fo, f"/cases/{case.id}/documents/{added[0].id}")
    assert opened.data == pdf() and opened.headers["Content-Disposition"].startswith("inline")
    downloaded = fetch(fo, f"/cases/{case.id}/documents/{added[1].id}")
    assert downloaded.headers["Content-Disposition"].startswith("attachment")
    assert downloaded.headers["X-Content-Type-Options"] == "nosniff"
    assert downloaded.headers["Cache-Control"] == "no-store"


def test_a_refused_file_is_named_and_the_rest_of_the_form_is_kept(browser, case, factory):
    vl = browser("vl")
    url = f"/cases/{case.id}/actions/submit_response"
    answer = vl.submit(url, [("case_version", str(case.version)), ("response", "Our answer, kept."),
                             ("documents_description", "Our accounts"),
                             *files(("accounts.pdf", b"MZ\x90\x00" + b"\x00" * 100), ("ok.pdf", pdf()))],
                       content_type="multipart/form-data")
    shown = page(answer)
    assert answer.status_code == 400
    assert any("‘accounts.pdf’ must be a PDF" in e for e in shown.errors)
    assert shown.value("response") == "Our answer, kept." and shown.value("documents_description") == "Our accounts"
    assert "ok.pdf" in shown.text and len(shown.fields["kept_documents"]) == 1
    assert rows(factory, case.id) == []


@pytest.mark.parametrize("name, content, words", [
    ("page.html", b"<html><body><script>alert(1)</script></body></html>", "web page"),
    ("picture.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    ("empty.pdf", b"", "is empty"),
    ("script.pdf", pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>"), "JavaScript"),
    ("bomb.docx", ooxml(WORD, body=b"\x00" * (20 * 1024 * 1024)), "ZIP bomb"),
])
def test_bad_files_are_refused_on_the_documents_page(browser, case, factory, name, content, words):
    answer = add(browser("fo"), case.id, [(name, content)])
    assert answer.status_code == 400
    assert any(name in e and words in e for e in page(answer).errors)
    assert rows(factory, case.id) == []


def test_a_file_over_the_limit_is_refused_by_name(engine, service, clock, cast, case, factory):
    app = make_app(engine, service, clock, max_file_mb=1)
    answer = add(sign_in_directly(app, app.test_client(), "fo"), case.id, [("big.pdf", pdf(b"x" * 1_100_000))])
    assert any("‘big.pdf’ must be smaller than 1MB" in e for e in page(answer).errors)


def test_a_request_larger_than_any_upload_gets_the_too_large_page(engine, service, clock, cast, case):
    app = make_app(engine, service, clock, max_file_mb=1, max_files=1)
    answer = add(sign_in_directly(app, app.test_client(), "fo"), case.id, [("huge.pdf", pdf(b"x" * 3_000_000))])
    assert answer.status_code == 413
    assert "Each file must be smaller than 1MB" in page(answer).text


def test_names_with_folders_and_control_characters_are_stored_clean_and_shown_as_given(browser, case, factory):
    # (A browser sends a line break in a name as %0D%0A, so control characters here are others.)
    given = "../../<em>minutes\x1b\t" + "x" * 300 + ".pdf"
    add(browser("fo"), case.id, [(given, pdf())])
    (document,) = rows(factory, case.id)
    assert document.original_name == given
    assert document.stored_name.startswith("<em>minutes xxx") and len(document.stored_name) == 200
    html = browser("fo").get(f"/cases/{case.id}").get_data(as_text=True)
    assert "&lt;em&gt;minutes" in html and "<em>minutes" not in html
    header = fetch(browser("fo"), f"/cases/{case.id}/documents/{document.id}").headers["Content-Disposition"]
    assert "\r" not in header and "\n" not in header


def test_the_eicar_file_is_quarantined_and_everyone_concerned_is_told(browser, case, factory):
    add(browser("vl"), case.id, [("returns.txt", EICAR)])
    (document,) = rows(factory, case.id)
    assert document.scan_status == "infected" and "Eicar" in document.scan_finding
    assert fetch(browser("vl"), f"/cases/{case.id}/documents/{document.id}").status_code == 404
    with factory() as db:
        told = set(db.scalars(select(Notification.person_id).where(Notification.case_id == case.id,
                                                                    Notification.dedupe_key.like("quarantine:%"))))
        emailed = db.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.dedupe_key.like("quarantine:%")))
        trail = db.scalars(select(AuditEntry.trigger).where(AuditEntry.case_id == case.id)
                           .order_by(AuditEntry.seq)).all()
    assert len(told) == 2 and emailed == 2   # the uploader and the administrator
    assert trail[-1] == "quarantine_document"
    assert "File quarantined" in page(browser("fo").get(f"/cases/{case.id}")).text


def test_a_vco_cannot_read_another_vcos_document_by_id(browser, case, factory):
    add(browser("vl"), case.id, [("accounts.pdf", pdf())])
    (document,) = rows(factory, case.id)
    assert fetch(browser("other_vl"), f"/cases/{case.id}/documents/{document.id}").status_code == 404
    assert fetch(browser("vl"), f"/cases/{case.id}/documents/{document.id}").status_code == 200


def test_without_a_scanner_only_the_uploader_may_open_a_file(app, case, factory):
    vl, fo = (sign_in_directly(app, app.test_client(), who) for who in ("vl", "fo"))
    add(vl, case.id, [("plan.png", png())])
    (document,) = rows(factory, case.id)
    assert document.scan_status == "not_checked"
    assert fetch(vl, f"/cases/{case.id}/documents/{document.id}").status_code == 200
    assert fetch(fo, f"/cases/{case.id}/documents/{document.id}").status_code == 404
    assert "no virus scanner is set up" in page(fo.get(f"/cases/{case.id}")).text


def test_a_withdrawn_document_shows_its_reason_and_is_not_served(browser, case, factory):
    vl = browser("vl")
    add(vl, case.id, [("old.pdf", pdf())])
    (document,) = rows(factory, case.id)
    assert vl.submit(f"/cases/{case.id}/documents/{document.id}/withdraw", {"reason": "Wrong year."}).status_code == 302
    assert fetch(vl, f"/cases/{case.id}/documents/{document.id}").status_code == 404
    shown = page(browser("fo").get(f"/cases/{case.id}"))
    assert "Document withdrawn" in shown.text and "Wrong year." in shown.text


def test_only_the_uploader_may_withdraw(browser, case, factory):
    add(browser("vl"), case.id, [("mine.pdf", pdf())])
    (document,) = rows(factory, case.id)
    assert browser("fo").submit(f"/cases/{case.id}/documents/{document.id}/withdraw",
                                {"reason": "No."}).status_code == 404


def test_two_people_uploading_the_same_file_at_once_store_it_once(scanned_app, case, factory):
    content = pdf(b"% the same monitoring return " + str(case.id).encode())
    people = [sign_in_directly(scanned_app, scanned_app.test_client(), who) for who in ("vl", "fo")]
    for person in people:
        person.fetch_token()
    answers = []
    threads = [threading.Thread(target=lambda p=p: answers.append(add(p, case.id, [("same.pdf", content)]).status_code))
               for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    added = rows(factory, case.id)
    assert answers == [302, 302] and len(added) == 2 and added[0].sha256 == added[1].sha256
    store = DocumentStore(documents_dir())
    assert sum(1 for sha, _ in store.stored() if sha == added[0].sha256) == 1
