"""Who is told: the people who play a role on a case, found from case assignments and from the
staff of the organisations that are parties to it. Nobody is told about a case they may not
see, and administrators are told nothing unless they are also a party. A council or NHS body
on a dispute is told through those acting for it, never through every officer it has.

People assigned to a case come with the case. Everyone else a case may tell (its parties'
staff, the officers of the funding case a dispute is linked to, the mediation service's
mediators) is read in one query, as plain records, the first time the case needs them; each
role then picks its people from those in Python."""
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Boolean, Connection, and_, bindparam, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from casework.audit import AuditEntry
from casework.cases import (ASSIGNABLE_ROLES, MEDIATOR_QUEUE_STATES, PANEL_CONVENING_STATE, CaseAssignment, CaseReading,
                            CaseRole)
from casework.organisations import Person, PersonRecord, PersonRole, Role
from casework.permissions import can_view_case

FUNDING_ROLES = (CaseRole.FUNDER_OFFICER, CaseRole.DECISION_MAKER, CaseRole.VCO_LEAD)
DISPUTE_ROLES = (CaseRole.COMPLAINANT, CaseRole.RESPONDENT, CaseRole.RESPONDENT_OFFICER,
                 CaseRole.SENIOR_REVIEWER, CaseRole.MEDIATOR, CaseRole.PANEL_MEMBER,
                 CaseRole.MEDIATION_SERVICE, CaseRole.PANEL_CONVENER)
#: Who speaks for a party: a funder's officers and decision-makers; the other side's staff.
FUNDER_STAFF = frozenset({Role.FUNDER_OFFICER, Role.DECISION_MAKER})
ORGANISATION_STAFF = frozenset({Role.VCO_STAFF})
#: Dispute stages that wait on the respondent's decision-makers when nobody acting for it can act.
RAISED, FINDINGS_ISSUED = "raised", "panel_findings_issued"
#: The people on a dispute's linked funding case who speak for the funder, when active there.
LINKED_OFFICERS = (CaseRole.FUNDER_OFFICER, CaseRole.DECISION_MAKER)
#: Someone told: as assigned on a mapped case, or a plain record (a case record's, or read here).
Recipient = Person | PersonRecord


@dataclass(frozen=True)
class _Around:
    """The people around one case who are not assigned to it."""

    staff: list[PersonRecord]     # active staff of its parties (and mediators, when they act)
    officers: list[PersonRecord]  # assigned to the funding case a dispute is linked to


class Recipients:
    """The people to tell on the cases of one batch of events."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._around: dict[tuple, _Around] = {}
        self._actors: dict[int, set[int]] = {}

    def everyone_on(self, case: CaseReading) -> list[Recipient]:
        """Every person with a role on the case who may see it."""
        return self.in_roles(case, FUNDING_ROLES if case.workflow == "funding_change" else DISPUTE_ROLES)

    def in_roles(self, case: CaseReading, roles: Iterable[str]) -> list[Recipient]:
        """The people who play any of these roles on the case and may see it, in a stable order."""
        roles = set(roles)
        found: dict[int, Recipient] = {}
        for role in roles & ASSIGNABLE_ROLES:
            for person in case.assignees(role):
                found.setdefault(person.id, person)
        for role in roles - ASSIGNABLE_ROLES:
            for person in self._speaking_for(case, role):
                found.setdefault(person.id, person)
        convening = CaseRole.PANEL_CONVENER in roles and case.status == PANEL_CONVENING_STATE
        if (CaseRole.MEDIATION_SERVICE in roles and case.status in MEDIATOR_QUEUE_STATES) or convening:
            parties, mediated = case.party_org_ids(), {p.id for p in case.assignees(CaseRole.MEDIATOR)}
            for person in self._around_case(case).staff:
                if Role.MEDIATOR in person.roles and person.organisation_id not in parties and not (
                        convening and CaseRole.MEDIATION_SERVICE not in roles and person.id in mediated):
                    found.setdefault(person.id, person)
        return sorted((p for p in found.values() if can_view_case(p, case)), key=lambda p: p.id)

    def _speaking_for(self, case: CaseReading, role: str) -> list[PersonRecord]:
        """Who speaks for a party role: for the funder in a dispute, the linked funding case's
        officers if it has any; otherwise the organisation's active staff in the right roles."""
        if role == CaseRole.VCO_LEAD:
            org_id = case.vco_org_id if case.workflow == "funding_change" else None
        else:
            org_id = {CaseRole.COMPLAINANT: case.complainant_org_id,
                      CaseRole.RESPONDENT: case.respondent_org_id}.get(role)
        if not org_id:
            return []
        around = self._around_case(case)
        if org_id != case.funder_org_id or role == CaseRole.VCO_LEAD:
            return _staff_of(around.staff, org_id, ORGANISATION_STAFF)
        return self._acting_for_funder(case, role, org_id, around)

    def _acting_for_funder(self, case: CaseReading, role: str, org_id: int, around: _Around) -> list[PersonRecord]:
        """Who speaks for a council or NHS body on a dispute: the officers of the funding case
        it is about, and its staff who have acted on the dispute; not every officer it has.
        While the dispute waits for the body to acknowledge it, and (if none of those is a
        decision-maker) to respond to the panel's findings, its decision-makers too."""
        officers = [p for p in around.officers if p.organisation_id == org_id and p.is_active]
        staff, acted = _staff_of(around.staff, org_id, FUNDER_STAFF), self._acted(case)
        speaking = {p.id: p for p in officers + [p for p in staff if p.id in acted]}
        waiting = role == CaseRole.RESPONDENT and (case.status == RAISED or (
            case.status == FINDINGS_ISSUED and not any(Role.DECISION_MAKER in p.roles for p in speaking.values())))
        if waiting:
            linked = {p.id for p in officers}
            for p in staff:
                if Role.DECISION_MAKER in p.roles and p.id not in linked:
                    speaking.setdefault(p.id, p)
        return list(speaking.values())

    def _acted(self, case: CaseReading) -> set[int]:
        """Everyone who has acted on the case (read once per case in a batch)."""
        if case.id not in self._actors:
            self._actors[case.id] = set(self.connection.scalars(_ACTORS, {"case_id": case.id}))
        return self._actors[case.id]

    def _around_case(self, case: CaseReading) -> _Around:
        # Read once for each set of parties (cases between the same organisations share it).
        key = _parties(case)
        if key not in self._around:
            self._around[key] = _read_around(self.connection, key)
        return self._around[key]


