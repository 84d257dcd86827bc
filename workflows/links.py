"""What a dispute does to the funding-change case it is linked to. By default nothing: an open
dispute does not stop the notice clock. Where the funding code says it should
(`dispute_pauses_notice`), raising the dispute pauses the notice deadlines, keeping the
working days left, and the dispute ending resumes them; both are on the case's timeline."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit import append_entry
from casework.cases import SYSTEM, Case, CaseLink, CaseReading
from workflows import calendar as cal
from workflows.context import to_json
from workflows.deadlines import pause_all, resume_all
from workflows.definitions import Workflow
from workflows.limits import TimeLimits

PAUSED_BY = "notice_paused_by_dispute"


def linked_funding_case(session: Session, dispute: CaseReading) -> Case | None:
    case_id = session.scalar(select(CaseLink.funding_case_id).where(CaseLink.dispute_id == dispute.id))
    return session.get(Case, case_id) if case_id else None


def hold_notice(session: Session, dispute: CaseReading, now: datetime, limits: TimeLimits,
                calendar: cal.WorkingCalendar) -> None:
    """Pause the linked case's notice clock while the dispute is open, if the code says so."""
    case = linked_funding_case(session, dispute)
    if not limits.dispute_pauses_notice or case is None or case.status != "notice_period" or case.is_paused:
        return
    case.paused_at, case.updated_at = now, now
    case.data = {**case.data, PAUSED_BY: dispute.id}
    pause_all(session, case, now, calendar)
    append_entry(session, case, SYSTEM, "pause", case.status, case.status, to_json(
        {"reason": f"Dispute {dispute.ref} was raised; the funding code pauses the notice period."}), now)


def after_transition(session: Session, workflow: Workflow, case: CaseReading, now: datetime, limits: TimeLimits,
                     calendar: cal.WorkingCalendar) -> None:
    """What a change to a case does to the case it is linked to, whoever made the change (a
    person, or the scheduler when a window lapses): a dispute that has ended resumes the
    notice clock it paused."""
    if may_change_linked_case(workflow, case):
        release_notice(session, case, now, limits, calendar)


def may_change_linked_case(workflow: Workflow, case: CaseReading) -> bool:
    """Whether `after_transition` may change another case (and so read it first)."""
    # The link row is written from the dispute's own "linked case" field, so a dispute
    # without one needs no look-up.
    linked = ((case.data or {}).get("dispute") or {}).get("linked_case")
    return case.workflow == "dispute" and case.status in workflow.terminal and bool(linked)


def release_notice(session: Session, dispute: CaseReading, now: datetime, limits: TimeLimits,
                   calendar: cal.WorkingCalendar) -> None:
    """Resume the linked case's notice clock when the dispute that paused it ends."""
    case = linked_funding_case(session, dispute)
    if case is None or (case.data or {}).get(PAUSED_BY) != dispute.id or not case.is_paused:
        return
    case.paused_at, case.updated_at = None, now
    case.data = {k: v for k, v in case.data.items() if k != PAUSED_BY}
    resume_all(session, case, now, limits, calendar)
    append_entry(session, case, SYSTEM, "resume", case.status, case.status, to_json(
        {"reason": f"Dispute {dispute.ref} ended; the notice period continues with the working days it had left."}), now)
