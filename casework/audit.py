"""The append-only audit trail. Every entry records who did what to a case, when, from which
state to which, and the words they gave; each entry's hash is an HMAC-SHA256, keyed with a
secret kept outside the database (CASEWORK_AUDIT_KEY), over the entry and the hash of the one
before it. Someone who can write to the database but does not hold the key cannot rewrite an
entry and recompute the chain: `casework.audit_check.verify_chains` finds it.

The key reaches this module from the composition root on the session factory
(`make_session_factory(engine, audit_key=...)`, read here as `session.info["audit_key"]`);
there is no default, so a factory built without one cannot write an entry."""
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, event, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.cases import Actor, Case, CaseReading
from casework import report_events
from casework.letters import Letter
from casework.persistence import Base, UTCDateTime

GENESIS = "0" * 64
#: Where the session factory carries the audit key (bytes), in `Session.info`.
KEY_INFO = "audit_key"


class MissingAuditKey(RuntimeError):
    """A session was made without the audit key, so the chain can be neither written nor checked."""


def audit_key(session: Session) -> bytes:
    """The key the composition root gave this session's factory."""
    key = session.info.get(KEY_INFO)
    if not key:
        raise MissingAuditKey("No audit key: build the session factory with "
                              "make_session_factory(engine, audit_key=...).")
    return key


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),
        # The compliance report finds the few entries of one kind in a time span (remedies, notices).
        Index("ix_audit_entries_trigger_at", "trigger", "at"),
    )

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

    def fields(self) -> tuple:
        """What the hash covers, in `entry_hash`'s order (after the key)."""
        return (self.case_id, self.seq, self.at, self.actor_id, self.actor_name, self.trigger,
                self.from_state, self.to_state, self.data, self.prev_hash)

    def compute_hash(self, key: bytes) -> str:
        return entry_hash(key, *self.fields())

    def legacy_hash(self) -> str:
        """The unkeyed SHA-256 that entries written before the audit key carried."""
        return legacy_entry_hash(*self.fields())


_INSERT = insert(AuditEntry.__table__)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(_mapper, _connection, target: AuditEntry) -> None:
    raise PermissionError(f"Audit entries are append-only (case {target.case_id}, entry {target.seq}).")


