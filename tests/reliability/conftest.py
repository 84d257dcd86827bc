"""A database of its own for each reliability test (a SQLite file, or a fresh PostgreSQL
database, so other test runs on the shared test database are untouched), and an SMTP server."""
import os

import pytest
from sqlalchemy import create_engine

from casework.models import Base
from web.config import DEV_AUDIT_KEY
from casework.persistence import make_engine, make_session_factory
from tests.reliability.helpers import SmtpSink, create_database, drop_database


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'casework.db'}"
        return
    server = os.environ.get("CASEWORK_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("CASEWORK_REQUIRE_POSTGRES"):
            pytest.fail("CASEWORK_TEST_POSTGRES_URL is not set but PostgreSQL is required.")
        pytest.skip("No PostgreSQL server: run `make test` to test against one.")
    url = create_database(server)
    yield url
    drop_database(url)


@pytest.fixture
def db(db_url):
    """(engine, session factory) on a fresh schema."""
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    yield engine, make_session_factory(engine, audit_key=DEV_AUDIT_KEY)
    engine.dispose()


@pytest.fixture
def watcher(db_url):
    """Sessions for watching progress: a plain engine, so on SQLite a read never takes the write
    lock (the application's engine begins every transaction IMMEDIATE) and slows the scheduler."""
    engine = create_engine(db_url)
    yield make_session_factory(engine, audit_key=DEV_AUDIT_KEY)
    engine.dispose()


@pytest.fixture
def sink():
    server = SmtpSink(delay=0.002).start()
    yield server
    server.stop()
