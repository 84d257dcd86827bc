"""Why a case's clocks stand still, and what restarting them does (processes.md, "Clocks").

A case is paused while any pausing cause is open: the funder officer's own pause ("manual")
and each open linked dispute that the funding code lets pause the notice ("dispute:<id>").
The clocks stop when the first cause begins and restart only when the last one ends. When the
notice period restarts later than it would have ended, the notice's stated dates move with
it (the effective date is always the day after its last day) and the caller tells the
organisation in writing: `NoticeMove` carries the old and new effective dates."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from casework.cases import PAUSE_CAUSES, REF_PREFIX, CaseReading
from workflows import calendar as cal
from workflows.deadlines import pause_all, resume_all
from workflows.definitions import as_date
from workflows.limits import TimeLimits

NOTICE_KIND = "notice_effective"
LETTER = "notice_moved"
_LEGACY_KEY = "notice_paused_by_dispute"


def dispute_cause(dispute_id: int) -> str:
    return f"dispute:{dispute_id}"


@dataclass(frozen=True)
class NoticeMove:
    """The notice period ended later than before because it stood paused."""

    label: str
    old_last_day: date
    new_last_day: date

    @property
    def old_effective_on(self) -> date:
        return self.old_last_day + timedelta(days=1)

    @property
    def new_effective_on(self) -> date:
        return self.new_last_day + timedelta(days=1)


def hold(db, case: CaseReading, cause: str, now: datetime, calendar: cal.WorkingCalendar) -> bool:
    """Add a pausing cause; stop the case's clocks if they were running. Returns whether
    they stopped now (False: already paused, by this or another cause)."""
    causes = case.pause_causes
    if cause in causes:
        return False
    _set_causes(case, (*causes, cause))
    if case.is_paused:
        return False
    case.paused_at = now
    pause_all(db, case, now, calendar)
    return True


def release(db, case: CaseReading, cause: str, now: datetime, limits: TimeLimits,
            calendar: cal.WorkingCalendar) -> tuple[bool, NoticeMove | None]:
    """End a pausing cause; when it was the last, restart the clocks. Returns whether they
    restarted, and how the notice moved if it did."""
    causes = case.pause_causes
    if cause not in causes:
        return False, None
    left = tuple(c for c in causes if c != cause)
    _set_causes(case, left)
    if left or not case.is_paused:
        return False, None
    case.paused_at = None
    moves = resume_all(db, case, now, limits, calendar)
    return True, _follow_notice(case, moves, cal.local_date(now))


def still_paused_by(case: CaseReading) -> str:
    """The causes still open, in words: 'dispute DS-0004 and the funder officer's pause'."""
    words = [f"dispute {REF_PREFIX['dispute']}-{int(c.split(':')[1]):04d}" if c.startswith("dispute:")
             else "the funder officer's pause" for c in case.pause_causes]
    return " and ".join(words)


def audit_fields(move: NoticeMove, reason: str) -> dict[str, Any]:
    """What the audit entry of a restart records about the notice's move: both dates."""
    return {"old_effective_date": move.old_effective_on, "new_effective_date": move.new_effective_on,
            "deadlines_moved": [{"deadline": move.label, "from": move.old_last_day, "to": move.new_last_day,
                                 "reason": reason}]}


def letter_fields(case, move: NoticeMove, reason: str, today: date) -> dict[str, Any]:
    """The notice-moved letter's context (`notifications.case_letters`)."""
    decision = (case.data or {}).get("decision") or {}
    return {"case_ref": case.ref, "programme": case.title, "letter_date": today, "generated_on": today,
            "funder_name": case.funder.name if case.funder else "", "org_name": case.vco.name if case.vco else "",
            "outcome": decision.get("outcome", ""), "old_effective_on": move.old_effective_on,
            "new_effective_on": move.new_effective_on, "reason": reason}


def _set_causes(case: CaseReading, causes: tuple[str, ...]) -> None:
    data = {k: v for k, v in (case.data or {}).items() if k not in (PAUSE_CAUSES, _LEGACY_KEY)}
    if causes:
        data[PAUSE_CAUSES] = list(causes)
    case.data = data


def _follow_notice(case: CaseReading, moves, today: date) -> NoticeMove | None:
    """Move the notice's stated dates with its clock: every place that states the effective
    date reads it from here."""
    for row, old, new in moves:
        if row.kind != NOTICE_KIND or old is None or new <= old:
            continue
        shift = new - old
        notice = dict((case.data or {}).get("notice") or {})
        for key in ("period_end", "earliest_effective"):
            if notice.get(key):
                notice[key] = (as_date(notice[key]) + shift).isoformat()
        move = NoticeMove(row.label, old, new)
        notice["effective_on"] = move.new_effective_on.isoformat()
        notice["moves"] = [*notice.get("moves", ()), {"on": today.isoformat(), "from": move.old_effective_on.isoformat(),
                                                      "to": move.new_effective_on.isoformat()}]
        case.data = {**case.data, "notice": notice}
        return move
    return None
