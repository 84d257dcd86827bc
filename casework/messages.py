"""The outbox and in-app notifications. Messages are written in the same transaction as the
change that causes them and delivered later, so a crash never loses one and a retry never
makes a second distinct email (the Message-ID is fixed when the row is written). An outbox
row keeps what its email says as data; its bodies are rendered when it is sent."""
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casework.persistence import Base, UTCDateTime


class MessageStatus(StrEnum):
    PENDING = "pending"    #: waiting for delivery (or for its next retry)
    SENT = "sent"          #: accepted by the mail server or Notify
    FAILED = "failed"      #: gave up after the maximum attempts; shown to administrators


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    #: What the email says (the person's name, what happened, what to do, the case's link...),
    #: rendered into its text and HTML bodies when it is sent (`notifications.emails`).
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Notification(Base):
    """An in-app notification for one person."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("dedupe_key"), Index("ix_notifications_person_read", "person_id", "read_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
