"""The gates and effects of the dispute process: what must be true before an action (each
gate returns the message a person reads when it is not), and what each action records on the
case. The table that uses them is in `workflows/dispute.py`.

Just over 300 lines: one short function a gate or effect, in the order of the table, beside
`funding_change_rules.py` in the same shape."""
from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from casework.audit import AuditEntry
from casework.cases import CaseAssignment, CaseLink, CaseReading, case_roles
from casework.cases import CaseRole as R
from casework.errors import InvalidInput
from workflows import calendar as cal
from workflows import deadlines
from workflows.context import Context
from workflows.definitions import Guard, as_date
from workflows.gates import Refusal, live_deadline, long_date

REVIEW_OUTCOMES = (("upheld", "Upheld"), ("partly_upheld", "Partly upheld"), ("not_upheld", "Not upheld"))
REMEDIES = (("reconsult", "Consult again"), ("redecide", "Make the decision again"),
            ("extend_notice", "Extend or re-issue the notice"), ("apology", "Apology"),
            ("process_fix", "Fix the process"))
FINDINGS = (("breach", "The Compact was breached"), ("no_breach", "The Compact was not breached"))
EXTERNAL_BODIES = (("ombudsman", "Local Government and Social Care Ombudsman"), ("court", "A court"),
                   ("other", "Another body"))
PANEL_SEATS = (("chair", "Independent chair"), ("statutory_member", "Statutory sector member"),
               ("vcs_member", "Voluntary sector member"))


# --- gates ---------------------------------------------------------------------------------

def involved_people(ctx: Context) -> set[int]:
    """Everyone who has acted on this dispute or its linked case, or holds a role on either."""
    case_ids = [ctx.case.id]
    linked = ctx.conn.scalar(select(CaseLink.funding_case_id).where(CaseLink.dispute_id == ctx.case.id))
    if linked:
        case_ids.append(linked)
    actors = ctx.conn.scalars(select(AuditEntry.actor_id).where(AuditEntry.case_id.in_(case_ids))).all()
    assigned = ctx.conn.scalars(select(CaseAssignment.person_id).where(CaseAssignment.case_id.in_(case_ids))).all()
    return {i for i in (*actors, *assigned) if i is not None}


def responding_role(case: CaseReading) -> str:
    """The role of the people who may answer a dispute in writing for the organisation it is
    about: a funder's officers, or a voluntary organisation's staff."""
    org = case.respondent_org
    return "funder_officer" if org is not None and org.is_funder else "vco_staff"


def person_in_respondent_org(field: str, role: str | Callable[[CaseReading], str], what: str):
    """The person chosen works for the organisation the dispute is about and holds the role
    (given, or worked out from the case)."""
    def guard(ctx: Context) -> str | None:
        person = ctx.person(ctx.data[field])
        if person is None or person.organisation_id != ctx.case.respondent_org_id or not person.is_active:
            return Refusal(f"Choose {what} from the organisation the dispute is about.", field)
        needed = role(ctx.case) if callable(role) else role
        if not person.has_role(needed):
            return Refusal(f"{person.name} is not set up as {what}.", field)
        return None
    return guard


def reviewer_not_involved(ctx: Context) -> str | None:
    if ctx.data["person"] in involved_people(ctx):
        return Refusal("The senior reviewer must not have been involved in the decision or the informal "
                       "stage. Choose someone else.", "person")
    return None


def extension_within(kind: str, limit: str, key: str):
    def guard(ctx: Context) -> str | None:
        if ctx.get(key):
            return "This stage has already been extended once."
        row = live_deadline(ctx, kind)
        latest = cal.add_working_days(row.due_on, getattr(ctx.limits, limit), calendar=ctx.calendar)
        if ctx.data["new_date"] > latest:
            return Refusal(f"The stage can be extended by at most {getattr(ctx.limits, limit)} working days, "
                           f"to {long_date(latest)}.", "new_date")
        return None
    return guard


def reviewer_assigned(ctx: Context) -> str | None:
    return None if ctx.case.assignees(R.SENIOR_REVIEWER) else "A senior reviewer must be assigned first."


def mediator_independent(ctx: Context) -> str | None:
    person = ctx.person(ctx.data["person"])
    if person is None or not person.has_role("mediator") or not person.is_active:
        return Refusal("Choose a mediator.", "person")
    if person.organisation_id in ctx.case.party_org_ids():
        return Refusal("The mediator cannot come from either party to the dispute. "
                       "Choose an independent mediator.", "person")
    return None


def no_one_yet(role: str, message: str):
    """Nobody holds the role on the case yet (it is assigned once)."""
    def guard(ctx: Context) -> str | None:
        return message if ctx.case.assignees(role) else None
    return guard