def _canonical(case_id: int, seq: int, at: datetime, actor_id: int | None, actor_name: str,
               trigger: str, from_state: str | None, to_state: str, data: dict, prev: str) -> bytes:
    return json.dumps({
        "case": case_id, "seq": seq, "at": at.isoformat(timespec="microseconds"),
        "actor": actor_id, "actor_name": actor_name, "trigger": trigger,
        "from": from_state, "to": to_state, "data": data, "prev": prev,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def entry_hash(key: bytes, case_id: int, seq: int, at: datetime, actor_id: int | None, actor_name: str,
               trigger: str, from_state: str | None, to_state: str, data: dict, prev: str) -> str:
    """HMAC-SHA256, keyed with the audit key, over a canonical JSON form of the entry and the
    previous entry's hash."""
    body = _canonical(case_id, seq, at, actor_id, actor_name, trigger, from_state, to_state, data, prev)
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def legacy_entry_hash(*fields) -> str:
    """The plain SHA-256 of the same form: what entries carried before the audit key. Anyone
    can recompute it, so `verify_chains` reports such an entry (`casework audit rekey`)."""
    return hashlib.sha256(_canonical(*fields)).hexdigest()


def append_entry(db: Session, case: CaseReading, actor: Actor, trigger: str,
                 from_state: str | None, to_state: str, data: dict, at: datetime) -> dict[str, Any]:
    """Insert the next entry of this case's chain in the caller's transaction (one Core
    INSERT on the session's connection: entries are never changed, so the ORM need not track
    them) and return its columns. The case keeps the chain's length and last hash, so a
    deleted last entry is noticed too; the case row must already exist."""
    seq, prev = (case.audit_seq or 0) + 1, case.audit_head or GENESIS
    row = {"case_id": case.id, "seq": seq, "at": at, "actor_id": actor.id, "actor_name": actor.name,
           "trigger": trigger, "from_state": from_state, "to_state": to_state, "data": data, "prev_hash": prev}
    row["hash"] = entry_hash(audit_key(db), case.id, seq, at, actor.id, actor.name, trigger, from_state, to_state,
                             data, prev)
    connection = db.connection()
    connection.execute(_INSERT, row)
    report_events.record(connection, row)
    case.audit_seq, case.audit_head = seq, row["hash"]
    return row


# --- checking the trail ---------------------------------------------------------------------

@dataclass(frozen=True)
class ChainProblem:
    case_id: int
    seq: int
    message: str


@dataclass
class _Walk:
    """One case's chain as read so far."""
    expected_seq: int = 1
    prev: str = GENESIS
    broken: bool = False
    last_state: str | None = None
    letters: dict[str, int] = field(default_factory=dict)   # sha256 recorded -> entry number


def verify_chains(session: Session, case_ids: list[int] | None = None) -> list[ChainProblem]:
    """Check every case's chain with the audit key, then the case against it: the first
    problem of each case, with the entry it concerns. A chain breaks where an entry is missing,
    does not follow the one before, was altered, or carries only the old unkeyed hash; the case
    row must record the chain's length and last hash and the last entry's state; each letter's
    bytes must match its stored SHA-256, and that hash must be the one its entry recorded."""
    key = audit_key(session)
    query = select(AuditEntry).order_by(AuditEntry.case_id, AuditEntry.seq)
    if case_ids is not None:
        query = query.where(AuditEntry.case_id.in_(case_ids))
    problems: dict[int, ChainProblem] = {}
    walks: dict[int, _Walk] = {}
    for entry in session.scalars(query).yield_per(1000):
        walk = walks.setdefault(entry.case_id, _Walk())
        if walk.broken:
            continue
        problem = _check(entry, walk.expected_seq, walk.prev, key)
        if problem:
            problems[entry.case_id] = ChainProblem(entry.case_id, walk.expected_seq, problem)
            walk.broken = True
            continue
        walk.expected_seq, walk.prev, walk.last_state = entry.seq + 1, entry.hash, entry.to_state
        letter = (entry.data or {}).get("letter") if isinstance(entry.data, dict) else None
        if isinstance(letter, dict) and letter.get("sha256"):
            walk.letters[letter["sha256"]] = entry.seq
    for problem in _check_cases(session, walks, case_ids) + _check_letters(session, walks, case_ids):
        problems.setdefault(problem.case_id, problem)
    return sorted(problems.values(), key=lambda p: p.case_id)


def _check(entry: AuditEntry, expected_seq: int, prev: str, key: bytes) -> str | None:
    if entry.seq != expected_seq:
        return f"entry {expected_seq} is missing (next found is {entry.seq})"
    if entry.prev_hash != prev:
        return f"entry {entry.seq} does not follow the entry before it"
    if hmac.compare_digest(entry.compute_hash(key), entry.hash):
        return None
    if hmac.compare_digest(entry.legacy_hash(), entry.hash):
        return (f"entry {entry.seq} carries only the old unkeyed hash, which anyone with access to the "
                f"database could have recomputed (see `casework audit rekey`)")
    return f"entry {entry.seq} was altered after it was written"


def _check_cases(session: Session, walks: dict[int, _Walk], case_ids: list[int] | None) -> list[ChainProblem]:
    """Each case records its chain's length and last hash (so a missing last entry shows) and
    stands in the state its last entry left it in."""
    query = select(Case.id, Case.audit_seq, Case.audit_head, Case.status)
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    problems = []
    for case_id, length, head, status in session.execute(query):
        walk = walks.get(case_id, _Walk())
        if walk.broken:
            continue
        last_seq = walk.expected_seq - 1
        if last_seq < (length or 0):
            problems.append(ChainProblem(case_id, last_seq + 1, f"entry {last_seq + 1} is missing "
                                         f"(the case records {length} entries)"))
        elif last_seq > (length or 0) or (last_seq and walk.prev != head):
            problems.append(ChainProblem(case_id, last_seq, f"entry {last_seq} is not the last entry the case records"))
        elif last_seq and status != walk.last_state:
            problems.append(ChainProblem(case_id, last_seq, f"the case's status is {status!r}, but its last "
                                         f"entry ({last_seq}) left it at {walk.last_state!r}"))
    return problems


def _check_letters(session: Session, walks: dict[int, _Walk], case_ids: list[int] | None) -> list[ChainProblem]:
    """Each letter's bytes against its stored SHA-256, and that hash against its audit entry."""
    query = select(Letter.id, Letter.case_id, Letter.filename, Letter.sha256, Letter.pdf).order_by(Letter.id)
    if case_ids is not None:
        query = query.where(Letter.case_id.in_(case_ids))
    problems = []
    for _id, case_id, filename, stored, pdf in session.execute(query.execution_options(yield_per=100)):
        walk = walks.get(case_id, _Walk())
        if walk.broken:
            continue
        recorded_at = walk.letters.get(stored)
        if recorded_at is None:
            problems.append(ChainProblem(case_id, walk.expected_seq - 1, f"letter {filename} is not the letter "
                                         f"any entry of the audit trail records"))
        elif hashlib.sha256(pdf).hexdigest() != stored:
            problems.append(ChainProblem(case_id, recorded_at, f"letter {filename} (entry {recorded_at}) was "
                                         f"altered after it was sent: its bytes no longer match its SHA-256"))
    return problems
