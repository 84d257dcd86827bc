"""The case as a transition works on it: plain records of the case row, its organisations and
the people assigned to it, read and written with SQLAlchemy Core statements.

Every transition, a person's action or a deadline the scheduler fires, loads one case and
the person acting, checks them, changes a few columns and writes the case back. Through the
ORM, loading and tracking those objects cost more than the writes themselves. A `CaseRecord`
reads like the mapped `Case` (both are `CaseReading`), so gates, effects, deadline rules and
notifications take either; pages and reports keep using the ORM.

`save_case` writes the columns that changed in one UPDATE that checks and bumps the version,
so a case changed by someone else since it was loaded raises StaleVersion and nothing is
overwritten."""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Row, bindparam, delete, insert, literal_column, null, select, union_all, update
from sqlalchemy.orm import aliased

from casework.cases import Case, CaseAssignment, CaseReading
from casework.errors import StaleVersion
from casework.organisations import Organisation, OrganisationRecord, Person, PersonRecord, PersonRole
from casework.persistence import Db
from casework.persistence.writes import Writes

CASES, ASSIGNMENTS, PEOPLE, ROLES = (Case.__table__, CaseAssignment.__table__, Person.__table__,
                                     PersonRole.__table__)
ORGANISATION_OF = {"funder": "funder_org_id", "vco": "vco_org_id", "complainant_org": "complainant_org_id",
                   "respondent_org": "respondent_org_id"}
CASE_COLUMNS = tuple(c.name for c in CASES.columns)


@dataclass(eq=False, slots=True)
class AssignmentRecord:
    """Someone's role on the case; `id` is None until the case is saved."""

    person: PersonRecord
    role: str
    assigned_at: datetime
    id: int | None = None

    @property
    def person_id(self) -> int:
        return self.person.id


class CaseRecord(CaseReading):
    """One case row (every column as an attribute), its organisations and its assignments,
    with the version it was loaded at; changed in memory, then written by `save_case`."""

    id: int
    version: int
    data: dict[str, Any]
    funder: OrganisationRecord | None
    vco: OrganisationRecord | None
    complainant_org: OrganisationRecord | None
    respondent_org: OrganisationRecord | None

    def __init__(self, columns: dict[str, Any], organisations: dict[str, OrganisationRecord | None],
                 assignments: list[AssignmentRecord]) -> None:
        self.__dict__.update(columns)
        self.__dict__.update(organisations)   # funder, vco, complainant_org, respondent_org
        self.saved = dict(columns)            # the columns as the database has them
        self.assignments = assignments
        self.unassigned: list[AssignmentRecord] = []

    def assign(self, person: PersonRecord, role: str, at: datetime) -> None:
        self.assignments.append(AssignmentRecord(person, role, at))

    def unassign(self, role: str) -> None:
        """Take everyone off this role (saved with the case)."""
        self.unassigned += [a for a in self.assignments if a.role == role and a.id is not None]
        self.assignments = [a for a in self.assignments if a.role != role]

    def __repr__(self) -> str:
        return f"<CaseRecord {self.ref} {self.workflow} {self.status}>"


def load_case(db: Db, case_id: int) -> CaseRecord | None:
    """The case with its organisations and everyone assigned to it, in two queries."""
    found = db.execute(_CASE, {"case_id": case_id}).all()
    if not found:
        return None
    return _case_record(found[0], _assignments(db, case_id))


def load_case_and_person(db: Db, case_id: int, person_id: int | None) -> tuple[CaseRecord | None, PersonRecord | None]:
    """The case, as `load_case`, and the person acting on it, as `load_person`, in two
    queries: the person's rows are read with the case's assignments."""
    found = db.execute(_CASE, {"case_id": case_id}).all()
    if not found:
        return None, load_person(db, person_id)
    assigned, acting = [], []
    for row in db.execute(_ASSIGNMENTS_AND_PERSON, {"case_id": case_id, "person_id": person_id}):
        (assigned if row[0] is not None else acting).append(row)
    person = None
    if acting:
        *fields, _ = acting[0][4:]
        person = PersonRecord(*fields, frozenset(r[-1] for r in acting if r[-1] is not None))
    return _case_record(found[0], _assignments_of(assigned).get(case_id, [])), person


def load_cases(db: Db, case_ids: list[int]) -> dict[int, CaseRecord]:
    """Several cases with their organisations and assignments, by id, in two queries."""
    if not case_ids:
        return {}
    rows = db.execute(_CASES, {"case_ids": sorted(set(case_ids))}).all()
    assignments = _assignments_of(db.execute(_ASSIGNMENTS_OF_CASES, {"case_ids": sorted(r.id for r in rows)}))
    return {row.id: _case_record(row, assignments.get(row.id, [])) for row in rows}


def load_person(db: Db, person_id: int | None) -> PersonRecord | None:
    """A person with their roles, or None if there is no such person."""
    if person_id is None:
        return None
    rows = db.execute(_PERSON, {"person_id": person_id}).all()
    return _person(rows) if rows else None


