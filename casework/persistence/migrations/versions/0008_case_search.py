"""search index of case titles, organisation names and people's names

The case list's search (casework/search.py) finds words anywhere in a case's title, its
organisations' names and the names of the people assigned to it. PostgreSQL: pg_trgm GIN
indexes on the three columns. SQLite: FTS5 tables with the trigram tokenizer over them
(external content, kept current by triggers), filled from the rows already there. These
are no models' tables or indexes: the environment's include_object leaves them out of
comparisons. The SQL is written out here rather than imported, so this revision stays as
it is whatever casework/search.py becomes.

Revision ID: 0008
Revises: 0007
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: (table, column, SQLite FTS5 table, PostgreSQL index)
INDEXED = (("cases", "title", "search_cases", "ix_search_cases_title"),
           ("organisations", "name", "search_organisations", "ix_search_organisations_name"),
           ("people", "name", "search_people", "ix_search_people_name"))


def _sqlite(source: str, name: str, fts: str) -> list[str]:
    return [
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


def _sqlite_drop(fts: str) -> list[str]:
    return [*(f"DROP TRIGGER IF EXISTS {fts}_{trigger}" for trigger in ("insert", "delete", "update")),
            f"DROP TABLE IF EXISTS {fts}"]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for source, name, fts, index in INDEXED:
        if dialect == "postgresql":
            op.create_index(index, source, [name], if_not_exists=True, postgresql_using="gin",
                            postgresql_ops={name: "gin_trgm_ops"})
        elif dialect == "sqlite":
            for sql in _sqlite(source, name, fts):
                op.execute(sql)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for source, _name, fts, index in INDEXED:
        if dialect == "postgresql":
            op.drop_index(index, table_name=source, if_exists=True)
        elif dialect == "sqlite":
            for sql in _sqlite_drop(fts):
                op.execute(sql)
