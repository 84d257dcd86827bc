"""What the report holds once read (`reading.load`): the deadline rows breached in its periods,
their cases with the events the breach log reads up to the "as at" time, the breaches recorded,
every case's pauses, and what a metric found once for all the periods (`History.found`). Everything is as
it stood at `as_at`, so a past period re-run later gives the same numbers (see `build_report`)."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ARRAY, Connection, Integer, any_, literal, or_

from casework.cases import REF_PREFIX, Case
from workflows import calendar as cal
from workflows.reporting.period import Filters
from workflows.reporting.workdays import WorkingDays

#: Cases closed this long before the earliest period still count (remedies agreed at a
#: closed dispute fall due later; a deadline met early may fall due in the period).
LOOKBACK = timedelta(days=400)
#: A notice sent this long before the first period began can still be deemed given in it.
NOTICE_SLACK = timedelta(days=10)
#: Deadline kinds that are windows or periods, not duties: their lapse is not a breach.
WINDOWS = frozenset({"plan_end", "consultation_response", "notice_effective", "escalation_window",
                     "panel_referral_window"})


@dataclass(slots=True)
class Entry:
    case_id: int
    at: datetime
    day: date
    trigger: str
    from_state: str | None
    to_state: str
    data: dict[str, Any]


@dataclass
class CaseFacts:
    id: int
    workflow: str
    route: str | None
    funder_org_id: int | None
    vco_org_id: int | None
    complainant_org_id: int | None
    respondent_org_id: int | None
    #: The case's record of when its consultation closed (ISO date), if any.
    consultation_closed_on: str | None
    linked_case_id: int | None = None
    entries: list[Entry] = field(default_factory=list)
    #: Spells the case's clocks stood still: (paused on, resumed on or None), London dates.
    pauses: list[tuple[date, date | None]] = field(default_factory=list)
    #: What the metrics work out once per case (its start, its end, ...), by name.
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def once(self, name: str, work):
        """`work(self)`, worked out the first time it is asked for."""
        try:
            return self.memo[name]
        except KeyError:
            found = self.memo[name] = work(self)
            return found

    @property
    def ref(self) -> str:
        return f"{REF_PREFIX.get(self.workflow, 'CS')}-{self.id:04d}"


@dataclass
class History:
    filters: Filters
    as_at: datetime
    calendar: cal.WorkingCalendar
    cases: dict[int, CaseFacts]
    rows: list["DeadlineRow"]
    #: Deadline id -> when each breach was recorded (the sweep's effect rows, or a late date set).
    breaches: dict[int, list[datetime]]
    org_names: dict[int, str]
    org_kinds: dict[int, str]
    #: Where it was read from (a Session or Connection), for what is counted by the database.
    db: Any = field(default=None, repr=False)
    #: The first day of the earliest period the report covers.
    earliest: date | None = None
    #: The last day of the latest period the report covers.
    latest: date | None = None
    #: Each case's spells with its clocks stopped (see `_pauses`), by case id.
    pauses: dict[int, list] = field(default_factory=dict, repr=False)
    _days: WorkingDays | None = field(default=None, repr=False)
    #: What a metric found once for all the periods read (from `earliest` to `latest`), by name.
    found: dict[str, Any] = field(default_factory=dict, repr=False)
    #: London dates of instants, as `calendar.local_date` (many rows, few hours).
    day: "LocalDays" = field(default_factory=lambda: LocalDays(), repr=False)

    @property
    def today(self) -> date:
        return cal.local_date(self.as_at)

    def wd(self, start: date, end: date, pauses=()) -> int:
        """WD(a, b): working days after `start` up to and including `end`, less the working
        days on which the clocks stood paused (a pause from p0 to p1 stops p0+1..p1)."""
        if self._days is None:
            self._days = WorkingDays(self.calendar, min(start, self.filters.period.start) - LOOKBACK,
                                     max(end, self.today))
        between = self._days.between
        total = between(start, end)
        for began, ended in pauses:
            lo, hi = max(start, began), min(end, ended or self.today)
            if hi > lo:
                total -= between(lo, hi)
        return max(total, 0)

    def case_wd(self, case: CaseFacts, start: date, end: date) -> int:
        return self.wd(start, end, case.pauses)

    def wd_of(self, case_id: int, start: date, end: date) -> int:
        """`case_wd` for a case known by its id."""
        return self.wd(start, end, self.pauses.get(case_id, ()))


def among(db, column, ids) -> list:
    """Conditions that `column` is one of `ids`, to run one query each: one on PostgreSQL (an
    array: a long IN list costs more to build and send than to answer), in chunks on SQLite."""
    ordered = sorted(ids)
    if not ordered:
        return []
    dialect = db.dialect if isinstance(db, Connection) else db.get_bind().dialect
    if dialect.name == "postgresql":
        return [column == any_(literal(ordered, ARRAY(Integer)))]
    return [column.in_(ordered[i:i + 5000]) for i in range(0, len(ordered), 5000)]


def case_conditions(filters: Filters, as_at: datetime, earliest: date) -> list:
    """The cases a report looks at, as SQL conditions on `cases`."""
    conditions = [Case.opened_at <= as_at,
                  or_(Case.closed_at.is_(None), Case.closed_at >= cal.start_of_day_utc(earliest) - LOOKBACK)]
    if filters.organisations:
        conditions.append(Case.vco_org_id.in_(filters.organisations))
    if filters.funders:
        conditions.append(Case.funder_org_id.in_(filters.funders))
    if filters.case_types:
        conditions.append(Case.workflow.in_(filters.case_types))
    if filters.route:
        conditions.append(or_(Case.workflow != "funding_change", Case.route == filters.route))
    return conditions


class DeadlineRow:
    """The columns of a deadline row the report reads."""
    __slots__ = ("id", "case_id", "kind", "label", "due_on", "anchor", "status", "breached_at", "closed_at",
                 "created_at")

    def __init__(self, as_at: datetime, id, case_id, kind, label, due_on, anchor, status, breached_at, closed_at,
                 created_at) -> None:
        """The row as it stood at `as_at`: what happened to it later is not known yet. Of its
        basis only the anchor (where its clock started, ISO date) is read."""
        self.id, self.case_id, self.kind, self.label, self.due_on, self.anchor = id, case_id, kind, label, due_on, anchor
        self.created_at, self.status, self.closed_at, self.breached_at = created_at, status, closed_at, breached_at
        if closed_at is not None and closed_at > as_at:
            self.closed_at, self.status = None, "open"
        if breached_at is not None and breached_at > as_at:
            self.breached_at = None


class LocalDays:
    """London dates of UTC instants (as `calendar.local_date`), worked out once per UTC hour:
    the clocks change on the hour."""

    def __init__(self) -> None:
        self._hours: dict[tuple, date] = {}

    def __call__(self, at: datetime) -> date:
        key = (at.year, at.month, at.day, at.hour)
        found = self._hours.get(key)
        if found is None:
            found = self._hours[key] = cal.local_date(at)
        return found


def _pauses(entries: list[Entry]) -> list[tuple[date, date | None]]:
    """When the case's clocks stood still, from its "pause" and "resume" entries: a resume
    that left another cause holding them (`still_paused_by`) did not restart them."""
    spells, since = [], None
    for e in entries:
        if e.trigger == "pause" and since is None:
            since = e.day
        elif e.trigger == "resume" and since is not None and "still_paused_by" not in e.data:
            spells.append((since, e.day))
            since = None
    if since is not None:
        spells.append((since, None))
    return spells
