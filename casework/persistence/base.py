"""The declarative base shared by every table, and a UTC timestamp type that comes back
timezone-aware on SQLite too (SQLite stores no offset)."""
from datetime import datetime, timezone

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Stores UTC instants; refuses naive datetimes so local time never sneaks in.

    On SQLite the text SQLAlchemy's DATETIME stores ("2026-12-01 10:00:00.000000") is written
    and read in one step each way, with the standard library's ISO functions: every row a
    transition or the sweep writes has several of these, and SQLAlchemy's own two steps (this
    type's, then DATETIME's formatting by a dict) were a fifth of the cost of an insert."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Refusing to store a naive datetime; use timezone-aware UTC.")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def bind_processor(self, dialect):
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        return _sqlite_text

    def result_processor(self, dialect, coltype):
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        return _sqlite_instant


#: The last instant written and its text: the rows of one statement often share an instant
#: (`now`), and datetimes never change, so the same object always gives the same text.
_last_written: tuple[datetime | None, str | None] = (None, None)


def _sqlite_text(value: datetime | None) -> str | None:
    global _last_written
    if value is None:
        return None
    last = _last_written
    if value is last[0]:
        return last[1]
    if value.tzinfo is None:
        raise ValueError("Refusing to store a naive datetime; use timezone-aware UTC.")
    text = value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    _last_written = (value, text)
    return text


def _sqlite_instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    instant = datetime.fromisoformat(value)
    return instant.replace(tzinfo=timezone.utc) if instant.tzinfo is None else instant.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
