"""Many due deadlines quickly, for load tests and the benchmark: funding cases sitting in
consultation whose response window has lapsed, written with bulk inserts (the rows the
engine would have written, without walking each case there), and plain filler rows."""
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, insert

from casework.cases import Case, CaseAssignment, CaseRole
from casework.deadlines import Deadline, DeadlineStatus
from tests.factories import Cast
from workflows import calendar as cal

CHUNK = 5_000


def lapsed_consultations(engine: Engine, cast: Cast, n: int, respond_by: date, now: datetime) -> list[int]:
    """n funding cases in consultation whose window closed on `respond_by`; returns case ids."""
    opened = respond_by - timedelta(days=30)
    data = {"stage_started_on": opened.isoformat(), "consultation": {
        "proposal": "Reduce the grant by 40%.", "criteria_reasons": "Attendance has fallen.",
        "impact_summary": "About 25 residents affected.", "respond_by": respond_by.isoformat(),
        "opened_on": opened.isoformat(), "response": None}}
    ids: list[int] = []
    with engine.begin() as conn:
        for start in range(0, n, CHUNK):
            rows = [{"workflow": "funding_change", "workflow_version": 1, "status": "consultation", "route": "resource",
                     "title": f"Community programme {start + i + 1}", "funder_org_id": cast.orgs["council"],
                     "vco_org_id": cast.orgs["kitchen"], "opened_at": now - timedelta(days=40), "updated_at": now - timedelta(days=30),
                     "data": data, "version": 1} for i in range(min(CHUNK, n - start))]
            ids += list(conn.scalars(insert(Case).returning(Case.id, sort_by_parameter_order=True), rows))
        for start in range(0, n, CHUNK):
            chunk = ids[start:start + CHUNK]
            conn.execute(insert(CaseAssignment), [
                {"case_id": i, "person_id": cast[who], "role": role, "assigned_at": now - timedelta(days=40)}
                for i in chunk for who, role in (("fo", CaseRole.FUNDER_OFFICER), ("dm", CaseRole.DECISION_MAKER))])
            conn.execute(insert(Deadline), [_consultation_row(i, respond_by, now) for i in chunk])
    return ids


def _consultation_row(case_id: int, respond_by: date, now: datetime) -> dict:
    fires = cal.end_of_day_utc(respond_by)
    return {"case_id": case_id, "kind": "consultation_response", "label": "Respond to the consultation",
            "state": "consultation", "due_on": respond_by, "fires_at": fires, "remind_at": None,
            "next_action_at": fires, "on_expiry": "consultation_closes", "acting_roles": [CaseRole.VCO_LEAD],
            "notify_roles": [CaseRole.FUNDER_OFFICER], "basis": {"unit": "date"}, "status": DeadlineStatus.OPEN,
            "created_at": now - timedelta(days=30)}


def lapsed_disputes(engine: Engine, cast: Cast, n: int, window_closed_on: date, now: datetime) -> list[int]:
    """n disputes (the kitchen against the council) whose month to ask for a senior review
    ended on `window_closed_on`, so the system resolves each; returns case ids."""
    answered = window_closed_on - timedelta(days=31)
    data = {"stage_started_on": answered.isoformat(), "acknowledged_on": answered.isoformat(),
            "informal_response": {"response": "We considered it.", "on": answered.isoformat()}}
    ids: list[int] = []
    with engine.begin() as conn:
        for start in range(0, n, CHUNK):
            rows = [{"workflow": "dispute", "workflow_version": 1, "status": "informal_response_given",
                     "title": "Crayford Community Kitchen and London Borough of Bexley",
                     "funder_org_id": cast.orgs["council"], "vco_org_id": cast.orgs["kitchen"],
                     "complainant_org_id": cast.orgs["kitchen"], "respondent_org_id": cast.orgs["council"],
                     "opened_at": now - timedelta(days=60), "updated_at": now - timedelta(days=40),
                     "data": data, "version": 1} for _ in range(min(CHUNK, n - start))]
            ids += list(conn.scalars(insert(Case).returning(Case.id, sort_by_parameter_order=True), rows))
        fires = cal.end_of_day_utc(window_closed_on)
        for start in range(0, n, CHUNK):
            chunk = ids[start:start + CHUNK]
            conn.execute(insert(CaseAssignment), [{"case_id": i, "person_id": cast["officer"],
                                                   "role": CaseRole.RESPONDENT_OFFICER,
                                                   "assigned_at": now - timedelta(days=45)} for i in chunk])
            conn.execute(insert(Deadline), [
                {"case_id": i, "kind": "escalation_window", "label": "Accept, or ask for a senior review",
                 "state": "informal_response_given", "due_on": window_closed_on, "fires_at": fires, "remind_at": None,
                 "next_action_at": fires, "on_expiry": "escalation_window_closes", "acting_roles": [CaseRole.COMPLAINANT],
                 "notify_roles": [], "basis": {"unit": "months"}, "status": DeadlineStatus.OPEN,
                 "created_at": now - timedelta(days=40)} for i in chunk])
    return ids


def overdue_rows(engine: Engine, case_id: int, n: int, due_on: date, now: datetime) -> None:
    """n breach-only deadline rows on one case, all past due (an acknowledgement nobody made)."""
    fires = cal.end_of_day_utc(due_on)
    with engine.begin() as conn:
        for start in range(0, n, CHUNK):
            conn.execute(insert(Deadline), [
                {"case_id": case_id, "kind": f"action:{start + i}", "label": "Complete the plan action",
                 "state": "improvement_in_progress", "due_on": due_on, "fires_at": fires, "remind_at": None,
                 "next_action_at": fires, "on_expiry": None, "acting_roles": [CaseRole.VCO_LEAD],
                 "notify_roles": [CaseRole.FUNDER_OFFICER], "basis": {"unit": "date"},
                 "status": DeadlineStatus.OPEN, "created_at": now - timedelta(days=30)}
                for i in range(min(CHUNK, n - start))])


def quiet_case(engine: Engine, cast: Cast, now: datetime) -> int:
    """A funding case of the organisation with no staff signed up, so nobody is told."""
    with engine.begin() as conn:
        return conn.scalar(insert(Case).returning(Case.id), {
            "workflow": "funding_change", "workflow_version": 1, "status": "improvement_in_progress",
            "route": "performance", "title": "Youth outreach", "funder_org_id": cast.orgs["nhs"],
            "vco_org_id": cast.orgs["bvsc"], "opened_at": now - timedelta(days=60),
            "updated_at": now - timedelta(days=30), "data": {}, "version": 1})


def filler_rows(case_id: int, n: int, now: datetime, seed: int = 0) -> list[tuple]:
    """n deadline rows that are not due: most closed long ago, the rest open and due in future."""
    rows = []
    for i in range(n):
        open_ = (i + seed) % 10 == 0
        due = (now + timedelta(days=1 + i % 300)) if open_ else (now - timedelta(days=1 + i % 900))
        rows.append((case_id, "review", "Review performance", "performance_review", due.date(), due,
                     due if open_ else None, "open" if open_ else "closed", now))
    return rows


FILLER_COLUMNS = ("case_id", "kind", "label", "state", "due_on", "fires_at", "next_action_at", "status", "created_at")
