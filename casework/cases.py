"""Cases of either process, who is assigned to them, and the links between a dispute and
the funding-change case it concerns. A case's status is owned by its workflow; its version
column makes a stale write fail instead of overwriting someone else's change."""
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, bindparam, inspect, select
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, object_session, relationship
from sqlalchemy.orm.attributes import set_committed_value

from casework.organisations import Organisation, Person, PersonRecord
from casework.persistence import Base, UTCDateTime

REF_PREFIX = {"funding_change": "FC", "dispute": "DS"}
#: The case data key holding why its clocks are paused (`CaseReading.pause_causes`).
PAUSE_CAUSES = "pause_causes"
MANUAL_PAUSE = "manual"


class CaseRole(StrEnum):
    FUNDER_OFFICER = "funder_officer"          #: runs the funding-change case
    DECISION_MAKER = "decision_maker"          #: decides; never the funder officer
    VCO_LEAD = "vco_lead"                      #: staff of the funded organisation
    COMPLAINANT = "complainant"                #: the side that raised a dispute
    RESPONDENT = "respondent"                  #: the side the dispute is about
    RESPONDENT_OFFICER = "respondent_officer"  #: named officer who answers informally
    SENIOR_REVIEWER = "senior_reviewer"        #: stage-2 reviewer, not involved before
    MEDIATOR = "mediator"                      #: stage-3 mediator
    PANEL_MEMBER = "panel_member"              #: stage-4 Compact panel member
    MEDIATION_SERVICE = "mediation_service"    #: BVSC mediators, who take on and convene
    PANEL_CONVENER = "panel_convener"          #: appoints the panel: an administrator, or BVSC staff who did not mediate
    SYSTEM = "system"                          #: the scheduler, acting on deadlines


#: Global roles whose holders speak for their organisation when it is a party to a dispute
#: (administrators and mediators do not).
PARTY_STAFF_ROLES = frozenset({"vco_staff", "funder_officer", "decision_maker", "senior_reviewer"})

#: Dispute stages where BVSC mediators act before anyone is assigned to the dispute.
MEDIATOR_QUEUE_STATES = frozenset({"mediation_requested", "panel_referred"})
#: The dispute stage in which the panel is appointed: by an administrator, or by BVSC staff
#: other than the dispute's mediator, neither from a party (processes.md, Revisions 2026-12-07).
PANEL_CONVENING_STATE = "panel_referred"

#: Those who judge a dispute: they may read the funding case it is linked to (read-only) while
#: assigned and after (processes.md, Revisions 2026-12-07).
JUDGING_ROLES = frozenset({"respondent_officer", "senior_reviewer", "mediator", "panel_member"})

ASSIGNABLE_ROLES = frozenset({
    CaseRole.FUNDER_OFFICER, CaseRole.DECISION_MAKER, CaseRole.RESPONDENT_OFFICER,
    CaseRole.SENIOR_REVIEWER, CaseRole.MEDIATOR, CaseRole.PANEL_MEMBER})


@dataclass(frozen=True)
class SystemActor:
    """The scheduler's identity in the audit trail."""

    id: None = None
    name: str = "Compact casework (automatic)"
    organisation_id: None = None
    roles: frozenset = frozenset()


SYSTEM = SystemActor()
Actor = Person | PersonRecord | SystemActor


