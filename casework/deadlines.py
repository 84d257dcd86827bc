"""Deadline rows. A gate compares these stored dates with `now`, so a deadline is enforced
whether or not the scheduler has run; the scheduler only causes the effects (reminder,
breach, system transition), each recorded once."""
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.cases import Case
from casework.persistence import Base, UTCDateTime


class DeadlineStatus(StrEnum):
    OPEN = "open"          #: running; the scheduler watches it
    PAUSED = "paused"      #: the case is paused; remaining working days are kept
    CLOSED = "closed"      #: the case moved on (met, or late if breached_at is set)
    FIRED = "fired"        #: expired and its system transition fired


LIVE = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_status_next_action_at", "status", "next_action_at"),
        Index("ix_deadlines_case_status", "case_id", "status"),
        # With the id, the index holds the order lists want (soonest first, then by id), so a
        # walk for the home page's tables stops at its limit instead of sorting a day's rows.
        Index("ix_deadlines_status_due_on", "status", "due_on", "id"),
        # The compliance report reads the rows breached in its period (M5), and counts the rows
        # due in it (M3, M4) from this index alone.
        Index("ix_deadlines_breached_at", "breached_at"),
        Index("ix_deadlines_report_due", "due_on", "kind", "case_id", "created_at", "closed_at", "closed_on",
              "breached_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[date | None] = mapped_column(Date)
    fires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    on_expiry: Mapped[str | None] = mapped_column(String(60))
    acting_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    notify_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    basis: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=DeadlineStatus.OPEN)
    paused_remaining: Mapped[int | None] = mapped_column(Integer)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The Europe/London date of `closed_at`: whether it was met is this against `due_on`.
    closed_on: Mapped[date | None] = mapped_column(Date)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()

    @property
    def is_live(self) -> bool:
        return self.status in LIVE

    def __repr__(self) -> str:
        return f"<Deadline {self.kind} {self.status} due {self.due_on}>"


class DeadlineEffect(Base):
    """One row per effect caused (reminder, breach, expiry): the unique key makes a
    retried sweep unable to cause the same effect twice."""

    __tablename__ = "deadline_effects"
    __table_args__ = (UniqueConstraint("deadline_id", "effect", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"))
    effect: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
