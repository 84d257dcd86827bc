"""The funding-change process (processes.md, "Funding-change case"): a performance concern or
a change in resources, through improvement, impact assessment and consultation, to a
decision and, if funding changes, at least the minimum written notice. Reads like the spec's
table: states, then transitions, then deadline rules. Gates and effects are below."""
from datetime import timedelta
from enum import StrEnum

from casework.cases import CaseRole as R
from workflows import calendar as cal
from workflows.context import Context
from workflows.definitions import (ANY_OPEN, DeadlineRule, Due, Field, StateInfo, Transition,
                                   Workflow, as_date)
from workflows.gates import (date_in_future, deadline_passed, later_than_deadline, long_date,
                             not_paused, paused, window_open)


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

PROPOSALS = (("vary", "Vary the funding"), ("reduce", "Reduce the funding"),
             ("end", "End the funding"), ("reallocate", "Re-allocate the funding"))
OUTCOME_WORDS = {"vary": "be varied", "reduce": "reduce", "end": "end", "reallocate": "be re-allocated"}
CHANNELS = (("email", "Email"), ("portal", "Through the portal"),
            ("first_class_post", "First-class post"), ("hand", "By hand"))
EXCEPTIONS = (("misuse_of_funds", "Misuse of funds"), ("false_information", "False information"),
              ("investigation", "Regulator or police investigation"), ("safeguarding", "Safeguarding"),
              ("insolvency", "Insolvency"), ("other", "Other"))
ASSESSMENT_SECTIONS = (("beneficiaries", "Beneficiaries affected"),
                       ("service_users", "Service users affected"),
                       ("volunteers", "Volunteers affected"), ("equality", "Equality impact"),
                       ("reallocation", "Re-allocation to another organisation serving the same group considered, and the conclusion"))


# --- gates -------------------------------------------------------------------------------

def not_the_funder_officer(ctx: Context) -> str | None:
    if any(p.id == ctx.actor.id for p in ctx.case.assignees(R.FUNDER_OFFICER)):
        return ("You are the funder officer on this case, so you cannot make the decision. "
                "Another decision-maker must decide.")
    return None


def assessment_complete(ctx: Context) -> str | None:
    done = ctx.get("assessment", default={})
    missing = [label.split(",")[0].split(" considered")[0].lower() for key, label in ASSESSMENT_SECTIONS
               if not str(done.get(key) or "").strip()]
    if missing:
        return ("Complete every part of the impact assessment before consulting. Missing: "
                + ", ".join(missing) + ".")
    return None


def consultation_long_enough(ctx: Context) -> str | None:
    earliest = ctx.add_wd(ctx.today, ctx.limits.consultation_min_wd)
    if as_date(ctx.data.get("respond_by")) < earliest:
        return (f"The organisation must have at least {ctx.limits.consultation_min_wd} working days "
                f"to respond: choose {long_date(earliest)} or later.")
    return None


def consideration_given(ctx: Context) -> str | None:
    if ctx.get("consultation", "response") and not ctx.data.get("consideration"):
        return ("The organisation responded to the consultation. Say how their response was "
                "considered before deciding.")
    return None


def plan_version_is_latest(ctx: Context) -> str | None:
    plans = ctx.get("plans", default=[])
    if not plans:
        return "No plan has been proposed yet. Propose a plan first."
    if ctx.data["version"] != len(plans):
        return f"Version {len(plans)} is the latest plan. Read it and agree that version."
    if side(ctx) in plans[-1]["agreed_by"]:
        return f"You have already agreed version {len(plans)}."
    return None


def action_exists(ctx: Context) -> str | None:
    actions = current_actions(ctx)
    match = [a for a in actions if a["id"] == ctx.data["action"]]
    if not match:
        return "There is no action with that number in the agreed plan."
    return "That action is already marked done." if match[0].get("done_on") else None


def notice_date_lawful(ctx: Context) -> str | None:
    deemed = cal.deemed_given(ctx.data["sent_at"], ctx.data["channel"], calendar=ctx.calendar)
    earliest = cal.earliest_effective_date(deemed, ctx.limits.notice_months)
    if ctx.data["effective_on"] <= deemed:
        return "The effective date must be after the date the notice is deemed given."
    if ctx.data["effective_on"] < earliest and not ctx.get("exception", "signed_off_on"):
        return (f"Notice deemed given on {long_date(deemed)} needs an effective date of "
                f"{long_date(earliest)} or later ({ctx.limits.notice_months} months' notice). "
                "A shorter notice needs exceptional circumstances approved by the decision-maker.")
    return None


def sent_after_decision(ctx: Context) -> str | None:
    decided = as_date(ctx.get("decision", "decided_on"))
    if decided and cal.local_date(ctx.data["sent_at"]) < decided:
        return "The notice cannot be sent before the decision was made."
    return None


