"""Read-side queries for lists and home pages: the cases a person may see (the SQL form of
`permissions.can_view_case`), the live deadlines waiting on them (the SQL form of
`case_roles`), and paging. Lists select the columns they show rather than loading cases.

The case page reads its timeline and letters here too, as columns: a letter's PDF is
fetched only when someone opens it.

Building a statement costs far more than running it, so each statement is built once for
each shape of person (active or not, with an organisation or not, which roles) and of
filter, with the person's ids, dates and page as bound parameters; and these selects of
columns run on the Session's connection, not through its ORM layer, which costs more than
the SQL."""
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import (ColumnElement, Select, String, and_, bindparam, cast, exists, false, func, literal, or_,
                        select, true, union_all)
from sqlalchemy.orm import Session, aliased

from casework.audit import AuditEntry
from casework.cases import MEDIATOR_QUEUE_STATES, PARTY_STAFF_ROLES, Case, CaseAssignment, CaseRole, case_roles
from casework.deadlines import LIVE, Deadline
from casework.letters import Letter
from casework.organisations import Organisation, Person, Role

#: (active, has an organisation, roles): all the SQL of a person's queries depends on.
Shape = tuple[bool, bool, frozenset[str]]


def shape_of(person: Person) -> Shape:
    return person.is_active, person.organisation_id is not None, frozenset(person.roles)


def params_of(person: Person) -> dict:
    return {"person_id": person.id, "org_id": person.organisation_id}


def visible_cases(person: Person) -> Select:
    """A query of every case this person may see, matching `can_view_case`."""
    return select(Case).where(can_see(shape_of(person))).params(**params_of(person))


def can_see(shape: Shape) -> ColumnElement[bool]:
    """The condition on `cases` of `visible_cases`, with :person_id and :org_id to bind."""
    active, has_org, roles = shape
    if not active:
        return false()
    me, org = bindparam("person_id"), bindparam("org_id")
    rules = []
    if has_org:
        if Role.VCO_STAFF in roles:
            rules.append(and_(Case.workflow == "funding_change", Case.vco_org_id == org))
        if roles & {Role.FUNDER_OFFICER, Role.DECISION_MAKER}:
            rules.append(and_(Case.workflow == "funding_change", Case.funder_org_id == org))
        if roles & PARTY_STAFF_ROLES:
            rules.append(and_(Case.workflow == "dispute",
                              or_(Case.complainant_org_id == org, Case.respondent_org_id == org)))
    if Role.MEDIATOR in roles:
        own = org if has_org else -1
        rules.append(and_(Case.workflow == "dispute", _among(Case.status, MEDIATOR_QUEUE_STATES),
                          or_(Case.complainant_org_id.is_(None), Case.complainant_org_id != own),
                          or_(Case.respondent_org_id.is_(None), Case.respondent_org_id != own)))
    # Column tests first: SQLite stops at the first true term, so the per-row look-up of
    # assignments runs only for cases the organisation rules do not already show.
    rules.append(exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.person_id == me))
    # A draft is seen only by a funder officer assigned to it (who is assigned to it by any
    # rule above too). Testing the status once, rather than in each rule and again for the
    # draft, takes a third off what counting every case a person may see costs SQLite.
    author = exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.person_id == me,
                            CaseAssignment.role == CaseRole.FUNDER_OFFICER)
    return or_(and_(Case.status != "draft", or_(*rules)), and_(Case.status == "draft", author))


#: Deadlines that are dates a case waits for, never something to do (the sweep acts on them):
#: nobody is waiting on them. Notifications word them as dates (`notifications.wording`).
DATES_NOT_TASKS = frozenset({"plan_end", "notice_effective"})

#: Which of their own roles let a member of a party organisation act for it on a dispute. A
#: senior reviewer acts only in the review assigned to them, never as the party.
PARTY_ACTORS = frozenset({"vco_staff", "funder_officer", "decision_maker"})

#: Deadlines only some of a party's staff act on, whatever else they may do: the panel's
#: findings are answered by a decision-maker; a mediator is assigned by the mediation service
#: alone (its staff act through MEDIATION_SERVICE, never as a party).
PARTY_KIND_ACTORS: dict[str, frozenset[str]] = {"findings_response": frozenset({"decision_maker"}),
                                                "mediation_agreement": frozenset()}

_PARTY_ROLES = frozenset({CaseRole.COMPLAINANT, CaseRole.RESPONDENT})


def waits_on(person: Person, case: Case, kind: str, acting_roles: list[str]) -> bool:
    """Whether this live deadline waits on this person: the Python form of `acts_on`."""
    if kind in DATES_NOT_TASKS:
        return False
    roles = set(acting_roles) & case_roles(case, person)
    if case.workflow == "dispute" and not {a.role for a in case.assignments if a.person_id == person.id} & roles:
        party_ok = bool(person.roles & PARTY_ACTORS & PARTY_KIND_ACTORS.get(kind, PARTY_ACTORS))
        roles = {role for role in roles if role not in _PARTY_ROLES or party_ok}
    return bool(roles)


