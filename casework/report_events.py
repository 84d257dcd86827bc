"""The compliance report's projection of the audit trail: one narrow row for each entry the
report reads (every change of state, the first entry, and the few actions named in READ), with
its London date and, for the actions whose words a metric reads, only those words.

Each row is written in the same transaction as its entry (`record`, called once from
`casework.audit.append_entry`, so every entry of every writer is covered), and the whole table
can be made again from the trail (`rebuild`: the migration that made it, and
`casework report rebuild`). A row records when its entry happened, so the report
filters on `at <= as_at` to give a past period's figures."""
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, ColumnElement, Connection, Date, ForeignKey, Index, Integer, String, Subquery, \
    UniqueConstraint, and_, bindparam, case, cast, delete, func, insert, null, or_, select, text, update
from sqlalchemy.orm import Mapped, mapped_column

from casework.persistence import Base, UTCDateTime

LONDON = ZoneInfo("Europe/London")
#: Actions whose entry a metric reads although they leave the state as it is.
READ = ("pause", "resume", "request_extension", "grant_extension", "extend_informal", "extend_review",
        "extend_notice", "sign_off_exception", "assign_reviewer", "record_session", "schedule_hearing")
#: Actions whose recorded words a metric reads, and the words read.
WITH_DATA = ("raise_dispute", "give_review_outcome", "issue_findings", "issue_notice", "sign_off_exception",
             "decide_change", "decide_no_change", "open_consultation", "reopen_consultation", "grant_extension", "extend_informal",
             "extend_review", "extend_notice", "resume", "record_session", "schedule_hearing")
KEPT = ("undertakings", "outcome", "remedies", "remedies_by", "reasons", "finding", "recommendations", "sent_at",
        "channel", "effective_on", "category", "respond_by", "deadlines_moved", "still_paused_by", "late_reason",
        "decided_as")


