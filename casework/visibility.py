"""Who may see a case and whom a deadline waits on, as SQL: `can_see` is the SQL form of
`permissions.can_view_case`, `acts_on` of `case_roles` (with `waits_on`, its Python form,
beside it), for the lists and counts of `casework.queries` and the notifications.

Each condition is built once for each shape of person (active or not, with an organisation
or not, which roles), with the person's ids as bound parameters: building a statement costs
far more than running it."""
from sqlalchemy import ColumnElement, Select, String, and_, bindparam, cast, exists, false, literal, or_, select, true

from casework.cases import (JUDGING_ROLES, MEDIATOR_QUEUE_STATES, PANEL_CONVENING_STATE, PARTY_STAFF_ROLES, Case,
                            CaseAssignment, CaseLink, CaseRole, case_roles)
from casework.deadlines import Deadline
from casework.organisations import Person, Role

#: (active, has an organisation, roles): all the SQL of a person's queries depends on.
Shape = tuple[bool, bool, frozenset[str]]


def shape_of(person: Person) -> Shape:
    return person.is_active, person.organisation_id is not None, frozenset(person.roles)


def params_of(person: Person) -> dict:
    return {"person_id": person.id, "org_id": person.organisation_id}


def visible_cases(person: Person) -> Select:
    """A query of every case this person may see, matching `can_view_case`."""
    return select(Case).where(can_see(shape_of(person))).params(**params_of(person))


def can_see(shape: Shape) -> ColumnElement[bool]:
    """The condition on `cases` of `visible_cases`, with :person_id and :org_id to bind."""
    active, has_org, roles = shape
    if not active:
        return false()
    me, org = bindparam("person_id"), bindparam("org_id")
    rules = []
    if has_org:
        if Role.VCO_STAFF in roles:
            rules.append(and_(Case.workflow == "funding_change", Case.vco_org_id == org))
        if roles & {Role.FUNDER_OFFICER, Role.DECISION_MAKER}:
            rules.append(and_(Case.workflow == "funding_change", Case.funder_org_id == org))
        if roles & PARTY_STAFF_ROLES:
            rules.append(and_(Case.workflow == "dispute",
                              or_(Case.complainant_org_id == org, Case.respondent_org_id == org)))
    if Role.MEDIATOR in roles:
        own = org if has_org else -1
        rules.append(and_(Case.workflow == "dispute", one_of(Case.status, MEDIATOR_QUEUE_STATES),
                          or_(Case.complainant_org_id.is_(None), Case.complainant_org_id != own),
                          or_(Case.respondent_org_id.is_(None), Case.respondent_org_id != own)))
    if Role.ADMINISTRATOR in roles:   # an administrator may appoint the panel (`case_roles`: PANEL_CONVENER)
        rules.append(and_(Case.workflow == "dispute", Case.status == PANEL_CONVENING_STATE, _not_a_party(has_org, org)))
    # Column tests first: SQLite stops at the first true term, so the per-row look-up of
    # assignments runs only for cases the organisation rules do not already show.
    rules.append(exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.person_id == me))
    # Those judging a dispute read the funding case it is about (`permissions.can_read_as_judge`).
    # Written as a JOIN: SQLAlchemy's cartesian-product check misreads the two tables listed
    # apart when the rule sits in a LATERAL walk (casework.queries, the home page).
    rules.append(and_(Case.workflow == "funding_change", exists(
        select(CaseLink.dispute_id).join(CaseAssignment, CaseAssignment.case_id == CaseLink.dispute_id).where(
            CaseLink.funding_case_id == Case.id, CaseAssignment.person_id == me,
            one_of(CaseAssignment.role, JUDGING_ROLES)))))
    # A draft is seen only by a funder officer assigned to it (who is assigned to it by any
    # rule above too). Testing the status once, rather than in each rule and again for the
    # draft, takes a third off what counting every case a person may see costs SQLite.
    # OFFSET 0 keeps PostgreSQL from hashing every case the person is assigned to before the
    # first draft it meets (50 ms for a contract manager on 50,000 cases): it looks up each
    # draft's author instead, and only for drafts.
    author = (select(CaseAssignment.id).where(CaseAssignment.case_id == Case.id, CaseAssignment.person_id == me,
                                              CaseAssignment.role == CaseRole.FUNDER_OFFICER).offset(0).exists())
    return or_(and_(Case.status != "draft", or_(*rules)), and_(Case.status == "draft", author))


#: Deadlines that are dates a case waits for, never something to do (the sweep acts on them):
#: nobody is waiting on them. Notifications word them as dates (`notifications.wording`).
DATES_NOT_TASKS = frozenset({"plan_end", "notice_effective"})