class CaseReading:
    """What a case answers from its columns and assignments (the mapped `Case`'s own
    methods, kept apart so type hints below can name what they read)."""

    id: int
    workflow: str
    paused_at: datetime | None
    funder_org_id: int | None
    vco_org_id: int | None
    complainant_org_id: int | None
    respondent_org_id: int | None
    assignments: list
    #: For a funding case, the people judging a dispute linked to it (JUDGING_ROLES).
    judge_ids: frozenset[int]

    @property
    def ref(self) -> str:
        return f"{REF_PREFIX.get(self.workflow, 'CS')}-{self.id:04d}"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def pause_causes(self) -> tuple[str, ...]:
        """Why the case's clocks stand still: "manual" (the funder officer paused them) and
        "dispute:<id>" for each open linked dispute that pauses them. They restart only when
        the last cause ends."""
        data = getattr(self, "data", None) or {}
        causes = tuple(data.get(PAUSE_CAUSES) or ())
        if causes or not self.is_paused:
            return causes
        # Paused before causes were recorded: by the one dispute noted, or by hand.
        legacy = data.get("notice_paused_by_dispute")
        return (f"dispute:{legacy}",) if legacy else (MANUAL_PAUSE,)

    def party_org_ids(self) -> frozenset[int]:
        ids = (self.funder_org_id, self.vco_org_id, self.complainant_org_id, self.respondent_org_id)
        return frozenset(i for i in ids if i is not None)

    def assignees(self, role: str) -> list:
        return [a.person for a in self.assignments if a.role == role]

    def assignee(self, role: str):
        people = self.assignees(role)
        return people[0] if people else None


#: The columns of `ix_cases_report` (workflows.reporting.history.case_conditions and the groups).
REPORT_COLUMNS = ("id", "opened_at", "closed_at", "workflow", "respondent_org_id", "vco_org_id", "funder_org_id",
                  "complainant_org_id", "route")


class Case(CaseReading, Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_updated_at_id", "updated_at", "id"),
        # Every column `casework.visibility.can_see` tests, and the id (SQLite's indexes hold it
        # anyway): counting the cases a person may see (the case list's total, the home page's
        # stages) reads this index alone rather than every case row with its data.
        Index("ix_cases_visibility", "workflow", "status", "funder_org_id", "vco_org_id", "complainant_org_id",
              "respondent_org_id", postgresql_include=["id"]),
        # Every column the compliance report's case conditions and groups read: its many joins
        # of rows to their cases read this narrow index, not each case's row with its data.
        Index("ix_cases_report", *REPORT_COLUMNS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(40), index=True)
    workflow_version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(40), index=True)
    route: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    funder_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    vco_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    complainant_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    respondent_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)   # entries in the case's audit chain
    audit_head: Mapped[str | None] = mapped_column(String(64))    # hash of the chain's last entry
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    # The parties are set by their id columns and only read through these, so they are
    # view-only: a case's flush then has no dependency on organisations (a fifth of its cost).
    funder: Mapped[Organisation | None] = relationship(foreign_keys=[funder_org_id], viewonly=True)
    vco: Mapped[Organisation | None] = relationship(foreign_keys=[vco_org_id], viewonly=True)
    complainant_org: Mapped[Organisation | None] = relationship(foreign_keys=[complainant_org_id], viewonly=True)
    respondent_org: Mapped[Organisation | None] = relationship(foreign_keys=[respondent_org_id], viewonly=True)
    #: Everyone assigned to the case. View-only: an assignment is saved as a row of its own
    #: (`assign`, `unassign`), so that the flush of a changed case, which every transition
    #: makes, has no dependency on assignments to work out (640 to 380 function calls a flush).
    assignments: Mapped[list["CaseAssignment"]] = relationship(viewonly=True, lazy="selectin")
    #: The assignments of those judging the disputes linked to this funding case, read only
    #: when asked for (see `judge_ids`).
    judging: Mapped[list["CaseAssignment"]] = relationship(
        secondary="case_links", primaryjoin="Case.id == CaseLink.funding_case_id",
        secondaryjoin=f"and_(CaseLink.dispute_id == CaseAssignment.case_id, "
                      f"CaseAssignment.role.in_({sorted(JUDGING_ROLES)!r}))",
        viewonly=True, lazy="select")

    @property
    def judge_ids(self) -> frozenset[int]:
        return frozenset(a.person_id for a in self.judging) if self.workflow == "funding_change" else frozenset()

    def assign(self, person: Person, role: str, at: datetime) -> None:
        """Give this person a role on the case, saved with it (the case must be in a session)."""
        current = list(self.assignments)     # read (if need be) before the new row is pending
        assignment = CaseAssignment(case=self, person=person, role=role, assigned_at=at)
        _session_of(self).add(assignment)
        set_committed_value(self, "assignments", [*current, assignment])

    def unassign(self, role: str) -> None:
        """Take everyone off this role, saved with the case (which must be in a session)."""
        session, kept = _session_of(self), []
        for assignment in self.assignments:
            if assignment.role != role:
                kept.append(assignment)
            elif inspect(assignment).pending:
                session.expunge(assignment)
            else:
                session.delete(assignment)
        set_committed_value(self, "assignments", kept)

    def __repr__(self) -> str:
        return f"<Case {self.ref if self.id else '?'} {self.workflow} {self.status}>"


