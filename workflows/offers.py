"""Whether an action is worth offering on a case right now. The gates still decide (and
explain) when an action is taken; this only keeps pages from offering a button that can
only be refused, such as "Resume deadlines" on a case that is not paused."""
from collections.abc import Callable

from casework.cases import MANUAL_PAUSE, Case, CaseRole as R
from casework.organisations import Person
from workflows.dispute import declarations, undeclared
from workflows.funding_change_rules import missing_assessment_sections


def _data(case: Case) -> dict:
    return case.data or {}


def _open_actions(case: Case) -> bool:
    version = _data(case).get("plan_agreed_version")
    return bool(version) and any(not a.get("done_on") for a in _data(case)["plans"][version - 1]["actions"])


OFFERED_IF: dict[str, Callable[[Case], bool]] = {
    "pause": lambda case: MANUAL_PAUSE not in case.pause_causes,
    "resume": lambda case: MANUAL_PAUSE in case.pause_causes,
    "agree_plan": lambda case: bool(_data(case).get("plans")),
    "complete_action": _open_actions,
    "sign_off_exception": lambda case: not _data(case).get("exception"),
    "acknowledge_notice": lambda case: not (_data(case).get("notice") or {}).get("acknowledged_on"),
    "extend_informal": lambda case: not _data(case).get("informal_extension"),
    "extend_review": lambda case: not _data(case).get("review_extension") and bool(case.assignees(R.SENIOR_REVIEWER)),
    "assign_reviewer": lambda case: not case.assignees(R.SENIOR_REVIEWER),
    "give_review_outcome": lambda case: bool(case.assignees(R.SENIOR_REVIEWER)),
    "assign_mediator": lambda case: not case.assignees(R.MEDIATOR),
    "open_consultation": lambda case: not missing_assessment_sections(_data(case).get("assessment") or {}),
    "record_session": lambda case: not _data(case).get("mediation_session_on"),
    "record_agreement": lambda case: bool(_data(case).get("mediation_session_on")),
    "record_no_agreement": lambda case: bool(_data(case).get("mediation_session_on")),
    "appoint_panel": lambda case: not case.assignees(R.PANEL_MEMBER),
    "schedule_hearing": lambda case: bool(case.assignees(R.PANEL_MEMBER)) and not undeclared(case),
}


#: Actions only some of the people in a role on the case may take.
OFFERED_TO: dict[str, Callable[[Person], bool]] = {
    "respond_to_findings": lambda person: person.has_role("decision_maker"),
}


#: Actions offered to a person only while something about them on the case holds.
OFFERED_ON_CASE: dict[str, Callable[[Case, Person], bool]] = {
    "declare_no_involvement": lambda case, person: str(person.id) not in declarations(case),
}


def worth_offering(trigger: str, case: Case, person: Person | None = None) -> bool:
    """False when the action could only be refused in the case's present condition, or
    (given the person) to this person."""
    check, fits, theirs = OFFERED_IF.get(trigger), OFFERED_TO.get(trigger), OFFERED_ON_CASE.get(trigger)
    return (check is None or check(case)) and (person is None or (
        (fits is None or fits(person)) and (theirs is None or theirs(case, person))))
