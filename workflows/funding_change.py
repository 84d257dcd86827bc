"""The funding-change process (processes.md, "Funding-change case"): a performance concern or
a change in resources, through improvement, impact assessment and consultation, to a
decision and, if funding changes, at least the minimum written notice. Reads like the spec's
table: states, then transitions, then deadline rules. Gates and effects are in
`funding_change_rules.py`."""
from enum import StrEnum

from casework.cases import CaseRole as R
from workflows.definitions import (ANY_OPEN, DeadlineRule, Due, Field, StateInfo, Transition,
                                   Workflow, as_date)
from workflows.funding_change_rules import (  # noqa: F401  (choices are re-exported)
    not_the_funder_officer, assessment_complete, actions_due_ahead, consultation_long_enough, consideration_given,
    plan_version_is_latest, action_exists, notice_date_lawful, sent_after_decision, sent_now_or_later,
    after_the_plan_end, notice_not_acknowledged, later_effective_date, decision_maker_eligible, record,
    append, raise_concern, propose_resource_change, propose_plan, both_agree, agree_plan,
    complete_action, extend_plan, save_assessment, open_consultation, submit_response,
    consultation_closes, grant_extension, decide, issue_notice, extend_notice, note_notice,
    reopen_consultation, pause, resume, assign_decision_maker, PROPOSALS, OUTCOME_WORDS, CHANNELS,
    EXCEPTIONS, ASSESSMENT_SECTIONS, EARLY_REVIEW_REASONS, plan_ends_ahead, actions_within_the_plan,
    plan_still_running, review_not_early, start_review)
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
RESPOND_BY = Field("respond_by", "Response date", "date", hint="At least the minimum number of working days from today.")
NEW_DATE = Field("new_date", "New date", "date")
CONSIDERATION = Field("consideration", "How the response was considered", required=False,
                      hint="Required when the organisation responded to the consultation.")
OPTIONS_WEIGHED = Field("options_weighed", "Options weighed")
PLAN_END = Field("plan_end", "End date of the plan", "date",
                 hint="Every action must be due on or before this date. The review of performance starts once the plan has ended.")

# --- the table -----------------------------------------------------------------------------

