"""The statements every transition runs, run straight on SQLite's driver.

A transition reads its case, the people on it and its live deadlines, then writes the case,
an audit entry and deadline rows: a handful of small statements, on which SQLAlchemy's
execution (building parameters, its cache lookup, events, result objects) costs several
times what SQLite does. On SQLite, `read` and `write` compile each statement once, convert
values with the same type processors SQLAlchemy would use, and hand the SQL to the driver's
connection, inside the transaction the connection has open. Anywhere else (PostgreSQL, an
ORM session, a statement whose values SQLAlchemy must compute at execution time) they are
plain `execute` calls, so the same code runs on both databases.

Statements run here do not pass through SQLAlchemy's execution events or its echo log; their
errors are SQLAlchemy's all the same (`IntegrityError` for a broken constraint,
`StatementError` for a value the types refuse)."""
from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Dialect, Executable
from sqlalchemy.exc import DBAPIError

from casework.persistence.session import Db

_MISSING = object()


class _Prepared:
    """A statement compiled for one dialect and set of parameter names: its SQL, how to build
    the driver's positional parameters, and how to convert each column of a result row."""

    def __init__(self, statement: Executable, dialect: Dialect, keys: tuple[str, ...] | None) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys is not None else None)
        self.usable = not (compiled.insert_prefetch or compiled.update_prefetch
                           or compiled.literal_execute_params or compiled.post_compile_params
                           or any(bind.callable for bind in compiled.binds.values()))
        self.sql = compiled.string
        self.parameters = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            default = _MISSING if bind.required else bind.effective_value
            self.parameters.append((name, default, bind.type.dialect_impl(dialect).bind_processor(dialect)))
        columns = getattr(statement, "selected_columns", ())
        self.conversions = [(n, convert) for n, column in enumerate(columns)
                            if (convert := column.type.dialect_impl(dialect).result_processor(dialect, None))]

    def arguments(self, values: dict[str, Any]) -> tuple:
        out = []
        for name, default, convert in self.parameters:
            value = values.get(name, default)
            if value is _MISSING:
                raise KeyError(f"No value given for the parameter {name!r}.")
            out.append(convert(value) if convert is not None else value)
        return tuple(out)

    def rows(self, found: list[tuple]) -> list[tuple]:
        if not self.conversions:
            return found
        converted = []
        for row in found:
            row = list(row)
            for n, convert in self.conversions:
                row[n] = convert(row[n])
            converted.append(tuple(row))
        return converted


_prepared: "WeakKeyDictionary[Dialect, dict[tuple, _Prepared]]" = WeakKeyDictionary()
#: The last dialect seen and its statements (an application has one engine, so one dialect).
_last: tuple[Dialect | None, dict[tuple, _Prepared]] = (None, {})


def _on_driver(db: Db, statement: Executable, keys: tuple[str, ...] | None) -> _Prepared | None:
    """The prepared form of the statement if it can run on the driver here, else None (and
    SQLAlchemy runs it, or says why it cannot: a transaction that must be rolled back first)."""
    global _last
    if not isinstance(db, Connection) or db.dialect.driver != "pysqlite":
        return None
    transaction = db.get_nested_transaction() or db.get_transaction()
    if (transaction is not None and not transaction.is_active) or "schema_translate_map" in db.get_execution_options():
        return None
    dialect, by_statement = _last
    if db.dialect is not dialect:
        by_statement = _prepared.setdefault(db.dialect, {})
        _last = (db.dialect, by_statement)
    prepared = by_statement.get((statement, keys))
    if prepared is None:
        prepared = by_statement[(statement, keys)] = _Prepared(statement, db.dialect, keys)
    return prepared if prepared.usable else None


def _driver(db: Connection):
    """The driver's connection, in a transaction: begun here if none is, as SQLAlchemy's
    execute would (nothing is then kept unless the connection commits)."""
    if not db.in_transaction():
        db.begin()
    return db.connection.driver_connection


def read(db: Db, statement: Executable, values: dict[str, Any]) -> list[Sequence]:
    """The rows a SELECT returns, each read by position."""
    prepared = _on_driver(db, statement, None)
    if prepared is None:
        return list(db.execute(statement, values))
    try:
        arguments = prepared.arguments(values)
        return prepared.rows(_driver(db).execute(prepared.sql, arguments).fetchall())
    except Exception as exc:
        raise _as_sqlalchemy_error(db, prepared, exc) from exc


def write(db: Db, statement: Executable, values: dict[str, Any] | list[dict[str, Any]]) -> int:
    """Run an INSERT, UPDATE or DELETE for one row of values, or for each of a list of rows
    with the same names (one executemany); the number of rows an UPDATE or DELETE changed."""
    rows = values if isinstance(values, list) else [values]
    if not rows:
        return 0
    prepared = _on_driver(db, statement, tuple(rows[0]))
    if prepared is None:
        return db.execute(statement, values).rowcount
    try:
        if len(rows) == 1:
            arguments = prepared.arguments(rows[0])
            return _driver(db).execute(prepared.sql, arguments).rowcount
        arguments = [prepared.arguments(row) for row in rows]
        return _driver(db).executemany(prepared.sql, arguments).rowcount
    except Exception as exc:
        raise _as_sqlalchemy_error(db, prepared, exc) from exc


def _as_sqlalchemy_error(db: Connection, prepared: _Prepared, exc: Exception) -> Exception:
    """The error SQLAlchemy would have raised: the driver's errors wrapped by kind, and any
    other (a value a type refused) as a StatementError."""
    return DBAPIError.instance(prepared.sql, None, exc, db.dialect.loaded_dbapi.Error, dialect=db.dialect)
