"""Timestamps are stored as UTC instants on both databases: an aware time in any zone comes
back as the same instant in UTC, a naive one is refused before anything is written, and on
SQLite the stored text is SQLAlchemy's own DATETIME format (so stored rows compare and sort
as before)."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.exc import StatementError

from casework.persistence import UTCDateTime, make_engine

STAMPS = Table("stamps", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime))
SUMMER = timezone(timedelta(hours=1), "BST")


@pytest.fixture
def stamps(engine):
    STAMPS.create(engine)
    yield engine
    STAMPS.drop(engine)


def test_an_aware_time_comes_back_as_the_same_instant_in_utc(stamps):
    written = [datetime(2026, 6, 1, 0, 30, tzinfo=SUMMER), datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=timezone.utc)]
    with stamps.begin() as conn:
        conn.execute(insert(STAMPS), [{"at": at} for at in written + [None]])
        read = conn.execute(select(STAMPS.c.at).order_by(STAMPS.c.id)).scalars().all()
    assert read == written + [None]
    assert [at.tzinfo for at in read[:2]] == [timezone.utc, timezone.utc]
    assert read[0].day == 31, "half past midnight in London summer time is still 31 May in UTC"


def test_a_naive_time_is_refused_and_nothing_is_written(stamps):
    with pytest.raises(StatementError, match="naive datetime"):
        with stamps.begin() as conn:
            conn.execute(insert(STAMPS), [{"at": datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)},
                                          {"at": datetime(2026, 12, 1, 10, 0)}])
    with stamps.connect() as conn:
        assert conn.execute(select(STAMPS.c.id)).all() == []


def test_sqlite_stores_sqlalchemys_datetime_text(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'stamps.db'}")
    STAMPS.create(engine)
    with engine.begin() as conn:
        conn.execute(insert(STAMPS), {"at": datetime(2026, 6, 1, 0, 30, tzinfo=SUMMER)})
        assert conn.execute(text("SELECT at FROM stamps")).scalar_one() == "2026-05-31 23:30:00.000000"
    engine.dispose()
