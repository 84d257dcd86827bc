"""Who may reach what: every route in the app's URL map, for a signed-out visitor and for each
kind of person, against a funding case of Crayford Community Kitchen at consultation. Deny by
default: a case of another organisation answers 404, administration 403 for everyone but
administrators, and administrators see no case content. A route added without a row in the
table fails `test_every_route_is_in_the_access_table`."""
import hashlib

import pytest

from casework.document_store import DocumentStore
from casework.documents import Document
from casework.letters import Letter
from casework.persistence import unit_of_work
from tests.factories import dispute_at, funding_case_at
from tests.web.conftest import documents_dir
from tests.web.helpers import location, page, sign_in_directly

VISITOR, FO, DM, VL, OTHER_VL, MEDIATOR, ADMIN = "visitor", "fo", "dm", "vl", "other_vl", "mediator", "admin"
PEOPLE = (FO, DM, VL, OTHER_VL, MEDIATOR, ADMIN)
SIGN_IN = (302, "/sign-in")
#: A trigger the case's funder officer, and only they, may use at consultation.
TRIGGER = "grant_extension"


def everyone(answer) -> dict:
    return {who: answer for who in (VISITOR, *PEOPLE)}


def signed_in_only(answer, **by_person) -> dict:
    """A page for signed-in people: a visitor is sent to sign in; `answer` unless overridden."""
    return {VISITOR: SIGN_IN, **{who: answer for who in PEOPLE}, **by_person}


