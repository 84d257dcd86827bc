"""`casework init-db` on the databases people actually have: a new one, one already made by
`init-db`, and one whose tables were made without Alembic (by `create_all`, or by hand), which
is adopted if its tables match and otherwise refused with a message saying what to do. A
database that cannot be reached (a SQLite file whose folder cannot be made or opened, a
PostgreSQL server that refuses the connection) stops `init-db`, `demo` and `serve` with one
line naming it, never its password. A database that can be reached but has no tables yet (or
lacks some) stops `serve` and the other commands that need them, and `create_app`, with one
line saying to run `casework init-db` (or `casework demo`)."""
import os
import socket
import uuid

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, make_url, text

from casework.models import Base
from casework.persistence import make_engine
from casework.persistence.migrate import alembic_config
from web import DatabaseNotReady, create_app
from web.cli import main

NEEDS_ACTION = "no record of which schema version they are"
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture
def database(tmp_path):
    """(url, engine) for a new SQLite file of this test's own."""
    url = f"sqlite:///{tmp_path / 'casework.db'}"
    engine = make_engine(url)
    yield url, engine
    engine.dispose()


def init_db(url: str):
    return CliRunner().invoke(main, ["init-db"], env={"CASEWORK_DATABASE_URL": url, "CASEWORK_ENV": "test"})


def revision(engine) -> str | None:
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        return conn.scalar(text("SELECT version_num FROM alembic_version"))


def test_init_db_creates_the_schema_in_a_new_database(database):
    url, engine = database
    result = init_db(url)
    assert (result.exit_code, result.output) == (0, "Database is up to date.\n")
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert revision(engine) == HEAD


def test_init_db_twice_changes_nothing(database):
    url, engine = database
    init_db(url)
    result = init_db(url)
    assert (result.exit_code, result.output) == (0, "Database is up to date.\n")


def test_init_db_marks_matching_tables_made_without_alembic_as_up_to_date(database):
    url, engine = database
    Base.metadata.create_all(engine)

    result = init_db(url)

    assert result.exit_code == 0, result.output
    assert "It is now marked as up to date." in result.output
    assert revision(engine) == HEAD
    assert init_db(url).output == "Database is up to date.\n", "later upgrades go through Alembic"


def test_init_db_ignores_tables_of_another_application(database):
    url, engine = database
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE someone_elses (id INTEGER PRIMARY KEY)"))
    assert init_db(url).exit_code == 0
    assert revision(engine) == HEAD


def test_init_db_refuses_tables_made_without_alembic_that_differ_and_says_what_to_do(database):
    url, engine = database
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE extra_holidays"))
        conn.execute(text("ALTER TABLE people ADD COLUMN nickname VARCHAR(50)"))
    tables_before = set(inspect(engine).get_table_names())

    result = init_db(url)

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), "a message, not a stack trace"
    assert "Traceback" not in result.output
    assert NEEDS_ACTION in result.output
    assert "missing table extra_holidays" in result.output
    assert "unexpected column people.nickname" in result.output
    assert "run `casework init-db` again" in result.output
    assert set(inspect(engine).get_table_names()) == tables_before, "nothing was changed"
    assert revision(engine) is None


# --- a database the command cannot reach -------------------------------------------------------

def run(command: list[str], url: str):
    return CliRunner().invoke(main, command, env={"CASEWORK_DATABASE_URL": url, "CASEWORK_ENV": "test"})


def assert_one_line_error(result, *expected: str) -> None:
    """Exit status 1 and one line saying what is wrong: a message, not a stack trace."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    for text_ in expected:
        assert text_ in result.output


@pytest.fixture
def closed_port():
    """A local port on which nothing listens: bound here, so nothing else can take it, but
    never listening, so every connection to it is refused."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


def test_init_db_makes_the_missing_folder_of_a_new_sqlite_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'instance' / 'casework.db'}"
    assert init_db(url).output == "Database is up to date.\n"
    assert (tmp_path / "instance" / "casework.db").exists()


