"""The funding-change process (processes.md, "Funding-change case"): a performance concern or
a change in resources, through improvement, impact assessment and consultation, to a
decision and, if funding changes, at least the minimum written notice. Reads like the spec's
table: states, then one declaration per transition, then deadline rules. Gates and effects are
in `funding_change_rules.py` (the improvement plan's in `funding_change_plans.py`); what question
pages start with, in `funding_change_questions.py`.

Over 300 lines on purpose: the table is the process, each transition declared whole (with
every word people read about it), and it reads best in one place, as the spec does."""
from enum import StrEnum

from casework.cases import MANUAL_PAUSE, CaseRole as R
from workflows.definitions import (ANY_OPEN, DeadlineRule, Due, Emails, Field, People, StateInfo, Subject,
                                   Transition, Workflow, as_date, or_stays)
from workflows.funding_change_plans import (
    EARLY_REVIEW_REASONS, action_exists, actions_due_ahead, actions_within_the_plan, after_the_plan_end, agree_plan,
    both_agree, complete_action, extend_plan, plan_ends_ahead, plan_still_running, plan_version_is_latest,
    propose_plan, review_not_early, start_review)
from workflows.funding_change_rules import (  # noqa: F401  (choices are re-exported)
    not_the_funder_officer, assessment_complete, consultation_long_enough, consideration_given,
    notice_date_lawful, sent_after_decision, sent_now_or_later,
    notice_not_acknowledged, later_effective_date, exit_plan_dates_in_order, decision_maker_eligible, record,
    append, raise_concern, propose_resource_change,
    save_assessment, open_consultation, submit_response,
    consultation_closes, grant_extension, decide, issue_notice, extend_notice, note_notice,
    reopen_consultation, pause, resume, assign_decision_maker, PROPOSALS, OUTCOME_WORDS, CHANNELS,
    EXCEPTIONS, ASSESSMENT_SECTIONS, missing_assessment_sections)
from workflows.funding_change_questions import (action_choices, before_the_change_hint, consideration_hint, default_plan_end,
                                                default_response_date, early_review_hint, early_review_told,
                                                earliest_response_hint, has_open_actions, open_actions, plan_running,
                                                plan_actions_words, plan_version, plan_version_words, responded,
                                                saved_assessment,
                                                yet_to_agree_the_latest_plan)
from workflows.gates import (date_in_future, date_not_in_future, deadline_passed, later_than_deadline, not_paused, paused,
                             window_open)


class State(StrEnum):
    DRAFT = "draft"                                       #: only the funder officer sees it
    CONCERN_RAISED = "concern_raised"                     #: the organisation must acknowledge
    IMPROVEMENT_PLANNING = "improvement_planning"         #: both sides agree a timetable
    IMPROVEMENT_IN_PROGRESS = "improvement_in_progress"   #: the plan runs; support recorded
    PERFORMANCE_REVIEW = "performance_review"             #: the funder reviews how it went
    IMPACT_ASSESSMENT = "impact_assessment"               #: impact assessed before any change
    CONSULTATION = "consultation"                         #: the organisation can respond
    DECISION_PENDING = "decision_pending"                 #: a decision-maker decides
    NOTICE_PENDING = "notice_pending"                     #: the written notice is prepared
    NOTICE_PERIOD = "notice_period"                       #: notice given; the period runs
    CLOSED_RESOLVED = "closed_resolved"                   #: performance improved
    CLOSED_NO_CHANGE = "closed_no_change"                 #: no change to funding
    CLOSED_CHANGED = "closed_changed"                     #: funding changed as notified
    WITHDRAWN = "withdrawn"                               #: the funder withdrew the case


S = State
FO, DM, VL, SYSTEM = frozenset({R.FUNDER_OFFICER}), frozenset({R.DECISION_MAKER}), frozenset({R.VCO_LEAD}), frozenset({R.SYSTEM})
BOTH = FO | VL


# --- fields --------------------------------------------------------------------------------

