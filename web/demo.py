"""Demo data for `make run`: the demo organisations and one login per role, and cases walked
through the real engine so that every stage of both processes has a case in it, some overdue
and some due this week, a linked dispute in mediation and a closed case with its letters.
Dates are relative to today, so the demo never looks stale."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from casework.clock import FixedClock
from casework.organisations import DecidesAs, Organisation, Person
from casework.passwords import hash_password
from casework.persistence import unit_of_work
from workflows.journeys import DISPUTE_RAISE, DISPUTE_TO_PANEL, FUNDING_PERFORMANCE, FUNDING_RESOURCE, Step
from workflows.service import CaseService

PASSWORD = "compact-demo-2026"
ORGANISATIONS = {
    "council": ("London Borough of Bexley", "statutory"), "nhs": ("NHS South East London", "statutory"),
    "bvsc": ("Bexley Voluntary Service Council", "infrastructure"),
    "panel": ("Bexley Compact Panel", "infrastructure"),
    "kitchen": ("Crayford Community Kitchen", "vco"), "youth": ("Erith Youth Partnership", "vco"),
    "carers": ("Sidcup Carers Network", "vco"), "advice": ("Thamesmead Advice Centre", "vco"),
}
#: Each organisation's postal address (line 1, line 2, town, postcode), whom its letters are
#: addressed to and its telephone number, for complete letters. Telephone numbers are from
#: Ofcom's range for drama (020 7946 0000 to 0999), so none is anybody's.
ADDRESSES = {
    "council": ("Civic Offices", "2 Watling Street", "Bexleyheath", "DA6 7AT", None, "020 7946 0100"),
    "nhs": ("160 Tooley Street", None, "London", "SE1 2TZ", None, "020 7946 0200"),
    "bvsc": ("8 Brampton Road", None, "Bexleyheath", "DA7 4EY", None, "020 7946 0300"),
    "panel": ("c/o Bexley Voluntary Service Council", "8 Brampton Road", "Bexleyheath", "DA7 4EY", None,
              "020 7946 0300"),
    "kitchen": ("St Paulinus Church Hall", "61 Iron Mill Lane", "Crayford", "DA1 4RS", "Grace Adeyemi", "020 7946 0410"),
    "youth": ("Erith Youth Hub", "4 Pier Road", "Erith", "DA8 1TA", "Owen Price", "020 7946 0420"),
    "carers": ("Sidcup Carers Centre", "12 Station Road", "Sidcup", "DA15 7EQ", "Meera Patel", "020 7946 0430"),
    "advice": ("Thamesmead Advice Centre", "2 Joyce Dawson Way", "London", "SE28 8RA", "Daniel Osei", "020 7946 0440"),
}
#: What each demo person does, as they sign a letter.
JOB_TITLES = {
    "fo": "Contract manager", "dm": "Head of Commissioning", "officer": "Grants officer",
    "reviewer": "Assistant Director, Communities", "vl": "Kitchen manager", "youth": "Director",
    "carers": "Coordinator", "advice": "Centre manager", "complaints": "Complaints manager",
    "mediator": "Community mediator", "convener": "Mediation coordinator", "panel1": "Independent chair",
    "panel2": "Panel member, statutory sector", "panel3": "Panel member, voluntary sector",
    "nhs": "Grants manager", "admin": "Service administrator", "cllr": "Cabinet Member for Communities",
}
#: key: (name, email, organisation, roles, what the login is for)
PEOPLE = {
    "fo": ("Priya Shah", "contract.manager@bexley.example", "council", ["funder_officer"], "Contract manager"),
    "dm": ("Helen Marsh", "decision.maker@bexley.example", "council", ["decision_maker"], "Decision-maker"),
    "officer": ("Mark Bell", "officer@bexley.example", "council", ["funder_officer"], "Officer who answers disputes"),
    "reviewer": ("Anne Clarke", "senior.reviewer@bexley.example", "council", ["senior_reviewer"], "Senior reviewer"),
    "vl": ("Grace Adeyemi", "manager@crayfordkitchen.example", "kitchen", ["vco_staff"], "VCO staff (Crayford Community Kitchen)"),
    "youth": ("Owen Price", "director@erithyouth.example", "youth", ["vco_staff"], "VCO staff (Erith Youth Partnership)"),
    "carers": ("Meera Patel", "coordinator@sidcupcarers.example", "carers", ["vco_staff"], "VCO staff (Sidcup Carers Network)"),
    "advice": ("Daniel Osei", "manager@thamesmeadadvice.example", "advice", ["vco_staff"], "VCO staff (Thamesmead Advice Centre)"),
    "complaints": ("Farah Khan", "complaints@bexley.example", "council", ["decision_maker"],
                   "Complaints manager (acts for the council on disputes about its cases)"),
    "mediator": ("Ruth Nolan", "mediator@bvsc.example", "bvsc", ["mediator"], "BVSC mediator"),
    "convener": ("Sam Adebayo", "panel.convener@bvsc.example", "bvsc", ["mediator"],
                 "BVSC mediator (appoints the Compact panel)"),
    "panel1": ("Amara Osei", "chair@compactpanel.example", "panel", ["panel_member"], "Compact panel chair"),
    "panel2": ("Keith Ward", "statutory@compactpanel.example", "panel", ["panel_member"], "Compact panel member"),
    "panel3": ("Lena Fischer", "vcs@compactpanel.example", "panel", ["panel_member"], "Compact panel member"),
    "nhs": ("Nina Roy", "grants@nhs-sel.example", "nhs", ["funder_officer", "decision_maker"], "NHS grants manager"),
    "admin": ("Ade Bello", "admin@bexley.example", "council", ["administrator"], "Administrator"),
    "cllr": ("Cllr Joan Pike", "cabinet.member@bexley.example", "council", ["decision_maker"],
             "Decision-maker who is an elected member (decided one case)"),
}
#: Decision-makers who decide as elected members; the others decide as senior officers.
ELECTED_MEMBERS = {"cllr"}


#: The organisation columns `ADDRESSES` gives, in order.
CONTACT = ("address_line_1", "address_line_2", "town", "postcode", "contact_name", "phone")


@dataclass(frozen=True)
class DemoCase:
    title: str
    vco: str
    steps: tuple[Step, ...]
    until: str
    days_ago: int


FUNDING = (
    DemoCase("Youth mentoring evenings", "youth", (), "draft", 1),
    DemoCase("Carers' respite breaks", "carers", FUNDING_PERFORMANCE, "concern_raised", 3),
    DemoCase("Benefits advice drop-in", "advice", FUNDING_PERFORMANCE, "concern_raised", 12),
    DemoCase("Community fridge", "kitchen", FUNDING_PERFORMANCE, "improvement_planning", 6),
    DemoCase("Holiday hunger lunches", "kitchen", FUNDING_PERFORMANCE, "improvement_in_progress", 9),
    DemoCase("Young carers' club", "carers", FUNDING_PERFORMANCE, "performance_review", 40),
    DemoCase("Debt advice outreach", "advice", FUNDING_RESOURCE, "impact_assessment", 4),
    DemoCase("Detached youth work", "youth", FUNDING_RESOURCE, "consultation", 8),
    DemoCase("Lunch club for older residents", "kitchen", FUNDING_PERFORMANCE, "decision_pending", 70),
    DemoCase("Carers' helpline", "carers", FUNDING_PERFORMANCE, "notice_pending", 50),
    DemoCase("Meals on wheels partnership", "kitchen", FUNDING_PERFORMANCE + (Step("acknowledge_notice", "vl", {}),), "notice_period", 48),
)


def seed(service: CaseService, today: datetime) -> dict[str, int]:
    """Create the demo organisations, logins and cases; returns people's ids by key."""
    ids = _people(service)
    for n, spec in enumerate(FUNDING):
        _funding_case(service, ids, spec, today - timedelta(days=spec.days_ago, hours=n % 3))
    _closed_cases(service, ids, today)
    _disputes(service, ids, today)
    _for_the_report(service, ids, today)
    return ids


