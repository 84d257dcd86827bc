"""Read-side queries for lists and home pages: the cases a person may see (the SQL form of
`permissions.can_view_case`), their live deadlines, and paging."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from casework.cases import MEDIATOR_QUEUE_STATES, PARTY_STAFF_ROLES, Case, CaseAssignment, CaseRole
from casework.deadlines import LIVE, Deadline
from casework.organisations import Person, Role


def visible_cases(person: Person) -> Select:
    """A query of every case this person may see, matching `can_view_case`."""
    assigned = exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.person_id == person.id)
    org = person.organisation_id
    rules = []
    if org is not None:
        if Role.VCO_STAFF in person.roles:
            rules.append(and_(Case.workflow == "funding_change", Case.vco_org_id == org, Case.status != "draft"))
        if person.roles & {Role.FUNDER_OFFICER, Role.DECISION_MAKER}:
            rules.append(and_(Case.workflow == "funding_change", Case.funder_org_id == org, Case.status != "draft"))
        if person.roles & PARTY_STAFF_ROLES:
            rules.append(and_(Case.workflow == "dispute",
                              or_(Case.complainant_org_id == org, Case.respondent_org_id == org)))
    if Role.MEDIATOR in person.roles:
        rules.append(and_(Case.workflow == "dispute", Case.status.in_(MEDIATOR_QUEUE_STATES),
                          or_(Case.complainant_org_id.is_(None), Case.complainant_org_id != (org or -1)),
                          or_(Case.respondent_org_id.is_(None), Case.respondent_org_id != (org or -1))))
    # Column tests first: SQLite stops at the first true term, so the per-row look-up of
    # assignments runs only for cases the organisation rules do not already show.
    rules.append(assigned)
    draft_ok = or_(Case.status != "draft", exists().where(
        CaseAssignment.case_id == Case.id, CaseAssignment.person_id == person.id,
        CaseAssignment.role == CaseRole.FUNDER_OFFICER))
    if not person.is_active:
        return select(Case).where(false())
    return select(Case).where(or_(*rules), draft_ok)


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def case_page(session: Session, query: Select, number: int, size: int = 25) -> Page:
    """One page of a case query, newest activity first."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number = max(1, min(number, max(1, -(-total // size))))
    items = list(session.scalars(query.order_by(Case.updated_at.desc(), Case.id.desc())
                                 .offset((number - 1) * size).limit(size)))
    return Page(items, number, size, total)


def live_deadlines_for(session: Session, case_query: Select, before: datetime | None = None,
                       limit: int = 200, due_within: tuple[date, date] | None = None) -> list[Deadline]:
    """Live deadlines of the cases a `select(Case).where(...)` query picks, soonest first
    (optionally firing before an instant, or due within two dates), each with its case loaded
    in the same query, less the case's `data` (reading it raises: load the case for that)."""
    # Driven from the live deadlines joined to their cases, rather than `case_id IN (every
    # visible case)`, and loading each case with its row: no query per deadline on the home page.
    q = (select(Deadline).join(Deadline.case).where(Deadline.status.in_(LIVE))
         .options(contains_eager(Deadline.case).defer(Case.data, raiseload=True)))
    if case_query.whereclause is not None:
        q = q.where(case_query.whereclause)
    if before is not None:
        q = q.where(Deadline.fires_at <= before)
    if due_within is not None:
        q = q.where(Deadline.due_on.between(*due_within))
    return list(session.scalars(q.order_by(Deadline.due_on, Deadline.id).limit(limit)))
