"""Whether an action is worth offering on a case right now. The gates still decide (and
explain) when an action is taken; this only keeps pages from offering a button that can
only be refused, such as "Resume deadlines" on a case that is not paused, or "Issue
findings" before the hearing, or "Book the mediation session" once it has taken place. Each
transition declares its own condition (`offered_if`, `offered_to`, `possible_from`,
`possible_until`) in its workflow module."""
from datetime import date

from casework.cases import Case
from casework.organisations import Person
from workflows.definitions import Transition
from workflows.registry import WORKFLOWS


def offered(row: Transition, case: Case, person: Person | None = None, today: date | None = None) -> bool:
    """False when the action could only be refused in the case's present condition, or
    (given the person) to this person, or (given today) before the day it becomes possible
    or after its last day."""
    check, fits = row.offered_if, row.offered_to
    return ((check is None or check(case)) and not still_needed(row, case)
            and (today is None or (not_before(row, case, today) is None and not past_last_day(row, case, today)))
            and (person is None or fits is None or fits(person, case)))


def not_before(row: Transition, case: Case, today: date) -> tuple[date, str] | None:
    """The day this action becomes possible and what that day is, while it is still ahead."""
    first = row.possible_from(case) if row.possible_from is not None else None
    return first if first is not None and today < first[0] else None


def past_last_day(row: Transition, case: Case, today: date) -> bool:
    """Whether the last day this action could succeed has gone."""
    last = row.possible_until(case) if row.possible_until is not None else None
    return last is not None and today > last


def still_needed(row: Transition, case: Case) -> list[str]:
    """What must be done before this action can be taken (its declared checklist), if anything."""
    return row.still_needed(case) if row.still_needed is not None else []


def worth_offering(trigger: str, case: Case, person: Person | None = None, today: date | None = None) -> bool:
    """`offered`, for an action named by its trigger."""
    row = WORKFLOWS[case.workflow].row(trigger)
    return row is None or offered(row, case, person, today)
