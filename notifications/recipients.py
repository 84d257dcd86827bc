"""Who is told: the people who play a role on a case, found from case assignments and from the
staff of the organisations that are parties to it. Nobody is told about a case they may not
see, and administrators are told nothing unless they are also a party."""
from collections.abc import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload

from casework.cases import ASSIGNABLE_ROLES, MEDIATOR_QUEUE_STATES, Case, CaseAssignment, CaseLink, CaseRole
from casework.organisations import Person, PersonRole, Role
from casework.permissions import can_view_case

FUNDING_ROLES = (CaseRole.FUNDER_OFFICER, CaseRole.DECISION_MAKER, CaseRole.VCO_LEAD)
DISPUTE_ROLES = (CaseRole.COMPLAINANT, CaseRole.RESPONDENT, CaseRole.RESPONDENT_OFFICER,
                 CaseRole.SENIOR_REVIEWER, CaseRole.MEDIATOR, CaseRole.PANEL_MEMBER,
                 CaseRole.MEDIATION_SERVICE)
#: Who speaks for a party: a funder's officers and decision-makers; the other side's staff.
FUNDER_STAFF = (Role.FUNDER_OFFICER, Role.DECISION_MAKER)
ORGANISATION_STAFF = (Role.VCO_STAFF,)


def everyone_on(session: Session, case: Case) -> list[Person]:
    """Every person with a role on the case who may see it."""
    roles = FUNDING_ROLES if case.workflow == "funding_change" else DISPUTE_ROLES
    return people_in_roles(session, case, roles)


def people_in_roles(session: Session, case: Case, roles: Iterable[str]) -> list[Person]:
    """The people who play any of these roles on the case and may see it, in a stable order."""
    roles = set(roles)
    found: dict[int, Person] = {}
    for role in roles & ASSIGNABLE_ROLES:
        for person in case.assignees(role):
            found.setdefault(person.id, person)
    wanted: dict[int, tuple[str, ...]] = {}
    for role in roles - ASSIGNABLE_ROLES:
        for person_or_org in _party(session, case, role):
            if isinstance(person_or_org, Person):
                found.setdefault(person_or_org.id, person_or_org)
            else:
                org_id, staff_roles = person_or_org
                wanted[org_id] = tuple(dict.fromkeys((*wanted.get(org_id, ()), *staff_roles)))
    for person in _staff(session, wanted):
        found.setdefault(person.id, person)
    if CaseRole.MEDIATION_SERVICE in roles and case.status in MEDIATOR_QUEUE_STATES:
        for person in _mediators(session, case):
            found.setdefault(person.id, person)
    return sorted((p for p in found.values() if can_view_case(p, case)), key=lambda p: p.id)


def _party(session: Session, case: Case, role: str) -> list:
    """People (from a linked case) or (organisation, staff roles) to look up, for a party role."""
    if role == CaseRole.VCO_LEAD and case.workflow == "funding_change" and case.vco_org_id:
        return [(case.vco_org_id, ORGANISATION_STAFF)]
    org_id = {CaseRole.COMPLAINANT: case.complainant_org_id, CaseRole.RESPONDENT: case.respondent_org_id}.get(role)
    if org_id is None:
        return []
    if org_id != case.funder_org_id:
        return [(org_id, ORGANISATION_STAFF)]
    linked = _linked_case(session, case)
    roles = (CaseRole.FUNDER_OFFICER, CaseRole.DECISION_MAKER)
    officers = [p for r in roles for p in (linked.assignees(r) if linked else [])
                if p.organisation_id == org_id and p.is_active]
    return officers or [(org_id, FUNDER_STAFF)]


def _linked_case(session: Session, case: Case) -> Case | None:
    funding_id = session.scalar(select(CaseLink.funding_case_id).where(CaseLink.dispute_id == case.id))
    if funding_id is None:  # when a dispute is raised, the link is written just after its event
        funding_id = ((case.data or {}).get("dispute") or {}).get("linked_case")
    if funding_id is None:
        return None
    return session.get(Case, funding_id, options=[joinedload(Case.assignments).joinedload(CaseAssignment.person)])


def _staff(session: Session, wanted: dict[int, tuple[str, ...]]) -> list[Person]:
    """Active people of each organisation holding any of the roles wanted there, in one query."""
    if not wanted:
        return []
    matches = [and_(Person.organisation_id == org_id, PersonRole.role.in_([str(r) for r in roles]))
               for org_id, roles in wanted.items()]
    return list(session.scalars(select(Person).join(PersonRole, PersonRole.person_id == Person.id)
                                .where(Person.is_active.is_(True), or_(*matches)).order_by(Person.id).distinct()))


def _mediators(session: Session, case: Case) -> list[Person]:
    """Mediators outside the parties: the mediation service that takes disputes on."""
    people = session.scalars(select(Person).join(PersonRole, PersonRole.person_id == Person.id)
                             .where(Person.is_active.is_(True), PersonRole.role == Role.MEDIATOR)
                             .order_by(Person.id).distinct())
    return [p for p in people if p.organisation_id not in case.party_org_ids()]
