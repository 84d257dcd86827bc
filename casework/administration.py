"""What administrators change about people and organisations. Each function checks everything
it was given first and raises InvalidInput naming every problem, so a refusal writes nothing.
Email addresses stay unique, and no administrator can deactivate themselves or give up their
own administrator role, so the council can never lock itself out. Organisation names stay
unique too."""
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from casework.cases import Case
from casework.errors import InvalidInput, NotFound
from casework.logins import LoginSession
from casework.organisations import DecidesAs, Organisation, OrganisationKind, Person, Role
from casework.password_policy import MAX_PASSWORD, MIN_PASSWORD, password_problem  # noqa: F401 (the forms read them here)
from casework.passwords import hash_password

MAX_NAME, MAX_EMAIL = 200, 254
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
EMAIL_TAKEN = "Someone already uses that email address"
ORGANISATION_NAME_TAKEN = "There is already an organisation with that name"


@dataclass(frozen=True)
class PersonDetails:
    """A person's details as an administrator typed and chose them (organisation as its id)."""

    name: str
    email: str
    organisation: str
    roles: tuple[str, ...]
    job_title: str = ""
    decides_as: str = ""   #: a decision-maker's `DecidesAs`; ignored for everyone else


@dataclass(frozen=True)
class OrganisationContact:
    """Where an organisation's letters go and how its people are reached, as typed: all
    optional, but an address has its first line, town and postcode."""

    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    contact_name: str = ""
    phone: str = ""


MAX_JOB_TITLE = 100
#: The longest each part of an address and contact may be, with how a message names it.
CONTACT_LIMITS = {"address_line_1": (100, "Address line 1"), "address_line_2": (100, "Address line 2"),
                  "town": (60, "Town or city"), "contact_name": (200, "Who letters are addressed to")}
#: A UK postcode (the outward code, then the inward code), spaces aside.
POSTCODE = re.compile(r"(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2})")
PHONE_CHARACTERS = re.compile(r"[0-9 +()\-]+")


def add_person(session: Session, details: PersonDetails, password: str) -> Person:
    """A new person who can sign in with this password."""
    problems, organisation = _person_problems(session, details, None)
    weak = password_problem(password, name=clean(details.name), email=clean(details.email),
                            organisation=organisation.name if organisation else "")
    if weak:
        problems["password"] = weak
    if problems:
        raise InvalidInput(problems)
    person = Person(name=clean(details.name), email=clean(details.email).lower(), organisation=organisation,
                    password_hash=hash_password(password), job_title=clean(details.job_title) or None,
                    decides_as=_decides_as(details))
    person.grant(*details.roles)
    session.add(person)
    session.flush()
    return person


def add_invited_person(session: Session, details: PersonDetails) -> Person:
    """A new person with no password yet: they choose one through their invitation
    (notifications.accounts.invite)."""
    problems, organisation = _person_problems(session, details, None)
    if problems:
        raise InvalidInput(problems)
    person = Person(name=clean(details.name), email=clean(details.email).lower(), organisation=organisation,
                    password_hash=None, job_title=clean(details.job_title) or None,
                    decides_as=_decides_as(details))
    person.grant(*details.roles)
    session.add(person)
    session.flush()
    return person


def change_person(session: Session, person_id: int, details: PersonDetails, actor_id: int) -> list[str]:
    """Change a person's name, email, organisation and roles; returns what changed."""
    person = _get(session, Person, person_id)
    problems, organisation = _person_problems(session, details, person)
    if person.id == actor_id and Role.ADMINISTRATOR in person.roles and Role.ADMINISTRATOR not in details.roles:
        problems["roles"] = ("You cannot remove your own administrator role. "
                             "Ask another administrator if it needs to go")
    if problems:
        raise InvalidInput(problems)
    wanted = {Role(r).value for r in details.roles}
    before = (person.name, person.email, person.organisation_id, person.roles, person.job_title, person.decides_as)
    person.name, person.email, person.organisation = clean(details.name), clean(details.email).lower(), organisation
    person.job_title, person.decides_as = clean(details.job_title) or None, _decides_as(details)
    person.role_rows = [row for row in person.role_rows if row.role in wanted]
    person.grant(*sorted(wanted))
    after = (person.name, person.email, person.organisation_id, person.roles, person.job_title, person.decides_as)
    return [field for field, old, new in zip(("name", "email", "organisation", "roles", "job_title", "decides_as"),
                                             before, after)
            if old != new]