def linked_case_id(case: CaseReading) -> int | None:
    """The funding case a dispute concerns. Its link row is written from this same field when
    the dispute is raised (just after the dispute's first event), so the field is read."""
    if case.workflow != "dispute":
        return None
    return ((case.data or {}).get("dispute") or {}).get("linked_case")


def _staff_of(staff: list[PersonRecord], org_id: int, roles: frozenset[str]) -> list[PersonRecord]:
    return [p for p in staff if p.organisation_id == org_id and p.roles & roles]


def _parties(case: CaseReading) -> tuple:
    """What the people around a case depend on: the query's parameters."""
    return (("vco", case.vco_org_id), ("complainant", case.complainant_org_id),
            ("respondent", case.respondent_org_id),
            ("mediators", case.workflow == "dispute" and case.status in MEDIATOR_QUEUE_STATES),
            ("linked_case", linked_case_id(case)))


def _read_around(connection: Connection, parties: tuple) -> _Around:
    rows = connection.execute(_AROUND, dict(parties))
    people: dict[tuple[bool, int], tuple[tuple, set[str]]] = {}
    for linked, person_id, email, name, org_id, active, role in rows:
        _, roles = people.setdefault((linked, person_id), ((person_id, email, name, org_id, active), set()))
        if role is not None:
            roles.add(role)
    found = {key: PersonRecord(*fields, frozenset(roles)) for key, (fields, roles) in people.items()}
    return _Around(staff=[p for (linked, _), p in found.items() if not linked],
                   officers=[p for (linked, _), p in found.items() if linked])


def _each(values) -> list:
    # A bound value each, rather than a list SQLAlchemy expands into the SQL on every run.
    return [literal(str(v)) for v in sorted(values)]


_PERSON = (Person.id, Person.email, Person.name, Person.organisation_id, Person.is_active)
_MATCH, _MATCHED = aliased(PersonRole), aliased(Person)
#: Active people of the case's parties holding a role that may speak for a party, or (when
#: :mediators) holding the mediator role; with every role they hold, a row for each.
_STAFF = (select(literal(False).label("linked"), *_PERSON, PersonRole.role)
          .select_from(PersonRole).join(Person, Person.id == PersonRole.person_id)
          .where(PersonRole.person_id.in_(
              select(_MATCH.person_id).join(_MATCHED, _MATCHED.id == _MATCH.person_id)
              .where(_MATCHED.is_active.is_(True), or_(
                  and_(_MATCHED.organisation_id.in_([bindparam("vco"), bindparam("complainant"),
                                                     bindparam("respondent")]),
                       _MATCH.role.in_(_each(FUNDER_STAFF | ORGANISATION_STAFF))),
                  and_(_MATCH.role == str(Role.MEDIATOR), bindparam("mediators", type_=Boolean)))))))
#: The officers and decision-makers assigned to the :linked_case, with every role they hold.
_OFFICERS = (select(literal(True).label("linked"), *_PERSON, PersonRole.role)
             .select_from(CaseAssignment)
             .join(Person, Person.id == CaseAssignment.person_id)
             .outerjoin(PersonRole, PersonRole.person_id == Person.id)
             .where(CaseAssignment.case_id == bindparam("linked_case"),
                    CaseAssignment.role.in_(_each(LINKED_OFFICERS))))
_AROUND = union_all(_STAFF, _OFFICERS)
#: Everyone who has acted on a case (its audit trail's actors).
_ACTORS = select(AuditEntry.actor_id).where(AuditEntry.case_id == bindparam("case_id"),
                                            AuditEntry.actor_id.is_not(None)).distinct()
