"""Searching the case list: what someone typed, made safe (`SearchTerms`), and the one SQL
condition that finds it (`matching`) on either database. A case matches when every word is
part of its title, of one of its organisations' names or of the name of someone assigned
to it; or when the whole search is its reference (FC-0012, DS-3, or just 12).

The index lives on the columns themselves, so it is current whatever writes them (the
engine, the administrators' pages, Core inserts in bulk) with nothing for the application
to remember:

- PostgreSQL: pg_trgm GIN indexes on cases.title, organisations.name and people.name, which
  `ILIKE '%word%'` uses for words of 3 characters or more;
- SQLite: FTS5 tables with the trigram tokenizer over the same columns (external content,
  kept current by triggers on insert, delete and a change of the column), queried with each
  word as one quoted FTS5 string, so no word is ever read as an FTS5 operator.

Words shorter than 3 characters (which no trigram index holds) are matched with LIKE on the
columns, each column read once a search. The same words make three forms of condition, for
the three ways `casework.queries.case_page` finds results: `frequency` counts how often each
word is found; `per_case` tests each case in turn (for walking the cases newest first when
the words are frequent, or the few cases of the rarest word); `matching` works out the ids of
the cases found first, and only those cases are tested against the visibility rule and the
filters. With a few plain indexes on `cases` (CASE_INDEXES) neither database reads whole case
rows to do so. Neither database's index is a model: `include_object` keeps them out of Alembic's
comparisons; migrations 0008 and 0014 make them, and `Base.metadata.create_all` too (the DDL
events below). A later migration that rebuilds one of these tables in SQLite's batch mode
must make its triggers and indexes again.

Over 300 lines: the three forms of the one search, and the DDL of its index, are kept in one
place so that they cannot drift apart."""
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import (DDL, ColumnElement, and_, bindparam, column, event, false, func, intersect, or_, select, table,
                        union_all)

from casework.cases import REF_PREFIX, Case, CaseAssignment
from casework.organisations import Organisation, Person

#: Characters of a search used, and words: the rest is ignored.
MAX_LENGTH = 100
MAX_WORDS = 6
#: Shorter words are matched by LIKE: a trigram index holds nothing shorter.
TRIGRAM = 3

#: The indexed columns: (source table, column, SQLite FTS5 table, PostgreSQL index).
INDEXED = (("cases", "title", "search_cases", "ix_search_cases_title"),
           ("organisations", "name", "search_organisations", "ix_search_organisations_name"),
           ("people", "name", "search_people", "ix_search_people_name"))

_REF = re.compile(r"^(?:(FC|DS|CS)\s*-?\s*)?0*(\d{1,9})$", re.IGNORECASE)
_WORKFLOW_OF = {prefix: workflow for workflow, prefix in REF_PREFIX.items()}


@dataclass(frozen=True)
class SearchTerms:
    """A search as typed, made safe: at most MAX_WORDS words of printable text, and the case
    id when the whole search is a case reference."""
    text: str
    words: tuple[str, ...]
    case_id: int | None = None
    workflow: str | None = None

    def __bool__(self) -> bool:
        return bool(self.words)

    @property
    def shape(self) -> tuple:
        """What the SQL depends on: which words are long enough for the index, and a reference."""
        return tuple(len(word) >= TRIGRAM for word in self.words), self.case_id is not None, self.workflow is not None


def search_terms(typed: str | None) -> SearchTerms:
    """What someone typed as terms: control characters (NUL included) dropped, at most
    MAX_LENGTH characters, split on spaces, repeated words once."""
    text = "".join(ch for ch in (typed or "") if not unicodedata.category(ch).startswith("C") or ch in " \t")
    text = " ".join(text.split())[:MAX_LENGTH].strip()
    words = tuple(dict.fromkeys(word.lower() for word in text.split()))[:MAX_WORDS]
    ref = _REF.match(text)
    if ref is None:
        return SearchTerms(text, words)
    return SearchTerms(text, words, int(ref.group(2)), _WORKFLOW_OF.get((ref.group(1) or "").upper()))


def params_of(terms: SearchTerms, dialect: str) -> dict:
    """The bound values of `matching`'s condition for these terms."""
    params = {"ref_id": terms.case_id, "ref_workflow": terms.workflow}
    for n, word in enumerate(terms.words):
        if dialect == "sqlite" and len(word) >= TRIGRAM:
            params[f"word_{n}"] = '"' + word.replace('"', '""') + '"'   # one FTS5 string, never an operator
        else:
            params[f"word_{n}"] = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return params


