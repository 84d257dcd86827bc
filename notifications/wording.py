"""The words of notifications: what each action is called once it has happened, and the email
subject lines, exactly as content.md ("Emails (subject lines)") gives them."""
from datetime import date

from casework.visibility import DATES_NOT_TASKS

#: What someone did, to follow their name: "Priya Shah raised a concern".
DONE = {
    "open_case": "opened a case",
    "raise_concern": "raised a concern",
    "propose_resource_change": "proposed a change to funding",
    "acknowledge_concern": "acknowledged the concern",
    "resolve_concern": "closed the concern with no further action",
    "propose_plan": "proposed a plan",
    "agree_plan": "agreed the plan",
    "record_support": "recorded support given",
    "complete_action": "marked a plan action done",
    "start_review": "started the performance review",
    "confirm_improved": "confirmed that performance has improved",
    "extend_plan": "extended the improvement plan",
    "begin_impact_assessment": "started an impact assessment",
    "save_assessment": "saved the impact assessment",
    "add_impact_advice": "added advice on the impact",
    "open_consultation": "started a consultation",
    "abandon_change": "decided there will be no change to funding",
    "submit_response": "sent a response to the consultation",
    "request_extension": "asked for more time",
    "grant_extension": "gave more time",
    "decide_no_change": "decided to make no change to funding",
    "decide_change": "decided to change funding",
    "sign_off_exception": "approved shorter notice",
    "issue_notice": "sent written notice",
    "acknowledge_notice": "acknowledged the notice",
    "submit_exit_plan": "sent a plan for the end of funding",
    "extend_notice": "gave more notice",
    "rescind_notice": "withdrew the notice",
    "reopen_consultation": "opened the consultation again",
    "withdraw": "withdrew the case",
    "pause": "paused the deadlines",
    "resume": "resumed the deadlines",
    "assign_decision_maker": "chose the decision-maker",
    "raise_dispute": "raised a dispute",
    "acknowledge_dispute": "acknowledged the dispute",
    "give_informal_response": "gave a written response",
    "extend_informal": "extended the informal stage",
    "accept_outcome": "accepted the outcome",
    "escalate_to_review": "asked for a senior review",
    "assign_reviewer": "assigned a senior reviewer",
    "give_review_outcome": "gave the review outcome",
    "extend_review": "extended the senior review",
    "request_mediation": "asked for mediation",
    "assign_mediator": "took on the mediation",
    "agree_to_mediate": "agreed to mediation",
    "record_session": "recorded the mediation session",
    "record_agreement": "recorded the mediation agreement",
    "record_no_agreement": "recorded that mediation ended without agreement",
    "refer_to_panel": "referred the dispute to the Compact panel",
    "close_dispute": "closed the dispute",
    "appoint_panel": "appointed the Compact panel",
    "declare_no_involvement": "confirmed their declaration of no prior involvement",
    "schedule_hearing": "scheduled the panel hearing",
    "issue_findings": "issued the panel's findings",
    "respond_to_findings": "responded to the panel's findings",
    "withdraw_dispute": "withdrew the dispute",
    "record_external_referral": "recorded a referral outside the Compact",
}

#: What the system did when a deadline ran out, as a whole sentence.
SYSTEM_DONE = {
    "plan_period_ends": "The improvement plan has ended, so the performance review has started",
    "consultation_closes": "The consultation closed without a response",
    "notice_takes_effect": "The notice period has ended and the change to funding has taken effect",
    "escalation_window_closes": "The time to ask for a senior review has ended, so the dispute is resolved",
    "mediation_window_closes": "The time to ask for mediation has ended, so the dispute is resolved",
    "referral_window_closes": "The time to refer the dispute to the Compact panel has ended, so it is closed",
}

#: Deadlines that are dates to know about rather than something a person does.
DATE_ONLY_KINDS = DATES_NOT_TASKS


def long_date(d: date) -> str:
    """A date as people read it: 9 December 2026."""
    return f"{d.day} {d:%B %Y}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def what_happened(trigger: str, actor_name: str | None) -> str:
    """One sentence saying who did what."""
    if trigger in SYSTEM_DONE:
        return SYSTEM_DONE[trigger] + "."
    return f"{actor_name or 'Someone'} {DONE.get(trigger, trigger.replace('_', ' '))}."


def working_days_left(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'} left"


def concern_subject(funder: str, programme: str, due: date) -> str:
    return f"{funder} has raised a concern about {programme} — action needed by {long_date(due)}"


def reminder_subject(action: str, due: date, days_left: int) -> str:
    return f"Reminder: {lower_first(action)} due on {long_date(due)} ({working_days_left(days_left)})"


def overdue_subject(action: str, due: date) -> str:
    return f"Overdue: {lower_first(action)} was due on {long_date(due)}"


def consultation_subject(programme: str, due: date) -> str:
    return f"Consultation on {programme}: respond by {long_date(due)}"


def early_review_subject(programme: str, plan_end: date) -> str:
    return f"The review of {programme} has started before the plan's end date, {long_date(plan_end)}"


def early_review_words(reason: str, explanation: str, plan_end: date) -> str:
    """Why a review started before the plan's end date, as the organisation is told it."""
    return (f"The improvement plan was due to end on {long_date(plan_end)}. The review has started early "
            f"because: {reason[:1].lower() + reason[1:]}. {explanation}")


def decision_subject(programme: str) -> str:
    return f"Decision on {programme}"


def notice_subject(programme: str, outcome: str, effective: date) -> str:
    return f"Written notice: funding for {programme} will {outcome} on {long_date(effective)} (letter attached)"


def notice_moved_subject(programme: str, effective: date) -> str:
    return f"New date: funding for {programme} now changes on {long_date(effective)} (letter attached)"


def notice_moved(old: date, new: date, reason: str) -> str:
    """What happened when a paused notice restarted later than it would have ended."""
    return (f"The date funding changes moved from {long_date(old)} to {long_date(new)}, because {reason}. "
            "A pause never shortens the notice.")


def dispute_subject(ref: str, stage: str, who: str | None, due: date | None) -> str:
    """The dispute subject line; with nothing left to do, just the reference and stage."""
    if who and due:
        return f"Dispute {ref}: {stage} — {who} to act by {long_date(due)}"
    return f"Dispute {ref}: {stage}"
