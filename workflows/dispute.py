"""The Compact dispute process (processes.md, "Dispute"): raised by either party, then
informal resolution (D1), senior review (D2), mediation by BVSC (D3) and the Compact panel
(D4). Reads like the spec's table: states, then one declaration per transition, then deadline
rules. Gates and effects are in `dispute_rules.py`.

Over 300 lines on purpose, as `funding_change.py`: the table is the process, each transition
declared whole in one place."""
from dataclasses import replace
from enum import StrEnum

from casework.cases import CaseRole as R
from workflows.definitions import (ANY_OPEN, ANY_STATE, DeadlineRule, Due, Emails, Field, People, StateInfo,
                                   Subject, Transition, Workflow, as_date, or_stays)
from workflows.bookings import (PLACE, START, book, booked_day, booked_words, not_yet_held, place_or_link,
                                rebooked_late_needs_reason)
from workflows.dispute_duties import (acts_for_respondent, all_declared, declarations, declare, not_yet_declared,
                                      officer_not_separated, undeclared)
from workflows.dispute_rules import (  # noqa: F401  (choices are re-exported)
    person_in_respondent_org, responding_role, reviewer_not_involved, extension_within, reviewer_assigned,
    mediator_independent, not_yet_agreed, session_held, panel_independent, panel_appointed, papers_in_time,
    hearing_held, hearing_day, session_day, responder_is_decision_maker, no_one_yet, late_needs_reason, keep, set_date, assign, outcome_letter, findings_response_letter, extend,
    agree_to_mediate, ready_to_mediate, yet_to_agree_to_mediate, appoint_panel, acknowledge, add_external_referral,
    REVIEW_OUTCOMES, REMEDIES, FINDINGS, EXTERNAL_BODIES, PANEL_SEATS)
from workflows.gates import deadline_passed, later_than_deadline, window_open


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

# --- the table -----------------------------------------------------------------------------

REASON = Field("reason", "Reason")
NEW_DATE = Field("new_date", "New date", "date")
PERSON = Field("person", "Mediator", "person", people=People("mediator", independent=True))
PANEL_MEMBER = People("panel_member")
#: Every move to another stage is emailed to everyone on the dispute but the person acting.
EVERYONE = Emails(subject=Subject.DISPUTE)
DECLARATION = Field("declaration", "Declaration of no conflict of interest")
LATE_REASON = Field("late_reason", "Why it is later than the time limit", required=False,
                    hint="Only if the date is after the time limit shown on the case page. "
                         "The time limit is then recorded as missed.")

def _hearing_rows(row: Transition) -> tuple[Transition, Transition]:
    """Booking the hearing, then changing the booking before it takes place (the same action
    while the hearing is scheduled: the stage stays, the findings' date moves with it)."""
    return row, replace(row, sources=(S.PANEL_HEARING,), dest=None, offered_if=None,
                        possible_until=booked_day("panel_hearing"),
                        guards=(not_yet_held("panel_hearing"), papers_in_time, place_or_link,
                                rebooked_late_needs_reason("panel_hearing", "hearing_on", "A hearing on")),
                        effect=book("panel_hearing", "hearing_on", "hearing_on", "set for", moves=("panel_findings",)))


