"""The home page's tables of live deadlines: the soonest of the cases a person may see, those
waiting on the person (by the conditions of `casework.visibility`), those due within two
dates, and who must act on each, all the tables in one statement.

As in `casework.queries`, each statement is built once for each shape of person and of table,
with the person's ids, dates and limit as bound parameters, and run on the Session's
connection."""
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import Select, bindparam, exists, literal, null, select, union_all
from sqlalchemy.orm import Session

from casework.cases import Case, CaseAssignment, CaseRole
from casework.deadlines import LIVE, Deadline
from casework.organisations import Organisation, Person
from casework.queries import CaseLine, each_of
from casework.visibility import Shape, acts_on, can_see, params_of, shape_of


@dataclass(frozen=True, slots=True)
class DeadlineLine:
    """A live deadline as lists show it, with its case."""
    id: int
    label: str
    due_on: date | None
    status: str
    paused_remaining: int | None
    acting_roles: list[str]
    case: CaseLine


@dataclass(frozen=True)
class DeadlineTable:
    """Which live deadlines a table lists: only those waiting on the person, or only those
    due within two dates (both, or neither: every live deadline); and whether it names who
    must act (`CaseLine.acting`, None where it does not: a table of what waits on the reader)."""
    waiting: bool = False
    due: tuple[date, date] | None = None
    names_who_acts: bool = True


def soonest_deadlines(session: Session, person: Person, limit: int, *, waiting: bool = False,
                      due: tuple[date, date] | None = None) -> list[DeadlineLine]:
    """Live deadlines of the cases this person may see, soonest first: only those waiting on
    this person, or only those due within two dates, if asked."""
    return deadline_tables(session, person, limit, {"": DeadlineTable(waiting, due)})[""]


def deadline_tables(session: Session, person: Person, limit: int,
                    tables: dict[str, DeadlineTable]) -> dict[str, list[DeadlineLine]]:
    """For each table, its soonest live deadlines of the cases this person may see, at most
    `limit`; all the tables in one statement."""
    names = list(tables)
    statement = _tables_statement(shape_of(person), tuple((tables[n].waiting, tables[n].due is not None) for n in names),
                                  session.connection().dialect.name)
    params = params_of(person) | {"limit": limit}
    for i, name in enumerate(names):
        if tables[name].due:
            params[f"first_{i}"], params[f"last_{i}"] = tables[name].due
    found: dict[str, list[DeadlineLine]] = {name: [] for name in names}
    rows = session.connection().execute(statement, params).all()
    who = _who_acts(session, [row for row in rows if tables[names[row[0]]].names_who_acts])
    for row in rows:
        found[names[row[0]]].append(DeadlineLine(*row[1:7], CaseLine(*row[7:11], acting=who.get(row[1]))))
    return found


_PARTIES = ("funder", "vco", "complainant", "respondent")


def _names_statement() -> Select:
    """The names of the people assigned to some cases (id: the case), in the order they were
    assigned, and of some organisations (id: the organisation; role: None)."""
    people = (select(CaseAssignment.case_id.label("id"), CaseAssignment.role, Person.name,
                     CaseAssignment.id.label("seq"))
              .join(Person, Person.id == CaseAssignment.person_id)
              .where(CaseAssignment.case_id.in_(bindparam("case_ids", expanding=True))))
    organisations = (select(Organisation.id, null().label("role"), Organisation.name, literal(0).label("seq"))
                     .where(Organisation.id.in_(bindparam("organisation_ids", expanding=True))))
    both = union_all(people, organisations).subquery()
    return select(both.c.id, both.c.role, both.c.name).order_by(both.c.seq)


_NAMES = _names_statement()

#: Who a role on a case is, when nobody is assigned to it: the party organisation named by
#: the key, or these words.
_NOBODY_ASSIGNED = {
    CaseRole.FUNDER_OFFICER: "funder", CaseRole.VCO_LEAD: "vco", CaseRole.COMPLAINANT: "complainant",
    CaseRole.RESPONDENT: "respondent", CaseRole.RESPONDENT_OFFICER: "respondent",
    CaseRole.SENIOR_REVIEWER: "respondent", CaseRole.DECISION_MAKER: "a decision-maker at {funder}",
    CaseRole.MEDIATOR: "BVSC", CaseRole.MEDIATION_SERVICE: "BVSC", CaseRole.PANEL_MEMBER: "the Compact panel",
}
#: Deadlines that every role named must act on (for the others, any one of them may).
_EVERY_ROLE_ACTS = frozenset({"mediation_agreement"})
#: Deadlines that only some of a role act on, named as these words instead.
_ACTING_INSTEAD = {"findings_response": "a decision-maker at {respondent}"}


