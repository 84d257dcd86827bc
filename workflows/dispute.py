"""The Compact dispute process (processes.md, "Dispute"): raised by either party, then
informal resolution (D1), senior review (D2), mediation by BVSC (D3) and the Compact panel
(D4). Reads like the spec's table: states, transitions, deadline rules; gates and effects
below them."""
from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import select

from casework.audit import AuditEntry
from casework.cases import CaseAssignment, CaseLink, CaseReading, CaseRole as R
from casework.errors import InvalidInput
from casework.errors import NotPermitted
from casework.permissions import can_act_for_respondent
from casework.separation import linked_case_officers
from workflows import calendar as cal
from workflows import deadlines
from workflows.context import Context
from workflows.definitions import (ANY_OPEN, ANY_STATE, DeadlineRule, Due, Field, Guard, StateInfo,
                                   Transition, Workflow, as_date)
from workflows.gates import (Refusal, date_not_in_future, deadline_passed, later_than_deadline, live_deadline, long_date,
                             window_open)


class State(StrEnum):
    RAISED = "raised"                                    #: the respondent must acknowledge
    INFORMAL_RESOLUTION = "informal_resolution"          #: D1: a named officer responds in writing
    INFORMAL_RESPONSE_GIVEN = "informal_response_given"  #: the complainant accepts or escalates
    SENIOR_REVIEW = "senior_review"                      #: D2: an uninvolved manager reviews
    REVIEW_OUTCOME_GIVEN = "review_outcome_given"        #: the complainant accepts or asks for mediation
    MEDIATION_REQUESTED = "mediation_requested"          #: D3: both sides agree to mediate
    IN_MEDIATION = "in_mediation"                        #: a mediator works with both sides
    NO_AGREEMENT = "no_agreement"                        #: either side may refer to the panel
    PANEL_REFERRED = "panel_referred"                    #: D4: the panel is appointed
    PANEL_HEARING = "panel_hearing"                      #: the hearing is scheduled
    PANEL_FINDINGS_ISSUED = "panel_findings_issued"      #: the decision-maker responds
    RESOLVED = "resolved"                                #: settled at some stage
    CLOSED = "closed"                                    #: ended without settlement
    WITHDRAWN = "withdrawn"                              #: the complainant withdrew it


S = State
COMPLAINANT, RESPONDENT = frozenset({R.COMPLAINANT}), frozenset({R.RESPONDENT})
PARTIES = COMPLAINANT | RESPONDENT
OFFICER, REVIEWER = frozenset({R.RESPONDENT_OFFICER}), frozenset({R.SENIOR_REVIEWER})
MEDIATOR, PANEL, SYSTEM = frozenset({R.MEDIATOR}), frozenset({R.PANEL_MEMBER}), frozenset({R.SYSTEM})
SERVICE, CONVENER = frozenset({R.MEDIATION_SERVICE}), frozenset({R.PANEL_CONVENER})
#: Actions only those who may act for the respondent on this dispute take (`can_act_for_respondent`).
FOR_THE_RESPONDENT = frozenset({"acknowledge_dispute", "assign_reviewer"})
PANEL_SEATS = (("chair", "Independent chair"), ("statutory_member", "Statutory sector member"),
               ("vcs_member", "Voluntary sector member"))

REVIEW_OUTCOMES = (("upheld", "Upheld"), ("partly_upheld", "Partly upheld"), ("not_upheld", "Not upheld"))
REMEDIES = (("reconsult", "Consult again"), ("redecide", "Make the decision again"),
            ("extend_notice", "Extend or re-issue the notice"), ("apology", "Apology"),
            ("process_fix", "Fix the process"))
FINDINGS = (("breach", "The Compact was breached"), ("no_breach", "The Compact was not breached"))
EXTERNAL_BODIES = (("ombudsman", "Local Government and Social Care Ombudsman"), ("court", "A court"),
                   ("other", "Another body"))


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
            return f"Choose {what} from the organisation the dispute is about."
        needed = role(ctx.case) if callable(role) else role
        if not person.has_role(needed):
            return f"{person.name} is not set up as {what}."
        return None
    return guard


