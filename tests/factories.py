"""Plain factory functions: organisations, people with roles, and cases walked to a given
state through the real engine."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import func, select

from casework.audit import AuditEntry
from casework.cases import Case
from casework.deadlines import Deadline
from casework.messages import OutboxMessage
from casework.organisations import Organisation, Person
from casework.persistence import unit_of_work
from workflows.journeys import DISPUTE_RAISE, DISPUTE_TO_PANEL, FUNDING_PERFORMANCE, FUNDING_RESOURCE, Step


@dataclass
class Cast:
    ids: dict[str, int]
    orgs: dict[str, int]

    def __getitem__(self, key: str) -> int:
        return self.ids[key]


PEOPLE = {
    # key: (name, organisation key, roles)
    "fo": ("Priya Shah", "council", ["funder_officer"]),
    "fo2": ("Tom Okafor", "council", ["funder_officer"]),
    "dm": ("Helen Marsh", "council", ["decision_maker"]),
    "dm_fo": ("Sam Lee", "council", ["decision_maker", "funder_officer"]),
    "vl": ("Grace Adeyemi", "kitchen", ["vco_staff"]),
    "other_vl": ("Owen Price", "youth", ["vco_staff"]),
    "officer": ("Mark Bell", "council", ["funder_officer"]),
    "reviewer": ("Anne Clarke", "council", ["senior_reviewer"]),
    "mediator": ("Ruth Nolan", "bvsc", ["mediator"]),
    "convener": ("Sam Adebayo", "bvsc", ["mediator"]),     # BVSC: appoints the panel when Ruth mediated
    "panel1": ("Judge Amara Osei", "panel", ["panel_member"]),
    "panel2": ("Keith Ward", "panel", ["panel_member"]),
    "panel3": ("Lena Fischer", "panel", ["panel_member"]),
    "admin": ("Ade Bello", "council", ["administrator"]),
    "nhs_fo": ("Nina Roy", "nhs", ["funder_officer"]),
}
ORGS = {"council": ("London Borough of Bexley", "statutory"), "nhs": ("NHS South East London", "statutory"),
        "kitchen": ("Crayford Community Kitchen", "vco"), "youth": ("Erith Youth Partnership", "vco"),
        "bvsc": ("BVSC", "infrastructure"), "panel": ("Bexley Compact Panel", "infrastructure")}


def make_cast(factory) -> Cast:
    with unit_of_work(factory) as s:
        orgs = {k: Organisation(name=n, kind=kind) for k, (n, kind) in ORGS.items()}
        s.add_all(orgs.values())
        people = {}
        for key, (name, org, roles) in PEOPLE.items():
            p = Person(email=f"{key}@example.org", name=name, organisation=orgs[org])
            p.grant(*roles)
            people[key] = p
        s.add_all(people.values())
        s.flush()
        return Cast({k: p.id for k, p in people.items()}, {k: o.id for k, o in orgs.items()})


def open_case(service, cast: Cast, clock, title: str = "Lunch club for older residents", dm: bool = True,
              fo: int | None = None) -> Case:
    data = {"title": title, "vco": cast.orgs["kitchen"]}
    if dm:
        data["decision_maker"] = cast["dm"]
    return service.open_funding_case(fo or cast["fo"], data, clock.now())


def walk(service, case: Case, steps: tuple[Step, ...], cast: Cast, clock, until: str | None = None,
         roles: dict[str, int] | None = None) -> Case:
    """Fire each step in turn (advancing the clock) until the case reaches `until`."""
    ids = {**cast.ids, **(roles or {})}
    for step in steps:
        if until is not None and case.status == until:
            return case
        clock.advance(days=step.days_after)
        case = service.fire(case.id, step.trigger, ids[step.who], step.data_for(clock.now(), ids), clock.now())
    return case


#: Terminal funding states: the state walked to first, then the step that ends the case there.
FUNDING_ENDINGS = {
    "closed_resolved": ("concern_raised", Step("resolve_concern", "fo", {"reason": "Attendance is back to 32 a week."})),
    "closed_no_change": ("impact_assessment", Step("abandon_change", "fo", {"reason": "The budget was restored."})),
    "withdrawn": ("consultation", Step("withdraw", "fo", {"reason": "Opened against the wrong programme."})),
}


def funding_case_at(service, cast: Cast, clock, status: str, route: str = "performance",
                    roles: dict[str, int] | None = None) -> Case:
    """A funding-change case walked through the engine to `status`, by either route."""
    case = open_case(service, cast, clock, fo=(roles or {}).get("fo"))
    if status == "draft":
        return case
    if status == "closed_changed":
        case = funding_case_at_walk(service, case, cast, clock, "notice_period", route, roles)
        return notice_takes_effect(service, case, clock)
    if status in FUNDING_ENDINGS:
        before, ending = FUNDING_ENDINGS[status]
        case = funding_case_at_walk(service, case, cast, clock, before, route, roles)
        return walk(service, case, (ending,), cast, clock, roles=roles)
    return funding_case_at_walk(service, case, cast, clock, status, route, roles)


#: The resource route: the resource journey, then the performance journey from the response on.
RESOURCE_ROUTE = FUNDING_RESOURCE + FUNDING_PERFORMANCE[[s.trigger for s in FUNDING_PERFORMANCE].index("submit_response"):]


def funding_case_at_walk(service, case: Case, cast: Cast, clock, status: str, route: str,
                         roles: dict[str, int] | None = None) -> Case:
    steps = RESOURCE_ROUTE if route == "resource" else FUNDING_PERFORMANCE
    case = walk(service, case, steps, cast, clock, until=status, roles=roles)
    assert case.status == status, f"could not walk to {status}, stopped at {case.status}"
    return case


def notice_takes_effect(service, case: Case, clock) -> Case:
    """Move the clock to the notice's effective date and let the system close the case."""
    effective = date.fromisoformat(case.data["notice"]["effective_on"])
    clock.current = datetime.combine(effective, time(9), tzinfo=timezone.utc)
    return service.fire(case.id, "notice_takes_effect", None, {}, clock.now())