REASON = Field("reason", "Reason")
RESPOND_BY = Field("respond_by", "Response date", "date", hint="At least the minimum number of working days from today.",
                   start=default_response_date, hint_for=earliest_response_hint)
NEW_DATE = Field("new_date", "New date", "date")
CONSIDERATION = Field("consideration", "How the response was considered", required=False,
                      hint="Required when the organisation responded to the consultation.", hint_for=consideration_hint,
                      needed_if=responded)
OPTIONS_WEIGHED = Field("options_weighed", "Options weighed")
PLAN_END = Field("plan_end", "End date of the plan", "date", start=default_plan_end,
                 hint="Every action must be due on or before this date. The review of performance starts once the plan has ended.")

# --- the table -----------------------------------------------------------------------------

TRANSITIONS = (
    Transition(trigger="raise_concern", accepts_documents=True, sources=(S.DRAFT,), dest=S.CONCERN_RAISED, who=FO,
               button="Raise a concern", question="What is the concern?",
               done="The concern was raised.", told="raised a concern",
               emails=Emails(subject=Subject.CONCERN, to=(R.VCO_LEAD,)),
               fields=(Field("issues", "Issues found"), Field("evidence", "Evidence"),
                       Field("what_good_looks_like", "What good looks like"),
                       Field("letter_date", "Date of the concern letter", "date")),
               guards=(date_not_in_future("letter_date", "The date of the concern letter"),), effect=raise_concern,
               letter="concern"),
    Transition(trigger="propose_resource_change", sources=(S.DRAFT,), dest=S.IMPACT_ASSESSMENT, who=FO,
               button="Propose a change to funding", question="Why might funding change?",
               done="The change to funding was proposed.", told="proposed a change to funding",
               emails=Emails(subject=Subject.IMPACT, to=(R.VCO_LEAD,)),
               fields=(Field("restriction", "The restriction or change to resources"),
                       Field("proposal", "The proposal", "choice", choices=PROPOSALS),
                       Field("criteria", "Criteria being applied")),
               effect=propose_resource_change),
    Transition(trigger="acknowledge_concern", accepts_documents=True, sources=(S.CONCERN_RAISED,), dest=S.IMPROVEMENT_PLANNING, who=VL,
               button="Acknowledge the concern", question="Acknowledge the concern",
               done="You acknowledged the concern.", told="acknowledged the concern",
               fields=(Field("comments", "Comments", required=False),
                       Field("disagreement", "Whether you disagree, and why", required=False)),
               effect=record("concern_acknowledgement")),
    Transition(trigger="resolve_concern", sources=(S.CONCERN_RAISED,), dest=S.CLOSED_RESOLVED, who=FO,
               button="Close with no further action", question="Why is no further action needed?",
               done="The case was closed with no further action.", told="closed the concern with no further action",
               fields=(REASON,), effect=record("resolution")),
    Transition(trigger="propose_plan", accepts_documents=True, sources=(S.IMPROVEMENT_PLANNING,), dest=None, who=BOTH,
               button="Propose a plan", question="Timetable of actions",
               done="Your plan was proposed.", told="proposed a plan",
               fields=(Field("actions", "Actions", "actions", reads=plan_actions_words), PLAN_END,
                       Field("support_offered", "Support offered", required=False)),
               guards=(actions_due_ahead, plan_ends_ahead, actions_within_the_plan), effect=propose_plan),
    *or_stays(Transition(trigger="agree_plan", sources=(S.IMPROVEMENT_PLANNING,),
                         dest=S.IMPROVEMENT_IN_PROGRESS, who=BOTH,
                         button="Agree this plan", question="Agree version {version} of the plan",
                         done="You agreed the plan.", told="agreed the plan",
                         fields=(Field("version", "Plan version", "int", start=plan_version,
                                       reads=plan_version_words),),
                         guards=(plan_version_is_latest, plan_still_running), effect=agree_plan, when=both_agree,
                         offered_if=lambda case: bool((case.data or {}).get("plans")),
                         offered_to=yet_to_agree_the_latest_plan)),
    Transition(trigger="record_support", sources=(S.IMPROVEMENT_IN_PROGRESS,), dest=None, who=FO,
               button="Record support given", question="What support did you give?",
               done="The support was recorded.", told="recorded support given",
               fields=(Field("what", "What support was given"), Field("when", "Date of the support", "date")),
               guards=(date_not_in_future("when", "The date the support was given"),), effect=append("support")),
    Transition(trigger="complete_action", sources=(S.IMPROVEMENT_IN_PROGRESS,), dest=None, who=BOTH,
               button="Mark action done", question="Mark an action done",
               done="The action was marked as done.", told="marked a plan action done",
               fields=(Field("action", "Action", "int", items=action_choices),
                       Field("evidence", "Evidence", required=False)),
               guards=(action_exists,), effect=complete_action, offered_if=has_open_actions),
    # Before the plan's end date the review needs a reason, and the organisation is emailed it.
    Transition(trigger="start_review", sources=(S.IMPROVEMENT_IN_PROGRESS,), dest=S.PERFORMANCE_REVIEW, who=FO,
               button="Start the review", question="Start the review",
               done="The review has started.", told="started the performance review", told_also=early_review_told,
               emails=Emails(subject=Subject.REVIEW, to=(R.VCO_LEAD,)),   # early: with why, in its own words
               fields=(Field("early_reason", "Why the review starts before the plan ends", "choice", required=False,
                             choices=EARLY_REVIEW_REASONS, hint_for=early_review_hint, asked_if=plan_running),
                       Field("early_explanation", "What has happened", required=False,
                             hint="The organisation is told this in writing.", asked_if=plan_running)),
               guards=(review_not_early,), effect=start_review),
    Transition(trigger="plan_period_ends", sources=(S.IMPROVEMENT_IN_PROGRESS,),
               dest=S.PERFORMANCE_REVIEW, who=SYSTEM,
               button="Start the review", automatic="The plan period ends",
               told="The improvement plan has ended, so the performance review has started",
               emails=Emails(subject=Subject.REVIEW, to=(R.VCO_LEAD,)),
               guards=(deadline_passed("plan_end"),)),
    Transition(trigger="confirm_improved", sources=(S.PERFORMANCE_REVIEW,), dest=S.CLOSED_RESOLVED, who=FO,
               button="Performance has improved", question="Why has performance improved?",
               done="You recorded that performance has improved.", told="confirmed that performance has improved",
               fields=(Field("reasons", "Reasons"),), effect=record("review")),
    Transition(trigger="extend_plan", sources=(S.PERFORMANCE_REVIEW,), dest=S.IMPROVEMENT_IN_PROGRESS, who=FO,
               button="Extend the plan", question="Why extend the plan?",
               done="The plan was extended.", told="extended the improvement plan",
               fields=(REASON, Field("new_end_date", "New end date", "date")),
               guards=(date_in_future("new_end_date", "The new end date"), after_the_plan_end), effect=extend_plan),
    Transition(trigger="begin_impact_assessment", sources=(S.PERFORMANCE_REVIEW,), dest=S.IMPACT_ASSESSMENT, who=FO,
               button="Assess a change to funding", question="Why has performance not improved?",
               done="The impact assessment has started.", told="started an impact assessment",
               emails=Emails(subject=Subject.IMPACT, to=(R.VCO_LEAD,)),
               fields=(Field("reasons", "Reasons performance has not improved"),), effect=record("review")),
    Transition(trigger="save_assessment", sources=(S.IMPACT_ASSESSMENT,), dest=None, who=FO,
               button="Save assessment", question="Impact assessment",
               done="The assessment was saved.", told="saved the impact assessment",
               fields=tuple(Field(k, label, required=False, start=saved_assessment(k)) for k, label in ASSESSMENT_SECTIONS),
               effect=save_assessment),
    Transition(trigger="add_impact_advice", sources=(S.IMPACT_ASSESSMENT,), dest=None, who=VL,
               button="Add your advice", question="Your advice on the impact",
               done="Your advice was added.", told="added advice on the impact",
               fields=(Field("advice", "Social, environmental or economic impact"),
                       Field("mitigation", "Ways to reduce it", required=False)),
               effect=append("impact_advice")),
    Transition(trigger="open_consultation", sources=(S.IMPACT_ASSESSMENT,), dest=S.CONSULTATION, who=FO,
               button="Start consultation", question="What are you proposing?",
               done="The consultation has started.", told="started a consultation",
               emails=Emails(subject=Subject.CONSULTATION, to=(R.VCO_LEAD,)),
               fields=(Field("proposal", "Proposal"), Field("criteria_reasons", "Criteria and reasons"),
                       Field("impact_summary", "Impact summary"), RESPOND_BY),
               guards=(assessment_complete, consultation_long_enough), effect=open_consultation,
               letter="consultation",
               still_needed=lambda case: [f"Impact assessment: {section}" for section in
                                          missing_assessment_sections((case.data or {}).get("assessment") or {})]),
    Transition(trigger="abandon_change", sources=(S.IMPACT_ASSESSMENT,), dest=S.CLOSED_NO_CHANGE, who=FO,
               button="Stop: no change to funding", question="Why is there no change?",
               done="The case was stopped with no change to funding.",
               told="decided there will be no change to funding",
               fields=(REASON,), effect=record("abandoned")),
    Transition(trigger="submit_response", accepts_documents=True, sources=(S.CONSULTATION,), dest=S.DECISION_PENDING, who=VL,
               button="Send your response", question="Your response to the consultation",
               done="Your response was sent.", told="sent a response to the consultation",
               fields=(Field("response", "Response"),),
               guards=(window_open("consultation_response", "respond to this consultation"),),
               effect=submit_response, check_first=True),
    Transition(trigger="request_extension", sources=(S.CONSULTATION,), dest=None, who=VL,
               button="Ask for more time", question="Why do you need more time?",
               done="You asked for more time.", told="asked for more time",
               fields=(REASON, NEW_DATE),
               guards=(window_open("consultation_response", "ask for more time"),
                       later_than_deadline("new_date", "consultation_response", "The new date")),
               effect=append("extension_requests")),
    Transition(trigger="grant_extension", sources=(S.CONSULTATION,), dest=None, who=FO,
               button="Give more time", question="Give more time to respond",
               done="More time was given.", told="gave more time",
               fields=(REASON, NEW_DATE),
               guards=(later_than_deadline("new_date", "consultation_response", "The new date"),),
               effect=grant_extension),
    Transition(trigger="consultation_closes", sources=(S.CONSULTATION,), dest=S.DECISION_PENDING, who=SYSTEM,
               button="Close the consultation", automatic="The consultation closes",
               told="The consultation closed without a response",
               guards=(deadline_passed("consultation_response"),), effect=consultation_closes),
    Transition(trigger="decide_no_change", sources=(S.DECISION_PENDING,), dest=S.CLOSED_NO_CHANGE, who=DM,
               button="Decide: no change", question="Decision: no change to funding",
               done="You decided: no change to funding.", told="decided to make no change to funding",
               emails=Emails(subject=Subject.DECISION, to=(R.VCO_LEAD, R.FUNDER_OFFICER)),
               fields=(CONSIDERATION, OPTIONS_WEIGHED, Field("rationale", "Rationale")),
               guards=(not_the_funder_officer, consideration_given), effect=decide("no_change"), letter="decision"),
    Transition(trigger="decide_change", sources=(S.DECISION_PENDING,), dest=S.NOTICE_PENDING, who=DM,
               button="Decide: change funding", question="Decision: change funding",
               done="You decided to change funding.", told="decided to change funding",
               emails=Emails(subject=Subject.DECISION, to=(R.VCO_LEAD, R.FUNDER_OFFICER)),
               fields=(Field("outcome", "Outcome", "choice", choices=PROPOSALS), CONSIDERATION,
                       OPTIONS_WEIGHED, Field("rationale", "Rationale")),
               guards=(not_the_funder_officer, consideration_given), effect=decide(None), letter="decision"),
    Transition(trigger="sign_off_exception", sources=(S.NOTICE_PENDING,), dest=None, who=DM,
               button="Approve shorter notice", question="Exceptional circumstances",
               done="Shorter notice was approved.", told="approved shorter notice",
               fields=(Field("category", "Category", "choice", choices=EXCEPTIONS), Field("justification", "Justification")),
               guards=(not_the_funder_officer,),
               effect=lambda ctx: ctx.put(
                       "exception", {**ctx.data, "signed_off_on": ctx.today, "signed_off_by": ctx.actor.name}),
               offered_if=lambda case: not (case.data or {}).get("exception")),
    Transition(trigger="issue_notice", sources=(S.NOTICE_PENDING,), dest=S.NOTICE_PERIOD, who=FO,
               button="Check and send notice", question="Send the written notice",
               done="The notice was sent.", told="sent written notice",
               emails=Emails(subject=Subject.NOTICE, to=(R.VCO_LEAD, R.FUNDER_OFFICER, R.DECISION_MAKER),
                       letter_at=("notice", "sent_at")),
               fields=(Field("channel", "How it is sent", "choice", choices=CHANNELS),
                       Field("sent_at", "Sending time", "datetime",
                             hint="By email or the portal, this service sends it at this time (or at once, if the time has passed)."),
                       Field("effective_on", "Effective date", "date")),
               guards=(sent_now_or_later, sent_after_decision, notice_date_lawful), effect=issue_notice,
               letter="notice", check_first=True),
    Transition(trigger="acknowledge_notice", sources=(S.NOTICE_PERIOD,), dest=None, who=VL,
               button="Acknowledge notice", question="Acknowledge the notice",
               done="You acknowledged the notice.", told="acknowledged the notice",
               fields=(Field("comments", "Comments", required=False),), guards=(notice_not_acknowledged,),
               effect=note_notice("acknowledgement"),
               offered_if=lambda case: not ((case.data or {}).get("notice") or {}).get("acknowledged_on")),
    Transition(trigger="submit_exit_plan", accepts_documents=True, sources=(S.NOTICE_PERIOD,), dest=None, who=VL,
               button="Send your plan for the end of funding", question="Your plan for the end of funding",
               done="Your plan for the end of funding was sent.", told="sent a plan for the end of funding",
               fields=(Field("support_plan", "How beneficiaries will be supported"),
                       Field("people_told_on", "Date you will tell the people you support", "date",
                             hint_for=before_the_change_hint),
                       Field("service_changes_on", "Date your service will end or change", "date")),
               guards=(exit_plan_dates_in_order,), effect=note_notice("exit_plan")),
    Transition(trigger="extend_notice", sources=(S.NOTICE_PERIOD,), dest=None, who=FO,
               button="Give more notice", question="Give more notice",
               done="More notice was given.", told="gave more notice",
               fields=(REASON, Field("new_effective_on", "New effective date", "date")),
               guards=(later_effective_date,), effect=extend_notice),
    Transition(trigger="rescind_notice", sources=(S.NOTICE_PERIOD,), dest=S.CLOSED_NO_CHANGE, who=FO,
               button="Withdraw the notice", question="Why are you withdrawing the notice?",
               done="The notice was withdrawn.", told="withdrew the notice",
               fields=(REASON,), effect=record("rescinded")),
    Transition(trigger="reopen_consultation", sources=(S.NOTICE_PERIOD,), dest=S.CONSULTATION, who=FO,
               button="Consult again", question="Why consult again?",
               done="The consultation was opened again.", told="opened the consultation again",
               emails=Emails(subject=Subject.CONSULTATION, to=(R.VCO_LEAD,)), fields=(REASON, RESPOND_BY),
               guards=(consultation_long_enough,), effect=reopen_consultation),
    Transition(trigger="notice_takes_effect", sources=(S.NOTICE_PERIOD,), dest=S.CLOSED_CHANGED, who=SYSTEM,
               button="Funding changes", automatic="The notice takes effect",
               told="The notice period has ended and the change to funding has taken effect",
               guards=(deadline_passed("notice_effective"),)),
    Transition(trigger="withdraw", sources=(ANY_OPEN,), dest=S.WITHDRAWN, who=FO,
               button="Withdraw this case", question="Why are you withdrawing this case?",
               done="The case was withdrawn.", told="withdrew the case",
               fields=(REASON,), effect=record("withdrawal")),
    Transition(trigger="pause", sources=(ANY_OPEN,), dest=None, who=FO,
               button="Pause deadlines", question="Why pause the deadlines?",
               done="Deadlines were paused.", told="paused the deadlines",
               fields=(REASON,), guards=(not_paused,), effect=pause,
               offered_if=lambda case: case.status != S.DRAFT and MANUAL_PAUSE not in case.pause_causes),
    Transition(trigger="resume", sources=(ANY_OPEN,), dest=None, who=FO,
               button="Resume deadlines", question="Why resume the deadlines?",
               done="Deadlines were resumed.", told="resumed the deadlines",
               fields=(REASON,), guards=(paused,), effect=resume,
               offered_if=lambda case: MANUAL_PAUSE in case.pause_causes),
    Transition(trigger="assign_decision_maker", sources=(ANY_OPEN,), dest=None, who=FO,
               button="Choose the decision-maker", question="Who will make the decision?",
               done="The decision-maker was chosen.", told="chose the decision-maker",
               fields=(Field("person", "Decision-maker", "person", people=People("decision_maker", org="funder_org_id")),),
               guards=(decision_maker_eligible,), effect=assign_decision_maker),
)