def _decides_as(details: PersonDetails) -> str | None:
    """How a decision-maker decides; nothing for anyone else."""
    return details.decides_as if Role.DECISION_MAKER in details.roles else None


def set_person_active(session: Session, person_id: int, active: bool, actor_id: int, now: datetime) -> list[str]:
    """Reactivate a person, or deactivate them: they cannot sign in, and every session they
    have ends now (so reactivating them later does not bring an old session back). Returns
    what changed."""
    person = _get(session, Person, person_id)
    if not active and person.id == actor_id:
        raise InvalidInput({"confirm": "You cannot deactivate your own account. "
                                       "Ask another administrator if it needs to be done"})
    changed = ["is_active"] if person.is_active != active else []
    person.is_active = active
    if not active:
        session.execute(update(LoginSession).where(LoginSession.person_id == person.id,
                                                   LoginSession.ended_at.is_(None)).values(ended_at=now))
    return changed


def add_organisation(session: Session, name: str, kind: str,
                     contact: OrganisationContact | None = None) -> Organisation:
    """A new organisation of this type (see OrganisationKind), under a name no other has."""
    problems = _organisation_problems(session, name, kind, None)
    contact_problems, kept = contact_values(contact or OrganisationContact())
    if problems or contact_problems:
        raise InvalidInput(problems | contact_problems)
    organisation = Organisation(name=clean(name), kind=kind, **kept)
    session.add(organisation)
    session.flush()
    return organisation


def change_organisation(session: Session, organisation_id: int, name: str, kind: str,
                        contact: OrganisationContact | None = None) -> list[str]:
    """Change an organisation's name and type, and (given) its address and contact; returns what
    changed. Its type cannot change once it is part of a case, because each case was set up for
    the types its parties had."""
    organisation = _get(session, Organisation, organisation_id)
    problems = _organisation_problems(session, name, kind, organisation)
    if "kind" not in problems and kind != organisation.kind and _is_party_to_a_case(session, organisation.id):
        problems["kind"] = "You cannot change the type of an organisation that is part of a case"
    contact_problems, kept = contact_values(contact) if contact is not None else ({}, {})
    if problems or contact_problems:
        raise InvalidInput(problems | contact_problems)
    wanted = {"name": clean(name), "kind": kind, **kept}
    changed = [field for field, new in wanted.items() if getattr(organisation, field) != new]
    for field, new in wanted.items():
        setattr(organisation, field, new)
    return changed


def contact_values(contact: OrganisationContact) -> tuple[dict[str, str], dict[str, str | None]]:
    """(problems, the values to keep) for an organisation's address and contact, in the GOV.UK
    address pattern's words. A postcode is kept in capitals with one space ("DA1 4RS")."""
    typed = {field: clean(getattr(contact, field)) for field in OrganisationContact.__dataclass_fields__}
    problems: dict[str, str] = {}
    for field, (limit, words) in CONTACT_LIMITS.items():
        if len(typed[field]) > limit:
            problems[field] = f"{words} must be {limit} characters or fewer"
    if any(typed[f] for f in ("address_line_1", "address_line_2", "town", "postcode")):
        for field, message in (("address_line_1", "Enter address line 1, typically the building and street"),
                               ("town", "Enter town or city"), ("postcode", "Enter postcode")):
            if not typed[field]:
                problems.setdefault(field, message)
    postcode = "".join(typed["postcode"].split()).upper()
    if postcode and not POSTCODE.fullmatch(postcode):
        problems["postcode"] = "Enter a real postcode, like DA6 7AT"
    elif postcode:
        typed["postcode"] = f"{postcode[:-3]} {postcode[-3:]}"
    digits = sum(ch.isdigit() for ch in typed["phone"])
    if typed["phone"] and not (PHONE_CHARACTERS.fullmatch(typed["phone"]) and 10 <= digits <= 15):
        problems["phone"] = "Enter a telephone number, like 020 8303 7777 or 07700 900 982"
    return problems, {field: value or None for field, value in typed.items()}