def _people(service: CaseService) -> dict[str, int]:
    with unit_of_work(service.factory) as s:
        orgs = {k: Organisation(name=n, kind=kind, **dict(zip(CONTACT, ADDRESSES[k])))
                for k, (n, kind) in ORGANISATIONS.items()}
        s.add_all(orgs.values())
        hashed = hash_password(PASSWORD)
        people = {}
        for key, (name, email, org, roles, _) in PEOPLE.items():
            people[key] = Person(name=name, email=email, organisation=orgs[org], password_hash=hashed,
                                 job_title=JOB_TITLES[key],
                                 decides_as=_decides_as(key, roles))
            people[key].grant(*roles)
        s.add_all(people.values())
        s.flush()
        return {k: p.id for k, p in people.items()} | {f"org:{k}": o.id for k, o in orgs.items()}


def _decides_as(key: str, roles: list[str]) -> DecidesAs | None:
    if "decision_maker" not in roles:
        return None
    return DecidesAs.ELECTED_MEMBER if key in ELECTED_MEMBERS else DecidesAs.SENIOR_OFFICER


def _walk(service, case, steps, ids, clock, until=None):
    for step in steps:
        if until is not None and case.status == until:
            break
        clock.advance(days=step.days_after)
        data = _about(step.data_for(clock.now(), ids), case.title if case.workflow == "funding_change" else None)
        case = service.fire(case.id, step.trigger, ids[step.who], data, clock.now())
    return case


