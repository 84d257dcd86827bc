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
from tests.web.helpers import location, page, sign_in_directly
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
