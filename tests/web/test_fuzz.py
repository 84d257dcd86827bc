"""No input a person can send produces a 500. Hypothesis fills in every action form of both
processes (on a case at each open stage, as someone who may take the action), the forms that
start a case or a dispute, the administration forms (adding and changing people and
organisations, deactivating people, adding a bank holiday, setting time limits), sign-in and
the projected timeline, with unicode, NUL bytes, huge strings, markup, impossible dates, lists
where one value is expected, missing fields and odd times. A refusal is a page with a GOV.UK
error summary, and nothing is written; a success goes back to the case."""
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from casework.audit import AuditEntry
from casework.cases import Case
from casework.logins import LoginSession
from tests.factories import DISPUTE_ROLES, counts, dispute_at, funding_case_at, walk
from tests.web.helpers import email_of, location, page, sign_in_directly, snapshot
from workflows.journeys import DISPUTE_TO_PANEL
from workflows.limits import TimeLimits
from workflows.opening import DISPUTE_FIELDS, FUNDING_CASE_FIELDS
from workflows.registry import WORKFLOWS

FUZZ = settings(deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
MISSING = object()
#: Who in the test cast plays each role on the cases built here.
PLAYERS = {"funder_officer": "fo", "decision_maker": "dm", "vco_lead": "vl", "complainant": "vl",
           "respondent": "fo", "respondent_officer": "officer", "senior_reviewer": "reviewer",
           "mediator": "mediator", "mediation_service": "mediator", "panel_member": "panel1"}
#: Dispute stages whose first step assigns the people who act next (so that they can).
ASSIGNED_AT = {state: tuple(s for s in DISPUTE_TO_PANEL if s.trigger == trigger)
               for state, trigger in (("senior_review", "assign_reviewer"), ("panel_referred", "appoint_panel"))}
#: Funding stages reached faster by the resource route.
RESOURCE_STAGES = {"impact_assessment", "consultation", "decision_pending", "notice_pending", "notice_period"}

# --- what people might send -------------------------------------------------------------------

NASTY = st.sampled_from([
    "", " ", "\x00", "a\x00b", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --",
    "{{ 7*7 }}", "{0.__class__}", "%s%n", "\u202eevil", "ｆｕｌｌ", "🙂🙂", "x" * 20_001, "\r\n\r\n", "None",
    "true", "-1", "0", "1", "2", "2147483648", "99999999999999999999", "1e3", "NaN", "٣", "2026-02-31",
    "31/02/2026", "2026-12-01T25:00"])
SCALAR = st.one_of(NASTY, st.text(max_size=30))
DATE_PARTS = st.one_of(
    st.sampled_from([["31", "02", "2026"], ["", "", ""], ["29", "2", "2027"], ["1", "13", "2026"], ["0", "0", "0"],
                     ["1", "1", "99999"], ["1", "1", "1"], ["-1", "-1", "-1"], ["١", "١", "٢٠٢٧"], ["1", "1"]]),
    st.dates(date(2026, 1, 1), date(2031, 12, 31)).map(lambda d: [str(d.day), str(d.month), str(d.year)]),
    st.lists(st.one_of(st.integers(-10**12, 10**12).map(str), SCALAR), max_size=4))
TIMES = st.one_of(st.sampled_from(["14:30", "2:30pm", "12am", "12pm", "13pm", "25:00", "12:60", "24:00", "noon",
                                   "9", "09:5", "-1:00", "1:2:3", "１２:３０", "99999999999999999999:00", "12.30",
                                   "0:00am", ":", "am"]), SCALAR)
CONFIRM = st.sampled_from(["y", "yes", "on", "1", "", "no", "false"])


def one_of_values(values) -> st.SearchStrategy:
    """A valid value, or anything else."""
    return st.one_of(st.sampled_from(list(values)), SCALAR) if values else SCALAR


def shaped(value: st.SearchStrategy) -> st.SearchStrategy:
    """Sent as expected, left out, or sent several times where one value is expected."""
    return st.one_of(value, st.just(MISSING), st.lists(SCALAR, min_size=2, max_size=3))


def field_values(f, ids: list[str]) -> dict[str, st.SearchStrategy]:
    """The form fields one workflow Field becomes (see web/forms/actions.py), each with its strategy."""
    if f.kind == "actions":
        return {name: shaped(strategy) for n in (1, 2) for name, strategy in (
            (f"action_{n}_what", SCALAR), (f"action_{n}_who", SCALAR), (f"action_{n}_by", DATE_PARTS))}
    if f.kind == "datetime":
        return {f"{f.name}_date": shaped(DATE_PARTS), f"{f.name}_time": shaped(TIMES)}
    strategy = {
        "date": DATE_PARTS, "choice": one_of_values(k for k, _ in f.choices), "person": one_of_values(ids),
        "int": one_of_values(ids), "confirm": CONFIRM,
        "multichoice": st.lists(one_of_values(k for k, _ in f.choices), max_size=4),
    }.get(f.kind, SCALAR)
    return {f.name: shaped(strategy)}


def form_for(fields, ids: list[str], extra: dict[str, st.SearchStrategy] | None = None) -> st.SearchStrategy:
    """A whole form as (name, value) pairs, with an unexpected field or two now and then."""
    parts = {name: s for f in fields for name, s in field_values(f, ids).items()} | (extra or {})
    strangers = st.dictionaries(st.sampled_from(["submit", "id", "status", "case_id", "version", "action_9_what"]),
                                SCALAR, max_size=2)
    return st.tuples(st.fixed_dictionaries(parts), strangers).map(lambda both: pairs({**both[1], **both[0]}))


def pairs(values: dict) -> list[tuple[str, str]]:
    out = []
    for name, value in values.items():
        if value is MISSING:
            continue
        out += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return out


def person_ids() -> list[str]:
    return [str(n) for n in range(1, 16)]


# --- the cases the actions are tried on -------------------------------------------------------

def candidates(workflow_key: str) -> list[tuple[str, str, str]]:
    """(stage, trigger, who) for every action a person may take at every open stage."""
    workflow = WORKFLOWS[workflow_key]
    found = []
    for state in workflow.states:
        if state.value in workflow.terminal:
            continue
        for t in workflow.available(state.value):
            players = sorted(PLAYERS[role] for role in t.who if role in PLAYERS)
            if not t.is_system and players:
                found.append((state.value, t.trigger, players[0]))
    return found


class Cases:
    """One case per stage, built when first needed and again once an action changed it (an
    action that keeps the stage may still change what is offered: an exception signed off
    is not offered again)."""

    def __init__(self, service, cast, clock, workflow_key: str) -> None:
        self.service, self.cast, self.clock, self.workflow_key = service, cast, clock, workflow_key
        self.ids: dict[str, int] = {}

    def at(self, state: str) -> int:
        case_id = self.ids.get(state)
        if case_id is None or counts(self.service.factory, case_id)["status"] != state:
            if self.workflow_key == "dispute":
                case = dispute_at(self.service, self.cast, self.clock, state)
                case = walk(self.service, case, ASSIGNED_AT.get(state, ()), self.cast, self.clock,
                            roles={k: self.cast[v] for k, v in DISPUTE_ROLES.items()})
            else:
                route = "resource" if state in RESOURCE_STAGES else "performance"
                case = funding_case_at(self.service, self.cast, self.clock, state, route=route)
            self.ids[state] = case_id = case.id
        return case_id

    def changed(self, state: str) -> None:
        """The case at this stage was acted on: the next example gets a new one."""
        self.ids.pop(state, None)


class Browsers:
    """One signed-in browser per member of the cast, signed in when first needed, and again
    once the clock has moved on (making cases walks it days ahead; a session lasts 12 hours)."""

    def __init__(self, app) -> None:
        self.app, self.signed_in = app, {}

    def __getitem__(self, key: str):
        now = self.app.extensions["casework"].clock.now()
        browser, signed_in_at = self.signed_in.get(key, (None, None))
        if browser is None or signed_in_at != now:
            browser = sign_in_directly(self.app, self.app.test_client(), key)
            self.signed_in[key] = (browser, now)
        return browser


def assert_answered_properly(response, *, may_show_page: bool = False) -> None:
    """Never a 500; a refusal carries an error summary saying what to fix."""
    allowed = {302, 400, 409, 413} | ({200} if may_show_page else set())
    assert response.status_code in allowed, response.get_data(as_text=True)[:2000]
    if response.status_code == 400:
        assert page(response).errors, "a 400 names each problem in a GOV.UK error summary"
    if response.status_code == 409:
        assert "This case changed while you were looking at it" in page(response).text


def fuzz_actions(workflow_key: str, max_examples: int, app, service, cast, clock) -> None:
    """Send made-up answers to random actions on cases of this process, checking each answer."""
    choices = candidates(workflow_key)
    version = st.one_of(st.just("current"), st.just("current"), st.just("current"), st.just(MISSING), NASTY)
    cases, browsers = Cases(service, cast, clock, workflow_key), Browsers(app)

    @settings(FUZZ, max_examples=max_examples)
    @given(data=st.data())
    def check(data):
        state, trigger, who = data.draw(st.sampled_from(choices), label="stage, trigger, who")
        row = WORKFLOWS[workflow_key].rows(trigger)[0]
        extra = {"confirm": st.sampled_from([MISSING, "1"])} if trigger == "issue_notice" else {}
        form = data.draw(form_for(row.fields, person_ids(), extra), label="form")
        sent_version = data.draw(version, label="case_version")
        case_id = cases.at(state)
        before = counts(service.factory, case_id)
        if sent_version is not MISSING:
            form.append(("case_version", str(before["version"]) if sent_version == "current" else sent_version))

        response = browsers[who].submit(f"/cases/{case_id}/actions/{trigger}", form)

        # An action checked before it is done answers a good form with its check page.
        assert_answered_properly(response, may_show_page=WORKFLOWS[workflow_key].row(trigger).check_first)
        if response.status_code == 302:
            assert location(response) == f"/cases/{case_id}"
            cases.changed(state)
        else:
            assert counts(service.factory, case_id) == before, "nothing written on a refusal"
    check()


def test_no_input_to_a_funding_case_action_gets_a_server_error(patient_app, service, cast, clock):
    fuzz_actions("funding_change", 80, patient_app, service, cast, clock)


def test_no_input_to_a_dispute_action_gets_a_server_error(patient_app, service, cast, clock):
    fuzz_actions("dispute", 60, patient_app, service, cast, clock)


# --- starting a case or a dispute ---------------------------------------------------------

def cases_and_audit(factory) -> tuple[int, int]:
    with factory() as s:
        return (s.scalar(select(func.count()).select_from(Case)),
                s.scalar(select(func.count()).select_from(AuditEntry)))


@pytest.mark.parametrize("url, who, fields", [("/cases/new", "fo", FUNDING_CASE_FIELDS),
                                               ("/disputes/new", "vl", DISPUTE_FIELDS)])
def test_no_input_to_a_form_that_starts_a_case_gets_a_server_error(app, factory, url, who, fields):
    browser = Browsers(app)[who]

    @settings(FUZZ, max_examples=30)
    @given(form=form_for(fields, person_ids()))
    def check(form):
        before = cases_and_audit(factory)
        response = browser.submit(url, form)
        assert_answered_properly(response)
        if response.status_code == 302:
            assert location(response).startswith("/cases/")
        else:
            assert cases_and_audit(factory) == before
    check()


# --- administration -------------------------------------------------------------------------

LIMIT_NAMES = [f for f in TimeLimits.__dataclass_fields__]
LIMIT_VALUES = one_of_values(["0", "1", "3", "10", " 12 ", "20", "60", "61", "520", "521", "-1", "+5", "1.5", "０"])


def fixed(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """A form with each of these fields sent as expected, left out, or sent several times."""
    return st.fixed_dictionaries({name: shaped(s) for name, s in fields.items()})


ADMIN_FORMS = {
    "/admin/people": fixed({"name": SCALAR,
                            "email": st.one_of(st.sampled_from(["new.person@example.org", "FO@example.org"]), SCALAR),
                            "password": st.one_of(st.just("a-long-enough-password"), SCALAR),
                            "organisation": one_of_values(["1", "3"]),
                            "roles": st.lists(one_of_values(["vco_staff", "mediator", "administrator"]), max_size=3)}),
    "/admin/organisations": fixed({"name": st.one_of(st.sampled_from(["BVSC", "Welling Food Bank"]), SCALAR),
                                   "kind": one_of_values(["vco", "statutory", "infrastructure"])}),
    # Days that are bank holidays already (Christmas, or one added by an earlier example) among them.
    "/admin/holidays": fixed({"on": st.one_of(DATE_PARTS, st.sampled_from([["25", "12", "2026"],
                                                                             ["10", "may", "2027"]])),
                              "name": st.one_of(st.just("A coronation"), SCALAR)}),
    # A few limits at a time: the rest are left out, and so keep their values.
    "/admin/time-limits": st.dictionaries(st.sampled_from(LIMIT_NAMES), shaped(LIMIT_VALUES), max_size=5),
}


@pytest.mark.parametrize("url", sorted(ADMIN_FORMS))
def test_no_input_to_an_administration_form_gets_a_server_error(app, engine, url):
    admin, service = Browsers(app)["admin"], app.extensions["casework"].service

    @settings(FUZZ, max_examples=20)
    @given(form=ADMIN_FORMS[url].map(pairs))
    def check(form):
        before, limits, holidays = snapshot(engine), service.limits, service.calendar.extra_holidays()
        response = admin.submit(url, form)
        assert_answered_properly(response)
        if response.status_code != 302:
            assert snapshot(engine) == before, "nothing written on a refusal"
            assert (service.limits, service.calendar.extra_holidays()) == (limits, holidays)
    check()


#: The forms that change a person, their access or an organisation, and what might be sent.
CHANGE_FORMS = {
    "person": {"name": SCALAR, "email": st.one_of(st.sampled_from(["new.person@example.org", "FO@example.org"]), SCALAR),
               "organisation": one_of_values(["1", "3", "99999", "²"]),
               "roles": st.lists(one_of_values(["vco_staff", "mediator", "administrator"]), max_size=3)},
    "access": {"confirm": SCALAR, "is_active": SCALAR},
    "organisation": {"name": st.one_of(st.sampled_from(["BVSC", "Welling Food Bank"]), SCALAR),
                     "kind": one_of_values(["vco", "statutory", "infrastructure"])},
}


@pytest.mark.parametrize("what", sorted(CHANGE_FORMS))
def test_no_input_to_a_form_that_changes_a_person_or_an_organisation_gets_a_server_error(
        app, engine, cast, service, clock, what):
    funding_case_at(service, cast, clock, "draft")  # the kitchen is part of a case; its type cannot change
    urls = {"person": [f"/admin/people/{cast[key]}" for key in ("vl", "admin")],
            "access": [f"/admin/people/{cast[key]}/{change}" for key in ("vl", "admin")
                       for change in ("deactivate", "reactivate")],
            "organisation": [f"/admin/organisations/{cast.orgs[key]}" for key in ("youth", "kitchen")]}[what]
    admin = Browsers(app)["admin"]  # signed in after the case, whose steps move the clock on

    @settings(FUZZ, max_examples=20)
    @given(url=st.sampled_from(urls),
           form=st.fixed_dictionaries({name: shaped(s) for name, s in CHANGE_FORMS[what].items()}).map(pairs))
    def check(url, form):
        before = snapshot(engine)
        response = admin.submit(url, form)
        assert_answered_properly(response)
        if response.status_code != 302:
            assert snapshot(engine) == before, "nothing written on a refusal"
    check()


# --- sign-in and the projected timeline ------------------------------------------------------

def test_no_input_to_sign_in_gets_a_server_error(app, factory):
    client = app.test_client()

    @settings(FUZZ, max_examples=10)
    @given(form=st.fixed_dictionaries({"email": shaped(st.one_of(st.just(email_of("fo")), SCALAR)),
                                       "password": shaped(SCALAR)}).map(pairs))
    def check(form):
        client.csrf_token = None
        response = client.submit("/sign-in", form)
        assert response.status_code in (200, 400, 413), response.get_data(as_text=True)[:2000]
        if response.status_code != 413:
            assert page(response).errors
        with factory() as s:
            assert s.scalar(select(func.count()).select_from(LoginSession)) == 0, "nobody signed in"
    check()


def test_no_start_date_breaks_the_projected_timeline(app):
    browser = Browsers(app)["fo"]

    @settings(FUZZ, max_examples=30)
    @given(start=SCALAR, route=one_of_values(["performance", "resource"]))
    def check(start, route):
        response = browser.get("/timeline", query_string={"start": start, "route": route})
        assert response.status_code in (200, 400)
        if response.status_code == 400:
            assert page(response).errors
    check()