def _about(value, programme: str | None):
    """The journeys' words are written about a lunch club: say the case's own programme."""
    if programme is None or "lunch club" in programme.lower():
        return value
    if isinstance(value, str):
        name = programme[0].lower() + programme[1:]
        return value.replace("the lunch club", f"the {name}").replace("Lunch club", programme) \
            .replace("lunch club", name).replace("a second minibus run", "extra sessions")
    if isinstance(value, dict):
        return {k: _about(v, programme) for k, v in value.items()}
    if isinstance(value, list):
        return [_about(v, programme) for v in value]
    return value


#: What each demo dispute is about, so that a list of them reads as different disputes.
DISPUTE_STORIES = (
    (["s4.consultation", "s4.impact_assessment"], "The council decided to reduce our grant without considering our response.",
     "A fresh consultation that considers our evidence."),
    (["s2.proportionate_monitoring"], "Quarterly monitoring now asks for 40 pages of data for a £6,000 grant.",
     "Monitoring proportionate to the size of the grant."),
    (["s4.three_months_notice"], "We were told by email on a Friday that funding would stop at the end of the month.",
     "Three months' written notice with the reasons, as the Compact promises."),
    (["s2.timely_information"], "The new commissioning round was announced two days before the closing date.",
     "The round reopened for at least four weeks."),
    (["s2.full_cost_recovery"], "The grant offer refuses to cover any share of our rent or our manager's time.",
     "A grant that pays a fair share of overheads."),
    (["s4.early_clear_concerns", "s4.support"], "Concerns about our attendance were raised for the first time in the decision letter.",
     "A chance to agree an improvement plan before any decision."),
)


def _dispute(n: int, respondent: int, **extra) -> dict:
    undertakings, happened, sought = DISPUTE_STORIES[n % len(DISPUTE_STORIES)]
    return {**DISPUTE_RAISE, "subject": _subject(happened), "undertakings": undertakings, "what_happened": happened,
            "outcome_sought": sought, "respondent": respondent, **extra}


def _subject(happened: str) -> str:
    """A demo dispute's subject: the first words of what happened."""
    words = happened.split()
    return " ".join(words[:7]).rstrip(".,") + ("…" if len(words) > 7 else "")


def _funding_case(service, ids, spec: DemoCase, start: datetime, dm: bool = True, decided_by: str = "dm"):
    clock = FixedClock(start)
    data = {"title": spec.title, "vco": ids[f"org:{spec.vco}"], "decision_maker": ids[decided_by] if dm else None}
    case = service.open_funding_case(ids["fo"], data, clock.now())
    vl_ids = {**ids, "vl": ids[spec.vco if spec.vco != "kitchen" else "vl"], "dm": ids[decided_by]}
    return _walk(service, case, spec.steps, vl_ids, clock, spec.until), clock


