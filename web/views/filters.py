"""Case-list filters (stage, organisation, due or overdue) and the home page's tables of
live deadlines: waiting on me, overdue, due this week."""
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy.orm import Session

from casework.organisations import Person
from casework.deadline_lists import DeadlineLine, DeadlineTable, deadline_tables
from casework.queries import CaseFilter
from casework.search import MAX_LENGTH, search_terms
from web.diagram import stage_names
from workflows import calendar as cal
from workflows.registry import WORKFLOWS

DUE_CHOICES = (("", "Any"), ("overdue", "Overdue"), ("week", "Due in the next 7 days"))


@lru_cache(maxsize=None)
def stage_choices() -> tuple[tuple[str, str], ...]:
    """Every state of both processes, as people call them, grouped by process."""
    seen: dict[str, str] = {}
    for workflow in WORKFLOWS.values():
        prefix = "Funding" if workflow.key == "funding_change" else "Dispute"
        for state, name in stage_names(workflow.key).items():
            seen.setdefault(f"{workflow.key}:{state}", f"{prefix}: {name}")
    return tuple(seen.items())


@lru_cache(maxsize=None)
def _stage_values() -> frozenset[str]:
    return frozenset(value for value, _ in stage_choices())


def chosen(args) -> dict[str, str]:
    stage = args.get("stage", "")
    org = args.get("organisation", "")
    due = args.get("due", "")
    return {"stage": stage if stage in _stage_values() else "",
            "organisation": org if org.isascii() and org.isdigit() and len(org) < 10 else "",
            "due": due if due in dict(DUE_CHOICES) else "",
            "q": search_terms(args.get("q", "")[:4 * MAX_LENGTH]).text}


def page_number(args) -> int:
    raw = args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1


def case_filter(chosen: dict[str, str], now: datetime) -> CaseFilter:
    """The chosen filters as the case list's query takes them."""
    return CaseFilter(stage=tuple(chosen["stage"].split(":")) if chosen["stage"] else None,
                      organisation=int(chosen["organisation"]) if chosen["organisation"] else None,
                      due=_DUE[chosen["due"]](cal.local_date(now)) if chosen["due"] else None,
                      search=search_terms(chosen["q"]))


#: Deadlines overdue, or due in the next 7 days, counted from today: the home page's tables
#: and the case list's filter agree on these.
_DUE = {"overdue": lambda today: (date.min, today - timedelta(days=1)),
        "week": lambda today: (today, today + timedelta(days=7))}

#: A home page table shows this many rows, and links to the case list when there are more.
TABLE_ROWS = 25


def waiting_on(db: Session, person: Person, today: date) -> dict[str, list[DeadlineLine]]:
    """The home page's tables of live deadlines: mine to act on, overdue, and due in the next
    7 days; each the soonest TABLE_ROWS, and one more if there are more."""
    return deadline_tables(db, person, TABLE_ROWS + 1, {
        "mine": DeadlineTable(waiting=True, names_who_acts=False), "overdue": DeadlineTable(due=_DUE["overdue"](today)),
        "week": DeadlineTable(due=_DUE["week"](today))})
