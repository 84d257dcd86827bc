"""Choices for the person and item fields of action pages: who may be picked for each."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases import Case, CaseRole
from casework.organisations import Person, PersonRole
from casework.separation import linked_case_officers
from web.presenters import long_date
from workflows.definitions import as_date
from workflows.dispute import responding_role


def _people(db: Session, role: str | None = None, org: int | None = None, exclude_orgs=(),
            exclude=frozenset()) -> list[tuple[str, str]]:
    q = select(Person).where(Person.is_active.is_(True)).order_by(Person.name)
    if role:
        q = q.where(Person.id.in_(select(PersonRole.person_id).where(PersonRole.role == role)))
    if org is not None:
        q = q.where(Person.organisation_id == org)
    people = [p for p in db.scalars(q) if p.organisation_id not in exclude_orgs and p.id not in exclude]
    return [(str(p.id), f"{p.name}, {p.organisation.name if p.organisation else 'independent'}") for p in people]


def field_options(db: Session, case: Case, trigger: str) -> dict[str, list[tuple[str, str]]]:
    """Choices per field name for this action on this case."""
    panel = lambda: _people(db, "panel_member")  # noqa: E731
    options = {
        "assign_decision_maker": lambda: {"person": _people(db, "decision_maker", case.funder_org_id)},
        "acknowledge_dispute": lambda: {"officer": _people(db, responding_role(case), case.respondent_org_id,
                                                           exclude=linked_case_officers(db.connection(), case))},
        "assign_reviewer": lambda: {"person": _people(db, "senior_reviewer", case.respondent_org_id,
                                                      exclude=linked_case_officers(db.connection(), case))},
        "assign_mediator": lambda: {"person": _people(db, "mediator", exclude_orgs=case.party_org_ids())},
        "appoint_panel": lambda: {"chair": panel(), "statutory_member": panel(), "vcs_member": panel()},
        "complete_action": lambda: {"action": _open_actions(case)},
    }
    return options[trigger]() if trigger in options else {}


def _open_actions(case: Case) -> list[tuple[str, str]]:
    version = (case.data or {}).get("plan_agreed_version")
    if not version:
        return []
    return [(str(a["id"]), f"{a['what']} ({a['who']}, by {long_date(as_date(a['by']))})")
            for a in case.data["plans"][version - 1]["actions"] if not a.get("done_on")]


def initial_values(case: Case, trigger: str, limits=None, calendar=None, today=None) -> dict:
    """Values a page starts with: the plan version being agreed, the plan's end date (the
    default plan period from today), the saved assessment, and the default consultation
    response date."""
    if trigger == "agree_plan":
        return {"version": str(len((case.data or {}).get("plans", [])))}
    if trigger in ("open_consultation", "reopen_consultation") and limits is not None and today is not None:
        from workflows.calendar import add_working_days
        return {"respond_by": add_working_days(today, limits.consultation_wd, calendar=calendar)}
    if trigger == "propose_plan" and limits is not None and today is not None:
        from workflows.calendar import add_calendar_months
        return {"plan_end": add_calendar_months(today, limits.plan_period_months)}
    if trigger == "save_assessment":
        return dict((case.data or {}).get("assessment") or {})
    return {}


def role_names(roles) -> str:
    words = {CaseRole.FUNDER_OFFICER: "funder officer", CaseRole.DECISION_MAKER: "decision-maker",
             CaseRole.VCO_LEAD: "organisation", CaseRole.COMPLAINANT: "complainant", CaseRole.RESPONDENT: "respondent",
             CaseRole.RESPONDENT_OFFICER: "responding officer", CaseRole.SENIOR_REVIEWER: "senior reviewer",
             CaseRole.MEDIATOR: "mediator", CaseRole.PANEL_MEMBER: "panel", CaseRole.MEDIATION_SERVICE: "BVSC",
             CaseRole.PANEL_CONVENER: "panel convener"}
    return ", ".join(words.get(r, r) for r in roles)