def acts_on(shape: Shape) -> ColumnElement[bool]:
    """The condition on `deadlines` joined to `cases` that the deadline waits on the person
    (`waits_on`): some role they play on the case (`case_roles`) is one the deadline waits on
    (`Deadline.acting_roles`), it is a task rather than a date, and on a dispute a party's
    task is one this person acts on for their organisation."""
    _active, has_org, roles = shape
    me, org = bindparam("person_id"), bindparam("org_id")
    terms = [exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.person_id == me,
                            or_(*(and_(CaseAssignment.role == role, _waits_on(role)) for role in CaseRole)))]
    if has_org and Role.VCO_STAFF in roles:
        terms.append(and_(Case.workflow == "funding_change", Case.vco_org_id == org, _waits_on(CaseRole.VCO_LEAD)))
    if has_org and roles & PARTY_STAFF_ROLES and roles & PARTY_ACTORS:
        barred = [kind for kind, actors in PARTY_KIND_ACTORS.items() if not roles & actors]
        kinds = ~_among(Deadline.kind, barred) if barred else true()
        terms += [and_(Case.workflow == "dispute", Case.complainant_org_id == org, _waits_on(CaseRole.COMPLAINANT), kinds),
                  and_(Case.workflow == "dispute", Case.respondent_org_id == org, _waits_on(CaseRole.RESPONDENT), kinds)]
    if Role.MEDIATOR in roles:
        not_a_party = true() if not has_org else and_(*(or_(column.is_(None), column != org) for column in (
            Case.funder_org_id, Case.vco_org_id, Case.complainant_org_id, Case.respondent_org_id)))
        terms.append(and_(Case.workflow == "dispute", _among(Case.status, MEDIATOR_QUEUE_STATES), not_a_party,
                          _waits_on(CaseRole.MEDIATION_SERVICE)))
    return and_(~_among(Deadline.kind, DATES_NOT_TASKS), or_(*terms))


def _among(column, values) -> ColumnElement[bool]:
    """`column IN (...)` with one bound parameter a value: `in_` of a list binds an
    "expanding" parameter, which SQLAlchemy renders into the SQL text on every execution,
    costing a large statement more than running it."""
    return column.in_([literal(value, column.type) for value in sorted(values)])


def _waits_on(role: str) -> ColumnElement[bool]:
    # acting_roles is a JSON list of role names, stored as text such as ["vco_lead"]: a quoted
    # name is one whole element on either database, with no JSON functions that differ.
    return cast(Deadline.acting_roles, String).contains(f'"{role}"', autoescape=True)


@dataclass(frozen=True, slots=True)
class CaseLine:
    """A case as lists show it, read from a few columns rather than loading the case."""
    id: int
    workflow: str
    status: str
    title: str
    vco_name: str | None = None

    #: On a table of deadlines: who must act on the deadline listed with this case.
    acting: str | None = None

    ref = property(Case.ref.fget)  # the reference the case page shows


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
class Page:
    items: list
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


@dataclass(frozen=True)
class CaseFilter:
    """What a case list is narrowed to, beyond what the person may see."""
    stage: tuple[str, str] | None = None      # (workflow, state)
    organisation: int | None = None           # the funded organisation or the funder
    due: tuple[date, date] | None = None      # has a live deadline due within these dates

    def params(self) -> dict:
        workflow, state = self.stage or (None, None)
        first, last = self.due or (None, None)
        return {"workflow": workflow, "state": state, "organisation": self.organisation, "first": first, "last": last}

    @property
    def shape(self) -> tuple[bool, bool, bool]:
        return self.stage is not None, self.organisation is not None, self.due is not None