def raise_dispute(service, cast: Cast, clock, linked: Case | None = None) -> Case:
    data = {**DISPUTE_RAISE, "respondent": cast.orgs["council"]}
    if linked is not None:
        data["linked_case"] = linked.id
    return service.raise_dispute(cast["vl"], data, clock.now())


DISPUTE_ROLES = {"complainant": "vl", "respondent": "fo", "respondent_dm": "dm"}


#: Dispute endings off the path to the panel: the state walked to first, then the ending step.
DISPUTE_ENDINGS = {
    "resolved": ("informal_response_given", Step("accept_outcome", "complainant", {"comments": "Thank you."})),
    "withdrawn": ("raised", Step("withdraw_dispute", "complainant", {"reason": "We settled it by phone."})),
}


def dispute_at(service, cast: Cast, clock, status: str, linked: Case | None = None,
               roles: dict[str, int] | None = None) -> Case:
    """A dispute raised by the organisation against the council, walked to `status`. About a
    funding case (`linked`), another council officer acts for the council: the case's own
    funder officer may not."""
    case = raise_dispute(service, cast, clock, linked)
    roles = {**{k: cast[v] for k, v in DISPUTE_ROLES.items()}, **({"respondent": cast["fo2"]} if linked else {}),
             **(roles or {})}
    before, ending = DISPUTE_ENDINGS.get(status, (status, None))
    case = walk(service, case, DISPUTE_TO_PANEL, cast, clock, until=before, roles=roles)
    if ending is not None and case.status == before:
        case = walk(service, case, (ending,), cast, clock, roles=roles)
    assert case.status == status, f"could not walk to {status}, stopped at {case.status}"
    return case


def panel_ready(service, cast: Cast, clock) -> Case:
    """A dispute referred to the panel (on Sunday 13 December 2026, each journey step a day),
    its panel appointed by the convener and every member's declaration made."""
    case = dispute_at(service, cast, clock, "panel_referred")
    case = service.fire(case.id, "appoint_panel", cast["convener"],
                        {"chair": cast["panel1"], "statutory_member": cast["panel2"], "vcs_member": cast["panel3"]},
                        clock.now())
    for member in ("panel1", "panel2", "panel3"):
        case = service.fire(case.id, "declare_no_involvement", cast[member], {"confirm": "yes"}, clock.now())
    return case


def counts(factory, case_id: int | None = None) -> dict[str, Any]:
    """What is stored: audit entries, deadline rows, outbox rows and the case's version."""
    with factory() as s:
        def n(model, col):
            q = select(func.count()).select_from(model)
            return s.scalar(q.where(col == case_id) if case_id else q)
        version = s.scalar(select(Case.version).where(Case.id == case_id)) if case_id else None
        status = s.scalar(select(Case.status).where(Case.id == case_id)) if case_id else None
        return {"audit": n(AuditEntry, AuditEntry.case_id), "deadlines": n(Deadline, Deadline.case_id),
                "outbox": n(OutboxMessage, OutboxMessage.case_id), "version": version, "status": status,
                "data": s.scalar(select(Case.data).where(Case.id == case_id)) if case_id else None}


def later(clock, **kw) -> None:
    clock.current += timedelta(**kw)
