"""Starting cases: a funder officer opens a funding-change case in draft; either party raises
a dispute, optionally linked to the funding-change case it concerns."""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casework.audit import append_entry
from casework.cases import Case, CaseLink, CaseRole
from casework.errors import InvalidInput, NotFound, NotPermitted
from casework.events import CaseOpened
from casework.organisations import Organisation, OrganisationKind, Person
from casework.permissions import can_open_funding_case, can_raise_dispute, can_view_case
from workflows import calendar as cal
from workflows import deadlines
from workflows.context import Hooks, to_json
from workflows.definitions import Field
from workflows.documents import Attachments, attach, attach_audit
from workflows.dispute import WORKFLOW as DISPUTE
from workflows.fields import parse_fields
from workflows.funding_change import WORKFLOW as FUNDING_CHANGE
from workflows.limits import TimeLimits
from workflows.undertakings import UNDERTAKINGS

FUNDING_CASE_FIELDS = (
    Field("title", "Programme or service", "text"),
    Field("vco", "Funded organisation", "int"),
    Field("decision_maker", "Decision-maker", "person", required=False),
)

DISPUTE_FIELDS = (
    Field("subject", "Subject", "text",
          hint="A few words that say what the dispute is about, such as ‘Lunch club grant cut without reading "
               "our response’. Everyone on the dispute will see it."),
    Field("respondent", "Organisation the dispute is with", "int"),
    Field("undertakings", "Compact undertakings concerned", "multichoice", choices=UNDERTAKINGS),
    Field("what_happened", "What happened"),
    Field("outcome_sought", "Outcome you are seeking"),
    Field("evidence", "Evidence"),
    Field("linked_case", "Linked funding case", "int", required=False),
)


def open_funding_case(session: Session, actor: Person, raw: dict[str, Any], now: datetime,
                      hooks: Hooks) -> Case:
    """Open a draft funding-change case run by this funder officer."""
    if not can_open_funding_case(actor):
        raise NotPermitted("Only a funder officer at a funding organisation can start a case.")
    data = parse_fields(FUNDING_CASE_FIELDS, raw)
    vco = session.get(Organisation, data["vco"])
    if vco is None or vco.kind != OrganisationKind.VCO:
        raise InvalidInput({"vco": "Select a funded organisation from the list"})
    dm = None
    if data.get("decision_maker"):
        dm = session.get(Person, data["decision_maker"])
        if dm is None or dm.id == actor.id or not dm.has_role("decision_maker") or dm.organisation_id != actor.organisation_id:
            raise InvalidInput({"decision_maker": "Select a decision-maker from your organisation, other than yourself"})
    case = Case(workflow=FUNDING_CHANGE.key, workflow_version=FUNDING_CHANGE.version,
                status=FUNDING_CHANGE.initial, title=data["title"][:300], funder_org_id=actor.organisation_id,
                vco_org_id=vco.id, opened_at=now, updated_at=now, data={"stage_started_on": cal.local_date(now).isoformat()})
    session.add(case)
    case.assign(actor, CaseRole.FUNDER_OFFICER, now)
    if dm is not None:
        case.assign(dm, CaseRole.DECISION_MAKER, now)
    named = {"title": data["title"], "organisation": vco.name,
             "decision_maker_name": dm.name if dm else None}
    return _start(session, case, actor, "open_case", named, now, hooks)


def raise_dispute(session: Session, actor: Person, raw: dict[str, Any], now: datetime,
                  limits: TimeLimits, calendar: cal.WorkingCalendar, hooks: Hooks,
                  attachments: Attachments | None = None) -> Case:
    """Raise a Compact dispute from the actor's organisation against another, with the
    evidence files attached to it (already stored), recorded with its first timeline entry."""
    if not can_raise_dispute(actor) or actor.organisation is None:
        raise NotPermitted("Only staff of a funded organisation or a funder can raise a dispute.")
    data = parse_fields(DISPUTE_FIELDS, raw)
    mine, theirs = actor.organisation, session.get(Organisation, data["respondent"])
    if theirs is None or theirs.id == mine.id or {mine.is_funder, theirs.is_funder} != {True, False}:
        raise InvalidInput({"respondent": "Select the funder or funded organisation the dispute is with"})
    funder, vco = (mine, theirs) if mine.is_funder else (theirs, mine)
    linked = _linked_case(session, actor, data.get("linked_case"), funder, vco)
    case = Case(workflow=DISPUTE.key, workflow_version=DISPUTE.version, status=DISPUTE.initial,
                title=f"{data['subject']} ({mine.name} and {theirs.name})"[:300], funder_org_id=funder.id,
                vco_org_id=vco.id,
                complainant_org_id=mine.id, respondent_org_id=theirs.id, opened_at=now, updated_at=now,
                data={"stage_started_on": cal.local_date(now).isoformat(), "dispute": to_json(data)})
    case = _start(session, case, actor, "raise_dispute", {**data, **attach_audit(attachments)}, now, hooks,
                  limits=limits, calendar=calendar)
    attach(session, case, actor, attachments, now, "raise_dispute")
    if linked is not None:
        session.add(CaseLink(dispute_id=case.id, funding_case_id=linked.id))
        session.flush()
    return case


def _linked_case(session: Session, actor: Person, case_id: int | None, funder: Organisation,
                 vco: Organisation) -> Case | None:
    if case_id is None:
        return None
    linked = session.get(Case, case_id)
    if linked is None or linked.workflow != FUNDING_CHANGE.key or not can_view_case(actor, linked):
        raise NotFound("There is no funding case with that reference.")
    if (linked.funder_org_id, linked.vco_org_id) != (funder.id, vco.id):
        raise InvalidInput({"linked_case": "The linked case must be between the same two organisations"})
    return linked


def _start(session: Session, case: Case, actor: Person, trigger: str, data: dict, now: datetime,
           hooks: Hooks, limits: TimeLimits | None = None, calendar: cal.WorkingCalendar | None = None) -> Case:
    session.add(case)
    session.flush()
    append_entry(session, case, actor, trigger, None, case.status, to_json(data), now)
    if limits is not None:
        workflow = DISPUTE if case.workflow == DISPUTE.key else FUNDING_CHANGE
        deadlines.sync(session, workflow, case, now, limits, calendar or cal.DEFAULT_CALENDAR)
    session.flush()
    if hooks.on_events is not None:
        hooks.on_events(session.connection(), [CaseOpened(case.id, now, case.workflow, actor.id)], {case.id: case})
    return case
