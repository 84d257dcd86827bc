"""Case-list filters (stage, organisation, due or overdue) and the home page's groupings of
live deadlines: waiting on me, overdue, due this week."""
from datetime import date, datetime, timedelta

from sqlalchemy import Select, exists, or_

from casework.cases import Case, case_roles
from casework.deadlines import LIVE, Deadline
from casework.organisations import Person
from workflows import calendar as cal
from workflows.registry import WORKFLOWS
from web.presenters import due_text, tag

DUE_CHOICES = (("", "Any"), ("overdue", "Overdue"), ("week", "Due in the next 7 days"))


def stage_choices() -> list[tuple[str, str]]:
    """Every state of both processes, as people call them, grouped by process."""
    seen: dict[str, str] = {}
    for workflow in WORKFLOWS.values():
        prefix = "Funding" if workflow.key == "funding_change" else "Dispute"
        for state, info in workflow.info.items():
            seen.setdefault(f"{workflow.key}:{state}", f"{prefix}: {info.tag}")
    return list(seen.items())


def chosen(args) -> dict[str, str]:
    stage = args.get("stage", "")
    org = args.get("organisation", "")
    due = args.get("due", "")
    return {"stage": stage if stage in dict(stage_choices()) else "",
            "organisation": org if org.isdigit() and len(org) < 10 else "",
            "due": due if due in dict(DUE_CHOICES) else ""}


def page_number(args) -> int:
    raw = args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


def apply(query: Select, chosen: dict[str, str], now: datetime) -> Select:
    if chosen["stage"]:
        workflow, state = chosen["stage"].split(":")
        query = query.where(Case.workflow == workflow, Case.status == state)
    if chosen["organisation"]:
        org = int(chosen["organisation"])
        query = query.where(or_(Case.vco_org_id == org, Case.funder_org_id == org))
    if chosen["due"]:
        today = cal.local_date(now)
        if chosen["due"] == "overdue":
            cond = Deadline.due_on < today
        else:
            cond = (Deadline.due_on >= today) & (Deadline.due_on <= today + timedelta(days=7))
        query = query.where(exists().where(Deadline.case_id == Case.id, Deadline.status.in_(LIVE), cond))
    return query


def waiting_on(rows: list[Deadline], person: Person, today: date,
               calendar: cal.WorkingCalendar | None = None) -> dict[str, list]:
    """Live deadlines split into: mine to act on, overdue, and due in the next 7 days."""
    mine, overdue, week = [], [], []
    for row in rows:
        item = {"case": row.case, "tag": tag(row.case), "due": due_text(row, today, calendar), "label": row.label}
        if set(row.acting_roles) & case_roles(row.case, person):
            mine.append(item)
        if row.due_on and row.due_on < today:
            overdue.append(item)
        elif row.due_on and row.due_on <= today + timedelta(days=7):
            week.append(item)
    return {"mine": mine, "overdue": overdue, "week": week}