def _data_date(*path: str):
    def anchor(case):
        node = case.data or {}
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return as_date(node)
    return anchor


def _open_actions(case) -> list[tuple[str, str, object]]:
    return [(str(a["id"]), f"Action {a['id']}: {a['what'][:150]}", as_date(a["by"])) for a in open_actions(case)]


STAGE_START = _data_date("stage_started_on")
#: The decision is due 20 WD (decision_wd) from the consultation's closing day: the day the
#: organisation answered, or the window's last day if it did not (processes.md, "Clocks").
#: `casework timeline` counts through this same Due.
DECISION_DUE = Due("wd", _data_date("consultation", "closed_on"), "decision_wd")

DEADLINES = (
    DeadlineRule("concern_ack", S.CONCERN_RAISED, "Acknowledge the concern", (R.VCO_LEAD,),
                 Due("wd", STAGE_START, "concern_ack_wd"), notify=(R.FUNDER_OFFICER, R.DECISION_MAKER)),
    DeadlineRule("plan_agreement", S.IMPROVEMENT_PLANNING, "Agree the improvement plan",
                 (R.FUNDER_OFFICER, R.VCO_LEAD), Due("wd", _data_date("concern", "raised_on"), "plan_agree_wd"),
                 notify=(R.FUNDER_OFFICER,)),
    DeadlineRule("plan_end", S.IMPROVEMENT_IN_PROGRESS, "The improvement plan ends", (R.FUNDER_OFFICER,),
                 Due("date", _data_date("plan_end")), on_expiry="plan_period_ends"),
    DeadlineRule("action", S.IMPROVEMENT_IN_PROGRESS, "Plan action", (R.VCO_LEAD,),
                 Due("date", _data_date("plan_end")), notify=(R.FUNDER_OFFICER,), items=_open_actions),
    DeadlineRule("review", S.PERFORMANCE_REVIEW, "Review performance", (R.FUNDER_OFFICER,),
                 Due("wd", STAGE_START, "review_wd"), notify=(R.DECISION_MAKER,)),
    DeadlineRule("consultation_response", S.CONSULTATION, "Respond to the consultation", (R.VCO_LEAD,),
                 Due("date", _data_date("consultation", "respond_by")), on_expiry="consultation_closes",
                 notify=(R.FUNDER_OFFICER,)),
    DeadlineRule("decision", S.DECISION_PENDING, "Make the decision", (R.DECISION_MAKER,),
                 DECISION_DUE, notify=(R.FUNDER_OFFICER, R.DECISION_MAKER)),
    DeadlineRule("notice_ack", S.NOTICE_PERIOD, "Acknowledge the notice", (R.VCO_LEAD,),
                 Due("wd", _data_date("notice", "deemed_given_on"), "notice_ack_wd"), notify=(R.FUNDER_OFFICER,),
                 applies=lambda case: not (case.data.get("notice") or {}).get("acknowledged_on")),
    DeadlineRule("notice_effective", S.NOTICE_PERIOD, "The notice period ends", (R.FUNDER_OFFICER,),
                 Due("date", _data_date("notice", "effective_on"), days_before=1), on_expiry="notice_takes_effect",
                 calendar_period=True),
)