class ReportEvent(Base):
    __tablename__ = "report_events"
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),
        Index("ix_report_events_trigger_day", "trigger", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The Europe/London date of `at`.
    day: Mapped[date] = mapped_column(Date)
    trigger: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    #: The entry's words a metric reads (WITH_DATA actions only), else null.
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class ReportCase(Base):
    """When a case started (its first move out of draft) and ended (its first move into a final
    state), from its entries: one row a case, written on those two moves only."""
    __tablename__ = "report_cases"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, autoincrement=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_day: Mapped[date | None] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_day: Mapped[date | None] = mapped_column(Date)
    ended_state: Mapped[str | None] = mapped_column(String(40))


#: Final states of both workflows (funding change, then dispute): a case ends on entering one.
FINAL = ("closed_resolved", "closed_no_change", "closed_changed", "withdrawn", "resolved", "closed")
TABLE, CASES = ReportEvent.__table__, ReportCase.__table__
_INSERT = insert(TABLE)
_NEW_CASE = insert(CASES)
_STARTED = (update(CASES).where(CASES.c.case_id == bindparam("of_case"), CASES.c.started_at.is_(None))
            .values(started_at=bindparam("at"), started_day=bindparam("day")))
_ENDED = (update(CASES).where(CASES.c.case_id == bindparam("of_case"), CASES.c.ended_at.is_(None))
          .values(ended_at=bindparam("at"), ended_day=bindparam("day"), ended_state=bindparam("state")))


def starts(from_state: str | None, to_state: str) -> bool:
    """The first move out of draft (a draft withdrawn before anyone was told never started)."""
    return from_state == "draft" and to_state not in ("draft", "withdrawn")


def ends(from_state: str | None, to_state: str) -> bool:
    return to_state in FINAL and from_state not in FINAL


def is_read(trigger: str, from_state: str | None, to_state: str) -> bool:
    return from_state is None or from_state != to_state or trigger in READ


def event_row(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The projection's row for an audit entry's columns, or None if the report never reads it."""
    trigger = entry["trigger"]
    if not is_read(trigger, entry["from_state"], entry["to_state"]):
        return None
    data = entry.get("data") or {}
    facts = {k: data[k] for k in KEPT if k in data} if trigger in WITH_DATA else None
    at = entry["at"]
    return {"case_id": entry["case_id"], "seq": entry["seq"], "at": at, "day": at.astimezone(LONDON).date(),
            "trigger": trigger, "from_state": entry["from_state"], "to_state": entry["to_state"],
            "facts": facts or None}


def record(connection: Connection, entry: dict[str, Any]) -> None:
    """Keep the projection of a new audit entry, in the entry's transaction."""
    row = event_row(entry)
    if row is None:
        return
    connection.execute(_INSERT, row)
    moved = {"of_case": row["case_id"], "at": row["at"], "day": row["day"], "state": row["to_state"]}
    if row["from_state"] is None:
        connection.execute(_NEW_CASE, {"case_id": row["case_id"]})
    if starts(row["from_state"], row["to_state"]):
        connection.execute(_STARTED, moved)
    if ends(row["from_state"], row["to_state"]):
        connection.execute(_ENDED, moved)


def rebuild(connection: Connection) -> int:
    """Make the projection again from the whole audit trail, in one statement on the database
    (the London date and the words kept worked out there); returns the rows written."""
    connection.execute(delete(TABLE))
    dialect = connection.dialect.name
    entries = Base.metadata.tables["audit_entries"]   # by name: casework.audit imports this module
    pairs = func.json_each(entries.c.data).table_valued("key", "value").alias("j")
    gather = func.json_group_object if dialect == "sqlite" else func.json_object_agg
    facts = case((entries.c.trigger.in_(WITH_DATA),
                  select(gather(pairs.c.key, pairs.c.value)).where(pairs.c.key.in_(KEPT)).scalar_subquery()),
                 else_=null())
    read = (select(entries.c.case_id, entries.c.seq, entries.c.at, london_date(entries.c.at, dialect),
                   entries.c.trigger, entries.c.from_state, entries.c.to_state, facts)
            .where(or_(entries.c.from_state.is_(None), entries.c.from_state != entries.c.to_state,
                       entries.c.trigger.in_(READ))))
    result = connection.execute(insert(TABLE).from_select(
        ["case_id", "seq", "at", "day", "trigger", "from_state", "to_state", "facts"], read),
        execution_options={"preserve_rowcount": True})
    if dialect == "sqlite":   # an empty object where no word was kept, as `event_row` writes null
        connection.execute(text("UPDATE report_events SET facts = NULL WHERE facts = '{}'"))
    _rebuild_cases(connection)
    return result.rowcount


def _first(where) -> Subquery:
    """Each case's first event that matches."""
    return select(TABLE.c.case_id, func.min(TABLE.c.seq).label("seq")).where(*where).group_by(TABLE.c.case_id).subquery()


def _rebuild_cases(connection: Connection) -> None:
    connection.execute(delete(CASES))
    started = _first([TABLE.c.from_state == "draft", TABLE.c.to_state.not_in(("draft", "withdrawn"))])
    ended = _first([TABLE.c.to_state.in_(FINAL), or_(TABLE.c.from_state.is_(None), TABLE.c.from_state.not_in(FINAL))])
    first, start, end = TABLE.alias("o"), TABLE.alias("s"), TABLE.alias("e")
    cases = (select(first.c.case_id, start.c.at, start.c.day, end.c.at, end.c.day, end.c.to_state)
             .select_from(first.outerjoin(started, started.c.case_id == first.c.case_id)
                          .outerjoin(start, and_(start.c.case_id == started.c.case_id, start.c.seq == started.c.seq))
                          .outerjoin(ended, ended.c.case_id == first.c.case_id)
                          .outerjoin(end, and_(end.c.case_id == ended.c.case_id, end.c.seq == ended.c.seq)))
             .where(first.c.from_state.is_(None)))
    connection.execute(insert(CASES).from_select(
        ["case_id", "started_at", "started_day", "ended_at", "ended_day", "ended_state"], cases))


def refill_closing_dates(connection: Connection) -> int:
    """Each closed deadline row's London closing date, from when it closed; returns the rows."""
    rows = Base.metadata.tables["deadlines"]
    return connection.execute(update(rows).where(rows.c.closed_at.is_not(None))
                              .values(closed_on=london_date(rows.c.closed_at, connection.dialect.name))).rowcount


def london_date(column, dialect: str) -> ColumnElement:
    """The Europe/London date of a UTC instant column, in SQL. SQLite knows no time zones:
    British Summer Time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
    last Sunday of October (the rule since 1996), and SQLite keeps instants as UTC text."""
    if dialect == "postgresql":
        return cast(func.timezone("Europe/London", column), Date)
    year = func.strftime("%Y", column)
    starts = func.datetime(year.concat("-03-31"), "-6 days", "weekday 0", "+1 hour")
    ends = func.datetime(year.concat("-10-31"), "-6 days", "weekday 0", "+1 hour")
    return case((and_(column >= starts, column < ends), func.date(column, "+1 hour")), else_=func.date(column))
