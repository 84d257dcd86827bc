"""The pages people use every day: each person's home, the case list with its filters and
pages, the case page (stage in plain English, deadlines with working days left, letters, the
process diagram), the projected timeline, the notice's check-your-answers page, and the bank
holiday page."""
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from casework.cases import Case
from casework.deadlines import Deadline
from casework.letters import Letter
from tests.factories import DISPUTE_ROLES, dispute_at, funding_case_at, walk
from tests.web.helpers import location, page, sign_in_directly
from workflows.journeys import DISPUTE_RAISE, DISPUTE_TO_PANEL, FUNDING_PERFORMANCE
from workflows.opening import DISPUTE_FIELDS, FUNDING_CASE_FIELDS
from workflows.registry import WORKFLOWS

#: Internal names people must never read: states, triggers and the codes of choices, where
#: they are not plain words (an underscore or a dot in them).
CHOICE_CODES = {key for fields in [t.fields for w in WORKFLOWS.values() for t in w.transitions]
                + [FUNDING_CASE_FIELDS, DISPUTE_FIELDS] for f in fields for key, _ in f.choices}
INTERNAL_NAMES = sorted({str(s.value) for w in WORKFLOWS.values() for s in w.states if "_" in s.value}
                        | {t.trigger for w in WORKFLOWS.values() for t in w.transitions}
                        | {code for code in CHOICE_CODES if "_" in code or "." in code})


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def refs_in(rows: list[str]) -> set[str]:
    return {m for row in rows for m in re.findall(r"\b(?:FC|DS)-\d{4}\b", row)}


# --- home -----------------------------------------------------------------------------------

def test_home_shows_the_organisation_what_is_waiting_on_it(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "concern_raised")
    home = page(signed_in("vl").get("/"))
    assert refs_in(home.rows("Waiting on you")) == {case.ref}
    assert "Acknowledge the concern" in home.rows("Waiting on you")[0]


def test_home_does_not_list_what_is_waiting_on_someone_else(service, cast, clock, signed_in):
    funding_case_at(service, cast, clock, "concern_raised")
    home = page(signed_in("fo").get("/"))
    assert home.rows("Waiting on you") == []
    assert "Nothing is waiting on you." in home.text


def test_home_shows_a_decision_maker_the_decisions_waiting_on_them(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "decision_pending", route="resource")
    assert refs_in(page(signed_in("dm").get("/")).rows("Waiting on you")) == {case.ref}


def test_home_shows_what_is_overdue(service, cast, clock, signed_in):
    late = funding_case_at(service, cast, clock, "concern_raised")
    clock.advance(days=14)
    on_time = funding_case_at(service, cast, clock, "concern_raised")
    home = page(signed_in("vl").get("/"))
    assert refs_in(home.rows("Overdue")) == {late.ref}
    assert on_time.ref not in " ".join(home.rows("Overdue"))
    assert "was due on" in home.rows("Overdue")[0]


def test_home_shows_a_mediator_the_disputes_waiting_for_mediation(service, cast, clock, signed_in):
    dispute = dispute_at(service, cast, clock, "mediation_requested")
    assert refs_in(page(signed_in("mediator").get("/")).rows("Waiting on you")) == {dispute.ref}


# --- case list ------------------------------------------------------------------------------

def open_drafts(service, cast, clock, n: int, org: str = "kitchen") -> list[Case]:
    return [service.open_funding_case(cast["fo"], {"title": f"Programme {i}", "vco": cast.orgs[org]}, clock.now())
            for i in range(n)]


def test_the_case_list_shows_25_cases_a_page(service, cast, clock, signed_in):
    cases = open_drafts(service, cast, clock, 30)
    fo = signed_in("fo")
    first, second = page(fo.get("/cases")), page(fo.get("/cases?page=2"))
    assert "30 cases." in first.text
    assert len(first.rows("Cases, most recently changed first")) == 25
    assert len(second.rows("Cases, most recently changed first")) == 5
    shown = refs_in(first.rows("Cases, most recently changed first") + second.rows("Cases, most recently changed first"))
    assert shown == {c.ref for c in cases}


def test_the_case_list_links_to_the_next_page(service, cast, clock, signed_in):
    open_drafts(service, cast, clock, 26)
    html = signed_in("fo").get("/cases?stage=funding_change:draft").get_data(as_text=True)
    assert re.search(r'href="/cases\?[^"]*page=2', html)
    assert "stage=funding_change:draft" in re.search(r'href="(/cases\?[^"]*page=2[^"]*)"', html).group(1), \
        "the filters are kept from page to page"


