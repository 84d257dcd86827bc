"""Time as a dependency: code below web/ is handed `now`, never reads the wall clock. The
composition root and the tests choose a clock."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, UTC."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


@dataclass
class FixedClock:
    """A clock that only moves when told to: for tests, demos and benchmarks."""

    current: datetime = field(default_factory=lambda: datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> datetime:
        self.current += timedelta(**kwargs)
        return self.current


def require_aware(instant: datetime) -> datetime:
    """Refuse naive datetimes: every instant in this system is timezone-aware UTC."""
    if instant.tzinfo is None:
        raise ValueError("Instants must be timezone-aware (UTC).")
    return instant.astimezone(timezone.utc)
