"""Who is told: the people who play a role on a case, found from case assignments and from the
staff of the organisations that are parties to it. Nobody is told about a case they may not
see, and administrators are told nothing unless they are also a party."""
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases import ASSIGNABLE_ROLES, Case, CaseLink, CaseRole
from casework.organisations import Organisation, OrganisationKind, Person, PersonRole, Role
from casework.permissions import can_view_case

FUNDING_ROLES = (CaseRole.FUNDER_OFFICER, CaseRole.DECISION_MAKER, CaseRole.VCO_LEAD)
DISPUTE_ROLES = (CaseRole.COMPLAINANT, CaseRole.RESPONDENT, CaseRole.RESPONDENT_OFFICER,
                 CaseRole.SENIOR_REVIEWER, CaseRole.MEDIATOR, CaseRole.PANEL_MEMBER,
                 CaseRole.MEDIATION_SERVICE)

#: Who speaks for an organisation that is a party, by the kind of organisation.
PARTY_STAFF_ROLES = {
    OrganisationKind.VCO: (Role.VCO_STAFF,),
    OrganisationKind.STATUTORY: (Role.FUNDER_OFFICER, Role.DECISION_MAKER),
}


def everyone_on(session: Session, case: Case) -> list[Person]:
    """Every person with a role on the case who may see it."""
    roles = FUNDING_ROLES if case.workflow == "funding_change" else DISPUTE_ROLES
    return people_in_roles(session, case, roles)


def people_in_roles(session: Session, case: Case, roles: Iterable[str]) -> list[Person]:
    """The people who play any of these roles on the case and may see it, in a stable order."""
    found: dict[int, Person] = {}
    for role in roles:
        for person in _people_for(session, case, role):
            found.setdefault(person.id, person)
    return sorted((p for p in found.values() if can_view_case(p, case)), key=lambda p: p.id)


def _people_for(session: Session, case: Case, role: str) -> list[Person]:
    if role in ASSIGNABLE_ROLES:
        return case.assignees(role)
    if role == CaseRole.VCO_LEAD and case.workflow == "funding_change":
        return _staff(session, case.vco_org_id, (Role.VCO_STAFF,))
    if role == CaseRole.COMPLAINANT:
        return _party_staff(session, case, case.complainant_org_id)
    if role == CaseRole.RESPONDENT:
        return _party_staff(session, case, case.respondent_org_id)
    if role == CaseRole.MEDIATION_SERVICE:
        mediators = _with_roles(session, (Role.MEDIATOR,))
        return [p for p in mediators if p.organisation_id not in case.party_org_ids()]
    return []


def _party_staff(session: Session, case: Case, org_id: int | None) -> list[Person]:
    """Who speaks for a party: a funder's officers on the linked case if there is one, else its
    funder officers and decision-makers; a VCO's staff."""
    org = session.get(Organisation, org_id) if org_id is not None else None
    if org is None:
        return []
    if org.kind == OrganisationKind.STATUTORY:
        linked = _linked_case(session, case)
        if linked is not None:
            people = [p for role in (CaseRole.FUNDER_OFFICER, CaseRole.DECISION_MAKER)
                      for p in linked.assignees(role) if p.organisation_id == org.id and p.is_active]
            if people:
                return people
    everyone = tuple(r for r in Role if r != Role.ADMINISTRATOR)
    return _staff(session, org.id, PARTY_STAFF_ROLES.get(org.kind, everyone))


def _linked_case(session: Session, case: Case) -> Case | None:
    funding_id = session.scalar(select(CaseLink.funding_case_id).where(CaseLink.dispute_id == case.id))
    if funding_id is None:  # when a dispute is raised, the link is written just after its event
        funding_id = ((case.data or {}).get("dispute") or {}).get("linked_case")
    return session.get(Case, funding_id) if funding_id is not None else None


def _staff(session: Session, org_id: int | None, roles: tuple[str, ...]) -> list[Person]:
    if org_id is None:
        return []
    return _with_roles(session, roles, org_id)


def _with_roles(session: Session, roles: tuple[str, ...], org_id: int | None = None) -> list[Person]:
    query = (select(Person).join(PersonRole, PersonRole.person_id == Person.id)
             .where(Person.is_active.is_(True), PersonRole.role.in_([str(r) for r in roles]))
             .order_by(Person.id).distinct())
    if org_id is not None:
        query = query.where(Person.organisation_id == org_id)
    return list(session.scalars(query))
