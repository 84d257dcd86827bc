"""Security test plan row 17 at the plan's figure: 100 random tamper points, each detected and
named. Three cases' audit trails (a few dozen entries) are tampered with directly in SQL, one
change per trial, in a transaction that is rolled back afterwards: a column altered (each
column the hash covers, the stored hash, the link to the entry before), an entry deleted, two
entries of a case swapped (reordered), an entry rewritten with a freshly computed unkeyed or
wrongly keyed hash. `verify_chains` must report exactly the tampered case, naming the first
entry that the change made bad. The choices come from a seeded generator, so a failure
names the seed and trial to replay."""
import random

import pytest
from sqlalchemy import bindparam, select, text
from sqlalchemy.types import JSON

from casework.audit import AuditEntry, entry_hash, legacy_entry_hash, verify_chains
from tests.factories import funding_case_at

TRIALS = 100
SEED = 20261207
#: column -> a value that differs from any the journey wrote
ALTERED = {"actor_name": "Someone else", "trigger": "forged_trigger", "from_state": "forged", "to_state": "closed",
           "hash": "0" * 64, "prev_hash": "f" * 64}
KINDS = ("alter", "data", "at", "actor", "delete", "swap", "unkeyed", "wrong_key")


@pytest.fixture
def trails(service, cast, clock, factory):
    """Three cases and their audit entries: (case_id, seq, fields...) per entry."""
    for status, route in (("improvement_planning", "performance"), ("consultation", "resource"),
                          ("notice_period", "resource")):
        funding_case_at(service, cast, clock, status, route=route)
    with factory() as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.case_id, AuditEntry.seq)).all()
        for e in entries:
            s.expunge(e)
    assert len({e.case_id for e in entries}) == 3 and len(entries) >= 15
    return entries


def tamper(conn, entry: AuditEntry, kind: str, rng: random.Random, entries: list[AuditEntry]) -> int:
    """Change one thing; returns the seq the report must name."""
    where = {"case": entry.case_id, "seq": entry.seq}
    sql = "UPDATE audit_entries SET {} WHERE case_id = :case AND seq = :seq"
    if kind == "alter":
        column = rng.choice(sorted(ALTERED))
        conn.execute(text(sql.format(f"{column} = :value")), {**where, "value": ALTERED[column]})
    elif kind == "data":
        conn.execute(text(sql.format("data = :data")).bindparams(bindparam("data", type_=JSON)),
                     {**where, "data": {**(entry.data or {}), "forged": rng.randrange(10**6)}})
    elif kind == "at":
        conn.execute(text(sql.format("at = :at")), {**where, "at": entry.at.replace(year=entry.at.year - 1)})
    elif kind == "actor":
        conn.execute(text(sql.format("actor_name = :name")), {**where, "name": entry.actor_name + " "})
    elif kind == "delete":
        conn.execute(text("DELETE FROM audit_entries WHERE case_id = :case AND seq = :seq"), where)
    elif kind == "swap":
        same_case = [e for e in entries if e.case_id == entry.case_id and e.seq != entry.seq]
        other = rng.choice(same_case)
        first, second = sorted((entry.seq, other.seq))
        for old, new in ((first, -1), (second, first), (-1, second)):
            conn.execute(text(sql.format("seq = :new")), {"case": entry.case_id, "seq": old, "new": new})
        return first
    else:  # a rewrite that recomputes the hash, unkeyed or with a key the attacker guessed
        fields = (entry.case_id, entry.seq, entry.at, entry.actor_id, "Someone else", entry.trigger,
                  entry.from_state, entry.to_state, entry.data, entry.prev_hash)
        forged = legacy_entry_hash(*fields) if kind == "unkeyed" else entry_hash(b"a-guessed-key", *fields)
        conn.execute(text(sql.format("actor_name = 'Someone else', hash = :hash")), {**where, "hash": forged})
    return entry.seq


def test_a_hundred_random_tamper_points_are_each_detected_and_named(engine, factory, trails):
    rng = random.Random(SEED)
    seen_kinds = set()
    for trial in range(TRIALS):
        entry, kind = rng.choice(trails), KINDS[trial % len(KINDS)] if trial < len(KINDS) else rng.choice(KINDS)
        with engine.connect() as conn:
            transaction = conn.begin()
            try:
                named = tamper(conn, entry, kind, rng, trails)
                with factory(bind=conn) as session:
                    problems = verify_chains(session)
            finally:
                transaction.rollback()
        replay = f"seed {SEED}, trial {trial}: {kind} on case {entry.case_id} entry {entry.seq}"
        assert [(p.case_id, p.seq) for p in problems] == [(entry.case_id, named)], f"{replay}: {problems}"
        seen_kinds.add(kind)
    assert seen_kinds == set(KINDS)
    with factory() as session:
        assert verify_chains(session) == [], "every trial was rolled back"
