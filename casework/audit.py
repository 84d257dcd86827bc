"""The append-only audit trail. Every entry records who did what to a case, when, from which
state to which, and the words they gave; each entry's hash covers the one before it, so an
altered or missing entry is found by `verify_chains`."""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, event, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.cases import Actor, Case, CaseReading
from casework.persistence import Base, Db, UTCDateTime

GENESIS = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def compute_hash(self) -> str:
        return entry_hash(self.case_id, self.seq, self.at, self.actor_id, self.actor_name,
                          self.trigger, self.from_state, self.to_state, self.data, self.prev_hash)


_INSERT = insert(AuditEntry.__table__)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(_mapper, _connection, target: AuditEntry) -> None:
    raise PermissionError(f"Audit entries are append-only (case {target.case_id}, entry {target.seq}).")


def entry_hash(case_id: int, seq: int, at: datetime, actor_id: int | None, actor_name: str,
               trigger: str, from_state: str | None, to_state: str, data: dict, prev: str) -> str:
    """SHA-256 over a canonical JSON form of the entry and the previous entry's hash."""
    body = json.dumps({
        "case": case_id, "seq": seq, "at": at.isoformat(timespec="microseconds"),
        "actor": actor_id, "actor_name": actor_name, "trigger": trigger,
        "from": from_state, "to": to_state, "data": data, "prev": prev,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append_entry(db: Db, case: CaseReading, actor: Actor, trigger: str,
                 from_state: str | None, to_state: str, data: dict, at: datetime) -> dict[str, Any]:
    """Insert the next entry of this case's chain in the caller's transaction (one Core
    INSERT: entries are never changed, so the ORM need not track them) and return its
    columns. The case keeps the chain's length and last hash, so a
    deleted last entry is noticed too; the case row must already exist."""
    seq, prev = (case.audit_seq or 0) + 1, case.audit_head or GENESIS
    row = {"case_id": case.id, "seq": seq, "at": at, "actor_id": actor.id, "actor_name": actor.name,
           "trigger": trigger, "from_state": from_state, "to_state": to_state, "data": data, "prev_hash": prev}
    row["hash"] = entry_hash(case.id, seq, at, actor.id, actor.name, trigger, from_state, to_state, data, prev)
    db.execute(_INSERT, row)
    case.audit_seq, case.audit_head = seq, row["hash"]
    return row


@dataclass(frozen=True)
class ChainProblem:
    case_id: int
    seq: int
    message: str


def verify_chains(session: Session, case_ids: list[int] | None = None) -> list[ChainProblem]:
    """Check every case's chain; report the first altered or missing entry of each."""
    query = select(AuditEntry).order_by(AuditEntry.case_id, AuditEntry.seq)
    if case_ids is not None:
        query = query.where(AuditEntry.case_id.in_(case_ids))
    problems: list[ChainProblem] = []
    ends: dict[int, tuple[int, str]] = {}
    current, expected_seq, prev, broken = None, 1, GENESIS, False
    for entry in session.scalars(query).yield_per(1000):
        if entry.case_id != current:
            current, expected_seq, prev, broken = entry.case_id, 1, GENESIS, False
        if broken:
            continue
        problem = _check(entry, expected_seq, prev)
        if problem:
            problems.append(ChainProblem(entry.case_id, expected_seq, problem))
            broken = True
        expected_seq, prev = entry.seq + 1, entry.hash
        ends[entry.case_id] = (entry.seq, entry.hash)
    return problems + _check_ends(session, ends, {p.case_id for p in problems}, case_ids)


def _check_ends(session: Session, ends: dict[int, tuple[int, str]], reported: set[int],
                case_ids: list[int] | None) -> list[ChainProblem]:
    """Each case records its chain's length and last hash: a missing last entry shows here."""
    query = select(Case.id, Case.audit_seq, Case.audit_head).where(Case.audit_seq > 0)
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    problems = []
    for case_id, length, head in session.execute(query):
        last_seq, last_hash = ends.get(case_id, (0, GENESIS))
        if case_id in reported:
            continue
        if last_seq < length:
            problems.append(ChainProblem(case_id, last_seq + 1, f"entry {last_seq + 1} is missing "
                                         f"(the case records {length} entries)"))
        elif last_hash != head:
            problems.append(ChainProblem(case_id, last_seq, f"entry {last_seq} is not the last entry the case records"))
    return problems


def _check(entry: AuditEntry, expected_seq: int, prev: str) -> str | None:
    if entry.seq != expected_seq:
        return f"entry {expected_seq} is missing (next found is {entry.seq})"
    if entry.prev_hash != prev:
        return f"entry {entry.seq} does not follow the entry before it"
    if entry.compute_hash() != entry.hash:
        return f"entry {entry.seq} was altered after it was written"
    return None
