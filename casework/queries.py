"""Read-side queries for case lists: the cases a person may see (by the conditions of
`casework.visibility`), filtered, searched and paged. Lists select the columns they show
rather than loading cases. The home page's tables of deadlines are `casework.deadline_lists`.

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

from sqlalchemy import (ARRAY, Select, String, TableValuedAlias, and_, bindparam, case, exists, func, literal, or_,
                        select, union_all)
from sqlalchemy.orm import Session, aliased

from casework import search as search_index
from casework.audit import AuditEntry
from casework.cases import Case
from casework.deadlines import LIVE, Deadline
from casework.letters import Letter
from casework.organisations import Organisation, Person
from casework.search import SearchTerms, frequency, matching, per_case, search_terms
from casework.search import params_of as search_params
from casework.visibility import Shape, can_see, one_of, params_of, shape_of


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
    dialect = conn.dialect.name
    params = params_of(person) | chosen.params(dialect)
    params |= {"count_limit": COUNT_LIMIT + 1}
    count, page = _case_list_statements(shape_of(person), chosen.shape, dialect)
    if chosen.search:
        rarest = _rarest(conn, chosen.search, dialect, params)
        walk_count, walk_page, sample = _search_walk_statements(shape_of(person), chosen.shape, dialect, rarest)
        if rarest is not None:    # the few cases of the rarest word, tested
            count, page = walk_count, walk_page
        else:   # every word frequent: walked if found often enough among the latest cases
            found, titled, every = conn.execute(sample, params | {"sample": search_index.SAMPLE}).one()
            if found > COUNT_LIMIT or every:
                walked = (titled >= search_index.WALKED, found - titled >= search_index.WALKED)
                return _walked_page(conn, shape_of(person), chosen, params, number, size, found, walked)
    total = conn.scalar(count, params)
    more, total = total > COUNT_LIMIT, min(total, COUNT_LIMIT)
    number = max(1, min(number, max(1, -(-total // size))))
    rows = conn.execute(page, params | {"offset": (number - 1) * size, "size": size, "walk": number * size})
    return Page([CaseLine(*row) for row in rows], number, size, total, more)


def _walked_page(conn, shape: Shape, chosen: CaseFilter, params: dict, number: int, size: int, found: int,
                 walked: tuple[bool, bool]) -> Page:
    """A page of a search of frequent words, part by part (the typed reference, the titles
    holding every word, the others) until it is full: each part walked newest first if the
    sample found it often enough, its cases found sorted otherwise."""
    more, total = found > COUNT_LIMIT, min(found, COUNT_LIMIT)
    number = max(1, min(number, max(1, -(-total // size))))
    rows, dialect = [], conn.dialect.name
    for part in (0, 1, 2) if chosen.search.case_id is not None else (1, 2):
        statement = _part_statement(shape, chosen.shape, dialect, part, part > 0 and walked[part - 1])
        rows += conn.execute(statement, params | {"walk": number * size - len(rows)}).all()
        if len(rows) >= number * size:
            break
    return Page([CaseLine(*row) for row in rows[(number - 1) * size:]], number, size, total, more)


@lru_cache(maxsize=256)
def _part_statement(shape: Shape, filters: tuple, dialect: str, part: int, walked: bool) -> Select:
    """Part `part` of `_walked_page`, newest first, up to :walk cases."""
    search = filters[3]
    found, titled = per_case(dialect, search, None) if walked else matching(dialect, search)
    if part == 1 and not walked:   # the few cases whose titles hold every word, each tested
        found = per_case(dialect, search, None)[0]
    where = [titled, ~titled][part - 1:part] if part else []
    if search[1]:
        reference = Case.id == bindparam("ref_id")
        where.append(reference if part == 0 else ~reference)
    return (select(Case.id, Case.workflow, Case.status, Case.title, Organisation.name)
            .outerjoin(Organisation, Organisation.id == Case.vco_org_id)
            .where(*_filter_terms(shape, filters), found, *where)
            .order_by(Case.updated_at.desc(), Case.id.desc()).limit(bindparam("walk")))


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


def _rarest(conn, search: SearchTerms, dialect: str, params: dict) -> int | None:
    """The word the index finds least often, if it is found fewer than FREQUENT times; None
    when every word is frequent."""
    frequent = search_index.FREQUENT
    counts = conn.execute(_frequency_statement(search.shape, dialect), params | {"frequent": frequent}).one()
    least = min(range(len(counts)), key=lambda n: counts[n])
    return least if counts[least] < frequent else None


@lru_cache(maxsize=64)
def _frequency_statement(shape: tuple, dialect: str) -> Select:
    return frequency(dialect, shape)


@lru_cache(maxsize=256)
def _search_walk_statements(shape: Shape, filters: tuple, dialect: str, rarest: int | None) -> tuple:
    """The count and page of a search tested case by case, and a sample: the page is the cases
    walked newest first, stopping at :walk cases (the page's last) in each of three parts, in
    order: the case whose reference was typed, those whose title holds every word, the others,
    rather than every case found being sorted. The count stops at its limit. The sample counts
    the same among the latest :sample cases (by id), and says whether those are all: a search
    found more than COUNT_LIMIT times there is walked (its count known), one found rarely
    there, by a person who may see few cases, is not, for the walk would read every case."""
    terms = _filter_terms(shape, filters)
    search = filters[3]
    found, titled = per_case(dialect, search, rarest)
    count = select(func.count()).select_from(
        select(Case.id).where(*terms, found).limit(bindparam("count_limit")).subquery())
    first = select(Case.id).order_by(Case.id.desc()).offset(bindparam("sample")).limit(1).scalar_subquery()
    latest = select(case((titled, 1), else_=0).label("titled")).where(
        Case.id > func.coalesce(first, 0), *terms, found).limit(bindparam("count_limit")).subquery()
    sample = select(func.count(), func.coalesce(func.sum(latest.c.titled), 0), first.is_(None))
    parts = [(1, [titled]), (2, [~titled])]
    if search[1]:
        reference = Case.id == bindparam("ref_id")
        parts = [(0, [reference])] + [(n, [*where, ~reference]) for n, where in parts]
    walked = [select(literal(n).label("part"), Case.updated_at, Case.id).where(*terms, found, *where)
              .order_by(Case.updated_at.desc(), Case.id.desc()).limit(bindparam("walk")).subquery(f"part_{n}")
              for n, where in parts]
    first = union_all(*(select(*part.c) for part in walked)).subquery("walked")
    page = (select(Case.id, Case.workflow, Case.status, Case.title, Organisation.name)
            .join(first, first.c.id == Case.id).outerjoin(Organisation, Organisation.id == Case.vco_org_id)
            .order_by(first.c.part, first.c.updated_at.desc(), first.c.id.desc())
            .offset(bindparam("offset")).limit(bindparam("size")))
    return count, page, sample


def _filter_terms(shape: Shape, filters: tuple) -> list:
    """Who may see the case and the filters, as conditions on `cases`."""
    stage, organisation, due, _search = filters
    terms = [can_see(shape)]
    if stage:
        terms += [Case.workflow == bindparam("workflow"), Case.status == bindparam("state")]
    if organisation:
        terms.append(or_(Case.vco_org_id == bindparam("organisation"), Case.funder_org_id == bindparam("organisation")))
    if due:
        terms.append(exists().where(Deadline.case_id == Case.id, one_of(Deadline.status, LIVE),
                                    Deadline.due_on.between(bindparam("first"), bindparam("last"))))
    return terms


def _case_list_condition(shape: Shape, filters: tuple, dialect: str) -> tuple:
    """The case list's condition on `cases`, and its order."""
    search = filters[3]
    order = [Case.updated_at.desc(), Case.id.desc()]
    terms = _filter_terms(shape, filters)
    if search is not None:
        found, titled = matching(dialect, search)
        terms.append(found)
        first = [case((Case.id == bindparam("ref_id"), 0), else_=1)] if search[1] else []
        order = first + [case((titled, 0), else_=1)] + order
    return and_(*terms), order


def each_of(name: str, values) -> TableValuedAlias:
    """A one-column table of these values, for a LATERAL walk run once for each on PostgreSQL
    (`unnest` of one bound array): a walk written out once a value is planned once a value on
    every request, and a statement holding `values()` is never cached by SQLAlchemy."""
    return func.unnest(literal(sorted(values), ARRAY(String))).table_valued(name).render_derived()


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
