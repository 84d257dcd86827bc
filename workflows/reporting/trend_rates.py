"""The three rates the trend follows (M3 deadlines met, M9 notices with the minimum notice, M16
dispute stages within the limit) for half-years other than the report's own, worked out as
the report works them out but without the rest of the report: the trend over four half-years
would otherwise build the whole report three more times."""
from datetime import datetime

from sqlalchemy import func, select

from casework.cases import Case
from casework.organisations import Organisation
from casework.report_events import ReportEvent
from workflows import calendar as cal
from workflows.definitions import as_date
from workflows.limits import TimeLimits
from workflows.reporting import dispute_flow
from workflows.reporting.cohort import cohorts
from workflows.reporting.history import NOTICE_SLACK, History, case_conditions
from workflows.reporting.period import Filters, Period
from workflows.reporting.rates import Rate
from workflows.reporting.reading import all_pauses

E = ReportEvent.__table__


def rates(db, filters: Filters, as_at: datetime, periods: list[Period], *, calendar: cal.WorkingCalendar,
          limits: TimeLimits) -> dict[Period, dict[str, Rate]]:
    """{period: {"m3": rate, "m9": rate, "m16": rate}} as at `as_at`."""
    earliest, latest = min(p.start for p in periods), max(p.end for p in periods)
    where = case_conditions(filters, as_at, earliest)
    orgs = list(db.execute(select(Organisation.id, Organisation.name, Organisation.kind)))
    h = History(filters, as_at, calendar, {}, [], {}, {i: n for i, n, _ in orgs}, {i: str(k) for i, _, k in orgs},
                db, earliest, latest, all_pauses(db, where, as_at))
    notices = _notices(h, where, earliest, limits)
    found, due = {}, cohorts(db, h, periods, worked_days=False)
    for p in periods:
        tallies = due[p].groups.values()
        mine = [(effective, compliant) for deemed, effective, compliant in notices if deemed in p]
        found[p] = {"m3": Rate(sum(t.met for t in tallies), sum(t.met + t.breached for t in tallies)),
                    "m9": Rate(sum(effective >= compliant for effective, compliant in mine), len(mine)),
                    "m16": dispute_flow.stage_times(h, p, limits)[0].rate}
    return found


def _notices(h: History, where, earliest, limits: TimeLimits) -> list[tuple]:
    """(deemed given, effective, earliest lawful effective date) of each notice that can have
    been deemed given in the periods (M9, as `notice_metrics.notices` works them out)."""
    sent_at = E.c.facts["sent_at"].as_string()
    query = (select(sent_at, E.c.facts["channel"].as_string(), E.c.facts["effective_on"].as_string())
             .join(Case, Case.id == E.c.case_id)
             .where(*where, Case.workflow == "funding_change", E.c.trigger == "issue_notice", E.c.at <= h.as_at,
                    func.substr(sent_at, 1, 10) >= (earliest - NOTICE_SLACK).isoformat()))
    found, compliant = [], {}
    for sent, channel, effective in h.db.execute(query):
        deemed = cal.deemed_given(datetime.fromisoformat(sent), channel, calendar=h.calendar)
        if deemed not in compliant:   # many notices share a deemed date
            compliant[deemed] = cal.earliest_effective_date(deemed, limits.notice_months)
        found.append((deemed, as_date(effective), compliant[deemed]))
    return found
