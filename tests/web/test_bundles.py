"""The case bundle in the service: who may have it (anyone else gets 404), the page that says
how it is coming on and then offers it with its SHA-256, the download's headers, and a new
bundle when the case or its documents change."""
import dataclasses
import hashlib
import re
from datetime import date

import pytest

from casework.bundles import Bundle
from notifications.bundles.jobs import build_due
from tests.factories import dispute_at, funding_case_at, panel_ready
from tests.notifications.bundle_samples import page_texts, sample_pdf, source
from tests.web.conftest import make_app
from tests.notifications.test_bundle_pdf import index_rows
from tests.web.helpers import Page, location, page, sign_in_directly
from web.composition import bundle_work


@pytest.fixture
def app(engine, service, clock, cast, tmp_path):
    """The app, keeping its bundles in this test's own folder."""
    return make_app(engine, service, clock, bundle_dir=str(tmp_path / "bundles"))


@pytest.fixture
def signed_in(app):
    return lambda key: sign_in_directly(app, app.test_client(), key)


def with_documents(app, documents) -> None:
    """Hand the bundle these documents through its seam, as the documents feature will."""
    container = app.extensions["casework"]
    container.extras["bundles"] = dataclasses.replace(bundle_work(container), documents=lambda session, case: documents)


@pytest.fixture
def hearing(service, cast, clock):
    """A dispute whose panel hearing is set for Monday 4 January 2027."""
    case = panel_ready(service, cast, clock)
    return service.fire(case.id, "schedule_hearing", cast["panel1"], {"hearing_on": date(2027, 1, 4), "starts_at": "10:00",
                                                                        "place": "Civic Offices, Bexleyheath"}, clock.now())


def fetch(browser, url: str):
    """GET a download, read whole, its file closed (a download is streamed from the file)."""
    response = browser.get(url)
    response.get_data()
    response.close()
    return response


def make(browser, case_id: int):
    return browser.submit(f"/cases/{case_id}/bundle", {})