CASE_PARTIES = {FO: 200, DM: 200, VL: 200}
#: (endpoint, method) -> who -> status, or (302, where the redirect goes).
EXPECTED = {
    ("static", "GET"): everyone(200),
    ("govuk_assets", "GET"): everyone(200),
    ("pages.heartbeat", "GET"): everyone(200),
    ("pages.accessibility", "GET"): everyone(200),
    ("pages.help_index", "GET"): everyone(200),
    ("pages.help_topic", "GET"): everyone(200),
    ("auth.sign_in", "GET"): everyone(200),
    ("auth.sign_in", "POST"): everyone(200),          # an empty form comes back with its errors
    ("auth.sign_out", "GET"): signed_in_only(200),   # "Do you want to sign out?": only a POST signs out
    ("auth.sign_out", "POST"): everyone(SIGN_IN),
    ("auth.extend_session", "POST"): signed_in_only(204),
    ("pages.timeline", "GET"): signed_in_only(200),
    ("pages.notifications", "GET"): signed_in_only(200),
    ("pages.mark_read", "POST"): signed_in_only((302, "/notifications")),
    ("pages.mail", "GET"): signed_in_only(200),
    ("reports.index", "GET"): signed_in_only(200),   # VCO staff: their own organisation's figures only
    ("reports.table_csv", "GET"): signed_in_only(200),   # the same figures, a table as CSV
    ("reports.workbook", "GET"): signed_in_only(200),    # the same figures as a workbook
    ("public_figures.page", "GET"): everyone(404),        # until an administrator publishes them
    ("public_figures.figures_csv", "GET"): everyone(404),
    ("public_figures.switch", "GET"): signed_in_only(403, admin=200),
    ("public_figures.switch", "POST"): signed_in_only(403, admin=400),   # nothing chosen
    ("cases.home", "GET"): signed_in_only(200),
    ("cases.case_list", "GET"): signed_in_only(200),
    ("cases.case_list_export", "GET"): signed_in_only(200),   # the cases each may see, as a file
    ("cases.case_detail", "GET"): signed_in_only(404, **CASE_PARTIES),
    ("cases.diagram", "GET"): signed_in_only(404, **CASE_PARTIES),
    ("cases.letter", "GET"): signed_in_only(404, **CASE_PARTIES),
    ("bundles.show", "GET"): signed_in_only(404, **CASE_PARTIES),
    ("bundles.make", "POST"): signed_in_only(404, **{who: (302, "/cases/<case_id>/bundle") for who in CASE_PARTIES}),
    ("bundles.download", "GET"): signed_in_only(404),   # no bundle of that id
    ("cases.action", "GET"): signed_in_only(404, fo=200),
    ("cases.action", "POST"): signed_in_only(404, fo=400),   # empty answers: the question page again
    ("documents.add", "GET"): signed_in_only(404, **CASE_PARTIES),
    ("documents.add", "POST"): signed_in_only(404, fo=400, dm=400, vl=400),   # no file chosen
    ("documents.open_document", "GET"): signed_in_only(404, **CASE_PARTIES),
    ("documents.withdraw_page", "GET"): signed_in_only(404, fo=200),          # only who added it
    ("documents.withdraw_page", "POST"): signed_in_only(404, fo=400),         # no reason given
    ("start.new_case", "GET"): signed_in_only(403, fo=200),
    ("start.new_case", "POST"): signed_in_only(403, fo=400),
    ("start.new_dispute", "GET"): signed_in_only(403, fo=200, vl=200, other_vl=200),
    ("start.new_dispute", "POST"): signed_in_only(403, fo=400, vl=400, other_vl=400),
    ("admin.index", "GET"): signed_in_only(403, admin=200),
    ("admin.people", "GET"): signed_in_only(403, admin=200),
    ("admin.people", "POST"): signed_in_only(403, admin=400),
    ("admin.edit_person", "GET"): signed_in_only(403, admin=200),
    ("admin.edit_person", "POST"): signed_in_only(403, admin=400),        # empty answers
    ("admin.change_access", "GET"): signed_in_only(403, admin=200),       # their own account: says they cannot
    ("admin.change_access", "POST"): signed_in_only(403, admin=400),      # nobody can lock themselves out
    ("admin.edit_organisation", "GET"): signed_in_only(403, admin=200),
    ("admin.edit_organisation", "POST"): signed_in_only(403, admin=400),  # empty answers
    ("admin.organisations", "GET"): signed_in_only(403, admin=200),
    ("admin.organisations", "POST"): signed_in_only(403, admin=400),
    ("admin.holidays", "GET"): signed_in_only(403, admin=200),
    ("admin.holidays", "POST"): signed_in_only(403, admin=400),
    ("admin.time_limits", "GET"): signed_in_only(403, admin=200),
    ("admin.time_limits", "POST"): signed_in_only(403, admin=(302, "/admin/time-limits")),
    ("admin.report_targets", "GET"): signed_in_only(403, admin=200),
    ("admin.report_targets", "POST"): signed_in_only(403, admin=(302, "/admin/report-targets")),
    ("admin.failed_messages", "GET"): signed_in_only(403, admin=200),
    # accounts: getting in without being signed in (no code is awaited, the link is not a real one)
    ("access.security_code", "GET"): everyone(SIGN_IN),
    ("access.security_code", "POST"): everyone(SIGN_IN),
    ("access.forgotten_password", "GET"): everyone(200),
    ("access.forgotten_password", "POST"): everyone(400),  # an empty form
    ("access.link_sent", "GET"): everyone((302, "/forgotten-password")),  # nothing was asked for
    ("access.reset_password", "GET"): everyone(404),
    ("access.reset_password", "POST"): everyone(404),
    ("access.invitation", "GET"): everyone(404),
    ("access.invitation", "POST"): everyone(404),
    ("account.your_account", "GET"): signed_in_only(200),
    ("account.sign_out_elsewhere", "POST"): signed_in_only((302, "/account/")),
    ("account.change_password", "GET"): signed_in_only(200),
    ("account.change_password", "POST"): signed_in_only(400),
    ("account.set_up_app", "GET"): signed_in_only(200),
    ("account.set_up_app", "POST"): signed_in_only(400),
    ("account.recovery_codes", "GET"): signed_in_only((302, "/account/")),  # none to show
    ("admin_accounts.invitation", "POST"): signed_in_only(403, admin=(302, "/admin/people/<person_id>")),
    ("admin_accounts.sign_out_everywhere", "GET"): signed_in_only(403, admin=200),  # their own: says they cannot
    ("admin_accounts.sign_out_everywhere", "POST"): signed_in_only(403, admin=400),
    ("admin_accounts.reset_app", "GET"): signed_in_only(403, admin=200),
    ("admin_accounts.reset_app", "POST"): signed_in_only(403, admin=400),
    ("admin_accounts.security_settings", "GET"): signed_in_only(403, admin=200),
    ("admin_accounts.security_settings", "POST"): signed_in_only(403, admin=400),
    ("admin_accounts.security_events", "GET"): signed_in_only(403, admin=200),
}


def routes(app) -> list[tuple[str, str]]:
    """Every (endpoint, method) the app answers, sign-out last (it ends the session)."""
    found = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    return sorted(found, key=lambda route: (route[0] == "auth.sign_out", route))