def notice_not_acknowledged(ctx: Context) -> str | None:
    return "You have already acknowledged this notice." if ctx.get("notice", "acknowledged_on") else None


def later_effective_date(ctx: Context) -> str | None:
    current = as_date(ctx.get("notice", "effective_on"))
    if ctx.data["new_effective_on"] <= current:
        return f"The new effective date must be later than {long_date(current)}."
    return None


def decision_maker_eligible(ctx: Context) -> str | None:
    from casework.organisations import Person
    person = ctx.session.get(Person, ctx.data["person"])
    if person is None or not person.has_role("decision_maker") or person.organisation_id != ctx.case.funder_org_id:
        return "Choose a decision-maker from the funding organisation."
    if any(p.id == person.id for p in ctx.case.assignees(R.FUNDER_OFFICER)):
        return "The funder officer on this case cannot also be its decision-maker."
    return None


# --- effects -----------------------------------------------------------------------------

def side(ctx: Context) -> str:
    return "funder" if R.FUNDER_OFFICER in ctx.roles else "organisation"


def current_actions(ctx: Context) -> list[dict]:
    version = ctx.get("plan_agreed_version")
    plans = ctx.get("plans", default=[])
    return plans[version - 1]["actions"] if version else []


def record(key: str):
    """An effect that stores what was given under `key`, stamped with today's date."""
    def effect(ctx: Context) -> None:
        ctx.put(key, {**ctx.data, "on": ctx.today, "by": ctx.actor.name})
    return effect


def append(key: str):
    """An effect that adds what was given to a list under `key`."""
    def effect(ctx: Context) -> None:
        ctx.put(key, ctx.get(key, default=[]) + [{**ctx.data, "on": ctx.today, "by": ctx.actor.name}])
    return effect


def raise_concern(ctx: Context) -> None:
    ctx.case.route = "performance"
    ctx.put("concern", {**ctx.data, "raised_on": ctx.today})
    ctx.letter_context = {"issues": ctx.data["issues"], "evidence": ctx.data["evidence"],
                          "what_good_looks_like": ctx.data["what_good_looks_like"],
                          "acknowledge_by": ctx.add_wd(ctx.today, ctx.limits.concern_ack_wd),
                          "letter_date": ctx.data["letter_date"]}


def propose_resource_change(ctx: Context) -> None:
    ctx.case.route = "resource"
    ctx.put("resource_change", {**ctx.data, "on": ctx.today})


def propose_plan(ctx: Context) -> None:
    plans = ctx.get("plans", default=[])
    actions = [{**a, "id": n} for n, a in enumerate(ctx.data["actions"], start=1)]
    plans.append({"version": len(plans) + 1, "actions": actions,
                  "support_offered": ctx.data.get("support_offered", ""),
                  "proposed_by": side(ctx), "proposed_on": ctx.today, "agreed_by": []})
    ctx.put("plans", plans)


def both_agree(ctx: Context) -> bool:
    plans = ctx.get("plans", default=[])
    return bool(plans) and {side(ctx), *plans[-1]["agreed_by"]} == {"funder", "organisation"}


def agree_plan(ctx: Context) -> None:
    plans = ctx.get("plans")
    plans[-1]["agreed_by"].append(side(ctx))
    ctx.put("plans", plans)
    if len(set(plans[-1]["agreed_by"])) == 2:
        ctx.put("plan_agreed_version", len(plans))
        ctx.put("plan_agreed_on", ctx.today)
        ctx.put("plan_end", cal.add_calendar_months(ctx.today, ctx.limits.plan_period_months))


def complete_action(ctx: Context) -> None:
    plans, version = ctx.get("plans"), ctx.get("plan_agreed_version")
    for action in plans[version - 1]["actions"]:
        if action["id"] == ctx.data["action"]:
            action.update(done_on=ctx.today, evidence=ctx.data.get("evidence", ""))
    ctx.put("plans", plans)


def extend_plan(ctx: Context) -> None:
    ctx.put("plan_end", ctx.data["new_end_date"])
    append("plan_extensions")(ctx)


def save_assessment(ctx: Context) -> None:
    merged = {**ctx.get("assessment", default={}), **{k: v for k, v in ctx.data.items() if v}}
    ctx.put("assessment", merged)


def open_consultation(ctx: Context) -> None:
    ctx.put("consultation", {**ctx.data, "opened_on": ctx.today, "response": None})
    ctx.letter_context = {"proposal": ctx.data["proposal"], "criteria_reasons": ctx.data["criteria_reasons"],
                          "impact_summary": ctx.data["impact_summary"], "respond_by": ctx.data["respond_by"]}


def submit_response(ctx: Context) -> None:
    consultation = ctx.get("consultation")
    consultation.update(response={**ctx.data, "on": ctx.today, "by": ctx.actor.name}, closed_on=ctx.today)
    ctx.put("consultation", consultation)