def save_case(db: Db, case: CaseRecord, later: Writes | None = None) -> None:
    """Write the case's changed columns if it is still at the version it was loaded at, then
    its assignment changes; raises StaleVersion (nothing written) if someone got there first.
    With `later`, the row's UPDATE is gathered there, and checked when that is flushed."""
    values = {name: getattr(case, name) for name in _WRITABLE}
    # Only the columns that changed are written, and `data` always (it may have been changed
    # in place, and nearly every transition changes it anyway).
    changed = frozenset(name for name, value in values.items() if name == "data" or value != case.saved[name])
    statement = _save_statement(changed)
    values = {name: values[name] for name in changed}
    values |= {"case_id": case.id, "loaded_version": case.version, "new_version": case.version + 1}
    if later is not None:
        later.add(statement, values, checked=True)
    elif db.execute(statement, values).rowcount != 1:
        raise StaleVersion()
    case.version += 1
    case.saved = {name: getattr(case, name) for name in CASE_COLUMNS}
    if case.unassigned:
        db.execute(_UNASSIGN, [{"assignment_id": a.id} for a in case.unassigned])
        case.unassigned = []
    for new in (a for a in case.assignments if a.id is None):
        new.id = db.execute(_ASSIGN, {"case_id": case.id, "person_id": new.person.id, "role": new.role,
                                        "assigned_at": new.assigned_at}).inserted_primary_key[0]


def _case_record(row: Sequence, assignments: list[AssignmentRecord]) -> CaseRecord:
    """A case from a row of `_case_query`: the case's columns, then each organisation's name
    and kind (read by position: by name, a row's columns cost several times as much)."""
    values = tuple(row)
    columns = dict(zip(CASE_COLUMNS, values))
    organisations = {}
    for n, (name, id_column) in enumerate(ORGANISATION_OF.items()):
        org_id, at = columns[id_column], len(CASE_COLUMNS) + 2 * n
        organisations[name] = None if org_id is None else OrganisationRecord(org_id, values[at], values[at + 1])
    return CaseRecord(columns, organisations, assignments)


def _assignments(db: Db, case_id: int) -> list[AssignmentRecord]:
    return _assignments_of(db.execute(_ASSIGNMENTS, {"case_id": case_id})).get(case_id, [])


def _assignments_of(rows) -> dict[int, list[AssignmentRecord]]:
    """Assignments by case, from one row per assignment and role of its person (a person with
    no role gives one row)."""
    by_id: dict[int, tuple[tuple, set[str]]] = {}
    for assignment_id, *fields, person_role in rows:   # the columns of `_ASSIGNED`, by position
        _, roles = by_id.setdefault(assignment_id, (fields, set()))
        if person_role is not None:
            roles.add(person_role)
    by_case: dict[int, list[AssignmentRecord]] = {}
    for assignment_id, ((case_id, role, assigned_at, *person), roles) in by_id.items():
        by_case.setdefault(case_id, []).append(
            AssignmentRecord(PersonRecord(*person, frozenset(roles)), role, assigned_at, assignment_id))
    return by_case


def _person(rows: list[Row]) -> PersonRecord:
    first = rows[0]
    return PersonRecord(first.id, first.email, first.name, first.organisation_id, first.is_active,
                        frozenset(r.person_role for r in rows if r.person_role is not None))


def _case_query():
    query = select(CASES)
    for name, column in ORGANISATION_OF.items():
        org = aliased(Organisation.__table__, name=f"{name}_org")
        query = (query.add_columns(org.c.name.label(f"{name}_name"), org.c.kind.label(f"{name}_kind"))
                 .outerjoin(org, org.c.id == CASES.c[column]))
    return query


_PERSON_COLUMNS = (PEOPLE.c.email, PEOPLE.c.name, PEOPLE.c.organisation_id, PEOPLE.c.is_active,
                   ROLES.c.role.label("person_role"))
_CASE = _case_query().where(CASES.c.id == bindparam("case_id"))
_CASES = _case_query().where(CASES.c.id.in_(bindparam("case_ids", expanding=True)))
_PERSON = (select(PEOPLE.c.id, *_PERSON_COLUMNS).outerjoin(ROLES, ROLES.c.person_id == PEOPLE.c.id)
           .where(PEOPLE.c.id == bindparam("person_id")))
_ASSIGNED = (select(ASSIGNMENTS.c.id, ASSIGNMENTS.c.case_id, ASSIGNMENTS.c.role, ASSIGNMENTS.c.assigned_at,
                    ASSIGNMENTS.c.person_id, *_PERSON_COLUMNS)
             .join(PEOPLE, PEOPLE.c.id == ASSIGNMENTS.c.person_id)
             .outerjoin(ROLES, ROLES.c.person_id == PEOPLE.c.id))
_ASSIGNMENTS = _ASSIGNED.where(ASSIGNMENTS.c.case_id == bindparam("case_id")).order_by(ASSIGNMENTS.c.id)
_ASSIGNMENTS_OF_CASES = (_ASSIGNED.where(ASSIGNMENTS.c.case_id.in_(bindparam("case_ids", expanding=True)))
                         .order_by(ASSIGNMENTS.c.id))
#: The case's assignments, then the person's rows (with no assignment: the first four NULL).
_ASSIGNMENTS_AND_PERSON = union_all(
    _ASSIGNED.where(ASSIGNMENTS.c.case_id == bindparam("case_id")),
    select(null(), null(), null(), null(), PEOPLE.c.id, *_PERSON_COLUMNS)
    .outerjoin(ROLES, ROLES.c.person_id == PEOPLE.c.id).where(PEOPLE.c.id == bindparam("person_id")),
).order_by(literal_column("1"))
_WRITABLE = tuple(name for name in CASE_COLUMNS if name not in ("id", "version"))


@cache
def _save_statement(columns: frozenset[str]):
    """The version-checked UPDATE of these columns (one per set of columns, built once)."""
    return (update(CASES)
            .where(CASES.c.id == bindparam("case_id"), CASES.c.version == bindparam("loaded_version"))
            .values({name: bindparam(name) for name in sorted(columns)} | {"version": bindparam("new_version")}))


_UNASSIGN = delete(ASSIGNMENTS).where(ASSIGNMENTS.c.id == bindparam("assignment_id"))
_ASSIGN = insert(ASSIGNMENTS)
