"""Read-side queries for lists and home pages: the cases a person may see and the live
deadlines waiting on them (by the conditions of `casework.visibility`), and paging. Lists
select the columns they show rather than loading cases.

The case page reads its timeline and letters here too, as columns: a letter's PDF is
fetched only when someone opens it.

Building a statement costs far more than running it, so each statement is built once for
each shape of person (active or not, with an organisation or not, which roles) and of
filter, with the person's ids, dates and page as bound parameters; and these selects of
columns run on the Session's connection, not through its ORM layer, which costs more than
the SQL."""
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import ARRAY, Select, String, TableValuedAlias, and_, bindparam, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from casework.audit import AuditEntry
from casework.cases import Case, CaseAssignment, CaseRole
from casework.deadlines import LIVE, Deadline
from casework.letters import Letter
from casework.organisations import Organisation, Person
from casework.search import SearchTerms, matching, search_terms
from casework.search import params_of as search_params
from casework.visibility import Shape, acts_on, can_see, one_of, params_of, shape_of


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


#: Case lists and counts stop counting here and say "more than 1,000": counting every one of
#: the 100,000 cases a contract manager may see took longer than the page it was for, and
#: nobody pages past the first thousand cases rather than narrowing the list.
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    size: int
    total: int
    #: More than `total` items match: the count stopped at COUNT_LIMIT.
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


@dataclass(frozen=True)
class CaseFilter:
    """What a case list is narrowed to, beyond what the person may see."""
    stage: tuple[str, str] | None = None      # (workflow, state)
    organisation: int | None = None           # the funded organisation or the funder
    due: tuple[date, date] | None = None      # has a live deadline due within these dates
    search: SearchTerms = search_terms("")    # words typed in the search box (casework.search)

    def params(self, dialect: str) -> dict:
        workflow, state = self.stage or (None, None)
        first, last = self.due or (None, None)
        return {"workflow": workflow, "state": state, "organisation": self.organisation, "first": first,
                "last": last} | (search_params(self.search, dialect) if self.search else {})

    @property
    def shape(self) -> tuple:
        return (self.stage is not None, self.organisation is not None, self.due is not None,
                self.search.shape if self.search else None)


def case_page(session: Session, person: Person, number: int, chosen: CaseFilter = CaseFilter(),
              size: int = 25) -> Page:
    """One page of the cases this person may see that match the filter and the search:
    newest activity first, or when searching, a case whose reference was typed first, then
    those whose title holds every word."""
    conn = session.connection()  # these are Core selects: the Session's ORM path would cost more than them
    count, page = _case_list_statements(shape_of(person), chosen.shape, conn.dialect.name)
    params = params_of(person) | chosen.params(conn.dialect.name)
    total = conn.scalar(count, params | {"count_limit": COUNT_LIMIT + 1})
    more, total = total > COUNT_LIMIT, min(total, COUNT_LIMIT)
    number = max(1, min(number, max(1, -(-total // size))))
    rows = conn.execute(page, params | {"offset": (number - 1) * size, "size": size})
    return Page([CaseLine(*row) for row in rows], number, size, total, more)


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A case as a case-list export writes it."""
    id: int
    workflow: str
    status: str
    title: str
    vco_name: str | None
    funder_name: str | None
    opened_at: datetime
    updated_at: datetime

    ref = property(Case.ref.fget)


def case_rows(session: Session, person: Person, chosen: CaseFilter = CaseFilter()) -> list[CaseRow]:
    """Every case this person may see that matches the filter and the search, in the case
    list's order: what "Download these cases" writes."""
    conn = session.connection()
    statement = _case_export_statement(shape_of(person), chosen.shape, conn.dialect.name)
    return [CaseRow(*row) for row in conn.execute(statement, params_of(person) | chosen.params(conn.dialect.name))]


@lru_cache(maxsize=64)
def _case_export_statement(shape: Shape, filters: tuple, dialect: str) -> Select:
    condition, order = _case_list_condition(shape, filters, dialect)
    funder = aliased(Organisation)
    return (select(Case.id, Case.workflow, Case.status, Case.title, Organisation.name, funder.name, Case.opened_at,
                   Case.updated_at)
            .outerjoin(Organisation, Organisation.id == Case.vco_org_id)
            .outerjoin(funder, funder.id == Case.funder_org_id).where(condition).order_by(*order))


@lru_cache(maxsize=256)
def _case_list_statements(shape: Shape, filters: tuple, dialect: str) -> tuple[Select, Select]:
    condition, order = _case_list_condition(shape, filters, dialect)
    count = select(func.count()).select_from(select(Case.id).where(condition).limit(bindparam("count_limit")).subquery())
    page = (select(Case.id, Case.workflow, Case.status, Case.title, Organisation.name)
            .outerjoin(Organisation, Organisation.id == Case.vco_org_id).where(condition)
            .order_by(*order).offset(bindparam("offset")).limit(bindparam("size")))
    return count, page


def _case_list_condition(shape: Shape, filters: tuple, dialect: str) -> tuple:
    """The case list's condition on `cases`, and its order."""
    stage, organisation, due, search = filters
    order = [Case.updated_at.desc(), Case.id.desc()]
    terms = [can_see(shape)]
    if stage:
        terms += [Case.workflow == bindparam("workflow"), Case.status == bindparam("state")]
    if organisation:
        terms.append(or_(Case.vco_org_id == bindparam("organisation"), Case.funder_org_id == bindparam("organisation")))
    if due:
        terms.append(exists().where(Deadline.case_id == Case.id, one_of(Deadline.status, LIVE),
                                    Deadline.due_on.between(bindparam("first"), bindparam("last"))))
    if search is not None:
        found, titled = matching(dialect, search)
        terms.append(found)
        first = [case((Case.id == bindparam("ref_id"), 0), else_=1)] if search[1] else []
        order = first + [case((titled, 0), else_=1)] + order
    return and_(*terms), order


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


def each_of(name: str, values) -> TableValuedAlias:
    """A one-column table of these values, for a LATERAL walk run once for each on PostgreSQL
    (`unnest` of one bound array): a walk written out once a value is planned once a value on
    every request, and a statement holding `values()` is never cached by SQLAlchemy."""
    return func.unnest(literal(sorted(values), ARRAY(String))).table_valued(name).render_derived()


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
    # The cases and the party organisations' names (for who must act): for these few rows only.
    parties = [aliased(Organisation) for _ in _PARTIES]
    statement = (select(*(every.c[name] for name in ("table", "deadline_id", "label", "due_on", "status",
                                                      "paused_remaining", "acting_roles")),
                        Case.id, Case.workflow, Case.status, Case.title, every.c.kind, Case.funder_org_id,
                        Case.vco_org_id, Case.complainant_org_id, Case.respondent_org_id,
                        *(org.name for org in parties))
                 .join(Case, Case.id == every.c.case_id))
    for org, party in zip(parties, (Case.funder_org_id, Case.vco_org_id, Case.complainant_org_id,
                                    Case.respondent_org_id)):
        statement = statement.outerjoin(org, org.id == party)
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
