"""The engine's letter hook: maps what a transition knows (the engine's common keys plus the
effect's `letter_context`) onto the fields each letter template needs, then renders the PDF.
The same case and action always give the same context, so the same bytes and hash."""
from collections.abc import Mapping
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from workflows.definitions import as_date
from workflows.dispute import REMEDIES

COMMON = ("funder_name", "org_name", "case_ref", "letter_date", "generated_on")
OPTIONAL = ("recipient_name", "org_address", "signatory_name", "signatory_role", "signatory_org", "contact_email",
            "contact_phone")
#: The engine's words for an outcome or category, where a template names it differently.
OUTCOMES = {"reallocate": "re_allocate"}
EXCEPTION_CATEGORIES = {"investigation": "regulator_or_police_investigation"}
DISPUTE_STAGES = {"informal response": "informal_response", "senior review": "senior_review",
                  "mediation agreement": "mediation", "Compact panel findings": "panel"}
DISPUTE_NEXT_STEPS = {
    "informal_response": "If you raised this dispute, you can accept this response, or ask for a senior "
                         "review, in Bexley Compact casework.",
    "senior_review": "If you raised this dispute, you can accept this outcome, or ask for mediation, "
                     "in Bexley Compact casework.",
    "mediation": "The dispute is resolved by agreement. Both sides should do what they agreed, by the "
                 "dates agreed.",
    "panel": "The decision-maker must respond to the panel's findings in writing.",
}


NO_AGREEMENT_NEXT_STEPS = "Mediation has ended without agreement. The dispute is not resolved."


def render_case_letter(kind: str, context: Mapping[str, Any]):
    """Render the letter a transition sends (the `Hooks.render_letter` callable)."""
    from notifications.letters import render_letter  # WeasyPrint loads only when a letter is sent
    return render_letter(kind, template_context(kind, context))


def template_context(kind: str, context: Mapping[str, Any]) -> dict[str, Any]:
    """The template's fields for this kind of letter, from the engine's context."""
    base = {key: context[key] for key in COMMON}
    base.update({key: context[key] for key in OPTIONAL if context.get(key)})
    base["letter_date"], base["generated_on"] = as_date(base["letter_date"]), as_date(base["generated_on"])
    return {**base, "programme": context.get("programme", ""), **_BY_KIND[kind](context)}


def _concern(c: Mapping[str, Any]) -> dict[str, Any]:
    return {"issues": c["issues"], "evidence": c["evidence"],
            "what_good_looks_like": c["what_good_looks_like"], "acknowledge_by": as_date(c["acknowledge_by"])}


def _consultation(c: Mapping[str, Any]) -> dict[str, Any]:
    return {"proposal": c["proposal"], "criteria_and_reasons": c["criteria_reasons"],
            "impact_summary": c["impact_summary"], "respond_by": as_date(c["respond_by"])}


def _decision(c: Mapping[str, Any]) -> dict[str, Any]:
    outcome = OUTCOMES.get(c["outcome"], c["outcome"])
    considered = c.get("consideration") or (
        f"{c['org_name']} did not send a response to the consultation before it closed, so the decision "
        "was made without one.")
    next_steps = ("Your funding continues as it is now. This case is closed." if outcome == "no_change" else
                  "We will send you written notice of the change. It will give the date the change takes effect.")
    return {"outcome": outcome, "decided_on": as_date(c["decided_on"]), "response_considered": considered,
            "options_weighed": c.get("options_weighed") or "", "rationale": c["rationale"],
            "next_steps": next_steps}


def _notice(c: Mapping[str, Any]) -> dict[str, Any]:
    dates = {k: as_date(c[k]) for k in ("decided_on", "sent_on", "deemed_given_on", "notice_period_end",
                                          "earliest_effective_on", "effective_on")}
    outcome = OUTCOMES.get(c["outcome"], c["outcome"])
    summary = (f"Funding for {c.get('programme', 'this programme')} will {c.get('outcome_words', outcome)} "
               f"from {dates['effective_on'].day} {dates['effective_on']:%B %Y}.")
    return {**dates, "outcome": outcome, "decision_summary": summary, "rationale": c["rationale"],
            "channel": c["channel"], "notice_months": c.get("notice_months") or _months(dates),
            "acknowledge_by": as_date(c["acknowledge_by"]), "exception": _exception(c.get("exception")),
            "dispute_pauses_notice": bool(c.get("dispute_pauses_notice"))}


def _notice_moved(c: Mapping[str, Any]) -> dict[str, Any]:
    return {"outcome": OUTCOMES.get(c["outcome"], c["outcome"]), "old_effective_on": as_date(c["old_effective_on"]),
            "new_effective_on": as_date(c["new_effective_on"]), "reason": c["reason"]}


def _months(dates: Mapping[str, date]) -> int:
    gap = relativedelta(dates["notice_period_end"], dates["deemed_given_on"])
    return gap.years * 12 + gap.months


def _exception(exception: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not exception:
        return None
    category = EXCEPTION_CATEGORIES.get(exception["category"], exception["category"])
    return {"category": category, "justification": exception["justification"],
            "approved_by": exception.get("signed_off_by")}


def _dispute_outcome(c: Mapping[str, Any]) -> dict[str, Any]:
    stage = DISPUTE_STAGES.get(c["stage"], c["stage"])
    outcome = c.get("outcome") or {"informal_response": "written_response", "mediation": "agreement"}.get(stage, "")
    next_steps = NO_AGREEMENT_NEXT_STEPS if outcome == "no_agreement" else DISPUTE_NEXT_STEPS[stage]
    return {"dispute_ref": c.get("dispute_ref") or c["case_ref"], "stage": stage, "outcome": outcome,
            "reasons": c["reasons"], "remedies": _remedies(c), "next_steps": next_steps,
            "next_step_by": as_date(c.get("next_step_by")), "programme": c.get("linked_programme"),
            "issued_by": "the Compact disputes panel" if stage == "panel" else None,
            "decided_on": as_date(c.get("decided_on"))}


def _remedies(c: Mapping[str, Any]) -> str:
    remedies = c.get("remedies") or []
    if isinstance(remedies, str):
        remedies = [remedies]
    labels = dict(REMEDIES)
    lines = [labels.get(r, r) for r in remedies]
    if c.get("follow_up"):
        lines.append(c["follow_up"])
    return "\n".join(lines)


def _findings_response(c: Mapping[str, Any]) -> dict[str, Any]:
    return {"dispute_ref": c.get("dispute_ref") or c["case_ref"], "finding": c["finding"],
            "findings_on": as_date(c.get("findings_on")), "recommendations": c.get("recommendations") or "",
            "response": c["response"]}


_BY_KIND = {"concern": _concern, "consultation": _consultation, "decision": _decision,
            "notice": _notice, "notice_moved": _notice_moved, "dispute_outcome": _dispute_outcome,
            "findings_response": _findings_response}