def _who_acts(session: Session, rows: list) -> dict[int, str]:
    """Who must act on each deadline row, by deadline id: the people assigned to its roles,
    or else the party organisation (the rows carry their ids); one statement for all the rows."""
    if not rows:
        return {}
    assigned: dict[tuple[int, str], list[str]] = {}
    organisations: dict[int, str] = {}
    params = {"case_ids": sorted({row[7] for row in rows}),
              "organisation_ids": sorted({i for row in rows for i in row[12:16] if i is not None})}
    for id_, role, name in session.connection().execute(_NAMES, params):
        if role is None:
            organisations[id_] = name
        else:
            assigned.setdefault((id_, role), []).append(name)
    found = {}
    for row in rows:
        case_id, kind, named = row[7], row[11], dict(zip(_PARTIES, (organisations.get(i) for i in row[12:16])))
        names: list[str] = []
        for role in row[6]:
            fallback = _ACTING_INSTEAD.get(kind) or _NOBODY_ASSIGNED.get(role, "")
            for name in assigned.get((case_id, role)) or [named.get(fallback) or fallback.format(
                    funder=named["funder"] or "the funder", respondent=named["respondent"] or "the respondent")]:
                if name and name not in names:
                    names.append(name)
        found[row[1]] = _listed(names, " and " if kind in _EVERY_ROLE_ACTS else " or ")
    return found


def _listed(names: list[str], last: str) -> str:
    """Names as a sentence lists them: "A", "A or B", "A, B and C"."""
    return ", ".join(names[:-1]) + last + names[-1] if len(names) > 1 else "".join(names)


@lru_cache(maxsize=256)
def _tables_statement(shape: Shape, tables: tuple[tuple[bool, bool], ...], dialect: str) -> Select:
    selects = []
    for i, (waiting, due) in enumerate(tables):
        # The case is tested in a subquery, not joined: joined, SQLite read every case a person
        # may see into a Bloom filter before the walk (88 ms at 100,000 cases, for 26 rows).
        shown = [can_see(shape), acts_on(shape)] if waiting else [can_see(shape)]
        walk = (select(literal(i).label("table"), Deadline.id.label("deadline_id"), Deadline.label, Deadline.due_on,
                       Deadline.status, Deadline.paused_remaining, Deadline.acting_roles, Deadline.case_id,
                       Deadline.kind)
                .where(exists().where(Case.id == Deadline.case_id, *shown))
                .order_by(Deadline.due_on, Deadline.id).limit(bindparam("limit")))
        if due:
            walk = walk.where(Deadline.due_on.between(bindparam(f"first_{i}"), bindparam(f"last_{i}")))
        # One walk of the (status, due_on) index per live status, each stopping at the limit,
        # then merged: `status IN (...)` would make SQLite sort every live deadline first. On
        # PostgreSQL the walk is written once and run for each status (LATERAL): written out
        # once a status, planning the home page's tables took longer than running them.
        if dialect == "postgresql":
            live = each_of("status", LIVE)
            merged = select(walk.where(Deadline.status == live.c.status).lateral()).select_from(live).subquery()
        else:
            merged = union_all(*(select(walk.where(Deadline.status == status).subquery()) for status in LIVE)).subquery()
        selects.append(select(merged).order_by(merged.c.due_on, merged.c.deadline_id).limit(bindparam("limit"))
                       .subquery())
    every = union_all(*(select(table) for table in selects)).subquery()
    # The cases, with their party organisations' ids (`_who_acts` reads their names: four more
    # joins here made PostgreSQL's search for a join order take 4.5 ms of this statement's
    # 6.5 ms of planning at 100,000 cases).
    statement = (select(*(every.c[name] for name in ("table", "deadline_id", "label", "due_on", "status",
                                                      "paused_remaining", "acting_roles")),
                        Case.id, Case.workflow, Case.status, Case.title, every.c.kind, Case.funder_org_id,
                        Case.vco_org_id, Case.complainant_org_id, Case.respondent_org_id)
                 .join(Case, Case.id == every.c.case_id))
    return statement.order_by(every.c.table, every.c.due_on, every.c.deadline_id)