@pytest.mark.parametrize("command", [["init-db"], ["demo"], ["serve", "--no-scheduler"]])
def test_a_sqlite_database_in_a_folder_that_cannot_be_made_is_named_in_one_line(tmp_path, command):
    (tmp_path / "not-a-folder").write_text("")
    path = tmp_path / "not-a-folder" / "instance" / "casework.db"

    result = run(command, f"sqlite:///{path}")

    assert_one_line_error(result, f"Cannot open the database sqlite:///{path}",
                          f"cannot make the folder {tmp_path / 'not-a-folder' / 'instance'} (a file is in the way)")


def test_a_sqlite_database_in_a_missing_folder_it_cannot_open_is_named_in_one_line(tmp_path):
    # A URL naming the driver is passed to SQLite as it is, missing folder and all.
    url = f"sqlite+pysqlite:///{tmp_path / 'missing' / 'casework.db'}"

    result = init_db(url)

    assert_one_line_error(result, f"Cannot connect to the database {url} (unable to open database file)",
                          "Check CASEWORK_DATABASE_URL")
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("command", [["init-db"], ["demo"], ["serve", "--no-scheduler"]])
def test_an_unreachable_postgresql_database_is_named_in_one_line_without_its_password(closed_port, command):
    url = f"postgresql+psycopg://casework:a-secret-password@127.0.0.1:{closed_port}/casework"

    result = run(command, url)

    assert_one_line_error(result, f"Cannot connect to the database postgresql+psycopg://casework:***@127.0.0.1:"
                                  f"{closed_port}/casework", "Connection refused",
                          "Check CASEWORK_DATABASE_URL and that the database server is running")
    assert "a-secret-password" not in result.output


@pytest.mark.parametrize("command", [["init-db"], ["audit", "verify"]])
def test_a_database_this_installation_has_no_driver_for_is_named_in_one_line(command):
    result = run(command, "mysql://casework:a-secret-password@127.0.0.1/casework")

    assert_one_line_error(result, "CASEWORK_DATABASE_URL needs the Python module 'MySQLdb', which is not installed",
                          "postgresql+psycopg://")
    assert "a-secret-password" not in result.output


# --- a database without its tables ---------------------------------------------------------------

NO_TABLES = ("has no tables yet. Run `casework init-db` to create them, "
             "or `casework demo` to create them with demo data.")


@pytest.fixture
def empty_postgres():
    """(url, engine) for a new, empty PostgreSQL database of this test's own."""
    server = os.environ.get("CASEWORK_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("No PostgreSQL server: run `make test` to test against one.")
    name = f"casework_empty_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    yield url, engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request):
    return request.getfixturevalue("database" if request.param == "sqlite" else "empty_postgres")


def shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@pytest.mark.parametrize("command", [["serve", "--no-scheduler"], ["serve"], ["scheduler", "--once"],
                                     ["add-holiday", "2027-05-10", "A coronation"], ["mail", "failed"],
                                     ["audit", "verify"]])
def test_a_database_with_no_tables_yet_says_to_run_init_db_in_one_line(empty_database, command):
    url, engine = empty_database

    result = run(command, url)

    assert_one_line_error(result, f"The database {shown(url)} {NO_TABLES}")
    assert inspect(engine).get_table_names() == [], "nothing was made"


def test_create_app_on_a_database_with_no_tables_yet_says_to_run_init_db(empty_database, monkeypatch):
    url, engine = empty_database
    monkeypatch.setenv("CASEWORK_DATABASE_URL", url)
    monkeypatch.setenv("CASEWORK_ENV", "test")

    with pytest.raises(DatabaseNotReady) as refused:
        create_app()

    assert str(refused.value) == f"The database {shown(url)} {NO_TABLES}"
    assert refused.value.__cause__ is None and refused.value.__suppress_context__, "no SQL error chained on"


def test_a_database_missing_some_tables_says_to_run_init_db_to_bring_it_up_to_date(database):
    url, engine = database
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE extra_holidays"))

    result = run(["serve", "--no-scheduler"], url)

    assert_one_line_error(result, f"The database {url} is missing tables this version needs (extra_holidays). "
                                  "Run `casework init-db` to bring it up to date.")

