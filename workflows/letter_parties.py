"""Who a case's letter is to and from (processes.md, Revisions 2026-12-07, "Letters are
complete"): the organisation's named contact and postal address, and the person signing it,
with their job title (or their role on the case) and how to reach them. A letter the service
sends by itself is signed by the case's funder officer, who runs it."""
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases import Actor, CaseReading, CaseRole
from casework.organisations import Person, PersonRole, Role

#: How a signatory's role on the case reads under their name when they have no job title.
ROLE_TITLES = {CaseRole.FUNDER_OFFICER: "Contract manager", CaseRole.DECISION_MAKER: "Decision-maker",
               CaseRole.RESPONDENT_OFFICER: "Officer responding to the dispute",
               CaseRole.SENIOR_REVIEWER: "Senior reviewer", CaseRole.MEDIATOR: "Mediator",
               CaseRole.PANEL_MEMBER: "Member of the Compact disputes panel",
               CaseRole.RESPONDENT: "Decision-maker"}


def letter_parties(session: Session, case: CaseReading, actor: Actor, roles: frozenset[str]) -> dict[str, Any]:
    """The recipient, signatory and contact fields of a letter on this case sent by `actor`
    (in these roles on it); fields with nothing to say are left out."""
    fields: dict[str, Any] = {}
    org = getattr(case, "vco", None)
    if org is not None:
        fields["recipient_name"] = org.contact_name or _first_staff_name(session, org.id)
        fields["org_address"] = org.postal_address
    signer, signer_roles = (actor, roles) if isinstance(actor, Person) else (
        case.assignee(CaseRole.FUNDER_OFFICER), frozenset({CaseRole.FUNDER_OFFICER}))
    if signer is not None:
        fields["signatory_name"] = signer.name
        fields["signatory_role"] = signer.job_title or next(
            (title for role, title in ROLE_TITLES.items() if role in signer_roles), "")
        employer = signer.organisation
        if employer is not None and employer.id != case.funder_org_id:
            fields["signatory_org"] = employer.name
        fields["contact_email"] = signer.email
        fields["contact_phone"] = employer.phone if employer is not None else None
    return {key: value for key, value in fields.items() if value}


def _first_staff_name(session: Session, org_id: int) -> str | None:
    """The organisation's longest-standing active staff member, when it names no contact."""
    return session.scalar(select(Person.name).join(PersonRole, PersonRole.person_id == Person.id).where(
        Person.organisation_id == org_id, Person.is_active.is_(True), PersonRole.role == Role.VCO_STAFF)
        .order_by(Person.id).limit(1))