#: Which of their own roles let a member of a party organisation act for it on a dispute. A
#: senior reviewer acts only in the review assigned to them, never as the party.
PARTY_ACTORS = frozenset({"vco_staff", "funder_officer", "decision_maker"})

#: Deadlines only some of a party's staff act on, whatever else they may do: the panel's
#: findings are answered by a decision-maker; a mediator is assigned by the mediation service
#: alone (its staff act through MEDIATION_SERVICE, never as a party).
PARTY_KIND_ACTORS: dict[str, frozenset[str]] = {"findings_response": frozenset({"decision_maker"}),
                                                "mediation_agreement": frozenset()}

_PARTY_ROLES = frozenset({CaseRole.COMPLAINANT, CaseRole.RESPONDENT})


def waits_on(person: Person, case: Case, kind: str, acting_roles: list[str]) -> bool:
    """Whether this live deadline waits on this person: the Python form of `acts_on`."""
    if kind in DATES_NOT_TASKS:
        return False
    roles = set(acting_roles) & case_roles(case, person)
    if case.workflow == "dispute" and not {a.role for a in case.assignments if a.person_id == person.id} & roles:
        party_ok = bool(person.roles & PARTY_ACTORS & PARTY_KIND_ACTORS.get(kind, PARTY_ACTORS))
        roles = {role for role in roles if role not in _PARTY_ROLES or party_ok}
    return bool(roles)


def acts_on(shape: Shape) -> ColumnElement[bool]:
    """The condition on `deadlines` joined to `cases` that the deadline waits on the person
    (`waits_on`): some role they play on the case (`case_roles`) is one the deadline waits on
    (`Deadline.acting_roles`), it is a task rather than a date, and on a dispute a party's
    task is one this person acts on for their organisation."""
    _active, has_org, roles = shape
    me, org = bindparam("person_id"), bindparam("org_id")
    # The deadline may be two queries out (`casework.queries` tests a deadline's case in a
    # subquery): correlate to it wherever it is, not only to the query just outside.
    terms = [exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.person_id == me,
                            or_(*(and_(CaseAssignment.role == role, _waits_on(role)) for role in CaseRole)))
             .correlate_except(CaseAssignment)]
    if has_org and Role.VCO_STAFF in roles:
        terms.append(and_(Case.workflow == "funding_change", Case.vco_org_id == org, _waits_on(CaseRole.VCO_LEAD)))
    if has_org and roles & PARTY_STAFF_ROLES and roles & PARTY_ACTORS:
        barred = [kind for kind, actors in PARTY_KIND_ACTORS.items() if not roles & actors]
        kinds = ~one_of(Deadline.kind, barred) if barred else true()
        terms += [and_(Case.workflow == "dispute", Case.complainant_org_id == org, _waits_on(CaseRole.COMPLAINANT), kinds),
                  and_(Case.workflow == "dispute", Case.respondent_org_id == org, _waits_on(CaseRole.RESPONDENT), kinds)]
    not_a_party = _not_a_party(has_org, org)
    if Role.MEDIATOR in roles:
        terms.append(and_(Case.workflow == "dispute", one_of(Case.status, MEDIATOR_QUEUE_STATES), not_a_party,
                          _waits_on(CaseRole.MEDIATION_SERVICE)))
    conveners = [true()] if Role.ADMINISTRATOR in roles else []
    if Role.MEDIATOR in roles:   # BVSC staff other than the dispute's own mediator
        conveners.append(~exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.person_id == me,
                                         CaseAssignment.role == CaseRole.MEDIATOR))
    if conveners:
        terms.append(and_(Case.workflow == "dispute", Case.status == PANEL_CONVENING_STATE, not_a_party,
                          or_(*conveners), _waits_on(CaseRole.PANEL_CONVENER)))
    return and_(~one_of(Deadline.kind, DATES_NOT_TASKS), or_(*terms))


def _not_a_party(has_org: bool, org) -> ColumnElement[bool]:
    """The person's organisation is none of the case's parties (`CaseReading.party_org_ids`)."""
    if not has_org:
        return true()
    return and_(*(or_(column.is_(None), column != org) for column in (
        Case.funder_org_id, Case.vco_org_id, Case.complainant_org_id, Case.respondent_org_id)))


def one_of(column, values) -> ColumnElement[bool]:
    """`column IN (...)` with one bound parameter a value: `in_` of a list binds an
    "expanding" parameter, which SQLAlchemy renders into the SQL text on every execution,
    costing a large statement more than running it."""
    return column.in_([literal(value, column.type) for value in sorted(values)])


def _waits_on(role: str) -> ColumnElement[bool]:
    # acting_roles is a JSON list of role names, stored as text such as ["vco_lead"]: a quoted
    # name is one whole element on either database, with no JSON functions that differ.
    return cast(Deadline.acting_roles, String).contains(f'"{role}"', autoescape=True)