def test_the_case_list_filters_by_stage(service, cast, clock, signed_in):
    open_drafts(service, cast, clock, 2)
    raised = funding_case_at(service, cast, clock, "concern_raised")
    listed = page(signed_in("fo").get("/cases?stage=funding_change:concern_raised"))
    assert refs_in(listed.rows("Cases, most recently changed first")) == {raised.ref}


def test_the_case_list_filters_by_organisation(service, cast, clock, signed_in):
    open_drafts(service, cast, clock, 2, org="kitchen")
    youth = open_drafts(service, cast, clock, 1, org="youth")
    listed = page(signed_in("fo").get(f"/cases?organisation={cast.orgs['youth']}"))
    assert refs_in(listed.rows("Cases, most recently changed first")) == {youth[0].ref}


def test_the_case_list_filters_overdue_cases(service, cast, clock, signed_in):
    late = funding_case_at(service, cast, clock, "concern_raised")
    clock.advance(days=14)
    funding_case_at(service, cast, clock, "concern_raised")
    listed = page(signed_in("fo").get("/cases?due=overdue"))
    assert refs_in(listed.rows("Cases, most recently changed first")) == {late.ref}


@pytest.mark.parametrize("query", ["stage=nonsense", "organisation=abc", "organisation=99999999999999",
                                   "due=yesterday", "page=-1", "page=999999", "page=%00", "stage=funding_change:"])
def test_the_case_list_ignores_filters_it_does_not_know(service, cast, clock, signed_in, query):
    case = funding_case_at(service, cast, clock, "concern_raised")
    response = signed_in("fo").get(f"/cases?{query}")
    assert response.status_code == 200
    assert case.ref in page(response).text or "No cases match these filters." in page(response).text


# --- case page ------------------------------------------------------------------------------

def visible_internal_names(text: str) -> list[str]:
    return [name for name in INTERNAL_NAMES if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", text)]


def test_a_funding_case_page_never_shows_internal_names_at_any_stage(patient_app, service, cast, clock):
    fo, vl = patient_app.test_client(), patient_app.test_client()
    sign_in_directly(patient_app, fo, "fo"), sign_in_directly(patient_app, vl, "vl")
    case = service.open_funding_case(cast["fo"], {"title": "Lunch club", "vco": cast.orgs["kitchen"],
                                                  "decision_maker": cast["dm"]}, clock.now())
    found = {}
    for step in (None, *FUNDING_PERFORMANCE):
        if step is not None:
            case = walk(service, case, (step,), cast, clock)
        for who, browser in (("fo", fo), ("vl", vl)):
            found[(case.status, who)] = visible_internal_names(page(browser.get(f"/cases/{case.id}")).text)
    assert {key: names for key, names in found.items() if names} == {}
    assert len({status for status, _ in found}) >= 10, "the walk visited every stage on the way"


def test_a_dispute_page_never_shows_internal_names_at_any_stage(patient_app, service, cast, clock):
    vl = patient_app.test_client()
    sign_in_directly(patient_app, vl, "vl")
    case = service.raise_dispute(cast["vl"], {**DISPUTE_RAISE, "respondent": cast.orgs["council"]}, clock.now())
    roles = {k: cast[v] for k, v in DISPUTE_ROLES.items()}
    found = {}
    for step in (None, *DISPUTE_TO_PANEL):
        if step is not None:
            case = walk(service, case, (step,), cast, clock, roles=roles)
        found[case.status] = visible_internal_names(page(vl.get(f"/cases/{case.id}")).text)
    assert {status: names for status, names in found.items() if names} == {}


def test_the_case_page_says_what_happens_next_in_plain_english(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "concern_raised")
    text = page(signed_in("vl").get(f"/cases/{case.id}")).text
    assert "What happens next" in text
    assert "Concern raised" in text


def deadline_row(browser, case_id: int) -> str:
    rows = page(browser.get(f"/cases/{case_id}")).rows("Deadlines at this stage")
    assert len(rows) == 1
    return rows[0]


def test_the_case_page_counts_the_working_days_left(patient_app, service, cast, clock):
    case = funding_case_at(service, cast, clock, "concern_raised")   # raised on Wednesday 2 December 2026
    vl = patient_app.test_client()
    sign_in_directly(patient_app, vl, "vl")
    assert "by 9 December 2026 (5 working days left)" in deadline_row(vl, case.id)
    clock.advance(days=2)                                              # Friday
    sign_in_directly(patient_app, vl, "vl")                            # a session lasts 12 hours at most
    assert "(3 working days left)" in deadline_row(vl, case.id)
    clock.advance(days=3)                                              # Monday: the weekend does not count
    sign_in_directly(patient_app, vl, "vl")
    assert "(2 working days left)" in deadline_row(vl, case.id)


def test_the_case_page_marks_a_missed_deadline_overdue(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "concern_raised")
    clock.advance(days=8)                                              # Thursday 10 December
    row = deadline_row(signed_in("vl"), case.id)
    assert "Overdue" in row and "was due on 9 December 2026" in row


def test_working_days_left_count_a_one_off_bank_holiday(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "concern_raised")   # due Wednesday 9 December
    admin = signed_in("admin")
    admin.submit("/admin/holidays", {"on": ["4", "12", "2026"], "name": "A royal wedding"})
    row = deadline_row(signed_in("vl"), case.id)
    assert "by 10 December 2026 (5 working days left)" in row


def test_a_notice_letter_downloads_as_a_pdf(letters_app, cast, clock):
    service = letters_app.extensions["casework"].service
    case = funding_case_at(service, cast, clock, "notice_period")
    fo = letters_app.test_client()
    sign_in_directly(letters_app, fo, "fo")
    html = fo.get(f"/cases/{case.id}").get_data(as_text=True)
    with service.factory() as s:
        notice = s.scalar(select(Letter).where(Letter.case_id == case.id, Letter.kind == "notice"))
    assert f"/cases/{case.id}/letters/{notice.id}" in html

    response = fo.get(f"/cases/{case.id}/letters/{notice.id}?download=1")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]