def acts_for_respondent(ctx: Context) -> str | None:
    """Only those who may act for the respondent on this dispute (never the officers of the
    funding case it is about, nor those judging it) acknowledge it and assign its reviewer."""
    if not can_act_for_respondent(ctx.actor, ctx.case, linked_case_officers(ctx.conn, ctx.case)):
        org = ctx.case.respondent_org.name if ctx.case.respondent_org else "the organisation"
        raise NotPermitted(f"You cannot act for {org} on this dispute. Its funder officer or decision-maker on the "
                           "funding case it is about, and those judging it, cannot; another of its officers must.")
    return None


def officer_not_separated(ctx: Context) -> str | None:
    if ctx.data["officer"] in linked_case_officers(ctx.conn, ctx.case):
        return Refusal("The officer who answers the dispute cannot be the funder officer or decision-maker of the "
                       "funding case it is about. Choose someone else.", "officer")
    return None


def reviewer_not_involved(ctx: Context) -> str | None:
    if ctx.data["person"] in involved_people(ctx):
        return ("The senior reviewer must not have been involved in the decision or the informal "
                "stage. Choose someone else.")
    return None


def extension_within(kind: str, limit: str, key: str):
    def guard(ctx: Context) -> str | None:
        if ctx.get(key):
            return "This stage has already been extended once."
        row = live_deadline(ctx, kind)
        latest = cal.add_working_days(row.due_on, getattr(ctx.limits, limit), calendar=ctx.calendar)
        if ctx.data["new_date"] > latest:
            return f"The stage can be extended by at most {getattr(ctx.limits, limit)} working days, to {long_date(latest)}."
        return None
    return guard


def reviewer_assigned(ctx: Context) -> str | None:
    return None if ctx.case.assignees(R.SENIOR_REVIEWER) else "A senior reviewer must be assigned first."


def mediator_independent(ctx: Context) -> str | None:
    person = ctx.person(ctx.data["person"])
    if person is None or not person.has_role("mediator") or not person.is_active:
        return "Choose a mediator."
    if person.organisation_id in ctx.case.party_org_ids():
        return ("The mediator cannot come from either party to the dispute. "
                "Choose an independent mediator.")
    return None


def mediator_assigned(ctx: Context) -> str | None:
    return None if ctx.case.assignees(R.MEDIATOR) else "A mediator must be assigned first."


def not_yet_agreed(ctx: Context) -> str | None:
    return "You have already agreed to mediate." if party_side(ctx) in ctx.get("mediation_agreed_by", default=[]) else None


def session_held(ctx: Context) -> str | None:
    return None if ctx.get("mediation_session_on") else "Record the mediation session first."


def panel_independent(ctx: Context) -> str | None:
    ids = [ctx.data["chair"], ctx.data["statutory_member"], ctx.data["vcs_member"]]
    if len(set(ids)) != 3:
        return "The panel needs three different people."
    people = [ctx.person(i) for i in ids]
    if any(p is None or not p.has_role("panel_member") for p in people):
        return "Every panel member must be on the Compact panel list."
    involved = involved_people(ctx)
    named = [p.name for p in people if p.id in involved]
    if named:
        return f"Panel members must not have been involved before: {', '.join(named)} was."
    return None


def panel_appointed(ctx: Context) -> str | None:
    return None if ctx.case.assignees(R.PANEL_MEMBER) else "The panel must be appointed first."


def declarations(case: CaseReading) -> dict:
    """Each panel member's own declaration of no prior involvement, by person id (as text)."""
    return ((case.data or {}).get("panel") or {}).get("declarations") or {}


def undeclared(case: CaseReading) -> list:
    """The panel members who have not yet confirmed their declaration."""
    made = declarations(case)
    return [p for p in case.assignees(R.PANEL_MEMBER) if str(p.id) not in made]