def case_page(session: Session, person: Person, number: int, chosen: CaseFilter = CaseFilter(),
              size: int = 25) -> Page:
    """One page of the cases this person may see that match the filter, newest activity first."""
    count, page = _case_list_statements(shape_of(person), chosen.shape)
    params = params_of(person) | chosen.params()
    conn = session.connection()  # these are Core selects: the Session's ORM path would cost more than them
    total = conn.scalar(count, params)
    number = max(1, min(number, max(1, -(-total // size))))
    rows = conn.execute(page, params | {"offset": (number - 1) * size, "size": size})
    return Page([CaseLine(*row) for row in rows], number, size, total)


@lru_cache(maxsize=256)
def _case_list_statements(shape: Shape, filters: tuple[bool, bool, bool]) -> tuple[Select, Select]:
    stage, organisation, due = filters
    terms = [can_see(shape)]
    if stage:
        terms += [Case.workflow == bindparam("workflow"), Case.status == bindparam("state")]
    if organisation:
        terms.append(or_(Case.vco_org_id == bindparam("organisation"), Case.funder_org_id == bindparam("organisation")))
    if due:
        terms.append(exists().where(Deadline.case_id == Case.id, _among(Deadline.status, LIVE),
                                    Deadline.due_on.between(bindparam("first"), bindparam("last"))))
    condition = and_(*terms)
    count = select(func.count()).select_from(Case).where(condition)
    page = (select(Case.id, Case.workflow, Case.status, Case.title, Organisation.name)
            .outerjoin(Organisation, Organisation.id == Case.vco_org_id).where(condition)
            .order_by(Case.updated_at.desc(), Case.id.desc())
            .offset(bindparam("offset")).limit(bindparam("size")))
    return count, page


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
    statement = _tables_statement(shape_of(person), tuple((tables[n].waiting, tables[n].due is not None) for n in names))
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
_ASSIGNEES = (select(CaseAssignment.case_id, CaseAssignment.role, Person.name)
              .join(Person, Person.id == CaseAssignment.person_id)
              .where(CaseAssignment.case_id.in_(bindparam("case_ids", expanding=True)))
              .order_by(CaseAssignment.id))

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
    or else the organisation (the rows carry the party organisations' names); one statement
    for all the rows."""
    if not rows:
        return {}
    assigned: dict[tuple[int, str], list[str]] = {}
    for case_id, role, name in session.connection().execute(_ASSIGNEES, {"case_ids": sorted({row[7] for row in rows})}):
        assigned.setdefault((case_id, role), []).append(name)
    found = {}
    for row in rows:
        case_id, kind, named = row[7], row[11], dict(zip(_PARTIES, row[16:20]))
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
def _tables_statement(shape: Shape, tables: tuple[tuple[bool, bool], ...]) -> Select:
    selects = []
    for i, (waiting, due) in enumerate(tables):
        terms = [can_see(shape)]
        if waiting:
            terms.append(acts_on(shape))
        if due:
            terms.append(Deadline.due_on.between(bindparam(f"first_{i}"), bindparam(f"last_{i}")))
        # One walk of the (status, due_on) index per live status, each stopping at the limit,
        # then merged: `status IN (...)` would make SQLite sort every live deadline first.
        walks = [select(literal(i).label("table"), Deadline.id.label("deadline_id"), Deadline.label, Deadline.due_on,
                        Deadline.status, Deadline.paused_remaining, Deadline.acting_roles, Case.id, Case.workflow,
                        Case.status.label("case_status"), Case.title, Deadline.kind, Case.funder_org_id,
                        Case.vco_org_id, Case.complainant_org_id, Case.respondent_org_id)
                 .join(Case, Case.id == Deadline.case_id).where(Deadline.status == status, *terms)
                 .order_by(Deadline.due_on, Deadline.id).limit(bindparam("limit")).subquery()
                 for status in LIVE]
        merged = union_all(*(select(walk) for walk in walks)).subquery()
        selects.append(select(merged).order_by(merged.c.due_on, merged.c.deadline_id).limit(bindparam("limit"))
                       .subquery())
    every = union_all(*(select(table) for table in selects)).subquery()
    # The party organisations' names, for who must act: looked up for these few rows only.
    parties = [aliased(Organisation) for _ in _PARTIES]
    statement = select(every, *(org.name for org in parties))
    for org, column in zip(parties, (every.c.funder_org_id, every.c.vco_org_id, every.c.complainant_org_id,
                                     every.c.respondent_org_id)):
        statement = statement.outerjoin(org, org.id == column)
    return statement.order_by(every.c.table, every.c.due_on, every.c.deadline_id)


_TRAIL = (select(AuditEntry.seq, AuditEntry.at, AuditEntry.actor_name, AuditEntry.trigger, AuditEntry.from_state,
                 AuditEntry.to_state, AuditEntry.data)
          .where(AuditEntry.case_id == bindparam("case_id")).order_by(AuditEntry.seq))
_LETTERS = (select(Letter.id, Letter.kind, Letter.filename, Letter.sha256, Letter.created_at)
            .where(Letter.case_id == bindparam("case_id")).order_by(Letter.id))


def audit_trail(session: Session, case_id: int) -> list:
    """The case's audit entries, oldest first, as rows of what a timeline shows."""
    return session.connection().execute(_TRAIL, {"case_id": case_id}).all()


def letters_of(session: Session, case_id: int) -> list:
    """The case's letters, oldest first, as rows without the PDF."""
    return session.connection().execute(_LETTERS, {"case_id": case_id}).all()
