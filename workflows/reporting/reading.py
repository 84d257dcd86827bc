"""What the report reads, as it stood at the as-at time, from the report's projection
(`casework.report_events`): nothing recorded later is read, so a past period re-run later gives
the same numbers. What the database counts or finds (M1-M4, M6-M18) its metric reads itself
(M6-M12: `funding_facts`); here are read only the deadline rows breached in the periods, their
cases, and of these cases the events the breach log looks at (M5).

Every case's pauses are read (they are few): working days are counted net of them."""
from datetime import datetime

from sqlalchemy import or_, select

from casework.cases import Case
from casework.deadlines import Deadline, DeadlineEffect
from casework.organisations import Organisation
from casework.report_events import ReportEvent
from workflows import calendar as cal
from workflows.reporting.cohort import CANCELLING
from workflows.reporting.history import CaseFacts, DeadlineRow, Entry, History, among, case_conditions, _pauses
from workflows.reporting.period import Filters, Period

E, T = ReportEvent.__table__, Deadline.__table__
ROW_COLUMNS = [T.c.basis["anchor"].as_string() if name == "anchor" else T.c[name] for name in DeadlineRow.__slots__]


def load(db, filters: Filters, as_at: datetime, calendar: cal.WorkingCalendar, periods: list[Period]) -> History:
    earliest, latest = min(p.start for p in periods), max(p.end for p in periods)
    since = cal.start_of_day_utc(earliest)
    where = case_conditions(filters, as_at, earliest)
    effects = (select(DeadlineEffect.deadline_id, DeadlineEffect.at)
               .where(DeadlineEffect.effect == "breach", DeadlineEffect.at <= as_at, DeadlineEffect.at >= since))
    breaches: dict[int, list[datetime]] = {}
    for deadline_id, at in db.execute(effects):
        breaches.setdefault(deadline_id, []).append(at)
    columns = select(*ROW_COLUMNS).join(Case, Case.id == T.c.case_id) \
        .where(*where, T.c.created_at <= as_at)
    rows = _rows(db, as_at, columns.where(T.c.breached_at >= since))
    recorded = set(breaches) - {row.id for row in rows}
    if recorded:   # breaches the sweep recorded on rows whose breach date was set again since
        rows += _rows(db, as_at, columns.where(T.c.id.in_(sorted(recorded))))
    cases = _cases(db, {row.case_id for row in rows})
    _read_entries(db, cases, as_at)
    rows.sort(key=lambda r: r.id)
    for row in rows:
        if row.breached_at is not None and row.id not in breaches and row.breached_at <= as_at:
            breaches[row.id] = [row.breached_at]   # a date set beyond the limit (late by choice)
    pauses = all_pauses(db, where, as_at)
    for case in cases.values():
        case.pauses = pauses.get(case.id, [])
    orgs = list(db.execute(select(Organisation.id, Organisation.name, Organisation.kind)))
    return History(filters, as_at, calendar, cases, rows, breaches, {i: n for i, n, _ in orgs},
                   {i: str(k) for i, _, k in orgs}, db, earliest, latest, pauses)


def _rows(db, as_at: datetime, query) -> list[DeadlineRow]:
    return [DeadlineRow(as_at, *r) for r in db.execute(query)]


def _cases(db, ids: set[int]) -> dict[int, CaseFacts]:
    # Of the case's own words, only the consultation's closing day is read (M6).
    closed_on = Case.data[("consultation", "closed_on")].as_string()
    cases = {}
    for chunk in among(db, Case.id, ids):
        cases.update((row.id, CaseFacts(*row)) for row in db.execute(
            select(Case.id, Case.workflow, Case.route, Case.funder_org_id, Case.vco_org_id, Case.complainant_org_id,
                   Case.respondent_org_id, closed_on).where(chunk)))
    return dict(sorted(cases.items()))


def _read_entries(db, cases: dict[int, CaseFacts], as_at: datetime) -> None:
    """Of the cases' events, those M5 reads: the withdrawals that cancelled rows, and those
    with words (a reason given for a late date)."""
    for chunk in among(db, E.c.case_id, set(cases)):
        query = (select(E.c.case_id, E.c.at, E.c.day, E.c.trigger, E.c.from_state, E.c.to_state, E.c.facts)
                 .where(chunk, E.c.at <= as_at, or_(E.c.trigger.in_(CANCELLING), E.c.facts.is_not(None)))
                 .order_by(E.c.case_id, E.c.seq))
        for case_id, at, day, trigger, from_state, to_state, data in db.execute(query):
            cases[case_id].entries.append(Entry(case_id, at, day, trigger, from_state, to_state,
                                                data if isinstance(data, dict) else {}))


def all_pauses(db, where, as_at: datetime) -> dict[int, list]:
    """Every case's spells with its clocks stopped, from its pause and resume events."""
    found: dict[int, list[Entry]] = {}
    query = (select(E.c.case_id, E.c.at, E.c.day, E.c.trigger, E.c.from_state, E.c.to_state, E.c.facts)
             .join(Case, Case.id == E.c.case_id)
             .where(*where, E.c.trigger.in_(("pause", "resume")), E.c.at <= as_at).order_by(E.c.case_id, E.c.seq))
    for case_id, at, day, trigger, from_state, to_state, data in db.execute(query):
        found.setdefault(case_id, []).append(Entry(case_id, at, day, trigger, from_state, to_state, data or {}))
    return {case_id: _pauses(entries) for case_id, entries in found.items()}