def not_yet_declared(ctx: Context) -> str | None:
    return "You have already confirmed your declaration." if str(ctx.actor.id) in declarations(ctx.case) else None


def all_declared(ctx: Context) -> str | None:
    waiting = undeclared(ctx.case)
    if waiting:
        return ("The hearing can be scheduled once every panel member has confirmed their declaration of no prior "
                "involvement. Still to confirm: " + ", ".join(p.name for p in waiting) + ".")
    return None


def papers_in_time(ctx: Context) -> str | None:
    earliest = ctx.add_wd(ctx.today, ctx.limits.panel_papers_wd)
    if ctx.data["hearing_on"] < earliest:
        return (f"Papers must be shared {ctx.limits.panel_papers_wd} working days before the hearing: "
                f"choose {long_date(earliest)} or later.")
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


def outcome_letter(stage: str, key: str):
    def effect(ctx: Context) -> None:
        keep(key)(ctx)
        ctx.letter_context = {"stage": stage, "outcome": ctx.data.get("outcome") or ctx.data.get("finding") or "",
                              "reasons": ctx.data.get("response") or ctx.data.get("reasons") or ctx.data.get("terms") or "",
                              "remedies": ctx.data.get("remedies") or ctx.data.get("recommendations") or [],
                              "follow_up": ctx.data.get("follow_up") or "",
                              "next_step_by": ctx.add_wd(ctx.today, ctx.limits.findings_response_wd) if key == "findings"
                              else None if key == "mediation_agreement"
                              else cal.add_calendar_months(ctx.today, ctx.limits.escalation_months)}
    return effect


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
        label = next(r.label for r in DEADLINES if r.kind == kind)
        ctx.audit_extra["time_limit_missed"] = f"{label}: due by {long_date(row.due_on)}; {what} {long_date(chosen)}"
    return effect


def agree_to_mediate(ctx: Context) -> None:
    ctx.put("mediation_agreed_by", ctx.get("mediation_agreed_by", default=[]) + [party_side(ctx)])


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


def declare(ctx: Context) -> None:
    panel = ctx.get("panel")
    panel.setdefault("declarations", {})[str(ctx.actor.id)] = {
        "by": ctx.actor.name, "on": ctx.today, "declaration": ctx.data.get("declaration", "")}
    ctx.put("panel", panel)


def acknowledge(ctx: Context) -> None:
    assign(R.RESPONDENT_OFFICER, "officer")(ctx)
    ctx.put("acknowledged_on", ctx.today)


def add_external_referral(ctx: Context) -> None:
    ctx.put("external_referrals", ctx.get("external_referrals", default=[]) + [{**ctx.data, "on": ctx.today}])


# --- the table -----------------------------------------------------------------------------

REASON = Field("reason", "Reason")
NEW_DATE = Field("new_date", "New date", "date")
PERSON = Field("person", "Mediator", "person")
DECLARATION = Field("declaration", "Declaration of no conflict of interest")
LATE_REASON = Field("late_reason", "Why it is later than the time limit", required=False,
                    hint="Only if the date is after the time limit shown on the case page. "
                         "The time limit is then recorded as missed.")

