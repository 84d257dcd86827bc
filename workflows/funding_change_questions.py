"""What the funding-change question pages start with and say that depends on the case: the
plan version being agreed, the default consultation response date and plan end, the hints that
change with what has happened, the open plan actions to choose from, and what the organisation
is told when a review starts early. The table that uses them is in
`workflows/funding_change.py`."""
from collections.abc import Callable
from datetime import date
from typing import Any

from casework.cases import CaseReading, case_roles
from casework.cases import CaseRole as R
from workflows import calendar as cal
from workflows.definitions import Asking, as_date
from workflows.funding_change_plans import EARLY_REVIEW_REASONS
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


def default_plan_end(ask: Asking) -> date:
    """A proposed plan ends, unless the people proposing it say otherwise, the usual plan
    period from today."""
    return cal.add_calendar_months(ask.today, ask.limits.plan_period_months)


def plan_running(ask: Asking) -> bool:
    """The agreed plan has not yet ended (starting the review now is starting it early)."""
    end = as_date((ask.case.data or {}).get("plan_end"))
    return end is not None and ask.today < end


def early_review_hint(ask: Asking) -> str:
    end = as_date(ask.case.data["plan_end"])
    return f"The plan runs until {long_date(end)}. The review can start before then only for one of these reasons."


def started_early(case: CaseReading) -> bool:
    """The review just started before the plan's end date (`funding_change_plans.start_review`)."""
    return bool((case.data or {}).get("early_review"))


def early_review_told(case: CaseReading) -> str:
    """Why a review started before the plan's end date, as the organisation is told it."""
    early = (case.data or {}).get("early_review")
    if not early:
        return ""
    reason = dict(EARLY_REVIEW_REASONS).get(early["reason"], early["reason"])
    return (f"The improvement plan was due to end on {long_date(as_date(early['plan_end']))}. The review has "
            f"started early because: {reason[:1].lower() + reason[1:]}. {early['explanation']}")


def yet_to_agree_the_latest_plan(person, case: CaseReading) -> bool:
    """This person's side has not agreed the latest version of the plan (offered to them)."""
    plans = (case.data or {}).get("plans") or []
    side = "funder" if R.FUNDER_OFFICER in case_roles(case, person) else "organisation"
    return bool(plans) and side not in plans[-1].get("agreed_by", [])


def plan_version_words(version: Any) -> str:
    """The plan version agreed, as the timeline says it."""
    return f"Version {version} of the plan"


def plan_actions_words(actions: Any) -> str:
    """A plan's actions as the timeline lists them: what, who and by when."""
    return "Actions: " + "; ".join(f"{a['what']} ({a['who']}, by {long_date(as_date(a['by']))})"
                                   for a in actions or [] if isinstance(a, dict))


def before_the_change_hint(ask: Asking) -> str:
    """When the people the organisation supports must be told by: before funding changes."""
    effective = as_date(((ask.case.data or {}).get("notice") or {}).get("effective_on"))
    return f"Before the change takes effect on {long_date(effective)}." if effective else ""