def clean(text: str) -> str:
    """What was typed, without NUL characters (PostgreSQL text cannot hold them) or outer spaces."""
    return text.replace("\x00", "").strip()


def _person_problems(session: Session, details: PersonDetails,
                     person: Person | None) -> tuple[dict[str, str], Organisation | None]:
    name, email = clean(details.name), clean(details.email).lower()
    problems = {}
    if not name:
        problems["name"] = "Enter the person's full name"
    elif len(name) > MAX_NAME:
        problems["name"] = f"Full name must be {MAX_NAME} characters or fewer"
    taken = select(Person.id).where(func.lower(Person.email) == email)
    if person is not None:
        taken = taken.where(Person.id != person.id)
    if len(email) > MAX_EMAIL:
        problems["email"] = f"Email address must be {MAX_EMAIL} characters or fewer"
    elif not EMAIL.fullmatch(email):
        problems["email"] = "Enter an email address in the correct format, like name@example.org"
    elif session.scalar(taken.limit(1)) is not None:
        problems["email"] = EMAIL_TAKEN
    if len(clean(details.job_title)) > MAX_JOB_TITLE:
        problems["job_title"] = f"Job title must be {MAX_JOB_TITLE} characters or fewer"
    if not details.roles or any(r not in {x.value for x in Role} for r in details.roles):
        problems["roles"] = "Select at least one role"
    elif Role.DECISION_MAKER in details.roles and details.decides_as not in {k.value for k in DecidesAs}:
        problems["decides_as"] = "Select whether they decide as a senior officer or an elected member"
    org = details.organisation
    organisation = session.get(Organisation, int(org)) if org.isascii() and org.isdigit() and len(org) < 10 else None
    if organisation is None:
        problems["organisation"] = "Select an organisation"
    return problems, organisation


def _organisation_problems(session: Session, name: str, kind: str,
                           organisation: Organisation | None) -> dict[str, str]:
    name, problems = clean(name), {}
    if not name:
        problems["name"] = "Enter the organisation's name"
    elif len(name) > MAX_NAME:
        problems["name"] = f"Name must be {MAX_NAME} characters or fewer"
    elif _organisation_name_taken(session, name, organisation):
        problems["name"] = ORGANISATION_NAME_TAKEN
    if kind not in {k.value for k in OrganisationKind}:
        problems["kind"] = "Select the type of organisation"
    return problems


def _organisation_name_taken(session: Session, name: str, organisation: Organisation | None = None) -> bool:
    """Whether another organisation already has this name. Two people adding the same name at
    the same moment can both pass this check: the unique index then refuses the second."""
    taken = select(Organisation.id).where(Organisation.name == name)
    if organisation is not None:
        taken = taken.where(Organisation.id != organisation.id)
    return session.scalar(taken.limit(1)) is not None


def _is_party_to_a_case(session: Session, organisation_id: int) -> bool:
    columns = (Case.funder_org_id, Case.vco_org_id, Case.complainant_org_id, Case.respondent_org_id)
    return session.scalar(select(Case.id).where(or_(*(c == organisation_id for c in columns))).limit(1)) is not None


def _get(session: Session, model, id_: int):
    found = session.get(model, id_)
    if found is None:
        raise NotFound("That page does not exist.")
    return found