TRANSITIONS = (
    Transition("acknowledge_dispute", (S.RAISED,), S.INFORMAL_RESOLUTION, RESPONDENT, "Acknowledge the dispute",
               "Who will respond?", (Field("officer", "Officer who will respond in writing", "person"),),
               guards=(acts_for_respondent, person_in_respondent_org("officer", responding_role, "an officer who can answer it"),
                       officer_not_separated),
               effect=acknowledge),
    Transition("give_informal_response", (S.INFORMAL_RESOLUTION,), S.INFORMAL_RESPONSE_GIVEN, OFFICER,
               "Give a written response", "Your written response", (Field("response", "Response"),),
               effect=outcome_letter("informal response", "informal_response"), letter="dispute_outcome"),
    Transition("extend_informal", (S.INFORMAL_RESOLUTION,), None, OFFICER, "Extend the informal stage",
               "Why do you need more time?", (REASON, NEW_DATE),
               guards=(later_than_deadline("new_date", "informal_response", "The new date"),
                       extension_within("informal_response", "informal_extension_max_wd", "informal_extension")),
               effect=extend("informal_response", "informal_extension")),
    Transition("accept_outcome", (S.INFORMAL_RESPONSE_GIVEN, S.REVIEW_OUTCOME_GIVEN), S.RESOLVED, COMPLAINANT,
               "Accept the outcome", "Accept the outcome", (Field("comments", "Comments", required=False),),
               effect=keep("acceptance")),
    Transition("escalate_to_review", (S.INFORMAL_RESPONSE_GIVEN,), S.SENIOR_REVIEW, COMPLAINANT,
               "Ask for a senior review", "Why do you want a senior review?", (REASON,),
               guards=(window_open("escalation_window", "ask for a senior review"),), effect=keep("escalation")),
    Transition("escalation_window_closes", (S.INFORMAL_RESPONSE_GIVEN,), S.RESOLVED, SYSTEM, "Close",
               guards=(deadline_passed("escalation_window"),)),
    Transition("assign_reviewer", (S.SENIOR_REVIEW,), None, RESPONDENT, "Assign a senior reviewer",
               "Who will review the dispute?", (Field("person", "Senior reviewer", "person"),),
               guards=(acts_for_respondent,
                       lambda ctx: "A senior reviewer is already assigned." if ctx.case.assignees(R.SENIOR_REVIEWER) else None,
                       person_in_respondent_org("person", "senior_reviewer", "a senior reviewer"), reviewer_not_involved),
               effect=assign(R.SENIOR_REVIEWER, stamp="reviewer_assigned_on")),
    Transition("give_review_outcome", (S.SENIOR_REVIEW,), S.REVIEW_OUTCOME_GIVEN, REVIEWER, "Give the review outcome",
               "Review outcome", (Field("outcome", "Outcome", "choice", choices=REVIEW_OUTCOMES),
                                  Field("reasons", "Reasons"),
                                  Field("remedies", "Remedies", "multichoice", required=False, choices=REMEDIES)),
               guards=(reviewer_assigned,), effect=outcome_letter("senior review", "review_outcome"),
               letter="dispute_outcome"),
    Transition("extend_review", (S.SENIOR_REVIEW,), None, REVIEWER, "Extend the review", "Why do you need more time?",
               (REASON, NEW_DATE), guards=(later_than_deadline("new_date", "review_outcome", "The new date"),
                                           extension_within("review_outcome", "review_extension_max_wd", "review_extension")),
               effect=extend("review_outcome", "review_extension")),
    Transition("request_mediation", (S.REVIEW_OUTCOME_GIVEN,), S.MEDIATION_REQUESTED, COMPLAINANT, "Ask for mediation",
               "Why do you want mediation?", (REASON,),
               guards=(window_open("escalation_window", "ask for mediation"),), effect=keep("mediation_request")),
    Transition("mediation_window_closes", (S.REVIEW_OUTCOME_GIVEN,), S.RESOLVED, SYSTEM, "Close",
               guards=(deadline_passed("escalation_window"),)),
    Transition("assign_mediator", (S.MEDIATION_REQUESTED,), S.IN_MEDIATION, SERVICE,
               "Take on mediation", "Who will mediate?", (PERSON, DECLARATION),
               guards=(mediator_independent,), effect=assign(R.MEDIATOR, stamp="mediator_assigned_on"),
               when=ready_to_mediate),
    Transition("assign_mediator", (S.MEDIATION_REQUESTED,), None, SERVICE,
               "Take on mediation", "Who will mediate?", (PERSON, DECLARATION),
               guards=(mediator_independent, lambda ctx: "A mediator is already assigned." if ctx.case.assignees(R.MEDIATOR) else None),
               effect=assign(R.MEDIATOR, stamp="mediator_assigned_on")),
    Transition("agree_to_mediate", (S.MEDIATION_REQUESTED,), S.IN_MEDIATION, PARTIES, "Agree to mediation",
               "Agree to mediation", (Field("confirm", "You agree to take part in mediation", "confirm"),),
               guards=(not_yet_agreed,), effect=agree_to_mediate, when=ready_to_mediate),
    Transition("agree_to_mediate", (S.MEDIATION_REQUESTED,), None, PARTIES, "Agree to mediation",
               "Agree to mediation", (Field("confirm", "You agree to take part in mediation", "confirm"),),
               guards=(not_yet_agreed,), effect=agree_to_mediate),
    Transition("record_session", (S.IN_MEDIATION,), None, MEDIATOR, "Record the mediation session",
               "When was the session?", (Field("session_on", "Session date", "date"), LATE_REASON),
               guards=(date_not_in_future("session_on", "The session date"),
                       late_needs_reason("session_on", "mediation_session", "A session on")),
               effect=set_date("mediation_session_on", "session_on", "mediation_session", "held on")),
    Transition("record_agreement", (S.IN_MEDIATION,), S.RESOLVED, MEDIATOR, "Record the agreement",
               "What did both sides agree?", (Field("terms", "Terms"), Field("follow_up", "Follow-up actions with dates")),
               guards=(session_held,), effect=outcome_letter("mediation agreement", "mediation_agreement"),
               letter="dispute_outcome"),
    Transition("record_no_agreement", (S.IN_MEDIATION,), S.NO_AGREEMENT, MEDIATOR, "Record no agreement",
               "Mediation ended without agreement", (Field("summary", "Summary"),), guards=(session_held,),
               effect=keep("mediation_no_agreement")),
    Transition("refer_to_panel", (S.NO_AGREEMENT,), S.PANEL_REFERRED, PARTIES, "Refer to the Compact panel",
               "Why refer to the panel?", (REASON,),
               guards=(window_open("panel_referral_window", "refer to the panel"),), effect=keep("panel_referral")),
    Transition("close_dispute", (S.NO_AGREEMENT,), S.CLOSED, PARTIES, "Close the dispute", "Close the dispute",
               (Field("comments", "Comments", required=False),), effect=keep("closure")),
    Transition("referral_window_closes", (S.NO_AGREEMENT,), S.CLOSED, SYSTEM, "Close",
               guards=(deadline_passed("panel_referral_window"),)),
    Transition("appoint_panel", (S.PANEL_REFERRED,), None, CONVENER, "Appoint the panel",
               "Who is on the panel?", tuple(Field(name, label, "person") for name, label in PANEL_SEATS),
               guards=(lambda ctx: "The panel is already appointed." if ctx.case.assignees(R.PANEL_MEMBER) else None,
                       panel_independent), effect=appoint_panel),
    Transition("declare_no_involvement", (S.PANEL_REFERRED,), None, PANEL, "Confirm your declaration",
               "Your declaration of no prior involvement",
               (Field("confirm", "You have had no involvement in this dispute, or in the decision it is about, before "
                      "this panel", "confirm"),
                Field("declaration", "Anything else you wish to declare", required=False)),
               guards=(not_yet_declared,), effect=declare),
    Transition("schedule_hearing", (S.PANEL_REFERRED,), S.PANEL_HEARING, PANEL, "Schedule the hearing",
               "When is the hearing?", (Field("hearing_on", "Hearing date", "date"), LATE_REASON),
               guards=(panel_appointed, all_declared, papers_in_time,
                       late_needs_reason("hearing_on", "panel_hearing", "A hearing on")),
               effect=set_date("hearing_on", "hearing_on", "panel_hearing", "set for")),
    Transition("issue_findings", (S.PANEL_HEARING,), S.PANEL_FINDINGS_ISSUED, PANEL, "Issue findings", "Panel findings",
               (Field("finding", "Finding", "choice", choices=FINDINGS), Field("recommendations", "Recommendations")),
               guards=(hearing_held,), effect=outcome_letter("Compact panel findings", "findings"),
               letter="dispute_outcome"),
    Transition("respond_to_findings", (S.PANEL_FINDINGS_ISSUED,), S.CLOSED, RESPONDENT, "Respond to the findings",
               "Your written response to the findings", (Field("response", "Response"),),
               guards=(responder_is_decision_maker,), effect=keep("findings_response")),
    Transition("withdraw_dispute", (ANY_OPEN,), S.WITHDRAWN, COMPLAINANT, "Withdraw the dispute",
               "Why are you withdrawing the dispute?", (REASON,), effect=keep("withdrawal")),
    Transition("record_external_referral", (ANY_STATE,), None, PARTIES, "Record a referral outside the Compact",
               "Referral to the Ombudsman or a court",
               (Field("body", "Who it was referred to", "choice", choices=EXTERNAL_BODIES), Field("reference", "Reference", "text"),
                Field("outcome", "Outcome, if known", required=False)), effect=add_external_referral),
)


