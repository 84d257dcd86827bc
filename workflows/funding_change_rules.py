"""The gates and effects of the funding-change process: what must be true before an action
(each gate returns the message a person reads when it is not), and what each action records
on the case. The table that uses them is in `workflows/funding_change.py`."""
from datetime import date, datetime, timedelta

from casework.cases import MANUAL_PAUSE
from casework.cases import CaseRole as R
from workflows import calendar as cal
from workflows.context import Context
from workflows.definitions import as_date
from workflows.gates import Refusal, live_deadline, long_date

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


def missing_assessment_sections(assessment: dict) -> list[str]:
    """The parts of an impact assessment not yet written, in words."""
    return [label.split(",")[0].split(" considered")[0].lower() for key, label in ASSESSMENT_SECTIONS
            if not str(assessment.get(key) or "").strip()]


def assessment_complete(ctx: Context) -> str | None:
    missing = missing_assessment_sections(ctx.get("assessment", default={}))
    if missing:
        return ("Complete every part of the impact assessment before consulting. Missing: "
                + ", ".join(missing) + ".")
    return None


def consultation_long_enough(ctx: Context) -> str | None:
    earliest = ctx.add_wd(ctx.today, ctx.limits.consultation_min_wd)
    if as_date(ctx.data.get("respond_by")) < earliest:
        return Refusal(f"The organisation must have at least {ctx.limits.consultation_min_wd} working days "
                       f"to respond: choose {long_date(earliest)} or later.", "respond_by")
    return None


def consideration_given(ctx: Context) -> str | None:
    if ctx.get("consultation", "response") and not ctx.data.get("consideration"):
        return Refusal("The organisation responded to the consultation. Say how their response was "
                       "considered before deciding.", "consideration")
    return None


#: Channels by which this service itself sends the notice (its email carries the letter).
SENT_BY_THE_SERVICE = frozenset({"email", "portal"})
#: How long before now a planned sending time may be, for the time spent on the form.
SENDING_TIME_GRACE = timedelta(hours=1)


def sending_time(ctx: Context) -> datetime:
    """When the notice is sent: the time given, except that a notice this service sends
    cannot go before the moment it is issued (the letter's email is held until the time given)."""
    if ctx.data["channel"] in SENT_BY_THE_SERVICE:
        return max(ctx.data["sent_at"], ctx.now)
    return ctx.data["sent_at"]


def sent_now_or_later(ctx: Context) -> str | None:
    if ctx.data["channel"] in SENT_BY_THE_SERVICE and ctx.data["sent_at"] < ctx.now - SENDING_TIME_GRACE:
        return Refusal("This service sends a notice by email or through the portal itself, so its sending time "
                       "cannot be in the past. Enter the time it should go: now, or later.", "sent_at")
    return None


def notice_date_lawful(ctx: Context) -> str | None:
    deemed = cal.deemed_given(sending_time(ctx), ctx.data["channel"], calendar=ctx.calendar)
    earliest = cal.earliest_effective_date(deemed, ctx.limits.notice_months)
    if ctx.data["effective_on"] <= deemed:
        return Refusal("The effective date must be after the date the notice is deemed given.", "effective_on")
    if ctx.data["effective_on"] < earliest and not ctx.get("exception", "signed_off_on"):
        return Refusal(f"Notice deemed given on {long_date(deemed)} needs an effective date of "
                       f"{long_date(earliest)} or later ({ctx.limits.notice_months} months' notice). "
                       "A shorter notice needs exceptional circumstances approved by the decision-maker.",
                       "effective_on")
    return None


def sent_after_decision(ctx: Context) -> str | None:
    decided = as_date(ctx.get("decision", "decided_on"))
    if decided and cal.local_date(sending_time(ctx)) < decided:
        return Refusal("The notice cannot be sent before the decision was made.", "sent_at")
    return None


def notice_not_acknowledged(ctx: Context) -> str | None:
    return "You have already acknowledged this notice." if ctx.get("notice", "acknowledged_on") else None


def later_effective_date(ctx: Context) -> str | None:
    current = as_date(ctx.get("notice", "effective_on"))
    if ctx.data["new_effective_on"] <= current:
        return Refusal(f"The new effective date must be later than {long_date(current)}.", "new_effective_on")
    return None