def consultation_closes(ctx: Context) -> None:
    consultation = ctx.get("consultation")
    consultation.update(closed_on=ctx.today, no_response=True)
    ctx.put("consultation", consultation)
    ctx.audit_extra["outcome"] = "no response"


def grant_extension(ctx: Context) -> None:
    consultation = ctx.get("consultation")
    consultation["respond_by"] = ctx.data["new_date"]
    ctx.put("consultation", consultation)
    ctx.move_deadline("consultation_response", ctx.data["new_date"], ctx.data["reason"])


def decide(outcome: str | None):
    def effect(ctx: Context) -> None:
        decided = {**ctx.data, "decided_on": ctx.today, "decided_by": ctx.actor.name}
        decided["outcome"] = outcome or ctx.data["outcome"]
        ctx.put("decision", decided)
        ctx.letter_context = {"outcome": decided["outcome"], "outcome_words": OUTCOME_WORDS.get(decided["outcome"], "stay the same"),
                              "consideration": ctx.data.get("consideration", ""),
                              "options_weighed": ctx.data.get("options_weighed", ""),
                              "rationale": ctx.data["rationale"], "decided_on": ctx.today}
    return effect


def issue_notice(ctx: Context) -> None:
    deemed = cal.deemed_given(ctx.data["sent_at"], ctx.data["channel"], calendar=ctx.calendar)
    notice = {**ctx.data, "deemed_given_on": deemed,
              "period_end": cal.notice_period_end(deemed, ctx.limits.notice_months),
              "earliest_effective": cal.earliest_effective_date(deemed, ctx.limits.notice_months)}
    ctx.put("notice", notice)
    decision = ctx.get("decision")
    ctx.letter_context = {
        "outcome": decision["outcome"], "outcome_words": OUTCOME_WORDS[decision["outcome"]],
        "rationale": decision["rationale"], "decided_on": as_date(decision["decided_on"]),
        "channel": ctx.data["channel"], "sent_on": cal.local_date(ctx.data["sent_at"]),
        "deemed_given_on": deemed, "notice_period_end": notice["period_end"],
        "earliest_effective_on": notice["earliest_effective"], "effective_on": ctx.data["effective_on"],
        "exception": ctx.get("exception"), "notice_months": ctx.limits.notice_months,
        "acknowledge_by": ctx.add_wd(deemed, ctx.limits.notice_ack_wd),
        "dispute_pauses_notice": bool(ctx.limits.dispute_pauses_notice)}


def extend_notice(ctx: Context) -> None:
    notice = ctx.get("notice")
    notice["effective_on"] = ctx.data["new_effective_on"]
    ctx.put("notice", notice)
    ctx.move_deadline("notice_effective", ctx.data["new_effective_on"] - timedelta(days=1), ctx.data["reason"])


def note_notice(key: str):
    def effect(ctx: Context) -> None:
        notice = ctx.get("notice")
        notice[key] = {**ctx.data, "on": ctx.today} if ctx.data else ctx.today
        if key == "acknowledgement":
            notice["acknowledged_on"] = ctx.today
        ctx.put("notice", notice)
    return effect


def reopen_consultation(ctx: Context) -> None:
    previous = ctx.get("consultation", default={})
    ctx.put("consultation", {**previous, "respond_by": ctx.data["respond_by"], "opened_on": ctx.today,
                             "reopened_because": ctx.data["reason"], "response": None, "closed_on": None,
                             "no_response": False})


def pause(ctx: Context) -> None:
    from workflows.deadlines import pause_all
    ctx.case.paused_at = ctx.now
    pause_all(ctx.session, ctx.case, ctx.now, ctx.calendar)


def resume(ctx: Context) -> None:
    from workflows.deadlines import resume_all
    ctx.case.paused_at = None
    resume_all(ctx.session, ctx.case, ctx.now, ctx.limits, ctx.calendar)


def assign_decision_maker(ctx: Context) -> None:
    from casework.cases import CaseAssignment
    from casework.organisations import Person
    for a in [a for a in ctx.case.assignments if a.role == R.DECISION_MAKER]:
        ctx.case.assignments.remove(a)
    # The person object, not just the id, so the returned case can name its assignees.
    ctx.case.assignments.append(CaseAssignment(person=ctx.session.get(Person, ctx.data["person"]),
                                               role=R.DECISION_MAKER, assigned_at=ctx.now))


# --- fields --------------------------------------------------------------------------------

REASON = Field("reason", "Reason")
RESPOND_BY = Field("respond_by", "Response date", "date", hint="At least the minimum number of working days from today.")
NEW_DATE = Field("new_date", "New date", "date")
CONSIDERATION = Field("consideration", "How the response was considered", required=False,
                      hint="Required when the organisation responded to the consultation.")

# --- the table -----------------------------------------------------------------------------

