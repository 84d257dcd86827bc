"""What the funding-change question pages start with and say that depends on the case: the
plan version being agreed, the default consultation response date, the hints that change with
what has happened, and the open plan actions to choose from. The table that uses them is in
`workflows/funding_change.py`."""
from collections.abc import Callable
from datetime import date
from typing import Any

from casework.cases import CaseReading
from workflows.definitions import Asking, as_date
from workflows.gates import long_date


def open_actions(case: CaseReading) -> list[dict[str, Any]]:
    """The agreed plan's actions not yet done (none before a plan is agreed)."""
    version = (case.data or {}).get("plan_agreed_version")
    if not version:
        return []
    return [a for a in case.data["plans"][version - 1]["actions"] if not a.get("done_on")]


def has_open_actions(case: CaseReading) -> bool:
    return bool(open_actions(case))


def action_choices(case: CaseReading) -> list[tuple[str, str]]:
    """The open actions as a person chooses one: what, who and by when."""
    return [(str(a["id"]), f"{a['what']} ({a['who']}, by {long_date(as_date(a['by']))})") for a in open_actions(case)]


def plan_version(ask: Asking) -> str:
    """The version being agreed: the latest proposed."""
    return str(len((ask.case.data or {}).get("plans", [])))


def default_response_date(ask: Asking) -> date:
    """The usual consultation length from today (the shortest allowed is in the hint)."""
    return ask.add_wd(ask.today, ask.limits.consultation_wd)


def earliest_response_hint(ask: Asking) -> str:
    """The consultation's shortest allowed time, as a number of working days and a date."""
    minimum = ask.limits.consultation_min_wd
    return f"At least {minimum} working days from today: {long_date(ask.add_wd(ask.today, minimum))} or later."


def responded(case: CaseReading) -> bool:
    """The organisation responded to the consultation."""
    return bool(((case.data or {}).get("consultation") or {}).get("response"))


def consideration_hint(ask: Asking) -> str:
    """Required when the organisation responded (the response is shown above the question);
    optional, and saying why, when it did not."""
    if responded(ask.case):
        return "Say how you took the organisation's response, shown above, fully into account."
    return "The organisation did not respond to the consultation, so this is optional."


def saved_assessment(section: str) -> Callable[[Asking], Any]:
    """What was saved for this part of the impact assessment, to carry on from."""
    return lambda ask: ((ask.case.data or {}).get("assessment") or {}).get(section)