def exit_plan_dates_in_order(ctx: Context) -> str | None:
    """The people the organisation supports are told before funding changes, and no later
    than the service ends or changes."""
    effective, told = as_date(ctx.get("notice", "effective_on")), ctx.data["people_told_on"]
    if effective is not None and told >= effective:
        return Refusal("The date you will tell the people you support must be before the change takes effect "
                       f"on {long_date(effective)}.", "people_told_on")
    changes = ctx.data["service_changes_on"]
    if told > changes:
        return Refusal("The date you will tell the people you support must be on or before the date your service "
                       f"will end or change, {long_date(changes)}.", "people_told_on")
    return None


def decision_maker_eligible(ctx: Context) -> str | None:
    person = ctx.person(ctx.data["person"])
    if person is None or not person.has_role("decision_maker") or person.organisation_id != ctx.case.funder_org_id:
        return Refusal("Choose a decision-maker from the funding organisation.", "person")
    if any(p.id == person.id for p in ctx.case.assignees(R.FUNDER_OFFICER)):
        return Refusal("The funder officer on this case cannot also be its decision-maker.", "person")
    return None


# --- effects -----------------------------------------------------------------------------

def side(ctx: Context) -> str:
    return "funder" if R.FUNDER_OFFICER in ctx.roles else "organisation"


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


def window_last_day(ctx: Context) -> date:
    """The consultation window's last day: its response deadline as it stands (after any
    extension or pause), not the day the scheduler noticed that it had passed."""
    row = live_deadline(ctx, "consultation_response")
    return row.due_on if row is not None and row.due_on else as_date(ctx.get("consultation", "respond_by"))


def consultation_closes(ctx: Context) -> None:
    consultation = ctx.get("consultation")
    consultation.update(closed_on=window_last_day(ctx), no_response=True)
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
        if ctx.actor.decides_as:   # as an officer or a member, as it was when they decided
            ctx.audit_extra["decided_as"] = ctx.actor.decides_as
        ctx.letter_context = {"outcome": decided["outcome"], "outcome_words": OUTCOME_WORDS.get(decided["outcome"], "stay the same"),
                              "consideration": ctx.data.get("consideration", ""),
                              "options_weighed": ctx.data.get("options_weighed", ""),
                              "rationale": ctx.data["rationale"], "decided_on": ctx.today}
    return effect


def issue_notice(ctx: Context) -> None:
    sent = sending_time(ctx)
    if sent != ctx.data["sent_at"]:
        ctx.audit_extra["sent_at"] = sent   # the trail shows when it went, not the time typed
    deemed = cal.deemed_given(sent, ctx.data["channel"], calendar=ctx.calendar)
    notice = {**ctx.data, "sent_at": sent, "deemed_given_on": deemed,
              "period_end": cal.notice_period_end(deemed, ctx.limits.notice_months),
              "earliest_effective": cal.earliest_effective_date(deemed, ctx.limits.notice_months)}
    ctx.put("notice", notice)
    decision = ctx.get("decision")
    ctx.letter_context = {
        "outcome": decision["outcome"], "outcome_words": OUTCOME_WORDS[decision["outcome"]],
        "rationale": decision["rationale"], "decided_on": as_date(decision["decided_on"]),
        "letter_date": max(ctx.today, cal.local_date(sent)),   # dated the day it goes
        "channel": ctx.data["channel"], "sent_at": sent, "sent_on": cal.local_date(sent),
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
    from workflows import pauses
    pauses.hold(ctx.conn, ctx.case, MANUAL_PAUSE, ctx.now, ctx.calendar)


def resume(ctx: Context) -> None:
    """End the funder officer's pause; the clocks restart unless another cause (an open
    dispute) still holds them. A notice that now ends later is told in writing."""
    from casework.events import NoticeDateMoved
    from workflows import pauses
    restarted, move = pauses.release(ctx.conn, ctx.case, MANUAL_PAUSE, ctx.now, ctx.limits, ctx.calendar)
    if not restarted:
        ctx.audit_extra["still_paused_by"] = pauses.still_paused_by(ctx.case)
    if move is not None:
        reason = "the funder officer paused the notice period"
        ctx.audit_extra.update(pauses.audit_fields(move, reason))
        ctx.letter_kind, ctx.letter_context = pauses.LETTER, pauses.letter_fields(ctx.case, move, reason, ctx.today)
        ctx.events.append(NoticeDateMoved(ctx.case.id, ctx.now, move.old_effective_on, move.new_effective_on, reason))


def assign_decision_maker(ctx: Context) -> None:
    ctx.case.unassign(R.DECISION_MAKER)
    ctx.assign(R.DECISION_MAKER, ctx.data["person"])