def _data_date(key: str):
    return lambda case: as_date((case.data or {}).get(key))


STAGE_START = _data_date("stage_started_on")

DEADLINES = (
    DeadlineRule("dispute_ack", S.RAISED, "Acknowledge the dispute", (R.RESPONDENT,),
                 Due("wd", STAGE_START, "dispute_ack_wd"), notify=(R.COMPLAINANT,)),
    DeadlineRule("informal_response", S.INFORMAL_RESOLUTION, "Respond in writing", (R.RESPONDENT_OFFICER,),
                 Due("wd", STAGE_START, "informal_response_wd"), notify=(R.COMPLAINANT, R.RESPONDENT)),
    DeadlineRule("escalation_window", S.INFORMAL_RESPONSE_GIVEN, "Accept, or ask for a senior review",
                 (R.COMPLAINANT,), Due("months", STAGE_START, "escalation_months"),
                 on_expiry="escalation_window_closes"),
    DeadlineRule("review_ack", S.SENIOR_REVIEW, "Assign a senior reviewer", (R.RESPONDENT,),
                 Due("wd", STAGE_START, "review_ack_wd"), notify=(R.COMPLAINANT,),
                 applies=lambda case: not case.assignees(R.SENIOR_REVIEWER)),
    DeadlineRule("review_outcome", S.SENIOR_REVIEW, "Give the review outcome", (R.SENIOR_REVIEWER,),
                 Due("wd", _data_date("reviewer_assigned_on"), "review_outcome_wd"), notify=(R.COMPLAINANT, R.RESPONDENT),
                 applies=lambda case: bool(case.assignees(R.SENIOR_REVIEWER))),
    DeadlineRule("escalation_window", S.REVIEW_OUTCOME_GIVEN, "Accept, or ask for mediation", (R.COMPLAINANT,),
                 Due("months", STAGE_START, "escalation_months"), on_expiry="mediation_window_closes"),
    DeadlineRule("mediation_agreement", S.MEDIATION_REQUESTED, "Agree to mediation and assign a mediator",
                 (R.COMPLAINANT, R.RESPONDENT, R.MEDIATION_SERVICE),
                 Due("wd", STAGE_START, "mediation_agree_wd"), notify=(R.MEDIATOR,)),
    DeadlineRule("mediation_session", S.IN_MEDIATION, "Hold the mediation session", (R.MEDIATOR,),
                 Due("wd", STAGE_START, "mediation_session_wd"), notify=(R.COMPLAINANT, R.RESPONDENT),
                 applies=lambda case: not case.data.get("mediation_session_on")),
    DeadlineRule("mediation_outcome", S.IN_MEDIATION, "Write up the mediation outcome", (R.MEDIATOR,),
                 Due("wd", _data_date("mediation_session_on"), "mediation_outcome_wd"), notify=(R.COMPLAINANT, R.RESPONDENT)),
    DeadlineRule("panel_referral_window", S.NO_AGREEMENT, "Refer to the Compact panel", (R.COMPLAINANT, R.RESPONDENT),
                 Due("months", STAGE_START, "panel_referral_months"), on_expiry="referral_window_closes"),
    DeadlineRule("panel_hearing", S.PANEL_REFERRED, "Appoint the panel and hold the hearing",
                 (R.PANEL_MEMBER, R.PANEL_CONVENER),
                 Due("wd", STAGE_START, "panel_hearing_wd"), notify=(R.COMPLAINANT, R.RESPONDENT)),
    DeadlineRule("panel_findings", S.PANEL_HEARING, "Issue the panel's findings", (R.PANEL_MEMBER,),
                 Due("wd", _data_date("hearing_on"), "panel_findings_wd"), notify=(R.COMPLAINANT, R.RESPONDENT)),
    DeadlineRule("findings_response", S.PANEL_FINDINGS_ISSUED, "Respond to the panel's findings", (R.RESPONDENT,),
                 Due("wd", STAGE_START, "findings_response_wd"), notify=(R.COMPLAINANT,)),
)