def url_for_route(app, endpoint: str, ids: dict[str, int]) -> str:
    values = {**ids, "trigger": TRIGGER, "topic": "vco", "token": "not-a-real-token",
              "change": "cancel" if endpoint == "admin_accounts.invitation" else "deactivate",
              "filename": "images/icon-document.svg" if endpoint == "govuk_assets" else "app.css",
              "bundle_id": 1, "key": "summary",
              "kind": "pdf" if endpoint.startswith("bundles.") else "xlsx" if endpoint == "reports.workbook" else "csv"}
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for
        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


@pytest.fixture
def consultation_case(service, cast, clock, factory):
    """The ids in the routes' URLs: a kitchen case at consultation with a letter on file, the
    kitchen, and the administrator (whose own account nobody may lock)."""
    case = funding_case_at(service, cast, clock, "consultation", route="resource")
    pdf = b"%PDF-1.4 a letter"
    with unit_of_work(factory) as s:
        letter = Letter(case_id=case.id, kind="concern", filename="concern.pdf", pdf=pdf,
                        sha256=hashlib.sha256(pdf).hexdigest(), trigger="raise_concern", created_at=clock.now())
        s.add(letter)
        s.flush()
        document = Document(case_id=case.id, stage=case.status, trigger="add_documents", description="Returns",
                            original_name="returns.pdf", stored_name="returns.pdf", content_type="application/pdf",
                            size=len(pdf), sha256=DocumentStore(documents_dir()).put(pdf), uploaded_by_id=cast["fo"],
                            uploaded_by_name="Priya Shah", uploaded_at=clock.now(), scan_status="clean")
        s.add(document)
        s.flush()
        return {"case_id": case.id, "letter_id": letter.id, "organisation_id": cast.orgs["kitchen"],
                "person_id": cast["admin"], "document_id": document.id}


def answers(app, browser, ids: dict[str, int]) -> dict:
    """What this browser gets from every route: status, or (302, redirect path)."""
    got = {}
    for endpoint, method in routes(app):
        url = url_for_route(app, endpoint, ids)
        response = browser.get(url) if method == "GET" else browser.submit(url, {})
        response.close()  # static files are streamed from an open file
        status = response.status_code
        where = location(response).split("?")[0].replace(f"/people/{ids['person_id']}", "/people/<person_id>") \
            .replace(f"/cases/{ids['case_id']}/", "/cases/<case_id>/")
        got[(endpoint, method)] = (302, where) if status == 302 else status
        if endpoint == "auth.sign_out":
            browser.csrf_token = None  # signing out starts a new session, with a new token
    return got


def test_every_route_is_in_the_access_table(app):
    assert set(routes(app)) == set(EXPECTED)


def test_signed_out_visitor_is_sent_to_sign_in_from_every_private_page(app, client, consultation_case):
    got = answers(app, client, consultation_case)
    assert got == {route: expected[VISITOR] for route, expected in EXPECTED.items()}


@pytest.mark.parametrize("who", PEOPLE)
def test_each_person_gets_the_right_answer_from_every_route(app, client, consultation_case, who):
    sign_in_directly(app, client, who)
    got = answers(app, client, consultation_case)
    wrong = {route: (status, EXPECTED[route][who]) for route, status in got.items() if EXPECTED[route][who] != status}
    assert wrong == {}, "route: (got, expected)"


def test_staff_of_another_organisation_get_not_found_for_a_dispute(app, signed_in, service, cast, clock):
    dispute = dispute_at(service, cast, clock, "informal_resolution")
    youth = signed_in("other_vl")
    assert youth.get(f"/cases/{dispute.id}").status_code == 404
    assert youth.get(f"/cases/{dispute.id}/actions/withdraw_dispute").status_code == 404


def test_a_case_of_another_organisation_is_not_in_their_case_list(app, signed_in, service, cast, clock):
    case = funding_case_at(service, cast, clock, "concern_raised")
    youth, kitchen = signed_in("other_vl"), signed_in("vl")
    assert case.ref not in page(youth.get("/cases")).text
    assert case.ref in page(kitchen.get("/cases")).text


def test_a_draft_is_seen_only_by_the_funder_officer_who_opened_it(app, signed_in, service, cast, clock):
    draft = funding_case_at(service, cast, clock, "draft")
    assert signed_in("fo").get(f"/cases/{draft.id}").status_code == 200
    assert signed_in("vl").get(f"/cases/{draft.id}").status_code == 404