_FTS = {source: table(fts, column("rowid"), column(name)) for source, name, fts, _ in INDEXED}


def _ids(dialect: str, source, name: str, indexed: bool, word):
    """The ids of the rows of `source` whose column `name` holds the word."""
    if dialect == "sqlite" and indexed:
        fts = _FTS[source.name]
        return select(fts.c.rowid.label("id")).where(fts.c[name].match(word))
    col = source.c[name]
    if dialect == "postgresql":
        return select(source.c.id).where(col.ilike(word, escape="\\"))
    # unlikely(): SQLite cannot tell how many names LIKE finds, and would otherwise read every
    # assignment to find the few people's rather than look them up through their index.
    return select(source.c.id).where(func.unlikely(col.like(word, escape="\\")))


#: The columns naming a case's organisations, each with an index of its own.
_PARTIES = (Case.vco_org_id, Case.funder_org_id, Case.complainant_org_id, Case.respondent_org_id)


def _materialised(statement, name: str):
    """`statement` as a CTE worked out once, before the rest of the statement: neither database
    may fold it into the visibility rule and run it for each case."""
    return statement.cte(name).prefix_with("MATERIALIZED")


def matching(dialect: str, shape: tuple) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The condition on `cases` that it matches the search, and the condition that its title
    holds every word (search results show those first), with `params_of`'s values to bind.

    The condition is `cases.id IN` a set of ids worked out first through the indexes (each
    word's titles once, its organisations' cases and its people's cases; every word's set
    intersected; the reference added), so that the visibility rule and the filters are tested
    on the cases found rather than on every case. On PostgreSQL a word too short for the index
    is instead tested on each case (its organisations and people looked up once): no index
    narrows it, and one pass over the cases costs less there than finding each party's cases
    apart and joining them back."""
    indexed, has_ref, has_workflow = shape
    titles, found, short, short_titles = [], [], [], []
    for n, long_enough in enumerate(indexed):
        word = bindparam(f"word_{n}")
        if dialect == "postgresql" and not long_enough:
            people = select(CaseAssignment.case_id).where(
                CaseAssignment.person_id.in_(_ids(dialect, Person.__table__, "name", False, word)))
            orgs = _ids(dialect, Organisation.__table__, "name", False, word)
            short_titles.append(Case.title.ilike(word, escape="\\"))
            short.append(or_(short_titles[-1], *(party.in_(orgs) for party in _PARTIES), Case.id.in_(people)))
            continue
        title = _materialised(_ids(dialect, Case.__table__, "title", long_enough, word), f"search_title_{n}")
        orgs = _ids(dialect, Organisation.__table__, "name", long_enough, word).subquery()
        people = _ids(dialect, Person.__table__, "name", long_enough, word).subquery()
        # A join from the few organisations and people named, so that each party column's
        # index and the assignments' index of people are used rather than a scan of them all.
        found.append(union_all(select(title.c.id),
                               *(select(Case.id).join(orgs, party == orgs.c.id) for party in _PARTIES),
                               select(CaseAssignment.case_id).join(people, CaseAssignment.person_id == people.c.id)
                               ).cte(f"search_word_{n}"))
        titles.append(title)
    reference = and_(Case.id == bindparam("ref_id"), *(
        [Case.workflow == bindparam("ref_workflow")] if has_workflow else [])) if has_ref else None
    if found:
        if len(found) > 1:
            found = [intersect(*(select(word.c.id) for word in found)).cte("search_words")]
        ids = [select(found[0].c.id)] + ([select(Case.id).where(reference)] if has_ref else [])
        every = (union_all(*ids) if len(ids) > 1 else ids[0]).subquery("search_found")
        condition = Case.id.in_(select(every.c.id))
        if short:   # the reference is found whatever the short words
            condition = and_(condition, or_(reference, and_(*short)) if has_ref else and_(*short))
    elif short:
        condition = or_(reference, and_(*short)) if has_ref else and_(*short)
    else:
        condition = reference if has_ref else false()
    titled = [Case.id.in_(intersect(*(select(title.c.id) for title in titles)) if len(titles) > 1
                          else select(titles[0].c.id))] if titles else []
    return condition, and_(*titled, *short_titles) if titled or short_titles else false()


#: A search whose rarest word is found in at least this many cases (before who may see them
#: is tested) is frequent: its results are found by walking the cases newest first, which
#: stops at the page, rather than by sorting every case found.
FREQUENT = 2000
#: How many of the latest cases a search of frequent words is first counted among: found more
#: than the lists' count limit there, it is walked; otherwise (someone who may see few of
#: them) its cases found are sorted, for the walk would read every case.
SAMPLE = 10_000
#: A part of the results (titles holding every word, or the others) found at least this many
#: times in the sample is walked; one found less often is sorted, for the walk would be long.
WALKED = 25


def _word_cases(dialect: str, n: int, long_enough: bool) -> list:
    """Selects of the ids of the cases holding word n, to be joined by UNION ALL (a case once
    for each place it is found): its organisations' and people's first, which the index finds
    at less cost than titles, so that counting up to a limit reads the fewest titles."""
    word = bindparam(f"word_{n}")
    orgs = _ids(dialect, Organisation.__table__, "name", long_enough, word).subquery()
    people = _ids(dialect, Person.__table__, "name", long_enough, word).subquery()
    return [*(select(Case.id).join(orgs, party == orgs.c.id) for party in _PARTIES),
            select(CaseAssignment.case_id).join(people, CaseAssignment.person_id == people.c.id),
            _ids(dialect, Case.__table__, "title", long_enough, word)]


def frequency(dialect: str, shape: tuple):
    """A select of one row: for each word, how many times the index finds it (titles,
    organisations' cases, people's assignments), counted up to :frequent (FREQUENT)."""
    return select(*(select(func.count()).select_from(
        union_all(*_word_cases(dialect, n, long_enough)).limit(bindparam("frequent")).subquery()).scalar_subquery()
        for n, long_enough in enumerate(shape[0])))


def per_case(dialect: str, shape: tuple, rarest: int | None) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """`matching`'s two conditions as tests of each case in turn, for walking the cases newest
    first: its title holds the word (PostgreSQL: ILIKE; SQLite: the word's FTS5 ids, found
    once), one of its parties is an organisation it names (their few ids found once), or
    someone assigned to it is (a look-up of the case's assignments). With `rarest`, the case is
    also one of those the index finds for that word (or the typed reference): for a search
    whose rarest word is not frequent, those few cases are tested rather than walked to."""
    indexed, has_ref, has_workflow = shape
    words, titles = [], []
    for n, long_enough in enumerate(indexed):
        word = bindparam(f"word_{n}")
        if dialect == "sqlite" and long_enough:
            # Found once for the statement's every part; `id + 0`: the ids are tested for each
            # case walked, never looked up and sorted.
            titled = _materialised(_ids(dialect, Case.__table__, "title", True, word), f"search_titles_{n}")
            title = (Case.id + 0).in_(select(titled.c.id))
        elif dialect == "postgresql":
            title = Case.title.ilike(word, escape="\\")
        else:
            title = Case.title.like(word, escape="\\")
        orgs = _ids(dialect, Organisation.__table__, "name", long_enough, word)
        # The people named found once, before the walk, and each case's assignments looked up
        # (OFFSET 0: PostgreSQL would otherwise hash every case's assignments first); on
        # PostgreSQL as `= ANY(ARRAY(...))`, a condition of the (case, person) index alone.
        people = _materialised(_ids(dialect, Person.__table__, "name", long_enough, word), f"search_people_{n}")
        named = (CaseAssignment.person_id == func.any(func.array(select(people.c.id).scalar_subquery()))
                 if dialect == "postgresql" else CaseAssignment.person_id.in_(select(people.c.id)))
        assigned = select(CaseAssignment.id).where(CaseAssignment.case_id == Case.id, named).offset(0).exists()
        words.append(or_(title, *(party.in_(orgs) for party in _PARTIES), assigned))
        titles.append(title)
    found = and_(*words)
    if has_ref:
        found = or_(and_(Case.id == bindparam("ref_id"), *(
            [Case.workflow == bindparam("ref_workflow")] if has_workflow else [])), found)
    if rarest is not None:
        few = _word_cases(dialect, rarest, indexed[rarest]) + ([select(bindparam("ref_id"))] if has_ref else [])
        few = _materialised(union_all(*few), "search_few")   # once for the statement's every part
        found = and_(Case.id.in_(select(few.c.id)), found)
    return found, and_(*titles)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's comparisons: the search index's tables and indexes are none of the models'."""
    return not (name or "").startswith(("search_", "ix_search_"))


# --- the index, made with the tables ----------------------------------------------------------

#: Plain indexes on `cases` for finding the cases found: each party column its own (an
#: organisation's cases are found through any of them), and the columns the case list reads
#: of each case found (its visibility, order and line) led by the id, so that both databases
#: read them from this index rather than from the case rows with their data, a tenth of the
#: size (PostgreSQL: an index-only scan; SQLite: a covering index).
CASE_INDEXES = {
    "ix_search_cases_complainant": "complainant_org_id",
    "ix_search_cases_respondent": "respondent_org_id",
    "ix_search_cases_listed": "id, updated_at, workflow, status, funder_org_id, vco_org_id, complainant_org_id, "
                              "respondent_org_id, title",
}


#: The cases walked newest first (`per_case`) with what each is tested on, for reading this
#: index alone rather than each case's row: its visibility columns, and on PostgreSQL its
#: title (tested there with ILIKE; SQLite tests the FTS5 table's ids).
WALK_INDEX = ("ix_search_cases_walk", "updated_at, id",
              "workflow, status, funder_org_id, vco_org_id, complainant_org_id, respondent_org_id", "title")


def _walk_index(dialect: str) -> str:
    name, keys, visibility, title = WALK_INDEX
    if dialect == "postgresql":
        return f"CREATE INDEX IF NOT EXISTS {name} ON cases ({keys}) INCLUDE ({visibility}, {title})"
    return f"CREATE INDEX IF NOT EXISTS {name} ON cases ({keys}, {visibility})"


def create_statements(dialect: str, source: str) -> list[str]:
    """The SQL that indexes `source` (a table of INDEXED) on this database."""
    _, name, fts, index = next(row for row in INDEXED if row[0] == source)
    plain = [*(f"CREATE INDEX IF NOT EXISTS {index_name} ON {source} ({columns})"
               for index_name, columns in CASE_INDEXES.items()), _walk_index(dialect)] if source == "cases" else []
    if dialect == "postgresql":
        return ["CREATE EXTENSION IF NOT EXISTS pg_trgm",
                f"CREATE INDEX IF NOT EXISTS {index} ON {source} USING gin ({name} gin_trgm_ops)", *plain]
    if dialect != "sqlite":
        return []
    return [*plain,
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({name}, content='{source}', content_rowid='id', "
        f"tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {source} BEGIN "  # nosec B608
        f"INSERT INTO {fts}(rowid, {name}) VALUES (new.id, new.{name}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {source} BEGIN "  # nosec B608
        f"INSERT INTO {fts}({fts}, rowid, {name}) VALUES ('delete', old.id, old.{name}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {name} ON {source} BEGIN "  # nosec B608
        f"INSERT INTO {fts}({fts}, rowid, {name}) VALUES ('delete', old.id, old.{name}); "
        f"INSERT INTO {fts}(rowid, {name}) VALUES (new.id, new.{name}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # nosec B608
    ]


def drop_statements(dialect: str, source: str) -> list[str]:
    """The SQL that removes the index of `source` (its triggers go with the table on SQLite)."""
    _, _, fts, index = next(row for row in INDEXED if row[0] == source)
    plain = [f"DROP INDEX IF EXISTS {index_name}" for index_name in (*CASE_INDEXES, WALK_INDEX[0])] \
        if source == "cases" else []
    if dialect == "sqlite":
        return [f"DROP TABLE IF EXISTS {fts}", *plain]
    return [f"DROP INDEX IF EXISTS {index}", *plain] if dialect == "postgresql" else []


def _attach(source_table) -> None:
    for dialect in ("sqlite", "postgresql"):
        for sql in create_statements(dialect, source_table.name):
            event.listen(source_table, "after_create", DDL(sql).execute_if(dialect=dialect))
        for sql in drop_statements(dialect, source_table.name):
            event.listen(source_table, "before_drop", DDL(sql).execute_if(dialect=dialect))


for _source in (Case.__table__, Organisation.__table__, Person.__table__):
    _attach(_source)
