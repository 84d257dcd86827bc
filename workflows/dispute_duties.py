"""Keeping duties apart on a dispute (processes.md, "Revisions (2026-12-07)"): who may act for
the respondent, and each panel member's own declaration of no prior involvement. Gates
return the message a person reads; the table that uses them is in `workflows/dispute.py`."""
from casework.cases import CaseReading, CaseRole as R
from casework.errors import NotPermitted
from casework.permissions import can_act_for_respondent
from casework.separation import linked_case_officers
from workflows.context import Context
from workflows.gates import Refusal


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


def declare(ctx: Context) -> None:
    panel = ctx.get("panel")
    panel.setdefault("declarations", {})[str(ctx.actor.id)] = {
        "by": ctx.actor.name, "on": ctx.today, "declaration": ctx.data.get("declaration", "")}
    ctx.put("panel", panel)
