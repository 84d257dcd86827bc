"""Settings an administrator changes at run time: time-limit overrides and one-off bank
holidays. Each is a row, so every process sees the same values."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.persistence import Base, UTCDateTime


class TimeLimitSetting(Base):
    __tablename__ = "time_limit_settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExtraHoliday(Base):
    """A one-off bank holiday (a coronation-style day) added by an administrator."""

    __tablename__ = "extra_holidays"

    on: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportSetting(Base):
    """A setting of the compliance report an administrator changes: a target in per cent
    ("target_m3"), or the public-figures switch ("public_figures", 0 or 1)."""

    __tablename__ = "report_settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