INFO = {
    S.RAISED: StateInfo("Raised", "orange", "{respondent} must acknowledge by {due}.", "{respondent} must acknowledge by {due}."),
    S.INFORMAL_RESOLUTION: StateInfo("Informal resolution", "blue", "{officer} will respond in writing by {due}.", "{officer} will respond in writing by {due}."),
    S.INFORMAL_RESPONSE_GIVEN: StateInfo("Response given", "blue", "{complainant} can accept, or ask for a senior review by {due}.", "{complainant} can accept, or ask for a senior review by {due}."),
    S.SENIOR_REVIEW: StateInfo("Senior review", "purple", "{reviewer}, who was not involved before, will give an outcome by {due}.", "{reviewer}, who was not involved before, will give an outcome by {due}."),
    S.REVIEW_OUTCOME_GIVEN: StateInfo("Review outcome given", "purple", "{complainant} can accept, or ask for mediation by {due}.", "{complainant} can accept, or ask for mediation by {due}."),
    S.MEDIATION_REQUESTED: StateInfo("Mediation requested", "blue", "BVSC will arrange mediation if both sides agree by {due}.", "BVSC will arrange mediation if both sides agree by {due}."),
    S.IN_MEDIATION: StateInfo("In mediation", "blue", "{mediator} is mediating. Session by {due}.", "{mediator} is mediating. Session by {due}."),
    S.NO_AGREEMENT: StateInfo("No agreement", "orange", "Mediation ended without agreement. Either side can refer the dispute to the Compact panel by {due}.", "Mediation ended without agreement. Either side can refer the dispute to the Compact panel by {due}."),
    S.PANEL_REFERRED: StateInfo("Compact panel", "purple", "The panel will hear the dispute by {due}.", "The panel will hear the dispute by {due}."),
    S.PANEL_HEARING: StateInfo("Compact panel", "purple", "The panel will hear the dispute by {due}.", "The panel will hear the dispute by {due}."),
    S.PANEL_FINDINGS_ISSUED: StateInfo("Panel findings", "purple", "{decision_maker} must respond to the findings by {due}.", "{decision_maker} must respond to the findings by {due}."),
    S.RESOLVED: StateInfo("Resolved", "green", "Resolved on {date}: {summary}.", "Resolved on {date}: {summary}."),
    S.CLOSED: StateInfo("Closed", "grey", "Closed on {date}.", "Closed on {date}."),
    S.WITHDRAWN: StateInfo("Withdrawn", "grey", "Withdrawn by {complainant} on {date}.", "Withdrawn by {complainant} on {date}."),
}

WORKFLOW = Workflow(
    key="dispute", version=1, states=State, initial=S.RAISED,
    terminal=frozenset({S.RESOLVED, S.CLOSED, S.WITHDRAWN}),
    transitions=TRANSITIONS, deadlines=DEADLINES, info={k.value: v for k, v in INFO.items()})