def _closed_cases(service, ids, today):
    # A case that ran its whole course: notice given, the period ran out, funding changed.
    case, clock = _funding_case(service, ids, DemoCase("Luncheon club transport", "kitchen", FUNDING_PERFORMANCE, "", 0),
                                today - timedelta(days=170))
    clock.current = max(clock.current, today - timedelta(days=2))
    service.fire(case.id, "notice_takes_effect", None, {}, clock.now())
    resolved, clock = _funding_case(service, ids, DemoCase("Carers' peer support", "carers", FUNDING_PERFORMANCE, "performance_review", 60), today - timedelta(days=60))
    service.fire(resolved.id, "confirm_improved", ids["fo"], {"reasons": "Attendance is back to 35 a week."}, clock.now())
    stopped, clock = _funding_case(service, ids, DemoCase("Tenancy advice clinic", "advice", FUNDING_RESOURCE, "impact_assessment", 20), today - timedelta(days=20))
    service.fire(stopped.id, "abandon_change", ids["fo"], {"reason": "Savings were found elsewhere in the budget."}, clock.now())
    withdrawn, clock = _funding_case(service, ids, DemoCase("Youth football", "youth", FUNDING_PERFORMANCE, "concern_raised", 15), today - timedelta(days=15))
    service.fire(withdrawn.id, "withdraw", ids["fo"], {"reason": "The concern was raised with the wrong organisation."}, clock.now())


DISPUTE_STAGES = (("raised", 2), ("informal_resolution", 20), ("informal_response_given", 12), ("senior_review", 20),
                  ("review_outcome_given", 14), ("mediation_requested", 18), ("no_agreement", 26),
                  ("panel_referred", 32), ("panel_hearing", 38), ("panel_findings_issued", 45), ("closed", 60))


def _disputes(service, ids, today):
    # The complaints manager acts for the council on disputes; the contract manager is told only
    # about their own cases and the dispute about one of them.
    roles = {**ids, "complainant": ids["vl"], "respondent": ids["complaints"], "respondent_dm": ids["dm"]}
    for n, (until, days) in enumerate(DISPUTE_STAGES):
        clock = FixedClock(today - timedelta(days=days, hours=n))
        case = service.raise_dispute(ids["vl"], _dispute(n, ids["org:council"]), clock.now())
        _walk(service, case, DISPUTE_TO_PANEL, roles, clock, until)
    # The linked dispute in mediation, about the case whose notice is running.
    clock = FixedClock(today - timedelta(days=30))
    linked_to = _linked_target(service)
    case = service.raise_dispute(ids["vl"], _dispute(0, ids["org:council"], linked_case=linked_to), clock.now())
    _walk(service, case, DISPUTE_TO_PANEL, {**roles, "respondent": ids["complaints"]}, clock, "in_mediation")
    clock = FixedClock(today - timedelta(days=25))
    case = service.raise_dispute(ids["carers"], _dispute(4, ids["org:council"]), clock.now())
    case = _walk(service, case, DISPUTE_TO_PANEL, {**roles, "complainant": ids["carers"]}, clock, "informal_response_given")
    service.fire(case.id, "accept_outcome", ids["carers"], {"comments": "Thank you for explaining."}, clock.advance(days=2))
    clock = FixedClock(today - timedelta(days=9))
    case = service.raise_dispute(ids["youth"], _dispute(3, ids["org:council"]), clock.now())
    service.fire(case.id, "withdraw_dispute", ids["youth"], {"reason": "We settled this at a meeting."}, clock.advance(days=1))


