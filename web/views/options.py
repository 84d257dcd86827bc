"""What an action's page starts with, read from the action's declared fields: the people or
items each choice offers, the values the page starts with, and hints that depend on the case."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases import Case, CaseRole
from casework.organisations import Person, PersonRole
from casework.separation import linked_case_officers
from workflows.definitions import Asking, Field, People, Transition


def _people(db: Session, role: str | None = None, org: int | None = None, exclude_orgs=(),
            exclude=frozenset()) -> list[tuple[str, str]]:
    q = select(Person).where(Person.is_active.is_(True)).order_by(Person.name)
    if role:
        q = q.where(Person.id.in_(select(PersonRole.person_id).where(PersonRole.role == role)))
    if org is not None:
        q = q.where(Person.organisation_id == org)
    people = [p for p in db.scalars(q) if p.organisation_id not in exclude_orgs and p.id not in exclude]
    return [(str(p.id), f"{p.name}, {p.organisation.name if p.organisation else 'independent'}") for p in people]


def field_options(db: Session, case: Case, row: Transition) -> dict[str, list[tuple[str, str]]]:
    """Choices per field name for this action on this case."""
    return {f.name: _choices(db, case, f) for f in row.fields if f.people is not None or f.items is not None}


def _choices(db: Session, case: Case, field: Field) -> list[tuple[str, str]]:
    if field.items is not None:
        return field.items(case)
    who: People = field.people
    role = who.role(case) if callable(who.role) else who.role
    return _people(db, role, getattr(case, who.org) if who.org else None,
                   case.party_org_ids() if who.independent else (),
                   linked_case_officers(db.connection(), case) if who.separated else frozenset())


def initial_values(row: Transition, ask: Asking) -> dict:
    """Values a page starts with, as each field declares (the plan version being agreed, the
    plan's end date, the saved assessment, the default consultation response date)."""
    return {f.name: f.start(ask) for f in row.fields if f.start is not None}


def case_words(form, row: Transition, ask: Asking) -> None:
    """Put the words that depend on the case on the form's questions: leave out a question
    the case does not ask now, set hints, and drop "(optional)" from a question the case now
    needs answered."""
    for f in (f for f in row.fields if f.name in form):
        if f.asked_if is not None and not f.asked_if(ask):
            del form[f.name]
            continue
        if f.hint_for is not None:
            form[f.name].description = f.hint_for(ask)
        if f.needed_if is not None and f.needed_if(ask.case):
            form[f.name].label.text = f.label


def role_names(roles) -> str:
    words = {CaseRole.FUNDER_OFFICER: "funder officer", CaseRole.DECISION_MAKER: "decision-maker",
             CaseRole.VCO_LEAD: "organisation", CaseRole.COMPLAINANT: "complainant", CaseRole.RESPONDENT: "respondent",
             CaseRole.RESPONDENT_OFFICER: "responding officer", CaseRole.SENIOR_REVIEWER: "senior reviewer",
             CaseRole.MEDIATOR: "mediator", CaseRole.PANEL_MEMBER: "panel", CaseRole.MEDIATION_SERVICE: "BVSC",
             CaseRole.PANEL_CONVENER: "panel convener"}
    return ", ".join(words.get(r, r) for r in roles)
