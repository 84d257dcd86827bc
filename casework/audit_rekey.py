"""Moving a trail written before the audit key onto it: `casework audit rekey`.

Entries written by earlier versions carry a plain SHA-256, which anyone with access to the
database can recompute; `verify_chains` reports them. Rekeying is the one documented step
that rewrites hashes: for each case whose chain holds such entries, it first checks the chain
link by link (each entry follows the one before, and its hash is the keyed or the old one for
what it records) and that the case row matches its end, then recomputes every hash from the
first unkeyed entry on with the key and moves the case's recorded head. A case whose chain
does not check is left as it is and reported. Run it once, after upgrading, by someone who
trusts the trail as it stands: it vouches for what is there, it cannot tell what was there."""
import hmac
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from casework.audit import GENESIS, AuditEntry, ChainProblem, audit_key, entry_hash
from casework.cases import Case

_SET_HASH = (update(AuditEntry.__table__)
             .where(AuditEntry.__table__.c.id == bindparam("entry_id"))
             .values(prev_hash=bindparam("new_prev"), hash=bindparam("new_hash")))


@dataclass(frozen=True)
class Rekeyed:
    cases: int
    entries: int
    refused: list[ChainProblem]


def rekey_chains(session: Session) -> Rekeyed:
    """Rekey every chain that holds unkeyed entries and checks; in the caller's transaction."""
    key = audit_key(session)
    cases = entries = 0
    refused: list[ChainProblem] = []
    case_ids = session.scalars(select(Case.id).where(Case.audit_seq > 0).order_by(Case.id)).all()
    for case_id in case_ids:
        chain = session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id)
                                .order_by(AuditEntry.seq)).all()
        problem = _check_links(session.get(Case, case_id), chain, key)
        if problem is not None:
            refused.append(problem)
            continue
        changes = _rehash(chain, key)
        if changes:
            session.connection().execute(_SET_HASH, changes)
            session.connection().execute(update(Case.__table__).where(Case.__table__.c.id == case_id)
                                         .values(audit_head=changes[-1]["new_hash"]))  # the last entry's
            cases, entries = cases + 1, entries + len(changes)
        session.expunge_all()
    return Rekeyed(cases, entries, refused)


def _check_links(case: Case, chain: list[AuditEntry], key: bytes) -> ChainProblem | None:
    prev = GENESIS
    for number, entry in enumerate(chain, start=1):
        if entry.seq != number:
            return ChainProblem(case.id, number, f"entry {number} is missing (next found is {entry.seq})")
        if entry.prev_hash != prev:
            return ChainProblem(case.id, number, f"entry {number} does not follow the entry before it")
        if not (hmac.compare_digest(entry.hash, entry.compute_hash(key))
                or hmac.compare_digest(entry.hash, entry.legacy_hash())):
            return ChainProblem(case.id, number, f"entry {number} was altered after it was written")
        prev = entry.hash
    if len(chain) != case.audit_seq or prev != case.audit_head:
        return ChainProblem(case.id, len(chain), f"the case records {case.audit_seq} entries, not the "
                                                 f"{len(chain)} found, or another last entry")
    return None


def _rehash(chain: list[AuditEntry], key: bytes) -> list[dict]:
    """The new (prev_hash, hash) of every entry from the first unkeyed one on."""
    changes, prev, rewriting = [], GENESIS, False
    for entry in chain:
        fields = (entry.case_id, entry.seq, entry.at, entry.actor_id, entry.actor_name, entry.trigger,
                  entry.from_state, entry.to_state, entry.data, prev)
        new = entry_hash(key, *fields)
        rewriting = rewriting or new != entry.hash
        if rewriting:
            changes.append({"entry_id": entry.id, "new_prev": prev, "new_hash": new})
        prev = new
    return changes