TRANSITIONS = (
    Transition("raise_concern", (S.DRAFT,), S.CONCERN_RAISED, FO, "Raise a concern", "What is the concern?",
               (Field("issues", "Issues found"), Field("evidence", "Evidence"),
                Field("what_good_looks_like", "What good looks like"),
                Field("letter_date", "Date of the concern letter", "date")),
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
               (Field("actions", "Actions", "actions"),
                Field("support_offered", "Support offered", required=False)), effect=propose_plan),
    Transition("agree_plan", (S.IMPROVEMENT_PLANNING,), S.IMPROVEMENT_IN_PROGRESS, BOTH, "Agree this plan",
               "Agree version {n} of the plan", (Field("version", "Plan version", "int"),),
               guards=(plan_version_is_latest,), effect=agree_plan, when=both_agree),
    Transition("agree_plan", (S.IMPROVEMENT_PLANNING,), None, BOTH, "Agree this plan",
               "Agree version {n} of the plan", (Field("version", "Plan version", "int"),),
               guards=(plan_version_is_latest,), effect=agree_plan),
    Transition("record_support", (S.IMPROVEMENT_IN_PROGRESS,), None, FO, "Record support given",
               "What support did you give?", (Field("what", "What support was given"), Field("when", "When", "date")),
               effect=append("support")),
    Transition("complete_action", (S.IMPROVEMENT_IN_PROGRESS,), None, BOTH, "Mark action done",
               "Mark an action done", (Field("action", "Action number", "int"), Field("evidence", "Evidence", required=False)),
               guards=(action_exists,), effect=complete_action),
    Transition("start_review", (S.IMPROVEMENT_IN_PROGRESS,), S.PERFORMANCE_REVIEW, FO, "Start the review"),
    Transition("plan_period_ends", (S.IMPROVEMENT_IN_PROGRESS,), S.PERFORMANCE_REVIEW, SYSTEM, "Start the review",
               guards=(deadline_passed("plan_end"),)),
    Transition("confirm_improved", (S.PERFORMANCE_REVIEW,), S.CLOSED_RESOLVED, FO, "Performance has improved",
               "Why has performance improved?", (Field("reasons", "Reasons"),), effect=record("review")),
    Transition("extend_plan", (S.PERFORMANCE_REVIEW,), S.IMPROVEMENT_IN_PROGRESS, FO, "Extend the plan",
               "Why extend the plan?", (REASON, Field("new_end_date", "New end date", "date")),
               guards=(date_in_future("new_end_date", "The new end date"),), effect=extend_plan),
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
               "Decision: no change to funding", (CONSIDERATION, Field("rationale", "Rationale")),
               guards=(not_the_funder_officer, consideration_given), effect=decide("no_change"), letter="decision"),
    Transition("decide_change", (S.DECISION_PENDING,), S.NOTICE_PENDING, DM, "Decide: change funding",
               "Decision: change funding",
               (Field("outcome", "Outcome", "choice", choices=PROPOSALS), CONSIDERATION,
                Field("options_weighed", "Options weighed"), Field("rationale", "Rationale")),
               guards=(not_the_funder_officer, consideration_given), effect=decide(None), letter="decision"),
    Transition("sign_off_exception", (S.NOTICE_PENDING,), None, DM, "Approve shorter notice",
               "Exceptional circumstances",
               (Field("category", "Category", "choice", choices=EXCEPTIONS), Field("justification", "Justification")),
               guards=(not_the_funder_officer,), effect=lambda ctx: ctx.put(
                   "exception", {**ctx.data, "signed_off_on": ctx.today, "signed_off_by": ctx.actor.name})),
    Transition("issue_notice", (S.NOTICE_PENDING,), S.NOTICE_PERIOD, FO, "Check and send notice",
               "Send the written notice",
               (Field("channel", "How it is sent", "choice", choices=CHANNELS),
                Field("sent_at", "Sending time", "datetime"), Field("effective_on", "Effective date", "date")),
               guards=(sent_after_decision, notice_date_lawful), effect=issue_notice, letter="notice"),
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
                 Due("wd", STAGE_START, "decision_wd"), notify=(R.FUNDER_OFFICER, R.DECISION_MAKER)),
    DeadlineRule("notice_ack", S.NOTICE_PERIOD, "Acknowledge the notice", (R.VCO_LEAD,),
                 Due("wd", _data_date("notice", "deemed_given_on"), "notice_ack_wd"), notify=(R.FUNDER_OFFICER,),
                 applies=lambda case: not (case.data.get("notice") or {}).get("acknowledged_on")),
    DeadlineRule("notice_effective", S.NOTICE_PERIOD, "The notice period ends", (R.FUNDER_OFFICER,),
                 Due("date", _data_date("notice", "effective_on"), days_before=1), on_expiry="notice_takes_effect"),
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
