"""The migrations build exactly the schema the models describe, on both databases."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from casework.models import Base
from casework.persistence import make_engine
from casework.persistence.migrate import alembic_config, upgrade
from casework.search import include_object
from tests.conftest import BACKENDS, postgres_url

#: The search index (FTS5 tables, trigram indexes) is no model's: left out of the comparison.
COMPARE = {"compare_type": True, "include_object": include_object}
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture(params=BACKENDS)
def empty_engine(request, tmp_path):
    """An empty database of each kind: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    if not postgres_url():
        pytest.skip("No PostgreSQL server: run `make test` to test against one.")
    server = make_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    name = f"casework_migrate_{uuid.uuid4().hex[:12]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(postgres_url()).set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}"'))
    server.dispose()


def test_upgrade_on_an_empty_database_matches_the_models(empty_engine):
    upgrade(empty_engine)
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=COMPARE)
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_creates_every_table_and_records_the_revision(empty_engine):
    upgrade(empty_engine)
    tables = set(inspect(empty_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with empty_engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == HEAD


def test_a_database_at_the_first_revision_upgrades_with_its_rows_kept(empty_engine):
    upgrade(empty_engine, "0001")
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (name, kind) VALUES ('Bexley Voluntary Service Council', 'infrastructure')"))
        conn.execute(text("INSERT INTO people (email, name, organisation_id, is_active, failed_logins) "
                          "VALUES ('mediator@example.org', 'A Mediator', 1, true, 0)"))
        conn.execute(text("INSERT INTO person_roles (person_id, role) VALUES (1, 'mediator')"))
    upgrade(empty_engine)
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=COMPARE)
        assert compare_metadata(context, Base.metadata) == []
        assert conn.execute(text("SELECT p.email, r.role FROM people p JOIN person_roles r ON r.person_id = p.id "
                                 "WHERE p.organisation_id = 1")).all() == [("mediator@example.org", "mediator")]


def test_upgrading_twice_changes_nothing(empty_engine):
    upgrade(empty_engine)
    upgrade(empty_engine)
    with empty_engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM alembic_version")) == 1


def test_upgrading_past_0008_indexes_the_names_already_there_for_search(empty_engine):
    upgrade(empty_engine, "0004")
    with empty_engine.begin() as conn:
        conn.execute(text("INSERT INTO organisations (name, kind) VALUES ('Crayford Community Kitchen', 'vco')"))
    upgrade(empty_engine)
    with empty_engine.begin() as conn:
        if empty_engine.dialect.name == "sqlite":   # FTS5, trigram tokenizer: any part of a name
            assert conn.scalar(text("SELECT rowid FROM search_organisations WHERE name MATCH '\"UNITY KIT\"'")) == 1
            conn.execute(text("UPDATE organisations SET name = 'Erith Kitchen' WHERE id = 1"))
            assert conn.scalar(text("SELECT count(*) FROM search_organisations WHERE name MATCH '\"crayford\"'")) == 0
        else:
            indexes = set(conn.scalars(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_search_%'")))
            assert indexes == {"ix_search_cases_title", "ix_search_organisations_name", "ix_search_people_name",
                               "ix_search_cases_complainant", "ix_search_cases_respondent", "ix_search_cases_listed",
                               "ix_search_cases_walk"}


def test_upgrading_past_0014_indexes_the_cases_a_search_finds_as_create_all_does(empty_engine, tmp_path):
    upgrade(empty_engine)
    made = make_engine(f"sqlite:///{tmp_path / 'made.db'}") if empty_engine.dialect.name == "sqlite" else None
    expected = {"ix_search_cases_complainant": ["complainant_org_id"],
                "ix_search_cases_respondent": ["respondent_org_id"],
                "ix_search_cases_listed": ["id", "updated_at", "workflow", "status", "funder_org_id", "vco_org_id",
                                           "complainant_org_id", "respondent_org_id", "title"]}
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(empty_engine).get_indexes("cases")}
    assert {name: indexes.get(name) for name in expected} == expected
    if made is not None:   # and `create_all` makes the same ones (the DDL events of casework.search)
        Base.metadata.create_all(made)
        indexes = {ix["name"]: ix["column_names"] for ix in inspect(made).get_indexes("cases")}
        made.dispose()
        assert {name: indexes.get(name) for name in expected} == expected


def test_upgrading_past_0017_indexes_the_walk_of_frequent_searches_as_create_all_does(empty_engine, tmp_path):
    # The cases in the order of the walk (newest first) with what each is tested on: the
    # visibility rule's columns, and on PostgreSQL the title (as included columns).
    upgrade(empty_engine)
    visibility = ["workflow", "status", "funder_org_id", "vco_org_id", "complainant_org_id", "respondent_org_id"]
    walk = {ix["name"]: ix for ix in inspect(empty_engine).get_indexes("cases")}["ix_search_cases_walk"]
    if empty_engine.dialect.name == "postgresql":
        assert walk["column_names"] == ["updated_at", "id"]
        assert walk["dialect_options"]["postgresql_include"] == [*visibility, "title"]
        return
    assert walk["column_names"] == ["updated_at", "id", *visibility]
    made = make_engine(f"sqlite:///{tmp_path / 'made.db'}")
    Base.metadata.create_all(made)   # and `create_all` makes the same one (the DDL events of casework.search)
    made_walk = {ix["name"]: ix["column_names"] for ix in inspect(made).get_indexes("cases")}["ix_search_cases_walk"]
    made.dispose()
    assert made_walk == walk["column_names"]
