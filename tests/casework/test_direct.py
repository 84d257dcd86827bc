"""Statements run by `casework.persistence.direct` (on SQLite's driver, elsewhere through
SQLAlchemy) read and write exactly what SQLAlchemy's own execution does, fail with the same
errors, and leave nothing behind when they fail."""
import itertools
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import (JSON, Boolean, Column, Date, Integer, MetaData, String, Table, bindparam, event, insert,
                        select, update)
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from casework.persistence import UTCDateTime, make_engine
from casework.persistence.direct import read, write

THINGS = Table("things", MetaData(), Column("id", Integer, primary_key=True), Column("label", String(20), unique=True),
               Column("at", UTCDateTime), Column("on", Date), Column("data", JSON, default=dict),
               Column("flag", Boolean), Column("status", String(10)), Column("version", Integer))
SUMMER = timezone(timedelta(hours=1), "BST")
AT = datetime(2026, 6, 1, 0, 30, 0, 250, tzinfo=SUMMER)
ROW = {"label": "first", "at": AT, "on": date(2027, 2, 28), "data": {"reason": "Late — “again”", "n": [1, 2]},
       "flag": True, "status": "open", "version": 1}
ALL = select(THINGS).order_by(THINGS.c.id)
BY_LABEL = select(THINGS.c.label, THINGS.c.at, THINGS.c.data).where(THINGS.c.label == bindparam("label"))
CLOSE_IF_AT = (update(THINGS).where(THINGS.c.id == bindparam("thing_id"), THINGS.c.version == bindparam("seen"))
               .values(status="closed", version=bindparam("next")))


@pytest.fixture
def things(engine):
    THINGS.create(engine)
    yield engine
    THINGS.drop(engine)


def stored(engine) -> list[tuple]:
    with engine.connect() as conn:
        return rows_in(conn)


def rows_in(conn) -> list[tuple]:
    """Every row, as SQLAlchemy's own execution reads them."""
    return [tuple(row) for row in conn.execute(ALL)]


def test_rows_read_are_the_values_sqlalchemy_reads(things):
    with things.begin() as conn:
        conn.execute(insert(THINGS), [ROW, {**ROW, "label": "second", "at": None, "on": None, "flag": False}])
        assert read(conn, ALL, {}) == rows_in(conn)
        first = read(conn, BY_LABEL, {"label": "first"})
    assert first == [("first", AT, ROW["data"])]
    assert first[0][1].tzinfo == timezone.utc and first[0][1].microsecond == 250


def test_rows_written_read_back_as_written(things):
    with things.begin() as conn:
        write(conn, insert(THINGS), [ROW, {**ROW, "label": "second", "flag": False}])
    rows = stored(things)
    assert [(r[1], r[2], r[3], r[4], r[5]) for r in rows] == [
        ("first", AT, date(2027, 2, 28), ROW["data"], True), ("second", AT, date(2027, 2, 28), ROW["data"], False)]


def test_a_version_checked_update_changes_only_the_row_still_at_that_version(things):
    with things.begin() as conn:
        write(conn, insert(THINGS), [ROW, {**ROW, "label": "second", "version": 5}])
        changed = write(conn, CLOSE_IF_AT, [{"thing_id": 1, "seen": 1, "next": 2}, {"thing_id": 2, "seen": 1, "next": 2}])
    assert changed == 1
    assert [(r[6], r[7]) for r in stored(things)] == [("closed", 2), ("open", 5)]


def test_a_broken_constraint_is_sqlalchemys_integrity_error_and_nothing_is_kept(things):
    with pytest.raises(IntegrityError):
        with things.begin() as conn:
            write(conn, insert(THINGS), ROW)
            write(conn, insert(THINGS), {**ROW, "at": AT + timedelta(days=1)})   # the same label again
    assert stored(things) == []


def test_a_naive_time_is_refused_before_anything_is_written(things):
    with pytest.raises(StatementError, match="naive datetime"):
        with things.begin() as conn:
            write(conn, insert(THINGS), [ROW, {**ROW, "label": "second", "at": datetime(2026, 12, 1, 10, 0)}])
    assert stored(things) == []


def test_a_value_refused_outside_a_transaction_leaves_none_open(things):
    with things.connect() as conn:
        with pytest.raises(StatementError, match="naive datetime"):
            write(conn, insert(THINGS), {**ROW, "at": datetime(2026, 12, 1, 10, 0)})
        assert not conn.in_transaction(), "a transaction left open would hold SQLite's write lock"


def test_a_value_computed_when_the_statement_runs_is_computed_each_time(things):
    labels = itertools.count(1)
    add = insert(THINGS).values(label=bindparam("label", callable_=lambda: f"thing {next(labels)}"))
    with things.begin() as conn:
        for _ in range(2):
            write(conn, add, {key: value for key, value in ROW.items() if key != "label"})
    first, second = (row[1] for row in stored(things))
    assert first.startswith("thing ") and second.startswith("thing ") and first != second


def test_a_missing_value_is_refused_and_nothing_is_written(things):
    with things.begin() as conn:
        write(conn, insert(THINGS), ROW)
    with pytest.raises(StatementError, match="seen"):
        with things.begin() as conn:
            write(conn, CLOSE_IF_AT, {"thing_id": 1, "next": 2})
    assert [(r[6], r[7]) for r in stored(things)] == [("open", 1)]


def test_a_column_left_out_still_gets_its_default(things):
    with things.begin() as conn:
        write(conn, insert(THINGS), {key: value for key, value in ROW.items() if key != "data"})
    assert stored(things)[0][4] == {}


def test_outside_a_transaction_a_write_is_kept_only_when_the_connection_commits(things):
    with things.connect() as conn:
        write(conn, insert(THINGS), ROW)
        assert len(read(conn, ALL, {})) == 1
    assert stored(things) == []
    with things.connect() as conn:
        write(conn, insert(THINGS), ROW)
        conn.commit()
    assert len(stored(things)) == 1


def test_in_an_orm_session_the_same_rows_are_read_and_written(things):
    with Session(things) as session, session.begin():
        write(session, insert(THINGS), ROW)
        assert read(session, BY_LABEL, {"label": "first"}) == [("first", AT, ROW["data"])]
    assert len(stored(things)) == 1


def test_on_sqlite_the_statements_go_straight_to_the_driver(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'things.db'}")
    THINGS.create(engine)
    seen = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    with engine.begin() as conn:
        write(conn, insert(THINGS), ROW)
        assert read(conn, BY_LABEL, {"label": "first"}) == [("first", AT, ROW["data"])]
    engine.dispose()
    assert seen == []