TRANSITIONS = (
    Transition(trigger="acknowledge_dispute", sources=(S.RAISED,), dest=S.INFORMAL_RESOLUTION, who=RESPONDENT,
               button="Acknowledge the dispute", question="Who will respond?",
               done="You acknowledged the dispute.", told="acknowledged the dispute",
               emails=EVERYONE,
               fields=(Field("officer", "Officer who will respond in writing", "person",
                       people=People(responding_role, org="respondent_org_id", separated=True)),),
               guards=(acts_for_respondent,
                       person_in_respondent_org("officer", responding_role, "an officer who can answer it"),
                       officer_not_separated),
               effect=acknowledge),
    Transition(trigger="give_informal_response", accepts_documents=True, sources=(S.INFORMAL_RESOLUTION,),
               dest=S.INFORMAL_RESPONSE_GIVEN, who=OFFICER,
               button="Give a written response", question="Your written response",
               done="Your written response was sent.", told="gave a written response",
               emails=EVERYONE, fields=(Field("response", "Response"),),
               effect=outcome_letter("informal response", "informal_response"), letter="dispute_outcome"),
    Transition(trigger="extend_informal", sources=(S.INFORMAL_RESOLUTION,), dest=None, who=OFFICER,
               button="Extend the informal stage", question="Why do you need more time?",
               done="The informal stage was extended.", told="extended the informal stage",
               fields=(REASON, NEW_DATE),
               guards=(later_than_deadline("new_date", "informal_response", "The new date"),
                       extension_within("informal_response", "informal_extension_max_wd", "informal_extension")),
               effect=extend("informal_response", "informal_extension"),
               offered_if=lambda case: not (case.data or {}).get("informal_extension")),
    Transition(trigger="accept_outcome", sources=(S.INFORMAL_RESPONSE_GIVEN, S.REVIEW_OUTCOME_GIVEN),
               dest=S.RESOLVED, who=COMPLAINANT,
               button="Accept the outcome", question="Accept the outcome",
               done="You accepted the outcome.", told="accepted the outcome",
               emails=EVERYONE, fields=(Field("comments", "Comments", required=False),), effect=keep("acceptance")),
    Transition(trigger="escalate_to_review", sources=(S.INFORMAL_RESPONSE_GIVEN,),
               dest=S.SENIOR_REVIEW, who=COMPLAINANT,
               button="Ask for a senior review", question="Why do you want a senior review?",
               done="You asked for a senior review.", told="asked for a senior review",
               emails=EVERYONE, fields=(REASON,),
               guards=(window_open("escalation_window", "ask for a senior review"),), effect=keep("escalation")),
    Transition(trigger="escalation_window_closes", sources=(S.INFORMAL_RESPONSE_GIVEN,), dest=S.RESOLVED, who=SYSTEM,
               button="Close", automatic="The time to ask for a review ends",
               told="The time to ask for a senior review has ended, so the dispute is resolved",
               emails=EVERYONE, guards=(deadline_passed("escalation_window"),)),
    Transition(trigger="assign_reviewer", sources=(S.SENIOR_REVIEW,), dest=None, who=RESPONDENT,
               button="Assign a senior reviewer", question="Who will review the dispute?",
               done="The senior reviewer was assigned.", told="assigned a senior reviewer",
               fields=(Field("person", "Senior reviewer", "person",
                             people=People("senior_reviewer", org="respondent_org_id", separated=True)),),
               guards=(acts_for_respondent, no_one_yet(R.SENIOR_REVIEWER, "A senior reviewer is already assigned."),
                       person_in_respondent_org("person", "senior_reviewer", "a senior reviewer"), reviewer_not_involved),
               effect=assign(R.SENIOR_REVIEWER, stamp="reviewer_assigned_on"),
               offered_if=lambda case: not case.assignees(R.SENIOR_REVIEWER)),
    Transition(trigger="give_review_outcome", accepts_documents=True, sources=(S.SENIOR_REVIEW,), dest=S.REVIEW_OUTCOME_GIVEN, who=REVIEWER,
               button="Give the review outcome", question="Review outcome",
               done="The review outcome was given.", told="gave the review outcome",
               emails=EVERYONE,
               fields=(Field("outcome", "Outcome", "choice", choices=REVIEW_OUTCOMES),
                       Field("reasons", "Reasons"),
                       Field("remedies", "Remedies", "multichoice", required=False, choices=REMEDIES),
                       Field("remedies_by", "Date agreed for the remedies to be in place", "date", required=False,
                             hint="If you name remedies: the date by which they are to be in place.")),
               guards=(reviewer_assigned,), effect=outcome_letter("senior review", "review_outcome"),
               letter="dispute_outcome", offered_if=lambda case: bool(case.assignees(R.SENIOR_REVIEWER))),
    Transition(trigger="extend_review", sources=(S.SENIOR_REVIEW,), dest=None, who=REVIEWER,
               button="Extend the review", question="Why do you need more time?",
               done="The review was extended.", told="extended the senior review",
               fields=(REASON, NEW_DATE),
               guards=(later_than_deadline("new_date", "review_outcome", "The new date"),
                       extension_within("review_outcome", "review_extension_max_wd", "review_extension")),
               effect=extend("review_outcome", "review_extension"),
               offered_if=lambda case: not (case.data or {}).get("review_extension")
                           and bool(case.assignees(R.SENIOR_REVIEWER))),
    Transition(trigger="request_mediation", sources=(S.REVIEW_OUTCOME_GIVEN,),
               dest=S.MEDIATION_REQUESTED, who=COMPLAINANT,
               button="Ask for mediation", question="Why do you want mediation?",
               done="You asked for mediation.", told="asked for mediation",
               emails=Emails(subject=Subject.DISPUTE, to_actor=True, states_due="mediation_agreement"), fields=(REASON,), guards=(window_open("escalation_window", "ask for mediation"),),
               effect=keep("mediation_request")),
    Transition(trigger="mediation_window_closes", sources=(S.REVIEW_OUTCOME_GIVEN,), dest=S.RESOLVED, who=SYSTEM,
               button="Close", automatic="The time to ask for mediation ends",
               told="The time to ask for mediation has ended, so the dispute is resolved",
               emails=EVERYONE, guards=(deadline_passed("escalation_window"),)),
    *or_stays(Transition(trigger="assign_mediator", sources=(S.MEDIATION_REQUESTED,),
                         dest=S.IN_MEDIATION, who=SERVICE,
                         button="Take on mediation", question="Who will mediate?",
                         done="You took on the mediation.", told="took on the mediation",
                         emails=EVERYONE, fields=(PERSON, DECLARATION), guards=(mediator_independent,),
                         effect=assign(R.MEDIATOR, stamp="mediator_assigned_on"), when=ready_to_mediate,
                         offered_if=lambda case: not case.assignees(R.MEDIATOR)),
        guards=(mediator_independent, no_one_yet(R.MEDIATOR, "A mediator is already assigned."))),
    *or_stays(Transition(trigger="agree_to_mediate", sources=(S.MEDIATION_REQUESTED,),
                         dest=S.IN_MEDIATION, who=PARTIES,
                         button="Agree to mediation", question="Agree to mediation",
                         done="You agreed to mediation.", told="agreed to mediation",
                         emails=EVERYONE,
                         fields=(Field("confirm", "You agree to take part in mediation", "confirm"),),
                         guards=(not_yet_agreed,), effect=agree_to_mediate, when=ready_to_mediate,
                         offered_to=yet_to_agree_to_mediate)),
    Transition(trigger="record_session", sources=(S.IN_MEDIATION,), dest=None, who=MEDIATOR,
               button="Book the mediation session", question="When and where is the mediation session?",
               done="The mediation session was booked.", told="booked the mediation session",
               told_also=booked_words("mediation_session"),
               emails=Emails(subject=Subject.BOOKING, to_actor=True, invitation="mediation_session"),
               fields=(Field("session_on", "Session date", "date"), START, PLACE, LATE_REASON),
               guards=(not_yet_held("mediation_session"), place_or_link,
                       late_needs_reason("session_on", "mediation_session", "A session on"),
                       rebooked_late_needs_reason("mediation_session", "session_on", "A session on")),
               effect=book("mediation_session", "session_on", "mediation_session_on", "held on"),
               possible_until=booked_day("mediation_session")),
    Transition(trigger="record_agreement", accepts_documents=True, sources=(S.IN_MEDIATION,), dest=S.RESOLVED, who=MEDIATOR,
               button="Record the agreement", question="What did both sides agree?",
               done="The agreement was recorded.", told="recorded the mediation agreement",
               emails=EVERYONE, fields=(Field("terms", "Terms"), Field("follow_up", "Follow-up actions with dates")),
               guards=(session_held,), effect=outcome_letter("mediation agreement", "mediation_agreement"),
               letter="dispute_outcome", offered_if=lambda case: bool((case.data or {}).get("mediation_session_on")),
               possible_from=session_day, possible_as="record the outcome"),
    Transition(trigger="record_no_agreement", accepts_documents=True, sources=(S.IN_MEDIATION,), dest=S.NO_AGREEMENT, who=MEDIATOR,
               button="Record no agreement", question="Mediation ended without agreement",
               done="It was recorded that mediation ended without agreement.",
               told="recorded that mediation ended without agreement",
               emails=EVERYONE, fields=(Field("summary", "Summary"),), guards=(session_held,),
               effect=outcome_letter("mediation agreement", "mediation_no_agreement", outcome="no_agreement"),
               letter="dispute_outcome",
               offered_if=lambda case: bool((case.data or {}).get("mediation_session_on")),
               possible_from=session_day, possible_as="record the outcome"),
    Transition(trigger="refer_to_panel", sources=(S.NO_AGREEMENT,), dest=S.PANEL_REFERRED, who=PARTIES,
               button="Refer to the Compact panel", question="Why refer to the panel?",
               done="The dispute was referred to the Compact panel.",
               told="referred the dispute to the Compact panel",
               emails=EVERYONE, fields=(REASON,),
               guards=(window_open("panel_referral_window", "refer to the panel"),), effect=keep("panel_referral")),
    Transition(trigger="close_dispute", sources=(S.NO_AGREEMENT,), dest=S.CLOSED, who=PARTIES,
               button="Close the dispute", question="Close the dispute",
               done="The dispute was closed.", told="closed the dispute",
               emails=EVERYONE, fields=(Field("comments", "Comments", required=False),), effect=keep("closure")),
    Transition(trigger="referral_window_closes", sources=(S.NO_AGREEMENT,), dest=S.CLOSED, who=SYSTEM,
               button="Close", automatic="Referral window closes",
               told="The time to refer the dispute to the Compact panel has ended, so it is closed",
               emails=EVERYONE, guards=(deadline_passed("panel_referral_window"),)),
    Transition(trigger="appoint_panel", sources=(S.PANEL_REFERRED,), dest=None, who=CONVENER,
               button="Appoint the panel", question="Who is on the panel?",
               done="The panel was appointed.", told="appointed the Compact panel",
               fields=tuple(Field(name, label, "person", people=PANEL_MEMBER) for name, label in PANEL_SEATS),
               guards=(no_one_yet(R.PANEL_MEMBER, "The panel is already appointed."), panel_independent),
               effect=appoint_panel, offered_if=lambda case: not case.assignees(R.PANEL_MEMBER)),
    Transition(trigger="declare_no_involvement", sources=(S.PANEL_REFERRED,), dest=None, who=PANEL,
               button="Confirm your declaration", question="Your declaration of no prior involvement",
               done="You confirmed your declaration.", told="confirmed their declaration of no prior involvement",
               fields=(Field("confirm", "You have had no involvement in this dispute, or in the decision it is about, "
                             "before this panel", "confirm"),
                       Field("declaration", "Anything else you wish to declare", required=False)),
               guards=(not_yet_declared,), effect=declare,
               offered_to=lambda person, case: str(person.id) not in declarations(case)),
    *_hearing_rows(Transition(
        trigger="schedule_hearing", sources=(S.PANEL_REFERRED,), dest=S.PANEL_HEARING, who=PANEL,
        button="Book the hearing", question="When and where is the hearing?",
        done="The hearing was booked.", told="booked the panel hearing", told_also=booked_words("panel_hearing"),
        emails=Emails(subject=Subject.BOOKING, to_actor=True, invitation="panel_hearing"),
        fields=(Field("hearing_on", "Hearing date", "date"), START, PLACE, LATE_REASON),
        guards=(panel_appointed, all_declared, papers_in_time, place_or_link,
                late_needs_reason("hearing_on", "panel_hearing", "A hearing on")),
        effect=book("panel_hearing", "hearing_on", "hearing_on", "set for"),
        offered_if=lambda case: bool(case.assignees(R.PANEL_MEMBER)) and not undeclared(case))),
    Transition(trigger="issue_findings", accepts_documents=True, sources=(S.PANEL_HEARING,), dest=S.PANEL_FINDINGS_ISSUED, who=PANEL,
               button="Issue findings", question="Panel findings",
               done="The findings were issued.", told="issued the panel's findings",
               emails=EVERYONE,
               fields=(Field("finding", "Finding", "choice", choices=FINDINGS), Field("recommendations", "Recommendations")),
               guards=(hearing_held,), effect=outcome_letter("Compact panel findings", "findings"),
               letter="dispute_outcome", possible_from=hearing_day),
    Transition(trigger="respond_to_findings", accepts_documents=True, sources=(S.PANEL_FINDINGS_ISSUED,), dest=S.CLOSED, who=RESPONDENT,
               button="Respond to the findings", question="Your written response to the findings",
               done="Your response to the findings was sent.", told="responded to the panel's findings",
               emails=EVERYONE, fields=(Field("response", "Response"),), guards=(responder_is_decision_maker,),
               effect=findings_response_letter, letter="findings_response",
               offered_to=lambda person, case: person.has_role("decision_maker")),
    Transition(trigger="withdraw_dispute", sources=(ANY_OPEN,), dest=S.WITHDRAWN, who=COMPLAINANT,
               button="Withdraw the dispute", question="Why are you withdrawing the dispute?",
               done="The dispute was withdrawn.", told="withdrew the dispute",
               emails=EVERYONE, fields=(REASON,), effect=keep("withdrawal")),
    Transition(trigger="record_external_referral", sources=(ANY_STATE,), dest=None, who=PARTIES,
               button="Record a referral outside the Compact", question="Referral to the Ombudsman or a court",
               done="The referral outside the Compact was recorded.", told="recorded a referral outside the Compact",
               fields=(Field("body", "Who it was referred to", "choice", choices=EXTERNAL_BODIES),
                       Field("reference", "Reference", "text"), Field("outcome", "Outcome, if known", required=False)),
               effect=add_external_referral),
)


def _data_date(key: str):
    return lambda case: as_date((case.data or {}).get(key))


STAGE_START = _data_date("stage_started_on")

#: Actions only those who may act for the respondent on this dispute take (`can_act_for_respondent`):
#: the ones declaring the `acts_for_respondent` gate.
FOR_THE_RESPONDENT = frozenset(t.trigger for t in TRANSITIONS if acts_for_respondent in t.guards)

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