def test_a_letter_of_another_case_is_not_found(letters_app, cast, clock):
    service = letters_app.extensions["casework"].service
    lettered = funding_case_at(service, cast, clock, "concern_raised")
    other = funding_case_at(service, cast, clock, "draft")
    with service.factory() as s:
        letter_id = s.scalar(select(Letter.id).where(Letter.case_id == lettered.id))
    fo = letters_app.test_client()
    sign_in_directly(letters_app, fo, "fo")
    assert fo.get(f"/cases/{other.id}/letters/{letter_id}").status_code == 404


def test_the_process_diagram_highlights_the_current_stage(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "concern_raised")
    response = signed_in("fo").get(f"/cases/{case.id}/diagram.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.count("(this case is here)") == 1
    node = next(g for g in svg.split('<g id="node') if "(this case is here)" in g)
    assert "Concern raised (this case is here)" in " ".join(re.sub(r"<[^>]+>", " ", node).split())
    assert 'fill="#005a5b"' in node


# --- projected timeline ---------------------------------------------------------------------

@pytest.mark.parametrize("start", ["31/02/2026", "2026-02-31", "tomorrow", "0001-01-01", "99999-01-01", "%00"])
def test_the_projected_timeline_explains_a_bad_start_date(signed_in, start):
    response = signed_in("fo").get(f"/timeline?start={start}")
    assert response.status_code == 400
    assert page(response).errors == ["Start date must be a real date"]


def test_the_projected_timeline_asks_for_its_start_date_as_day_month_and_year(signed_in):
    browser = signed_in("fo")
    shown = browser.get("/timeline").get_data(as_text=True)
    assert 'name="start"' in shown and "start-month" in shown and "start-year" in shown
    timeline = page(browser.get("/timeline", query_string=[("start", "1"), ("start", "12"), ("start", "2026"),
                                                            ("route", "resource")]))
    assert timeline.rows("Earliest dates")[0].startswith("Tue 1 Dec 2026")
    missing = browser.get("/timeline", query_string=[("start", ""), ("start", "12"), ("start", "2026")])
    assert missing.status_code == 400 and page(missing).errors == ["Start date must include a day"]
    assert 'href="#start-day"' in missing.get_data(as_text=True), "the summary links to the day box"


def test_the_projected_timeline_shows_the_earliest_dates(signed_in):
    timeline = page(signed_in("fo").get("/timeline?start=2026-12-01&route=resource"))
    rows = timeline.rows("Earliest dates")
    assert rows[0].startswith("Tue 1 Dec 2026")
    assert len(rows) > 3


# --- the notice: check your answers ---------------------------------------------------------

def notice_form(page_, sent: date, time: str, effective: date, channel: str = "email") -> dict:
    return {"case_version": page_.value("case_version"), "channel": channel,
            "sent_at_date": [str(sent.day), str(sent.month), str(sent.year)], "sent_at_time": time,
            "effective_on": [str(effective.day), str(effective.month), str(effective.year)]}


@pytest.fixture
def notice_pending(service, cast, clock):
    case = funding_case_at(service, cast, clock, "notice_pending", route="resource")
    clock.current = utc(2027, 2, 1, 10, 0)   # Monday 1 February 2027, after the decision
    return case


def test_checking_the_notice_shows_its_dates(notice_pending, signed_in):
    fo = signed_in("fo")
    url = f"/cases/{notice_pending.id}/actions/issue_notice"
    form = notice_form(page(fo.get(url)), date(2027, 2, 1), "17:30", date(2027, 5, 3))

    check = page(fo.submit(url, form))

    assert "Check the notice before you send it" in check.text
    assert "Deemed given on 2 February 2027" in check.text, "emailed after 5pm: given the next working day"
    assert "Minimum notice period ends 2 May 2027" in check.text
    assert "Earliest date the change can take effect 3 May 2027" in check.text
    assert "The letter as it will be sent" in check.text


def test_checking_a_notice_with_too_early_an_effective_date_refuses_it_on_the_question_page(notice_pending, signed_in):
    fo = signed_in("fo")
    url = f"/cases/{notice_pending.id}/actions/issue_notice"
    form = notice_form(page(fo.get(url)), date(2027, 2, 1), "10:30", date(2027, 3, 1))
    response = fo.submit(url, form)
    assert response.status_code == 400
    assert "Check the notice before you send it" not in page(response).text
    assert "needs an effective date of 2 May 2027 or later" in page(response).errors[0]


def test_sending_a_notice_with_too_early_an_effective_date_is_refused(notice_pending, signed_in, service):
    fo = signed_in("fo")
    url = f"/cases/{notice_pending.id}/actions/issue_notice"
    form = notice_form(page(fo.get(url)), date(2027, 2, 1), "10:30", date(2027, 3, 1))

    response = fo.submit(url, {**form, "confirm": "1"})

    assert response.status_code == 400
    assert page(response).errors == [
        "Notice deemed given on 1 February 2027 needs an effective date of 2 May 2027 or later (3 months' notice). "
        "A shorter notice needs exceptional circumstances approved by the decision-maker."]
    with service.factory() as s:
        stored = s.get(Case, notice_pending.id)
        assert (stored.status, stored.version) == ("notice_pending", notice_pending.version)
        assert s.scalar(select(Letter).where(Letter.case_id == notice_pending.id, Letter.kind == "notice")) is None


def test_sending_a_lawful_notice_starts_the_notice_period(notice_pending, signed_in, service):
    fo = signed_in("fo")
    url = f"/cases/{notice_pending.id}/actions/issue_notice"
    form = notice_form(page(fo.get(url)), date(2027, 2, 1), "10:30", date(2027, 5, 2))
    response = fo.submit(url, {**form, "confirm": "1"})
    assert response.status_code == 302
    with service.factory() as s:
        assert s.get(Case, notice_pending.id).status == "notice_period"


# --- bank holidays --------------------------------------------------------------------------

def test_adding_a_bank_holiday_says_how_many_deadlines_moved(service, cast, clock, signed_in, factory):
    first = funding_case_at(service, cast, clock, "concern_raised")    # due Wednesday 9 December
    second = funding_case_at(service, cast, clock, "concern_raised")   # due Thursday 10 December
    funding_case_at(service, cast, clock, "draft")                     # no deadline to move
    admin = signed_in("admin")

    response = admin.submit("/admin/holidays", {"on": ["4", "12", "2026"], "name": "A royal wedding"})

    assert location(response) == "/admin/holidays"
    shown = page(admin.get("/admin/holidays")).text
    assert "Bank holiday added. 2 deadline(s) moved" in shown
    with factory() as s:
        due = s.scalars(select(Deadline.due_on).where(Deadline.case_id.in_([first.id, second.id]))).all()
    assert sorted(due) == [date(2026, 12, 10), date(2026, 12, 11)], "each a working day later than before"


def test_a_bank_holiday_after_every_deadline_moves_none(service, cast, clock, signed_in):
    funding_case_at(service, cast, clock, "concern_raised")
    admin = signed_in("admin")
    admin.submit("/admin/holidays", {"on": ["7", "6", "2027"], "name": "A jubilee"})
    assert "Bank holiday added. 0 deadline(s) moved" in page(admin.get("/admin/holidays")).text


def test_the_case_timeline_says_why_a_deadline_moved(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "concern_raised")
    signed_in("admin").submit("/admin/holidays", {"on": ["4", "12", "2026"], "name": "A royal wedding"})
    text = page(signed_in("vl").get(f"/cases/{case.id}")).text
    assert "A royal wedding on 4 December 2026 was added as a bank holiday" in text


@pytest.mark.parametrize("on", [["30", "2", "2027"], ["04/12/2026", "", ""], ["", "", ""], ["25", "12", "2026"]])
def test_a_bank_holiday_that_is_not_a_new_working_day_is_refused_with_a_reason(signed_in, on):
    response = signed_in("admin").submit("/admin/holidays", {"on": on, "name": "Something"})
    assert response.status_code == 400
    assert len(page(response).errors) == 1