def _for_the_report(service, ids, today):
    """Cases that give the compliance report something in every metric: shorter notice under
    exceptional circumstances, a pause and a longer notice; an extended dispute stage and a
    mediation session held later than its time limit; a remedy applied on the linked case."""
    from workflows import calendar as cal
    case, clock = _funding_case(service, ids, DemoCase("Befriending phone line", "carers", FUNDING_PERFORMANCE,
                                                       "notice_pending", 0), today - timedelta(days=75))
    fire = service.fire
    fire(case.id, "sign_off_exception", ids["dm"], {"category": "safeguarding", "justification":
         "A safeguarding investigation into the helpline's volunteers is under way."}, clock.advance(days=1))
    sent = clock.advance(days=1)
    deemed = cal.deemed_given(sent, "email", calendar=service.calendar)
    fire(case.id, "issue_notice", ids["fo"], {"channel": "email", "sent_at": sent,
                                              "effective_on": cal.add_calendar_months(deemed, 2)}, sent)
    fire(case.id, "pause", ids["fo"], {"reason": "The organisation's manager is in hospital."}, clock.advance(days=2))
    fire(case.id, "resume", ids["fo"], {"reason": "The manager is back at work."}, clock.advance(days=3))
    fire(case.id, "extend_notice", ids["fo"], {"reason": "To let callers move to another helpline.",
                                               "new_effective_on": cal.add_calendar_months(deemed, 3)}, clock.advance(days=2))
    roles = {**ids, "complainant": ids["vl"], "respondent": ids["fo"], "respondent_dm": ids["dm"]}
    clock = FixedClock(today - timedelta(days=58))
    dispute = service.raise_dispute(ids["vl"], _dispute(1, ids["org:council"]), clock.now())
    fire(dispute.id, "acknowledge_dispute", ids["fo"], {"officer": ids["officer"]}, clock.advance(days=1))
    due = cal.add_working_days(cal.local_date(clock.now()), service.limits.informal_response_wd, calendar=service.calendar)
    fire(dispute.id, "extend_informal", ids["officer"], {"reason": "We are gathering the monitoring returns.",
         "new_date": cal.add_working_days(due, 3, calendar=service.calendar)}, clock.advance(days=2))
    _walk(service, dispute, DISPUTE_TO_PANEL[1:9], roles, clock)
    when = clock.advance(days=36)
    fire(dispute.id, "record_session", ids["mediator"], {"session_on": cal.local_date(when), "starts_at": "10:00",
         "place": "BVSC, 8 Brampton Road, Bexleyheath", "late_reason": "The organisation's chair was abroad until this week."},
         when)
    case, clock = _funding_case(service, ids, DemoCase("Men's shed workshop", "kitchen", FUNDING_PERFORMANCE,
                                                       "notice_period", 0), today - timedelta(days=80),
                                decided_by="cllr")
    clock = FixedClock(max(clock.now(), today - timedelta(days=36)))
    linked = service.raise_dispute(ids["vl"], _dispute(0, ids["org:council"], linked_case=case.id), clock.now())
    steps = DISPUTE_TO_PANEL[:4]
    linked = _walk(service, linked, steps, {**roles, "respondent": ids["complaints"]}, clock)
    outcome_on = cal.local_date(clock.advance(days=1))
    fire(linked.id, "give_review_outcome", ids["reviewer"], {
        "outcome": "upheld", "reasons": "The impact assessment left out the volunteers.",
        "remedies": ["reconsult", "process_fix"], "remedies_by": outcome_on + timedelta(days=14)}, clock.now())
    respond_by = cal.add_working_days(cal.local_date(clock.advance(days=6)), 20, calendar=service.calendar)
    fire(case.id, "reopen_consultation", ids["fo"], {"reason": "The senior review found the assessment left out "
         "the volunteers.", "respond_by": respond_by}, clock.now())
    fire(linked.id, "accept_outcome", ids["vl"], {"comments": "Thank you."}, clock.advance(days=1))


def _linked_target(service) -> int:
    from sqlalchemy import select
    from casework.cases import Case
    with service.factory() as s:
        return s.scalar(select(Case.id).where(Case.workflow == "funding_change", Case.status == "notice_period").limit(1))


def logins() -> list[tuple[str, str, str]]:
    """(what the login is for, email, password) for every demo login."""
    return [(purpose, email, PASSWORD) for _, email, _, _, purpose in PEOPLE.values()]
