"""Engines and sessions. SQLite runs in WAL mode with foreign keys on, and write
transactions begin IMMEDIATE so two writers queue instead of failing mid-transaction;
PostgreSQL relies on the case version column for the same guarantee."""
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

#: Where a statement runs inside the current transaction: the unit of work's session, or its
#: connection (`session.connection()`), which the hot paths use to skip the ORM's execute.
Db = Session | Connection


#: Execution option marking a connection that will write (SQLite then begins IMMEDIATE).
WRITE_OPTION = "casework_write"


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine configured for this application's needs on either database."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    connect_args = {}
    if url.startswith("postgresql"):
        # A server that silently drops packets would otherwise hang for the system's TCP timeout.
        # JIT compilation pays off for long analytical queries, not for pages: PostgreSQL
        # overestimates the per-row cost of the visibility rules' EXISTS subplans, and on the
        # 100,000-case benchmark spent 620 ms compiling a count that then ran in 250 ms.
        # Nor do parallel workers: starting them took 20-30 ms of a 35 ms home page table on a
        # 2-core server, for a walk of a few hundred index rows.
        connect_args = {"connect_timeout": 10, "options": "-c jit=off -c max_parallel_workers_per_gather=0"}
    connect_args |= kwargs.pop("connect_args", {})
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache per connection
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A deferred transaction that reads and then writes can fail with SQLITE_BUSY when
        # another writer got in first, so units of work take the write lock up front;
        # read-only sessions stay deferred so that readers never queue behind writers.
        # Straight to the driver: this runs at the start of every transaction.
        write = connection.get_execution_options().get(WRITE_OPTION)
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")


def make_session_factory(engine: Engine, audit_key: str | bytes | None = None) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit. Its sessions carry the
    audit key (`Session.info["audit_key"]`, see casework.audit): without one they can read
    but neither write nor check the audit trail."""
    key = audit_key.encode("utf-8") if isinstance(audit_key, str) else audit_key
    return sessionmaker(engine, expire_on_commit=False, info={"audit_key": key} if key else {})


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: everything inside commits together, or nothing does."""
    with factory() as session:
        with session.begin():
            session.connection(execution_options={WRITE_OPTION: True})
            yield session


@contextmanager
def write_transaction(factory: sessionmaker[Session]) -> Iterator[Connection]:
    """One transaction on a plain connection, for work done with Core statements: everything
    inside commits together, or nothing does. (Any ORM session opened on the connection
    must be flushed before the block ends.)"""
    with factory.kw["bind"].connect().execution_options(**{WRITE_OPTION: True}) as connection:
        with connection.begin():
            yield connection
