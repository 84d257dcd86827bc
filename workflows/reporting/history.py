"""What the report reads: the cases in scope, their audit trail up to the "as at" time, their
deadline rows and the breaches recorded. Everything is read as it stood at `as_at`, so a past
period re-run later gives the same numbers (see `build_report`)."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, union

from casework.audit import AuditEntry
from casework.cases import REF_PREFIX, Case, CaseLink
from casework.deadlines import Deadline, DeadlineEffect
from casework.organisations import Organisation
from casework.report_events import ReportEvent
from workflows import calendar as cal
from workflows.reporting.period import Filters, Period
from workflows.reporting.workdays import WorkingDays

#: Cases closed this long before the earliest period still count (remedies agreed at a
#: closed dispute fall due later; a deadline met early may fall due in the period).
LOOKBACK = timedelta(days=400)
#: A notice sent this long before the first period began can still be deemed given in it.
NOTICE_SLACK = timedelta(days=10)
#: Deadline kinds that are windows or periods, not duties: their lapse is not a breach.
WINDOWS = frozenset({"plan_end", "consultation_response", "notice_effective", "escalation_window",
                     "panel_referral_window"})
#: Deadline kinds read whatever their due date: where a stage's clock started.
ANCHOR_KINDS = ("decision", "consultation_response")


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

    def first(self, *triggers: str, after: datetime | None = None) -> Entry | None:
        return next((e for e in self.entries if e.trigger in triggers and (after is None or e.at > after)), None)

    def last(self, *triggers: str, before: datetime | None = None) -> Entry | None:
        found = None
        for e in self.entries:
            if before is not None and e.at > before:
                break
            if e.trigger in triggers:
                found = e
        return found


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
    _by_case: dict[int, list["DeadlineRow"]] | None = field(default=None, repr=False)
    _days: WorkingDays | None = field(default=None, repr=False)
    #: London dates of instants, as `calendar.local_date` (many rows, few hours).
    day: "LocalDays" = field(default_factory=lambda: LocalDays(), repr=False)

    def rows_of(self, case_id: int) -> list["DeadlineRow"]:
        """The case's deadline rows read, oldest first (indexed once)."""
        if self._by_case is None:
            self._by_case = {}
            for row in self.rows:
                self._by_case.setdefault(row.case_id, []).append(row)
        return self._by_case.get(case_id, [])

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

    def funding_cases(self) -> list[CaseFacts]:
        return [c for c in self.cases.values() if c.workflow == "funding_change"]

    def disputes(self) -> list[CaseFacts]:
        return [c for c in self.cases.values() if c.workflow == "dispute"]


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