TRANSITIONS = (
    Transition("raise_concern", (S.DRAFT,), S.CONCERN_RAISED, FO, "Raise a concern", "What is the concern?",
               (Field("issues", "Issues found"), Field("evidence", "Evidence"),
                Field("what_good_looks_like", "What good looks like"),
                Field("letter_date", "Date of the concern letter", "date")),
               guards=(date_not_in_future("letter_date", "The date of the concern letter"),),
               effect=raise_concern, letter="concern"),
    Transition("propose_resource_change", (S.DRAFT,), S.IMPACT_ASSESSMENT, FO, "Propose a change to funding",
               "Why might funding change?",
               (Field("restriction", "The restriction or change to resources"),
                Field("proposal", "The proposal", "choice", choices=PROPOSALS),
                Field("criteria", "Criteria being applied")), effect=propose_resource_change),
    Transition("acknowledge_concern", (S.CONCERN_RAISED,), S.IMPROVEMENT_PLANNING, VL, "Acknowledge the concern",
               "Acknowledge the concern",
               (Field("comments", "Comments", required=False),
                Field("disagreement", "Whether you disagree, and why", required=False)),
               effect=record("concern_acknowledgement")),
    Transition("resolve_concern", (S.CONCERN_RAISED,), S.CLOSED_RESOLVED, FO, "Close with no further action",
               "Why is no further action needed?", (REASON,), effect=record("resolution")),
    Transition("propose_plan", (S.IMPROVEMENT_PLANNING,), None, BOTH, "Propose a plan", "Timetable of actions",
               (Field("actions", "Actions", "actions"), PLAN_END,
                Field("support_offered", "Support offered", required=False)),
               guards=(actions_due_ahead, plan_ends_ahead, actions_within_the_plan), effect=propose_plan),
    Transition("agree_plan", (S.IMPROVEMENT_PLANNING,), S.IMPROVEMENT_IN_PROGRESS, BOTH, "Agree this plan",
               "Agree version {n} of the plan", (Field("version", "Plan version", "int"),),
               guards=(plan_version_is_latest, plan_still_running), effect=agree_plan, when=both_agree),
    Transition("agree_plan", (S.IMPROVEMENT_PLANNING,), None, BOTH, "Agree this plan",
               "Agree version {n} of the plan", (Field("version", "Plan version", "int"),),
               guards=(plan_version_is_latest, plan_still_running), effect=agree_plan),
    Transition("record_support", (S.IMPROVEMENT_IN_PROGRESS,), None, FO, "Record support given",
               "What support did you give?", (Field("what", "What support was given"), Field("when", "Date of the support", "date")),
               guards=(date_not_in_future("when", "The date the support was given"),), effect=append("support")),
    Transition("complete_action", (S.IMPROVEMENT_IN_PROGRESS,), None, BOTH, "Mark action done",
               "Mark an action done", (Field("action", "Action number", "int"), Field("evidence", "Evidence", required=False)),
               guards=(action_exists,), effect=complete_action),
    Transition("start_review", (S.IMPROVEMENT_IN_PROGRESS,), S.PERFORMANCE_REVIEW, FO, "Start the review",
               "Start the review",
               (Field("early_reason", "Why the review starts before the plan ends", "choice", required=False,
                      choices=EARLY_REVIEW_REASONS),
                Field("early_explanation", "What has happened", required=False,
                      hint="The organisation is told this in writing.")),
               guards=(review_not_early,), effect=start_review),
    Transition("plan_period_ends", (S.IMPROVEMENT_IN_PROGRESS,), S.PERFORMANCE_REVIEW, SYSTEM, "Start the review",
               guards=(deadline_passed("plan_end"),)),
    Transition("confirm_improved", (S.PERFORMANCE_REVIEW,), S.CLOSED_RESOLVED, FO, "Performance has improved",
               "Why has performance improved?", (Field("reasons", "Reasons"),), effect=record("review")),
    Transition("extend_plan", (S.PERFORMANCE_REVIEW,), S.IMPROVEMENT_IN_PROGRESS, FO, "Extend the plan",
               "Why extend the plan?", (REASON, Field("new_end_date", "New end date", "date")),
               guards=(date_in_future("new_end_date", "The new end date"), after_the_plan_end), effect=extend_plan),
    Transition("begin_impact_assessment", (S.PERFORMANCE_REVIEW,), S.IMPACT_ASSESSMENT, FO,
               "Assess a change to funding", "Why has performance not improved?",
               (Field("reasons", "Reasons performance has not improved"),), effect=record("review")),
    Transition("save_assessment", (S.IMPACT_ASSESSMENT,), None, FO, "Save assessment", "Impact assessment",
               tuple(Field(k, label, required=False) for k, label in ASSESSMENT_SECTIONS),
               effect=save_assessment),
    Transition("add_impact_advice", (S.IMPACT_ASSESSMENT,), None, VL, "Add your advice", "Your advice on the impact",
               (Field("advice", "Social, environmental or economic impact"),
                Field("mitigation", "Ways to reduce it", required=False)), effect=append("impact_advice")),
    Transition("open_consultation", (S.IMPACT_ASSESSMENT,), S.CONSULTATION, FO, "Start consultation",
               "What are you proposing?",
               (Field("proposal", "Proposal"), Field("criteria_reasons", "Criteria and reasons"),
                Field("impact_summary", "Impact summary"), RESPOND_BY),
               guards=(assessment_complete, consultation_long_enough), effect=open_consultation,
               letter="consultation"),
    Transition("abandon_change", (S.IMPACT_ASSESSMENT,), S.CLOSED_NO_CHANGE, FO, "Stop: no change to funding",
               "Why is there no change?", (REASON,), effect=record("abandoned")),
    Transition("submit_response", (S.CONSULTATION,), S.DECISION_PENDING, VL, "Send your response",
               "Your response to the consultation", (Field("response", "Response"),),
               guards=(window_open("consultation_response", "respond to this consultation"),),
               effect=submit_response),
    Transition("request_extension", (S.CONSULTATION,), None, VL, "Ask for more time", "Why do you need more time?",
               (REASON, NEW_DATE), guards=(window_open("consultation_response", "ask for more time"),
                                           later_than_deadline("new_date", "consultation_response", "The new date")),
               effect=append("extension_requests")),
    Transition("grant_extension", (S.CONSULTATION,), None, FO, "Give more time", "Give more time to respond",
               (REASON, NEW_DATE), guards=(later_than_deadline("new_date", "consultation_response", "The new date"),),
               effect=grant_extension),
    Transition("consultation_closes", (S.CONSULTATION,), S.DECISION_PENDING, SYSTEM, "Close the consultation",
               guards=(deadline_passed("consultation_response"),), effect=consultation_closes),
    Transition("decide_no_change", (S.DECISION_PENDING,), S.CLOSED_NO_CHANGE, DM, "Decide: no change",
               "Decision: no change to funding", (CONSIDERATION, OPTIONS_WEIGHED, Field("rationale", "Rationale")),
               guards=(not_the_funder_officer, consideration_given), effect=decide("no_change"), letter="decision"),
    Transition("decide_change", (S.DECISION_PENDING,), S.NOTICE_PENDING, DM, "Decide: change funding",
               "Decision: change funding",
               (Field("outcome", "Outcome", "choice", choices=PROPOSALS), CONSIDERATION,
                OPTIONS_WEIGHED, Field("rationale", "Rationale")),
               guards=(not_the_funder_officer, consideration_given), effect=decide(None), letter="decision"),
    Transition("sign_off_exception", (S.NOTICE_PENDING,), None, DM, "Approve shorter notice",
               "Exceptional circumstances",
               (Field("category", "Category", "choice", choices=EXCEPTIONS), Field("justification", "Justification")),
               guards=(not_the_funder_officer,), effect=lambda ctx: ctx.put(
                   "exception", {**ctx.data, "signed_off_on": ctx.today, "signed_off_by": ctx.actor.name})),
    Transition("issue_notice", (S.NOTICE_PENDING,), S.NOTICE_PERIOD, FO, "Check and send notice",
               "Send the written notice",
               (Field("channel", "How it is sent", "choice", choices=CHANNELS),
                Field("sent_at", "Sending time", "datetime",
                      hint="By email or the portal, this service sends it at this time (or at once, if the time has passed)."), Field("effective_on", "Effective date", "date")),
               guards=(sent_now_or_later, sent_after_decision, notice_date_lawful), effect=issue_notice, letter="notice"),
    Transition("acknowledge_notice", (S.NOTICE_PERIOD,), None, VL, "Acknowledge notice", "Acknowledge the notice",
               (Field("comments", "Comments", required=False),), guards=(notice_not_acknowledged,),
               effect=note_notice("acknowledgement")),
    Transition("submit_exit_plan", (S.NOTICE_PERIOD,), None, VL, "Send your plan for the end of funding",
               "Your plan for the end of funding",
               (Field("support_plan", "How beneficiaries will be supported"), Field("dates", "Dates")),
               effect=note_notice("exit_plan")),
    Transition("extend_notice", (S.NOTICE_PERIOD,), None, FO, "Give more notice", "Give more notice",
               (REASON, Field("new_effective_on", "New effective date", "date")),
               guards=(later_effective_date,), effect=extend_notice),
    Transition("rescind_notice", (S.NOTICE_PERIOD,), S.CLOSED_NO_CHANGE, FO, "Withdraw the notice",
               "Why are you withdrawing the notice?", (REASON,), effect=record("rescinded")),
    Transition("reopen_consultation", (S.NOTICE_PERIOD,), S.CONSULTATION, FO, "Consult again", "Why consult again?",
               (REASON, RESPOND_BY), guards=(consultation_long_enough,), effect=reopen_consultation),
    Transition("notice_takes_effect", (S.NOTICE_PERIOD,), S.CLOSED_CHANGED, SYSTEM, "Funding changes",
               guards=(deadline_passed("notice_effective"),)),
    Transition("withdraw", (ANY_OPEN,), S.WITHDRAWN, FO, "Withdraw this case", "Why are you withdrawing this case?",
               (REASON,), effect=record("withdrawal")),
    Transition("pause", (ANY_OPEN,), None, FO, "Pause deadlines", "Why pause the deadlines?", (REASON,),
               guards=(not_paused,), effect=pause),
    Transition("resume", (ANY_OPEN,), None, FO, "Resume deadlines", "Why resume the deadlines?", (REASON,),
               guards=(paused,), effect=resume),
    Transition("assign_decision_maker", (ANY_OPEN,), None, FO, "Choose the decision-maker",
               "Who will make the decision?", (Field("person", "Decision-maker", "person"),),
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
    version = (case.data or {}).get("plan_agreed_version")
    if not version:
        return []
    actions = case.data["plans"][version - 1]["actions"]
    return [(str(a["id"]), f"Action {a['id']}: {a['what'][:150]}", as_date(a["by"]))
            for a in actions if not a.get("done_on")]


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
        "You have notice that funding will {outcome} on {effective}. Acknowledge it and send your plan for the end of funding. You can raise a dispute."),
    S.CLOSED_RESOLVED: StateInfo("Resolved", "green", "Closed: performance improved.", "Closed: performance improved."),
    S.CLOSED_NO_CHANGE: StateInfo("No change", "green", "Closed with no change to funding.", "Closed with no change to funding."),
    S.CLOSED_CHANGED: StateInfo("Funding changed", "grey", "Funding {outcome} from {effective}.", "Funding {outcome} from {effective}."),
    S.WITHDRAWN: StateInfo("Withdrawn", "grey", "Withdrawn on {date}: {reason}.", "{funder} withdrew this case on {date}: {reason}."),
}

WORKFLOW = Workflow(
    key="funding_change", version=1, states=State, initial=S.DRAFT,
    terminal=frozenset({S.CLOSED_RESOLVED, S.CLOSED_NO_CHANGE, S.CLOSED_CHANGED, S.WITHDRAWN}),
    transitions=TRANSITIONS, deadlines=DEADLINES, info={k.value: v for k, v in INFO.items()})
