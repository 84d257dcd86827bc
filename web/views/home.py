"""The home page's sections for each kind of person, beyond the tables of deadlines: a
contract manager's cases by stage, a decision-maker's decisions pending, a mediator's
disputes waiting for mediation, and an administrator's counts. Each section is one cheap
statement, built once for each shape of person."""
from dataclasses import dataclass
from typing import ClassVar
from datetime import date
from functools import lru_cache

from flask import url_for
from sqlalchemy import Connection, Select, and_, bindparam, exists, func, literal, or_, select, union_all

from casework.cases import Case, CaseAssignment, CaseRole
from casework.deadlines import LIVE, Deadline
from casework.messages import MessageStatus, OutboxMessage
from casework.organisations import Organisation, Person, Role
from casework.queries import CaseLine, each_of
from casework.visibility import Shape, can_see, params_of, shape_of
from casework.settings import ExtraHoliday, TimeLimitSetting
from workflows.registry import WORKFLOWS

#: A section lists this many cases, and links to the case list when there are more.
SECTION_ROWS = 10
#: A stage's count on the home page stops here and reads "More than 100 cases" (its link opens
#: the case list, which counts to 1,000): a summary, not a tally. Counting each stage to 1,000
#: took PostgreSQL 7 ms a home page at 100,000 cases, a quarter of the page; to 100, 1 ms.
STAGE_COUNT_LIMIT = 100
#: Disputes whose parties asked for mediation and that BVSC has not yet taken on.
MEDIATION_STATE = "mediation_requested"
CASE_ROLES = frozenset(Role) - {Role.ADMINISTRATOR}


@dataclass
class Sections:
    stages: list[tuple[str, int, str]] | None = None      # (tag, count up to STAGE_COUNT_LIMIT + 1, case list link)
    decisions: list[tuple[CaseLine, date | None]] | None = None   # with when each decision is due
    mediation: list[CaseLine] | None = None
    admin: dict[str, int] | None = None
    admin_only: bool = False
    count_limit: ClassVar[int] = STAGE_COUNT_LIMIT      # a stage's count past this reads "more than"

    @staticmethod
    def stage(line: CaseLine) -> str:
        """The tag people see for the case's stage."""
        return WORKFLOWS[line.workflow].info[line.status].tag


def sections(conn: Connection, person: Person) -> Sections:
    """The sections this person's home page shows, each found in one statement."""
    shape, roles, params = shape_of(person), set(person.roles), params_of(person)
    found = Sections(admin_only=Role.ADMINISTRATOR in roles and not roles & CASE_ROLES)
    if Role.FUNDER_OFFICER in roles:
        counts = dict(conn.execute(_by_stage(shape, conn.dialect.name), params | {"count_limit": STAGE_COUNT_LIMIT + 1}).all())
        # One url_for for all the stages' links rather than one each (about 0.06 ms a call).
        link = url_for("cases.case_list", stage="funding_change:STATE")
        found.stages = [(info.tag, counts[state], link.replace("STATE", state))
                        for state, info in WORKFLOWS["funding_change"].info.items() if counts.get(state)]
    if Role.DECISION_MAKER in roles:
        found.decisions = [(CaseLine(*row[:-1]), row[-1]) for row in conn.execute(_decisions(shape), params)]
    if Role.MEDIATOR in roles:
        found.mediation = [CaseLine(*row) for row in conn.execute(_mediation(shape), params)]
    if Role.ADMINISTRATOR in roles:
        found.admin = dict(conn.execute(_ADMIN_COUNTS).mappings().one())
    return found


_LINE = (Case.id, Case.workflow, Case.status, Case.title)


@lru_cache(maxsize=64)
def _by_stage(shape: Shape, dialect: str):
    """How many cases at each stage, each count stopping past STAGE_COUNT_LIMIT: a walk
    of the visibility index for each stage. PostgreSQL runs one walk for each stage in turn
    (fourteen written out cost it 14 ms of planning on every request); SQLite, which cannot
    run a subquery for each row of another (LATERAL), runs the fourteen written out."""
    def capped(state) -> Select:
        return (select(Case.id).where(Case.workflow == "funding_change", Case.status == state, can_see(shape))
                .limit(bindparam("count_limit")))

    if dialect == "postgresql":
        stages = each_of("state", WORKFLOWS["funding_change"].info)
        walk = capped(stages.c.state).correlate(stages).subquery()
        return select(stages.c.state, select(func.count()).select_from(walk).scalar_subquery())
    return union_all(*(select(literal(state), select(func.count()).select_from(capped(state).subquery())
                                                 .scalar_subquery()) for state in WORKFLOWS["funding_change"].info))


@lru_cache(maxsize=64)
def _decisions(shape: Shape) -> Select:
    mine = exists().where(CaseAssignment.case_id == Case.id, CaseAssignment.person_id == bindparam("person_id"),
                          CaseAssignment.role == CaseRole.DECISION_MAKER)
    due = (select(func.min(Deadline.due_on)).where(Deadline.case_id == Case.id, Deadline.status.in_(LIVE))
           .scalar_subquery())
    return (select(*_LINE, due).where(can_see(shape), or_(
        and_(Case.workflow == "funding_change", Case.status == "decision_pending", mine),
        and_(Case.workflow == "dispute", Case.status == "panel_findings_issued",
             Case.respondent_org_id == bindparam("org_id"))))
        .order_by(Case.updated_at, Case.id).limit(SECTION_ROWS + 1))


@lru_cache(maxsize=64)
def _mediation(shape: Shape) -> Select:
    return (select(*_LINE).where(can_see(shape), Case.workflow == "dispute", Case.status == MEDIATION_STATE)
            .order_by(Case.updated_at, Case.id).limit(SECTION_ROWS + 1))


def _count(model, *where):
    return select(func.count()).select_from(model).where(*where).scalar_subquery()


_ADMIN_COUNTS = select(
    _count(Person, Person.is_active.is_(True)).label("people"),
    _count(Organisation).label("organisations"),
    _count(ExtraHoliday).label("holidays"),
    _count(TimeLimitSetting).label("time_limits"),
    _count(OutboxMessage, OutboxMessage.status == MessageStatus.FAILED).label("failed"),
)