def load(db, filters: Filters, as_at: datetime, calendar: cal.WorkingCalendar, periods: list[Period]) -> History:
    """Read what the report needs, as it stood at `as_at`: the whole trail only of the cases
    that can have an event in the periods, and of the few closed before that a deadline row
    or a remedy due in them brings in."""
    earliest, latest = min(p.start for p in periods), max(p.end for p in periods)
    since = cal.start_of_day_utc(earliest)
    where = case_conditions(filters, as_at, earliest)
    breach_effects = (select(DeadlineEffect.deadline_id, DeadlineEffect.at)
                      .where(DeadlineEffect.effect == "breach", DeadlineEffect.at <= as_at, DeadlineEffect.at >= since))
    breaches: dict[int, list[datetime]] = {}
    for deadline_id, at in db.execute(breach_effects):
        breaches.setdefault(deadline_id, []).append(at)
    # A case closed before the first period begins (and before the as-at time) has no event
    # in it: nothing happens to a closed case. It is read only for its deadline rows due in
    # the periods, a remedy agreed for them or a notice sent in them.
    live = or_(Case.closed_at.is_(None), Case.closed_at >= min(since, as_at))
    t = Deadline.__table__
    rows_where = (*where, t.c.created_at <= as_at,
                  or_(and_(t.c.due_on >= earliest, t.c.due_on <= latest), t.c.breached_at >= since,
                      and_(t.c.kind.in_(ANCHOR_KINDS), live),
                      t.c.id.in_(select(breach_effects.subquery().c.deadline_id))))
    remedied = (select(AuditEntry.case_id).join(Case, Case.id == AuditEntry.case_id)
                .where(*where, ~live, Case.workflow == "dispute", AuditEntry.trigger == "give_review_outcome",
                       AuditEntry.at <= as_at, func.substr(AuditEntry.data["remedies_by"].as_string(), 1, 10)
                       .between(earliest.isoformat(), latest.isoformat())))
    # A notice can be sent (and deemed given) later than it was issued.
    noticed = (select(AuditEntry.case_id).join(Case, Case.id == AuditEntry.case_id)
               .where(*where, ~live, AuditEntry.trigger == "issue_notice", AuditEntry.at <= as_at,
                      func.substr(AuditEntry.data["sent_at"].as_string(), 1, 10) >= (earliest - NOTICE_SLACK).isoformat()))
    linked = select(CaseLink.funding_case_id).where(CaseLink.dispute_id.in_(remedied))
    held = select(t.c.case_id).join(Case, Case.id == t.c.case_id).where(*rows_where, ~live)
    extra = set(db.scalars(union(held, remedied, noticed, select(Case.id).where(*where, ~live, Case.id.in_(linked)))))
    scope = (*where, or_(live, Case.id.in_(extra)) if extra else live)
    cases = _cases(db, scope)
    _read_entries(db, cases, scope, as_at)
    rows_query = (select(*(t.c[name] for name in DeadlineRow.__slots__)).join(Case, Case.id == t.c.case_id)
                  .where(*rows_where).order_by(t.c.id))
    rows = [DeadlineRow(as_at, *r) for r in db.execute(rows_query)]
    for row in rows:
        if row.breached_at is not None and row.id not in breaches and row.breached_at <= as_at:
            breaches[row.id] = [row.breached_at]   # a date set beyond the limit (late by choice)
    orgs = list(db.execute(select(Organisation.id, Organisation.name, Organisation.kind)))
    return History(filters, as_at, calendar, cases, rows, breaches, {i: n for i, n, _ in orgs},
                   {i: str(k) for i, _, k in orgs}, db, earliest)


def _cases(db, scope) -> dict[int, CaseFacts]:
    # Of the case's own words, only the consultation's closing day is read (M6).
    closed_on = Case.data[("consultation", "closed_on")].as_string()
    cases = {row.id: CaseFacts(*row) for row in db.execute(
        select(Case.id, Case.workflow, Case.route, Case.funder_org_id, Case.vco_org_id, Case.complainant_org_id,
               Case.respondent_org_id, closed_on).where(*scope))}
    for dispute_id, funding_id in db.execute(select(CaseLink.dispute_id, CaseLink.funding_case_id)):
        if dispute_id in cases:
            cases[dispute_id].linked_case_id = funding_id
    return cases


def _read_entries(db, cases: dict[int, CaseFacts], scope, as_at: datetime) -> None:
    # Only the entries a metric reads (every change of state, and the actions named in
    # report_events.READ), and their words only where a metric reads them: the projection.
    e = ReportEvent
    entries = (select(e.case_id, e.at, e.day, e.trigger, e.from_state, e.to_state, e.facts)
               .join(Case, Case.id == e.case_id).where(*scope, e.at <= as_at).order_by(e.case_id, e.seq))
    for case_id, at, day, trigger, from_state, to_state, data in db.execute(entries):
        cases[case_id].entries.append(Entry(case_id, at, day, trigger, from_state, to_state,
                                            data if isinstance(data, dict) else {}))
    for case in cases.values():
        case.pauses = _pauses(case.entries)


class DeadlineRow:
    """The columns of a deadline row the report reads."""
    __slots__ = ("id", "case_id", "kind", "label", "due_on", "basis", "status", "breached_at", "closed_at",
                 "created_at")

    def __init__(self, as_at: datetime, id, case_id, kind, label, due_on, basis, status, breached_at, closed_at,
                 created_at) -> None:
        """The row as it stood at `as_at`: what happened to it later is not known yet."""
        self.id, self.case_id, self.kind, self.label, self.due_on, self.basis = id, case_id, kind, label, due_on, basis
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