class CaseAssignment(Base):
    __tablename__ = "case_assignments"
    __table_args__ = (UniqueConstraint("case_id", "person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    person: Mapped[Person] = relationship(lazy="joined")


def _session_of(case: Case) -> Session:
    session = object_session(case)
    if session is None:
        raise RuntimeError(f"{case!r} must be in a session to change who is assigned to it")
    return session


class CaseLink(Base):
    """A dispute and the funding-change case it concerns; visible from both."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("dispute_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    funding_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)


_WITH_PEOPLE = joinedload(Case.assignments).joinedload(CaseAssignment.person).joinedload(Person.role_rows)
#: A case with its organisations and everyone assigned to it (with their roles), in one query.
_CASE_WITH_PEOPLE = (select(Case).where(Case.id == bindparam("case_id")).options(
    _WITH_PEOPLE, joinedload(Case.funder), joinedload(Case.vco), joinedload(Case.complainant_org),
    joinedload(Case.respondent_org)))
#: The same without its organisations, which are then read when first asked for: each
#: eagerly loaded relationship costs a transition a share of its CPU, and most transitions
#: never name an organisation (a letter or an email does).
_CASE_TO_CHANGE = select(Case).where(Case.id == bindparam("case_id")).options(_WITH_PEOPLE)


def load_case(session: Session, case_id: int, organisations: bool = True) -> Case | None:
    """The case with everyone assigned to it, or None; with its organisations too, unless
    `organisations` is false (they are then read on first use, so the session must stay
    open while they may be)."""
    statement = _CASE_WITH_PEOPLE if organisations else _CASE_TO_CHANGE
    return session.execute(statement, {"case_id": case_id}).unique().scalar_one_or_none()


def case_roles(case: CaseReading, actor: Actor) -> frozenset[str]:
    """Every role this actor plays on this case, from assignments and organisation."""
    if isinstance(actor, SystemActor):
        return frozenset({CaseRole.SYSTEM})
    roles = {a.role for a in case.assignments if a.person_id == actor.id}
    org = actor.organisation_id
    if case.workflow == "funding_change":
        if org is not None and org == case.vco_org_id and actor.has_role("vco_staff"):
            roles.add(CaseRole.VCO_LEAD)
    elif actor.roles & PARTY_STAFF_ROLES:
        if org is not None and org == case.complainant_org_id:
            roles.add(CaseRole.COMPLAINANT)
        if org is not None and org == case.respondent_org_id:
            roles.add(CaseRole.RESPONDENT)
    if case.workflow == "dispute" and org not in case.party_org_ids():
        if actor.has_role("mediator") and case.status in MEDIATOR_QUEUE_STATES:
            roles.add(CaseRole.MEDIATION_SERVICE)
        if case.status == PANEL_CONVENING_STATE and (actor.has_role("administrator") or (
                actor.has_role("mediator") and CaseRole.MEDIATOR not in roles)):
            roles.add(CaseRole.PANEL_CONVENER)
    return frozenset(roles)