def test_the_panel_chair_downloads_the_bundle_and_its_fingerprint_matches(app, signed_in, hearing):
    chair = signed_in("panel1")
    assert "Download the case bundle" in page(chair.get(f"/cases/{hearing.id}")).text
    response = make(chair, hearing.id)
    assert location(response) == f"/cases/{hearing.id}/bundle"
    shown = chair.get(f"/cases/{hearing.id}/bundle")
    sha = re.search(r'data-sha256="pdf">([0-9a-f]{64})<', shown.get_data(as_text=True))[1]
    link = re.search(r'href="(/cases/\d+/bundle/\d+\.pdf)"', shown.get_data(as_text=True))[1]
    pdf = fetch(chair, link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff" and pdf.headers["Cache-Control"] == "no-store"
    assert hashlib.sha256(pdf.data).hexdigest() == sha
    assert hearing.ref in page_texts(pdf.data)[0]


def test_the_page_offers_no_zip_when_every_document_is_pages(app, signed_in, hearing):
    chair = signed_in("panel1")
    make(chair, hearing.id)
    assert "Download the other files" not in page(chair.get(f"/cases/{hearing.id}/bundle")).text


@pytest.mark.parametrize("who", ["panel2", "panel3", "mediator", "vl", "fo2", "dm"])
def test_those_who_judge_the_dispute_and_its_parties_may_have_the_bundle(app, signed_in, hearing, who):
    assert signed_in(who).get(f"/cases/{hearing.id}/bundle").status_code == 200


@pytest.mark.parametrize("who", ["other_vl", "convener", "admin", "nhs_fo"])
def test_anyone_else_gets_not_found_from_every_bundle_address(app, signed_in, hearing, who):
    browser = signed_in(who)
    assert browser.get(f"/cases/{hearing.id}/bundle").status_code == 404
    assert make(browser, hearing.id).status_code == 404
    assert fetch(browser, f"/cases/{hearing.id}/bundle/1.pdf").status_code == 404


def test_whoever_appoints_the_panel_sees_the_dispute_but_not_its_papers(app, signed_in, service, cast, clock):
    case = dispute_at(service, cast, clock, "panel_referred")
    convener = signed_in("convener")
    assert convener.get(f"/cases/{case.id}").status_code == 200
    assert "Download the case bundle" not in page(convener.get(f"/cases/{case.id}")).text
    assert convener.get(f"/cases/{case.id}/bundle").status_code == 404


def test_an_organisation_cannot_have_another_organisations_bundle(app, signed_in, service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    make(signed_in("vl"), case.id)
    with factory() as s:
        bundle = s.query(Bundle).one()
    youth = signed_in("other_vl")
    for url in (f"/cases/{case.id}/bundle", f"/cases/{case.id}/bundle/{bundle.id}.pdf"):
        assert fetch(youth, url).status_code == 404
    assert make(youth, case.id).status_code == 404


def test_a_bundle_of_one_case_is_not_served_under_another(app, signed_in, service, cast, clock, factory):
    first, second = (funding_case_at(service, cast, clock, "concern_raised") for _ in range(2))
    kitchen = signed_in("vl")
    make(kitchen, first.id)
    with factory() as s:
        bundle = s.query(Bundle).one()
    assert fetch(kitchen, f"/cases/{second.id}/bundle/{bundle.id}.pdf").status_code == 404
    assert fetch(kitchen, f"/cases/{first.id}/bundle/{bundle.id}.pdf").status_code == 200


def test_a_new_bundle_is_made_when_the_case_moves_on(app, signed_in, service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    kitchen = signed_in("vl")
    make(kitchen, case.id)
    assert "Fingerprint of the PDF" in page(kitchen.get(f"/cases/{case.id}/bundle")).text
    service.fire(case.id, "acknowledge_concern", cast["vl"], {}, clock.now())
    assert "has not been made since the case last changed" in page(kitchen.get(f"/cases/{case.id}/bundle")).text
    make(kitchen, case.id)
    with factory() as s:
        bundles = s.query(Bundle).order_by(Bundle.id).all()
    assert len(bundles) == 2 and bundles[0].fingerprint != bundles[1].fingerprint
    assert all(b.status == "ready" for b in bundles)


def test_a_new_bundle_is_made_when_a_document_is_added(app, signed_in, service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    kitchen = signed_in("vl")
    make(kitchen, case.id)
    with_documents(app, [source("Monitoring return", sample_pdf("Monitoring return", 2), "application/pdf", 1)])
    assert "has not been made since the case last changed" in page(kitchen.get(f"/cases/{case.id}/bundle")).text
    make(kitchen, case.id)
    with factory() as s:
        newest = s.query(Bundle).order_by(Bundle.id.desc()).first()
    pdf = fetch(kitchen, f"/cases/{case.id}/bundle/{newest.id}.pdf")
    assert any("Monitoring return sheet 2" in text for text in page_texts(pdf.data))


def test_a_large_case_is_made_in_the_background_and_its_page_says_how_far_it_has_got(app, signed_in, service, cast,
                                                                                       clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    sheet = sample_pdf("Receipt", 1)
    with_documents(app, [source(f"Receipt {n}", sheet, "application/pdf", n) for n in range(8)]
                   + [source("Meals served", b"month,meals\n", "text/csv", 9, filename="meals.csv")])
    kitchen = signed_in("vl")
    make(kitchen, case.id)
    waiting = kitchen.get(f"/cases/{case.id}/bundle").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="5">' in waiting
    assert "The bundle is waiting to be made." in page(kitchen.get(f"/cases/{case.id}/bundle")).text
    assert build_due(bundle_work(app.extensions["casework"]), clock.now(), "test-worker") == 1
    ready = kitchen.get(f"/cases/{case.id}/bundle").get_data(as_text=True)
    assert "http-equiv" not in ready
    zip_link = re.search(r'href="(/cases/\d+/bundle/\d+\.zip)"', ready)[1]
    archive = fetch(kitchen, zip_link)
    assert archive.mimetype == "application/zip" and archive.headers["Content-Disposition"].startswith("attachment;")


def test_asking_twice_makes_one_bundle(app, signed_in, service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    make(signed_in("vl"), case.id)
    make(signed_in("fo"), case.id)
    with factory() as s:
        assert s.query(Bundle).count() == 1


# --- a dispute's bundle holds the papers of the funding case it is about ------------------

def clean_documents(app, case_id: int, person_id: int, now, description: str, *files) -> None:
    """Files (name, bytes, type) stored and added to the case as passed by the virus scanner."""
    from casework.documents import ScanStatus, Upload
    from casework.file_checks import clean_name
    from web.composition import document_desk
    from workflows.documents import Attachments, add_to_case
    container = app.extensions["casework"]
    store = document_desk(container).store
    uploads = tuple(Upload(name, clean_name(name), store.put(body), len(body), kind) for name, body, kind in files)
    add_to_case(container.factory, case_id, person_id, Attachments(uploads, description, ScanStatus.CLEAN), now)


def linked_panel(service, cast, clock, funding_case):
    """A dispute about `funding_case`, its panel appointed and every declaration made."""
    case = dispute_at(service, cast, clock, "panel_referred", linked=funding_case)
    service.fire(case.id, "appoint_panel", cast["convener"],
                 {"chair": cast["panel1"], "statutory_member": cast["panel2"], "vcs_member": cast["panel3"]}, clock.now())
    for member in ("panel1", "panel2", "panel3"):
        case = service.fire(case.id, "declare_no_involvement", cast[member], {"confirm": "yes"}, clock.now())
    return case


def entry_pages(index_text: str, title: str) -> tuple[int, int] | str:
    """The pages the index gives the entry starting with `title`: (first, last), or "In the ZIP file"."""
    found = index_rows(index_text)[title]
    if found == "In the ZIP file":
        return found
    first, _, last = found.partition(" to ")
    return int(first), int(last or first)


@pytest.fixture
def letters_service(engine, factory, calendar):
    """A case service that writes letters (WeasyPrint), for the funding case's concern letter."""
    from tests.web.conftest import settings_for
    from web.composition import _hooks
    from workflows.service import CaseService
    return CaseService(factory, calendar=calendar, hooks=_hooks(settings_for(engine)))


def test_a_disputes_bundle_holds_the_funding_case_papers_in_a_section_of_their_own(app, signed_in, service, cast,
                                                                                    clock, letters_service):
    funding = funding_case_at(letters_service, cast, clock, "concern_raised")   # sends the concern letter
    clean_documents(app, funding.id, cast["vl"], clock.now(), "Monitoring returns",
                    ("monitoring.pdf", sample_pdf("Monitoring return", 2), "application/pdf"),
                    ("meals.csv", b"month,meals\nOctober,412\n", "text/csv"))
    dispute = linked_panel(service, cast, clock, funding)
    clean_documents(app, dispute.id, cast["vl"], clock.now(), "Our evidence",
                    ("evidence.pdf", sample_pdf("Dispute evidence", 1), "application/pdf"))
    chair = signed_in("panel1")
    make(chair, dispute.id)
    shown = chair.get(f"/cases/{dispute.id}/bundle").get_data(as_text=True)
    assert f"the funding case this dispute is about, {funding.ref}" in Page(shown).text
    link = re.search(r'href="(/cases/\d+/bundle/\d+\.pdf)"', shown)[1]
    pages = page_texts(fetch(chair, link).data)
    assert f"The papers of the funding case {funding.ref}" in pages[0]
    index = pages[1]
    # The dispute's own papers first, then under their own heading the funding case's.
    heading = f"The funding case {funding.ref} it is about: {funding.title}"
    assert f"Compact dispute {dispute.ref}" in index and heading in index
    assert index.index("evidence.pdf") < index.index(heading) < index.index("Funding case summary and timeline")
    assert index.index(heading) < index.index("Letter: concern") < index.index("monitoring.pdf")
    own = entry_pages(index, "Case summary and timeline")
    evidence = entry_pages(index, "evidence.pdf")
    summary = entry_pages(index, "Funding case summary and timeline")
    letter = entry_pages(index, "Letter: concern")
    monitoring = entry_pages(index, "monitoring.pdf")
    assert entry_pages(index, "meals.csv") == "In the ZIP file"
    # Each range leads to its part, read back from the PDF (page N is pages[N - 1]).
    assert f"Compact dispute {dispute.ref}" in pages[own[0] - 1]
    assert "Dispute evidence sheet 1" in pages[evidence[0] - 1]
    assert f"Funding case {funding.ref}: {funding.title}" in pages[summary[0] - 1]
    assert letter[0] == summary[1] + 1 and monitoring == (letter[1] + 1, letter[1] + 2)
    assert "Monitoring return sheet 1" in pages[monitoring[0] - 1]
    assert "Monitoring return sheet 2" in pages[monitoring[1] - 1]
    assert monitoring[1] == len(pages)
    assert "Monitoring returns" in index   # the description, beneath the file's name


def test_a_disputes_bundle_is_made_again_when_the_funding_case_changes(app, signed_in, service, cast, clock, factory):
    funding = funding_case_at(service, cast, clock, "concern_raised")
    dispute = dispute_at(service, cast, clock, "raised", linked=funding)
    kitchen = signed_in("vl")
    make(kitchen, dispute.id)
    assert "Fingerprint of the PDF" in page(kitchen.get(f"/cases/{dispute.id}/bundle")).text
    clean_documents(app, funding.id, cast["vl"], clock.now(), "Monitoring returns",
                    ("monitoring.pdf", sample_pdf("Monitoring return", 1), "application/pdf"))
    assert "has not been made since the case last changed" in page(kitchen.get(f"/cases/{dispute.id}/bundle")).text
    make(kitchen, dispute.id)
    service.fire(funding.id, "acknowledge_concern", cast["vl"], {}, clock.now())
    assert "has not been made since the case last changed" in page(kitchen.get(f"/cases/{dispute.id}/bundle")).text
    make(kitchen, dispute.id)
    with factory() as s:
        assert [b.status for b in s.query(Bundle).where(Bundle.case_id == dispute.id)] == ["ready"] * 3


def test_a_party_who_may_not_read_the_funding_case_does_not_get_the_disputes_bundle(app, signed_in, service, cast,
                                                                                    clock):
    # The council's senior reviewer speaks for the council on its disputes, but holds no role on
    # the funding case (nor judges this dispute yet): that case's papers are not theirs to read.
    funding = funding_case_at(service, cast, clock, "concern_raised")
    linked = dispute_at(service, cast, clock, "raised", linked=funding)
    unlinked = dispute_at(service, cast, clock, "raised")
    reviewer = signed_in("reviewer")
    assert reviewer.get(f"/cases/{funding.id}").status_code == 404
    assert reviewer.get(f"/cases/{unlinked.id}/bundle").status_code == 200
    assert reviewer.get(f"/cases/{linked.id}").status_code == 200
    assert "Download the case bundle" not in page(reviewer.get(f"/cases/{linked.id}")).text
    assert reviewer.get(f"/cases/{linked.id}/bundle").status_code == 404
    assert make(reviewer, linked.id).status_code == 404


# --- superseded bundles' files are deleted a day after a newer one is ready ---------------

def test_the_scheduler_deletes_superseded_bundles_files_a_day_on_and_keeps_their_rows(app, signed_in, service, cast,
                                                                                      clock, factory, tmp_path):
    from web.composition import scheduler_jobs
    case = funding_case_at(service, cast, clock, "concern_raised")
    # (Signed in afresh after each move of the clock: an idle session ends.)
    make(signed_in("vl"), case.id)                           # built at 10:00 on day 0
    clock.advance(hours=2)
    service.fire(case.id, "acknowledge_concern", cast["vl"], {}, clock.now())
    make(signed_in("vl"), case.id)                           # the newer one, built at 12:00
    with factory() as s:
        old, new = s.query(Bundle).order_by(Bundle.id).all()
    folder = tmp_path / "bundles"
    assert (folder / old.pdf_path).is_file() and (folder / new.pdf_path).is_file()
    bundles_job = scheduler_jobs(app.extensions["casework"], only="bundles")[0]
    clock.advance(hours=23, minutes=59)                      # the newer one is not yet a day old
    bundles_job.run()
    assert (folder / old.pdf_path).is_file()
    assert fetch(signed_in("vl"), f"/cases/{case.id}/bundle/{old.id}.pdf").status_code == 200
    clock.advance(minutes=2)                                 # now it is
    assert "1 superseded" in bundles_job.run()
    with factory() as s:
        rows = {b.id: b for b in s.query(Bundle)}
    assert not (folder / old.pdf_path).exists() and (folder / new.pdf_path).is_file()
    assert rows[old.id].status == "removed" and rows[old.id].sha256 == old.sha256   # kept for the audit
    assert rows[new.id].status == "ready"
    kitchen = signed_in("vl")
    assert fetch(kitchen, f"/cases/{case.id}/bundle/{old.id}.pdf").status_code == 404
    assert fetch(kitchen, f"/cases/{case.id}/bundle/{new.id}.pdf").status_code == 200
    assert bundles_job.run() is None                         # nothing more to do


def test_the_newest_bundle_of_a_case_is_never_deleted(app, signed_in, service, cast, clock, factory, tmp_path):
    from notifications.bundles.jobs import remove_superseded
    case = funding_case_at(service, cast, clock, "concern_raised")
    make(signed_in("vl"), case.id)
    assert remove_superseded(bundle_work(app.extensions["casework"]), clock.advance(days=30)) == 0
    with factory() as s:
        only = s.query(Bundle).one()
    assert only.status == "ready" and (tmp_path / "bundles" / only.pdf_path).is_file()


# --- where the tests keep bundles -----------------------------------------------------------

def test_the_tests_apps_keep_bundles_and_documents_outside_the_repository(engine):
    from pathlib import Path
    from tests.web.conftest import settings_for
    from web.composition import bundle_folder, documents_dir
    settings = settings_for(engine)
    repository = Path(__file__).resolve().parents[2]
    for folder in (bundle_folder(settings), documents_dir(settings)):
        assert not folder.resolve().is_relative_to(repository), folder