def mediator_assigned(ctx: Context) -> str | None:
    return None if ctx.case.assignees(R.MEDIATOR) else "A mediator must be assigned first."


def not_yet_agreed(ctx: Context) -> str | None:
    return "You have already agreed to mediate." if party_side(ctx) in ctx.get("mediation_agreed_by", default=[]) else None


def session_held(ctx: Context) -> str | None:
    """The mediation session has been booked and its day has come."""
    session = as_date(ctx.get("mediation_session_on"))
    if session is None:
        return "Book the mediation session first."
    if ctx.today < session:
        return f"The outcome can be recorded once the mediation session has taken place, on {long_date(session)}."
    return None


def session_day(case: CaseReading) -> tuple[date, str] | None:
    """The mediation's outcome can be recorded from the day of the session (`session_held`)."""
    session = as_date((case.data or {}).get("mediation_session_on"))
    return (session, "the day of the session") if session else None


def panel_independent(ctx: Context) -> str | None:
    seats = [name for name, _ in PANEL_SEATS]
    ids = [ctx.data[seat] for seat in seats]
    repeated = next((seat for n, seat in enumerate(seats) if ids[n] in ids[:n]), None)
    if repeated is not None:   # beside the first seat that names someone already on the panel
        return Refusal("The panel needs three different people.", repeated)
    people = [ctx.person(i) for i in ids]
    off_list = next((seat for seat, p in zip(seats, people) if p is None or not p.has_role("panel_member")), None)
    if off_list is not None:
        return Refusal("Every panel member must be on the Compact panel list.", off_list)
    involved = involved_people(ctx)
    named = [(seat, p.name) for seat, p in zip(seats, people) if p.id in involved]
    if named:
        return Refusal(f"Panel members must not have been involved before: {', '.join(n for _, n in named)} was.",
                       named[0][0])
    return None


def panel_appointed(ctx: Context) -> str | None:
    return None if ctx.case.assignees(R.PANEL_MEMBER) else "The panel must be appointed first."


def papers_in_time(ctx: Context) -> str | None:
    earliest = ctx.add_wd(ctx.today, ctx.limits.panel_papers_wd)
    if ctx.data["hearing_on"] < earliest:
        return Refusal(f"Papers must be shared {ctx.limits.panel_papers_wd} working days before the hearing: "
                       f"choose {long_date(earliest)} or later.", "hearing_on")
    return None


def late_needs_reason(field: str, kind: str, what: str) -> Guard:
    """A date a person sets later than its time limit needs a reason (processes.md, "Clocks",
    late by choice), asked for on the form's own question."""
    def guard(ctx: Context) -> str | None:
        late = lateness(ctx, field, kind)
        if late is not None and not str(ctx.data.get("late_reason") or "").strip():
            raise InvalidInput({"late_reason": (
                f"{what} {long_date(late[1])} is after the time limit, {long_date(late[0].due_on)}. "
                "Enter why it cannot be sooner")})
        return None
    return guard


def lateness(ctx: Context, field: str, kind: str):
    """(the live deadline, the date chosen) when the date chosen is after the deadline; else None."""
    row, chosen = live_deadline(ctx, kind), as_date(ctx.data.get(field))
    if row is None or row.due_on is None or chosen is None or chosen <= row.due_on:
        return None
    return row, chosen


def hearing_held(ctx: Context) -> str | None:
    hearing = as_date(ctx.get("hearing_on"))
    return None if hearing and ctx.today >= hearing else "Findings can be issued once the hearing has taken place."


def hearing_day(case: CaseReading) -> tuple[date, str] | None:
    """Findings can be issued from the day of the hearing (`hearing_held`), once it is set."""
    hearing = as_date((case.data or {}).get("hearing_on"))
    return (hearing, "the day of the hearing") if hearing else None


def responder_is_decision_maker(ctx: Context) -> str | None:
    return None if ctx.actor.has_role("decision_maker") else "Only a decision-maker can respond to the panel's findings."


# --- effects -------------------------------------------------------------------------------

def party_side(ctx: Context) -> str:
    return "complainant" if R.COMPLAINANT in ctx.roles else "respondent"


def keep(key: str):
    def effect(ctx: Context) -> None:
        ctx.put(key, {**ctx.data, "on": ctx.today, "by": ctx.actor.name})
    return effect


def assign(role: str, field: str = "person", stamp: str | None = None):
    def effect(ctx: Context) -> None:
        ctx.assign(role, ctx.data[field])
        if stamp:
            ctx.put(stamp, ctx.today)
            ctx.put(stamp.replace("_on", "_declaration"), ctx.data.get("declaration", ""))
    return effect


