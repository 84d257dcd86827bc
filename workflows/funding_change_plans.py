"""The improvement period of the funding-change process (processes.md, "Revisions"): a plan of
actions both sides agree, which runs to its end date before performance is reviewed (earlier
only with a reason the organisation is told). Its gates return the message a person reads when
they refuse; its effects record the plan on the case."""
from datetime import date

from workflows import calendar as cal
from workflows.context import Context
from workflows.definitions import as_date
from workflows.funding_change_rules import append, side
from workflows.gates import Refusal, long_date


#: Why a performance review may start before the improvement plan ends (processes.md,
#: Revisions 2026-12-07): the organisation asked, or a new serious concern.
EARLY_REVIEW_REASONS = (("organisation_asked", "The organisation asked to end the plan early"),
                        ("safeguarding", "A new safeguarding concern"),
                        ("misuse_of_funds", "A new concern about misuse of funds"),
                        ("insolvency", "A new concern about insolvency"))


def actions_due_ahead(ctx: Context) -> str | None:
    """Each action of a proposed plan is due after today."""
    for number, action in enumerate(ctx.data["actions"], start=1):
        if as_date(action.get("by")) is not None and as_date(action["by"]) <= ctx.today:
            return Refusal(f"Action {number} must be due after today.", f"action_{number}_by")
    return None


def plan_ends_ahead(ctx: Context) -> str | None:
    """A proposed plan ends after today."""
    if ctx.data["plan_end"] <= ctx.today:
        return Refusal("The end date of the plan must be in the future.", "plan_end")
    return None


def actions_within_the_plan(ctx: Context) -> str | None:
    """Every action of a proposed plan is due on or before the plan's end date."""
    end = ctx.data["plan_end"]
    for number, action in enumerate(ctx.data["actions"], start=1):
        if as_date(action["by"]) > end:
            return Refusal(f"Action {number} must be due on or before the end date of the plan, {long_date(end)}.",
                           f"action_{number}_by")
    return None


def proposed_plan_end(plan: dict) -> date | None:
    return as_date(plan.get("plan_end"))


def plan_still_running(ctx: Context) -> str | None:
    """The plan being agreed has not already ended."""
    plans = ctx.get("plans", default=[])
    end = proposed_plan_end(plans[-1]) if plans else None
    if end is not None and end <= ctx.today:
        return (f"Version {len(plans)} of the plan ends on {long_date(end)}, which has passed. "
                "Propose a new version with a later end date.")
    return None


def review_not_early(ctx: Context) -> str | None:
    """The review starts on or after the plan's end date, or earlier with a reason recorded."""
    end = as_date(ctx.get("plan_end"))
    if end is None or ctx.today >= end:
        return None
    if not ctx.data.get("early_reason"):
        return Refusal(f"The plan runs until {long_date(end)}. To start the review before then, select why.",
                       "early_reason")
    if not ctx.data.get("early_explanation"):
        return Refusal("Say what has happened that means the review cannot wait until the plan ends.",
                       "early_explanation")
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


def current_actions(ctx: Context) -> list[dict]:
    version = ctx.get("plan_agreed_version")
    plans = ctx.get("plans", default=[])
    return plans[version - 1]["actions"] if version else []


def propose_plan(ctx: Context) -> None:
    plans = ctx.get("plans", default=[])
    actions = [{**a, "id": n} for n, a in enumerate(ctx.data["actions"], start=1)]
    plans.append({"version": len(plans) + 1, "actions": actions, "plan_end": ctx.data["plan_end"],
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
        # The end date both sides agreed; a plan proposed before plans had one runs the default period.
        ctx.put("plan_end", proposed_plan_end(plans[-1])
                or cal.add_calendar_months(ctx.today, ctx.limits.plan_period_months))


def start_review(ctx: Context) -> None:
    """Record a review started before the plan's end date, with why; the timeline shows it and
    the organisation is told in writing (`notifications.compose`)."""
    end = as_date(ctx.get("plan_end"))
    if end is not None and ctx.today < end:
        ctx.put("early_review", {"reason": ctx.data["early_reason"], "explanation": ctx.data["early_explanation"],
                                 "on": ctx.today, "plan_end": end})
        ctx.audit_extra["started_early"] = f"Before the plan's end date, {long_date(end)}"
    else:
        ctx.put("early_review", None)
        for key in ("early_reason", "early_explanation"):
            ctx.data.pop(key, None)   # nothing to explain: the plan has ended


def complete_action(ctx: Context) -> None:
    plans, version = ctx.get("plans"), ctx.get("plan_agreed_version")
    for action in plans[version - 1]["actions"]:
        if action["id"] == ctx.data["action"]:
            action.update(done_on=ctx.today, evidence=ctx.data.get("evidence", ""))
            ctx.audit_extra["action_name"] = action["what"]   # the timeline names it, not its number
    ctx.put("plans", plans)


def after_the_plan_end(ctx: Context) -> str | None:
    current, chosen = as_date(ctx.get("plan_end")), ctx.data.get("new_end_date")
    if current is not None and chosen is not None and chosen <= current:
        return Refusal(f"The new end date must be after the plan's current end date, {long_date(current)}.",
                       "new_end_date")
    return None


def extend_plan(ctx: Context) -> None:
    ctx.put("plan_end", ctx.data["new_end_date"])
    append("plan_extensions")(ctx)
