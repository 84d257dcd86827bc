"""What a dispute does to the funding-change case it is linked to. By default nothing: an open
dispute does not stop the notice clock. Where the funding code says it should
(`dispute_pauses_notice`), each open linked dispute is a cause that holds the notice paused
(`workflows.pauses`); the clock restarts when the last cause ends, the notice then ending
later by the calendar days it stood paused. Each step is on the case's timeline, and a move
of the effective date is told to the organisation in writing."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit import append_entry
from casework.cases import SYSTEM, Case, CaseLink, CaseReading
from casework.events import DomainEvent, LetterIssued, NoticeDateMoved
from workflows import calendar as cal
from workflows import pauses
from workflows.context import Hooks, to_json
from workflows.definitions import Workflow
from workflows.engine import store_letter
from workflows.letter_parties import letter_parties
from workflows.limits import TimeLimits

#: Where a case paused before pausing causes were recorded kept its one dispute.
PAUSED_BY = "notice_paused_by_dispute"


def linked_funding_case(session: Session, dispute: CaseReading) -> Case | None:
    case_id = session.scalar(select(CaseLink.funding_case_id).where(CaseLink.dispute_id == dispute.id))
    return session.get(Case, case_id) if case_id else None


def hold_notice(session: Session, dispute: CaseReading, now: datetime, limits: TimeLimits,
                calendar: cal.WorkingCalendar) -> None:
    """Hold the linked case's notice clock while the dispute is open, if the code says so."""
    case = linked_funding_case(session, dispute)
    if not limits.dispute_pauses_notice or case is None or case.status != "notice_period":
        return
    cause = pauses.dispute_cause(dispute.id)
    if cause in case.pause_causes:
        return
    pauses.hold(session, case, cause, now, calendar)
    case.updated_at = now
    reason = f"Dispute {dispute.ref} was raised; the funding code pauses the notice period while it is open."
    append_entry(session, case, SYSTEM, "pause", case.status, case.status, to_json({"reason": reason}), now)


def after_transition(session: Session, workflow: Workflow, case: CaseReading, now: datetime, limits: TimeLimits,
                     calendar: cal.WorkingCalendar, hooks: Hooks | None = None) -> list[DomainEvent]:
    """What a change to a case does to the case it is linked to, whoever made the change (a
    person, or the scheduler when a window lapses): a dispute that has ended no longer holds
    the notice clock. Returns the events for the caller to hand to its subscribers."""
    if may_change_linked_case(workflow, case):
        return release_notice(session, case, now, limits, calendar, hooks)
    return []


def may_change_linked_case(workflow: Workflow, case: CaseReading) -> bool:
    """Whether `after_transition` may change another case (and so read it first)."""
    # The link row is written from the dispute's own "linked case" field, so a dispute
    # without one needs no look-up.
    linked = ((case.data or {}).get("dispute") or {}).get("linked_case")
    return case.workflow == "dispute" and case.status in workflow.terminal and bool(linked)


def release_notice(session: Session, dispute: CaseReading, now: datetime, limits: TimeLimits,
                   calendar: cal.WorkingCalendar, hooks: Hooks | None = None) -> list[DomainEvent]:
    """The dispute has ended: the notice clock restarts unless another cause still holds it."""
    case = linked_funding_case(session, dispute)
    cause = pauses.dispute_cause(dispute.id)
    if case is None or cause not in case.pause_causes:
        return []
    restarted, move = pauses.release(session, case, cause, now, limits, calendar)
    case.updated_at = now
    if not restarted:
        append_entry(session, case, SYSTEM, "pause", case.status, case.status, to_json(
            {"reason": f"Dispute {dispute.ref} ended; the notice period stays paused while "
                       f"{pauses.still_paused_by(case)} is open."}), now)
        return []
    data: dict = {"reason": f"Dispute {dispute.ref} ended; the notice period continues."}
    events: list[DomainEvent] = []
    if move is not None:
        reason = f"the notice period was paused while dispute {dispute.ref} was open"
        data.update(pauses.audit_fields(move, reason))
        events.append(NoticeDateMoved(case.id, now, move.old_effective_on, move.new_effective_on, reason))
        if hooks is not None and hooks.render_letter is not None:
            rendered = hooks.render_letter(pauses.LETTER, {
                **letter_parties(session, case, SYSTEM, frozenset()),
                **pauses.letter_fields(case, move, reason, cal.local_date(now))})
            letter_id = store_letter(session, case.id, pauses.LETTER, rendered, "resume", now)
            data["letter"] = {"kind": pauses.LETTER, "filename": rendered.filename, "sha256": rendered.sha256}
            events.append(LetterIssued(case.id, now, letter_id, pauses.LETTER))
    append_entry(session, case, SYSTEM, "resume", case.status, case.status, to_json(data), now)
    session.flush()
    return events
