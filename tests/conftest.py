"""Shared fixtures: every database test runs on SQLite and on PostgreSQL; a fixed clock; a
cast of people in the demo's organisations; plain factory functions."""
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import create_engine, make_url, text

from casework import passwords
from casework.clock import FixedClock
from casework.models import Base
from web.config import DEV_AUDIT_KEY
from casework.persistence import make_engine, make_session_factory
from casework.persistence.session import WRITE_OPTION
from tests.factories import Cast, make_cast
from workflows import calendar as cal
from workflows.context import Hooks
from workflows.service import CaseService

BACKENDS = ["sqlite", "postgresql"]


#: The longest tests, longest first (seconds each on this machine, quiet, about): they start the
#: run, so that under `--dist worksteal` (scripts/test.sh) the run ends on short tests an idle
#: worker can take over, not on one worker still busy with a minute-long test while the other waits.
LONG_FIRST = (
    "tests/reliability/test_two_schedulers.py",                       # 50
    "tests/reliability/test_kill.py",                                 # 30 a database
    "tests/workflows/test_stateful.py::test_random_actions",         # 10 to 45
    "tests/notifications/test_delivery_faults.py::test_a_thousand",  # 5 to 40
    "tests/workflows/test_thousand_races.py",                         # 5 to 20
    "tests/browser/",                                                 # 2 to 40; one demo server, one Chromium
    "tests/web/test_security_plan_injection.py",                      # 10 to 30
    "tests/web/test_security_plan_access.py",
    "tests/web/test_fuzz.py",
    "tests/reliability/test_catch_up.py",
    "tests/web/test_public_figures.py",
    "tests/web/test_sign_in_throttle.py",
    "tests/web/test_access.py",
)


def pytest_collection_modifyitems(items):
    """The tests of LONG_FIRST first, in its order; the rest as pytest collected them."""
    def rank(item) -> int:
        return next((n for n, prefix in enumerate(LONG_FIRST) if item.nodeid.startswith(prefix)), len(LONG_FIRST))
    items.sort(key=rank)


def postgres_url() -> str | None:
    return os.environ.get("CASEWORK_TEST_POSTGRES_URL")


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    """Argon2 at its cheapest (argon2-cffi's profile for tests), so a sign-in costs microseconds
    rather than a third of a second; tests/casework/test_passwords.py checks the real cost."""
    previous = passwords.use_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    yield
    passwords.use_hasher(previous)


def worker() -> str:
    """This pytest-xdist worker's id (gw0, gw1, ...), or "main" when pytest runs alone."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def _pg_engine():
    """A PostgreSQL database of this worker's own (casework_test_gw0, ...), created with its
    schema once per worker, as GOV.UK Notify's tests do; dropped at the end."""
    server = postgres_url()
    if not server:
        if os.environ.get("CASEWORK_REQUIRE_POSTGRES"):
            pytest.fail("CASEWORK_TEST_POSTGRES_URL is not set but PostgreSQL is required (make test sets it).")
        pytest.skip("No PostgreSQL server: run `make test` to test against one.")
    url = make_url(server)
    name = f"{url.database}_{worker()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False), pool_size=10, max_overflow=20)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    """An SQLite file with the schema, made once per worker; each test gets a copy (a copy takes
    about 5 ms, creating the tables about 65 ms)."""
    path = tmp_path_factory.mktemp("template") / "schema.db"
    eng = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(eng)
    eng.dispose()  # the last connection closed checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path):
    """A clean database of each kind for each test."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    eng = request.getfixturevalue("_pg_engine")
    with eng.begin() as conn:
        empty_tables(conn)
    yield eng


#: Every sequence back to its start, as TRUNCATE ... RESTART IDENTITY does (setval, not ALTER
#: SEQUENCE: no catalog writes).
RESTART_SEQUENCES = text("SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false) "
                         "FROM pg_sequences WHERE schemaname = 'public'")


def empty_tables(conn) -> None:
    """Delete every row, children first, and restart the ids: what TRUNCATE ... RESTART IDENTITY
    does, in a twentieth of its time on a test's few rows (TRUNCATE makes new files for 15 tables)."""
    for table in reversed(Base.metadata.sorted_tables):
        conn.execute(table.delete())
    if conn.dialect.name == "postgresql":
        conn.execute(RESTART_SEQUENCES)


#: What `built_once` copied out of the database: (rows of each table, sequence positions, value).
_BUILT: dict[tuple[str, str], tuple[dict, list, object]] = {}
SEQUENCE_POSITIONS = text("SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences "
                          "WHERE schemaname = 'public' AND last_value IS NOT NULL")


def built_once(engine, key: str, build):
    """`build()` (an expensive fixture's data, made through the real engine) the first time on
    this worker and kind of database; every later call empties the tables and copies the same
    rows back, with the same ids and sequence positions, so a test cannot tell the difference,
    and returns the first call's value. Only for data the tests then read and do not change in
    Python: the value is the one object, shared."""
    cached = _BUILT.get((key, engine.dialect.name))
    if cached is None:
        value = build()
        with engine.connect() as conn:
            rows = {table.name: [dict(row) for row in conn.execute(
                table.select().order_by(*table.primary_key.columns)).mappings()]
                for table in Base.metadata.sorted_tables}
            sequences = list(conn.execute(SEQUENCE_POSITIONS)) if engine.dialect.name == "postgresql" else []
        _BUILT[(key, engine.dialect.name)] = (rows, sequences, value)
        return value
    rows, sequences, value = cached
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
        empty_tables(conn)
        for table in Base.metadata.sorted_tables:
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
        for name, position in sequences:
            conn.execute(text("SELECT setval(CAST(:name AS regclass), :position)"), {"name": name, "position": position})
    return value


@pytest.fixture
def factory(engine):
    return make_session_factory(engine, audit_key=DEV_AUDIT_KEY)


@pytest.fixture
def clock():
    """Tuesday 1 December 2026, 10:00 London (GMT)."""
    return FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))


@pytest.fixture
def calendar():
    """A calendar of its own, so one-off holidays added by a test do not leak."""
    return cal.WorkingCalendar()


@pytest.fixture
def service(factory, calendar):
    return CaseService(factory, calendar=calendar, hooks=Hooks())


@pytest.fixture
def cast(factory) -> Cast:
    return make_cast(factory)


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory) -> str:
    """A real clamd for this pytest-xdist worker (each worker has its own temporary folders),
    with the EICAR signature only; started once, stopped at the end."""
    from tests.clamav import ClamdProcess, clamd_binary
    if clamd_binary() is None:
        if os.environ.get("CASEWORK_REQUIRE_POSTGRES"):   # make test: everything must run
            pytest.fail("clamd is not installed (Debian clamav-daemon; scripts/system-deps.sh installs it).")
        pytest.skip("clamd is not installed (Debian clamav-daemon).")
    process = ClamdProcess(tmp_path_factory.mktemp("clamd")).start()
    yield process.socket
    process.stop()