def test_mediators_see_a_dispute_only_once_mediation_is_asked_for(app, signed_in, service, cast, clock):
    early = dispute_at(service, cast, clock, "informal_resolution")
    waiting = dispute_at(service, cast, clock, "mediation_requested")
    mediator = signed_in("mediator")
    assert mediator.get(f"/cases/{early.id}").status_code == 404
    assert mediator.get(f"/cases/{waiting.id}").status_code == 200


def test_administrators_see_no_dispute_about_their_own_organisation(app, signed_in, service, cast, clock):
    dispute = dispute_at(service, cast, clock, "raised")
    admin = signed_in("admin")
    assert admin.get(f"/cases/{dispute.id}").status_code == 404
    assert dispute.ref not in page(admin.get("/cases")).text


#: Those who judge a dispute: its D1 officer, senior reviewer, mediator and panel members.
JUDGES = ("officer", "reviewer", "mediator", "panel1", "panel2", "panel3")


@pytest.fixture
def judged_case(service, cast, clock, factory):
    """A funding case in its notice period, with its letters, and a dispute about it at the
    panel hearing, so that every one of JUDGES is assigned to the dispute."""
    from workflows.journeys import DISPUTE_TO_PANEL
    from tests.factories import raise_dispute, walk
    funding = funding_case_at(service, cast, clock, "notice_period")
    roles = {"complainant": cast["vl"], "respondent": cast["fo2"], "respondent_dm": cast["dm_fo"]}
    dispute = walk(service, raise_dispute(service, cast, clock, funding), DISPUTE_TO_PANEL, cast, clock,
                   until="panel_hearing", roles=roles)
    assert dispute.status == "panel_hearing"
    pdf = b"%PDF-1.4 the notice"
    with unit_of_work(factory) as s:
        letter = Letter(case_id=funding.id, kind="notice", filename="notice.pdf", pdf=pdf,
                        sha256=hashlib.sha256(pdf).hexdigest(), trigger="issue_notice", created_at=clock.now())
        s.add(letter)
        s.flush()
        return funding, dispute, letter.id


@pytest.mark.parametrize("who", JUDGES)
def test_those_judging_a_dispute_read_the_funding_case_it_is_about(app, signed_in, judged_case, who):
    funding, dispute, letter_id = judged_case
    browser = signed_in(who)
    case_page = browser.get(f"/cases/{funding.id}")
    assert case_page.status_code == 200
    text = page(case_page).text
    assert "Reduce the grant for the lunch club" in text               # the consultation's proposal, on the timeline
    assert "We can reach 30 a week with a second minibus run." in text  # the organisation's response
    assert browser.get(f"/cases/{funding.id}/letters/{letter_id}").status_code == 200
    assert funding.ref in page(browser.get("/cases")).text
    assert f"/cases/{funding.id}" in browser.get(f"/cases/{dispute.id}").get_data(as_text=True)  # the linked case row


@pytest.mark.parametrize("who", JUDGES)
def test_those_judging_a_dispute_can_do_nothing_on_the_funding_case(app, signed_in, service, factory, cast, clock,
                                                                     judged_case, who):
    from casework.errors import NotPermitted
    from tests.factories import counts
    from workflows.funding_change import TRANSITIONS, WORKFLOW
    funding, _, _ = judged_case
    open_now = {t.trigger for t in WORKFLOW.available(funding.status)}
    browser = signed_in(who)
    before = counts(factory, funding.id)
    assert "/actions/" not in page(browser.get(f"/cases/{funding.id}")).text   # no action is offered
    for trigger in sorted({t.trigger for t in TRANSITIONS if not t.is_system}):
        url = f"/cases/{funding.id}/actions/{trigger}"
        assert browser.get(url).status_code == 404, trigger
        assert browser.submit(url, {"reason": "Because.", "case_version": str(before["version"])}).status_code in (
            302, 404), trigger
        if trigger in open_now:   # the engine refuses them as not theirs, not merely out of stage
            with pytest.raises(NotPermitted):
                service.fire(funding.id, trigger, cast[who], {"reason": "Because."}, clock.now())
    assert counts(factory, funding.id) == before


def test_nobody_else_reads_a_funding_case_because_it_is_disputed(app, signed_in, judged_case):
    funding, _, _ = judged_case
    assert signed_in("other_vl").get(f"/cases/{funding.id}").status_code == 404