INFO = {
    S.DRAFT: StateInfo("Draft", "grey", "Only you can see this case. Raise a concern, or propose a change to funding.", ""),
    S.CONCERN_RAISED: StateInfo("Concern raised", "orange",
        "You told {org} about a problem with {programme} on {date}. They must acknowledge it by {due}.",
        "{funder} has raised a concern about {programme}. Read it and acknowledge it by {due}. You can say if you disagree."),
    S.IMPROVEMENT_PLANNING: StateInfo("Agreeing a plan", "blue",
        "Agree a timetable of actions with {org} by {due}. Both of you must agree the same version.",
        "Agree a timetable of actions with {funder} by {due}. You can propose changes to their draft."),
    S.IMPROVEMENT_IN_PROGRESS: StateInfo("Improving", "blue",
        "The plan runs until {plan_end}. Record the support you give.",
        "Complete the actions by their dates. Ask {funder} for support if you need it."),
    S.PERFORMANCE_REVIEW: StateInfo("Review due", "orange",
        "Review performance by {due}: improved, extend the plan, or assess a change to funding.",
        "{funder} is reviewing how the plan went."),
    S.IMPACT_ASSESSMENT: StateInfo("Assessing impact", "purple",
        "Before any change to funding, assess the impact on beneficiaries, service users and volunteers, equality, and whether to re-allocate the funds.",
        "{funder} is assessing what a change to funding would mean for the people you serve. You can add your advice on the social, environmental or economic impact."),
    S.CONSULTATION: StateInfo("Consultation open", "purple", "{org} can respond until {due}.",
        "{funder} proposes {proposal}. Tell them what you think by {due}. You can ask for more time."),
    S.DECISION_PENDING: StateInfo("Decision due", "orange",
        "{decision_maker} must decide by {due}, taking {org}'s response fully into account.",
        "The consultation has closed. {funder} will decide by {due}."),
    S.NOTICE_PENDING: StateInfo("Preparing notice", "orange",
        "Prepare the written notice. Its effective date must be on or after {earliest_effective}.",
        "{funder} has decided to {outcome}. You will receive written notice."),
    S.NOTICE_PERIOD: StateInfo("Notice given", "red",
        "Notice given on {deemed_given}. Funding changes on {effective}.",
        "You have notice that funding will {outcome} on {effective}. {notice_to_do}You can raise a dispute."),
    S.CLOSED_RESOLVED: StateInfo("Resolved", "green", "Closed: performance improved.", "Closed: performance improved."),
    S.CLOSED_NO_CHANGE: StateInfo("No change", "green", "Closed with no change to funding.", "Closed with no change to funding."),
    S.CLOSED_CHANGED: StateInfo("Funding changed", "grey", "Funding {outcome} from {effective}.", "Funding {outcome} from {effective}."),
    S.WITHDRAWN: StateInfo("Withdrawn", "grey", "Withdrawn on {date}: {reason}.", "{funder} withdrew this case on {date}: {reason}."),
}

WORKFLOW = Workflow(
    key="funding_change", version=1, states=State, initial=S.DRAFT,
    terminal=frozenset({S.CLOSED_RESOLVED, S.CLOSED_NO_CHANGE, S.CLOSED_CHANGED, S.WITHDRAWN}),
    transitions=TRANSITIONS, deadlines=DEADLINES, info={k.value: v for k, v in INFO.items()})