def outcome_letter(stage: str, key: str, outcome: str = ""):
    """Keep what was given under `key` and write the stage's outcome letter (`outcome`: the
    outcome when the action has no question for it, as "no_agreement")."""
    def effect(ctx: Context) -> None:
        keep(key)(ctx)
        ctx.letter_context = {"stage": stage,
                              "outcome": outcome or ctx.data.get("outcome") or ctx.data.get("finding") or "",
                              "reasons": ctx.data.get("response") or ctx.data.get("reasons") or ctx.data.get("terms")
                              or ctx.data.get("summary") or "",
                              "remedies": ctx.data.get("remedies") or ctx.data.get("recommendations") or [],
                              "follow_up": ctx.data.get("follow_up") or "",
                              "next_step_by": _next_step_by(ctx, key)}
    return effect


def _next_step_by(ctx: Context, key: str) -> date | None:
    """The last day of the next step an outcome letter gives: the time limits' windows."""
    if key == "findings":
        return ctx.add_wd(ctx.today, ctx.limits.findings_response_wd)
    if key == "mediation_agreement":
        return None
    if key == "mediation_no_agreement":
        return cal.add_calendar_months(ctx.today, ctx.limits.panel_referral_months)
    return cal.add_calendar_months(ctx.today, ctx.limits.escalation_months)


def findings_response_letter(ctx: Context) -> None:
    """Keep the decision-maker's response to the panel's findings and write it as a letter
    with the findings it answers."""
    keep("findings_response")(ctx)
    findings = ctx.get("findings", default={})
    recommendations = findings.get("recommendations") or ""
    ctx.letter_context = {"dispute_ref": ctx.case.ref, "finding": findings.get("finding", ""),
                          "findings_on": findings.get("on"),
                          "recommendations": recommendations if isinstance(recommendations, str)
                          else "\n".join(recommendations),
                          "response": ctx.data["response"]}


def extend(kind: str, key: str):
    def effect(ctx: Context) -> None:
        ctx.put(key, {**ctx.data, "on": ctx.today})
        ctx.move_deadline(kind, ctx.data["new_date"], ctx.data["reason"])
    return effect


def set_date(key: str, field: str, kind: str, what: str):
    """Keep a date a person chose; if it is after its time limit, record the limit as missed
    (never met) on the deadline row and in the audit entry, with the reason given."""
    def effect(ctx: Context) -> None:
        ctx.put(key, ctx.data[field])
        late = lateness(ctx, field, kind)
        if late is None:
            return
        row, chosen = late
        deadlines.record_missed(ctx.conn, row.id, ctx.now)
        from workflows.registry import WORKFLOWS  # the table is built from these rules: read it when run
        label = next(r.label for r in WORKFLOWS[ctx.case.workflow].deadlines if r.kind == kind)
        ctx.audit_extra["time_limit_missed"] = f"{label}: due by {long_date(row.due_on)}; {what} {long_date(chosen)}"
    return effect


def agree_to_mediate(ctx: Context) -> None:
    ctx.put("mediation_agreed_by", ctx.get("mediation_agreed_by", default=[]) + [party_side(ctx)])


def yet_to_agree_to_mediate(person, case: CaseReading) -> bool:
    """This person's side has not agreed to mediate yet (the action is offered to them)."""
    side = "complainant" if R.COMPLAINANT in case_roles(case, person) else "respondent"
    return side not in ((case.data or {}).get("mediation_agreed_by") or [])


def ready_to_mediate(ctx: Context) -> bool:
    agreed = set(ctx.get("mediation_agreed_by", default=[]))
    if ctx.trigger == "agree_to_mediate":
        agreed.add(party_side(ctx))
        return agreed == {"complainant", "respondent"} and bool(ctx.case.assignees(R.MEDIATOR))
    return agreed == {"complainant", "respondent"}


def appoint_panel(ctx: Context) -> None:
    for field, _ in PANEL_SEATS:
        ctx.assign(R.PANEL_MEMBER, ctx.data[field])
    ctx.put("panel", {**ctx.data, "appointed_on": ctx.today, "appointed_by": ctx.actor.name, "declarations": {}})


def acknowledge(ctx: Context) -> None:
    assign(R.RESPONDENT_OFFICER, "officer")(ctx)
    ctx.put("acknowledged_on", ctx.today)


def add_external_referral(ctx: Context) -> None:
    ctx.put("external_referrals", ctx.get("external_referrals", default=[]) + [{**ctx.data, "on": ctx.today}])
