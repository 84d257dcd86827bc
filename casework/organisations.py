"""Organisations and the people who work for them, with the roles they hold across the
service. Which role someone plays on a particular case is decided by case assignments."""
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.persistence import Base, UTCDateTime


class OrganisationKind(StrEnum):
    STATUTORY = "statutory"            #: a council or NHS body that funds VCOs
    VCO = "vco"                        #: a voluntary or community organisation
    INFRASTRUCTURE = "infrastructure"  #: a local voluntary-sector body such as BVSC


class Role(StrEnum):
    FUNDER_OFFICER = "funder_officer"      #: contract or grant manager at a funder
    DECISION_MAKER = "decision_maker"      #: senior officer or member who decides
    VCO_STAFF = "vco_staff"                #: staff of a funded organisation
    MEDIATOR = "mediator"                  #: BVSC staff or an independent mediator
    SENIOR_REVIEWER = "senior_reviewer"    #: manager who reviews disputes at stage 2
    PANEL_MEMBER = "panel_member"          #: member of the Compact disputes panel
    ADMINISTRATOR = "administrator"        #: runs the service; sees no case content


class DecidesAs(StrEnum):
    """How a decision-maker decides (processes.md: "senior officer or member at the statutory
    body"): recorded with each decision they make, for the compliance report's filter."""
    SENIOR_OFFICER = "senior_officer"      #: an officer deciding under delegated authority
    ELECTED_MEMBER = "elected_member"      #: a councillor (a cabinet member, or for a committee)


#: How the words for each kind read: in the administrators' question and the report's filter.
DECIDES_AS_WORDS = {DecidesAs.SENIOR_OFFICER: "Senior officer", DecidesAs.ELECTED_MEMBER: "Elected member"}


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: The postal address letters are sent to, and whom they are addressed to ("Dear ...").
    address_line_1: Mapped[str | None] = mapped_column(String(100))
    address_line_2: Mapped[str | None] = mapped_column(String(100))
    town: Mapped[str | None] = mapped_column(String(60))
    postcode: Mapped[str | None] = mapped_column(String(10))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    #: The telephone number its letters give for contacting it.
    phone: Mapped[str | None] = mapped_column(String(30))

    people: Mapped[list["Person"]] = relationship(back_populates="organisation")

    @property
    def is_funder(self) -> bool:
        return self.kind == OrganisationKind.STATUTORY

    @property
    def postal_address(self) -> str:
        """The address as it is written on an envelope, one line each (empty if none is kept)."""
        return "\n".join(line for line in (self.address_line_1, self.address_line_2, self.town, self.postcode) if line)


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: What they do, as they sign a letter ("Contract manager").
    job_title: Mapped[str | None] = mapped_column(String(100))
    #: A decision-maker's kind (`DecidesAs`); None for everyone else.
    decides_as: Mapped[str | None] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_token: Mapped[str | None] = mapped_column(String(64))

    organisation: Mapped[Organisation | None] = relationship(back_populates="people")
    role_rows: Mapped[list["PersonRole"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def grant(self, *roles: str) -> None:
        for role in roles:
            if role not in self.roles:
                self.role_rows.append(PersonRole(role=Role(role).value))

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name}>"


class PersonRole(Base):
    __tablename__ = "person_roles"
    __table_args__ = (UniqueConstraint("person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(40), index=True)


@dataclass(frozen=True, slots=True)
class OrganisationRecord:
    """An organisation as a transition reads it (a plain row, not tracked by the ORM)."""

    id: int
    name: str
    kind: str

    @property
    def is_funder(self) -> bool:
        return self.kind == OrganisationKind.STATUTORY


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A person as a transition reads them: who they are, where they work, what they may do."""

    id: int
    email: str
    name: str
    organisation_id: int | None
    is_active: bool
    roles: frozenset[str]
    decides_as: str | None = None

    def has_role(self, role: str) -> bool:
        return role in self.roles
