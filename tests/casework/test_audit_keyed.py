"""The audit trail is keyed (HMAC-SHA256 with CASEWORK_AUDIT_KEY, kept outside the database):
someone who can write to the database but lacks the key cannot rewrite an entry and recompute
the chain unnoticed. `verify` also checks each case's status against its last entry and each
letter's bytes against the SHA-256 its entry recorded; `casework audit rekey` moves a trail
written before the key onto it."""
import hashlib
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text, update

from casework.audit import GENESIS, AuditEntry, ChainProblem, MissingAuditKey, legacy_entry_hash, verify_chains
from casework.audit_rekey import rekey_chains
from casework.cases import Case
from casework.letters import Letter
from casework.persistence import make_session_factory, unit_of_work
from tests.factories import funding_case_at
from web import composition
from web.cli import main
from web.config import ConfigError, Settings
from workflows.context import Hooks
from workflows.service import CaseService

UNKEYED = ("carries only the old unkeyed hash, which anyone with access to the database could have "
           "recomputed (see `casework audit rekey`)")


def fake_letter(kind, context):
    pdf = f"%PDF-1.7 {kind} for {context['case_ref']}".encode()
    return SimpleNamespace(filename=f"{kind}-{context['case_ref']}.pdf", pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest())


@pytest.fixture
def case(factory, calendar, cast, clock):
    """A case whose concern letter was sent (stored with its hash, recorded in entry 2)."""
    service = CaseService(factory, calendar=calendar, hooks=Hooks(render_letter=fake_letter))
    return funding_case_at(service, cast, clock, "improvement_planning")


def problems(factory) -> list[ChainProblem]:
    with factory() as s:
        return verify_chains(s)


def rewrite_unkeyed(engine, factory, case_id: int, change: dict | None = None, from_seq: int = 1) -> None:
    """What someone with database access but no key can do: change an entry, then recompute
    the plain SHA-256 of it and every later entry, and the case's recorded head."""
    with factory() as s:
        chain = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.seq)).all()
        s.expunge_all()
    prev = GENESIS
    with engine.begin() as conn:
        for entry in chain:
            if entry.seq == from_seq and change:
                for name, value in change.items():
                    setattr(entry, name, value)
            if entry.seq >= from_seq:
                entry.prev_hash = prev
                entry.hash = legacy_entry_hash(*entry.fields())
                conn.execute(update(AuditEntry.__table__).where(AuditEntry.__table__.c.id == entry.id).values(
                    prev_hash=entry.prev_hash, hash=entry.hash, actor_name=entry.actor_name))
            prev = entry.hash
        conn.execute(update(Case.__table__).where(Case.__table__.c.id == case_id).values(audit_head=prev))


def test_an_intact_keyed_trail_with_its_letter_verifies(factory, case):
    with factory() as s:
        assert s.scalar(select(Letter.filename).where(Letter.case_id == case.id)) == f"concern-{case.ref}.pdf"
    assert problems(factory) == []


def test_recomputing_the_unkeyed_hashes_after_a_change_is_found(engine, factory, case):
    rewrite_unkeyed(engine, factory, case.id, {"actor_name": "Someone else"}, from_seq=2)
    assert problems(factory) == [ChainProblem(case.id, 2, f"entry 2 {UNKEYED}")]


def test_a_chain_forged_with_another_key_is_found(engine, factory, case):
    with factory() as s:
        first = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.seq == 1)).one()
        forged = first.compute_hash(b"a guess at the key")
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET hash = :h WHERE id = :id"), {"h": forged, "id": first.id})
    assert problems(factory) == [ChainProblem(case.id, 1, "entry 1 was altered after it was written")]


def test_a_changed_status_is_found(engine, factory, case):
    with engine.begin() as conn:
        conn.execute(text("UPDATE cases SET status = 'closed_no_change' WHERE id = :id"), {"id": case.id})
    assert problems(factory) == [ChainProblem(
        case.id, case.audit_seq, f"the case's status is 'closed_no_change', but its last entry ({case.audit_seq}) "
                                 f"left it at 'improvement_planning'")]


def test_a_changed_letter_is_found(engine, factory, case):
    with engine.begin() as conn:
        conn.execute(text("UPDATE letters SET pdf = :pdf WHERE case_id = :id"), {"pdf": b"%PDF-1.7 kinder words", "id": case.id})
    assert problems(factory) == [ChainProblem(
        case.id, 2, f"letter concern-{case.ref}.pdf (entry 2) was altered after it was sent: "
                    f"its bytes no longer match its SHA-256")]


def test_a_changed_letter_with_a_fresh_hash_is_found(engine, factory, case):
    pdf = b"%PDF-1.7 kinder words"
    with engine.begin() as conn:
        conn.execute(text("UPDATE letters SET pdf = :pdf, sha256 = :sha WHERE case_id = :id"),
                     {"pdf": pdf, "sha": hashlib.sha256(pdf).hexdigest(), "id": case.id})
    assert problems(factory) == [ChainProblem(
        case.id, case.audit_seq, f"letter concern-{case.ref}.pdf is not the letter any entry of the audit trail records")]


def test_without_the_key_the_trail_can_be_neither_written_nor_checked(engine, factory, case):
    keyless = make_session_factory(engine)
    with pytest.raises(MissingAuditKey):
        with keyless() as s:
            verify_chains(s)


def test_rekey_moves_an_unkeyed_trail_onto_the_key(engine, factory, case):
    rewrite_unkeyed(engine, factory, case.id)   # as an earlier version wrote it
    assert problems(factory) == [ChainProblem(case.id, 1, f"entry 1 {UNKEYED}")]
    with unit_of_work(factory) as s:
        done = rekey_chains(s)
    assert (done.cases, done.entries, done.refused) == (1, case.audit_seq, [])
    assert problems(factory) == []


def test_rekey_leaves_a_broken_chain_alone_and_says_so(engine, factory, case):
    rewrite_unkeyed(engine, factory, case.id)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor_name = 'Someone else' WHERE case_id = :id AND seq = 2"),
                     {"id": case.id})
    with unit_of_work(factory) as s:
        done = rekey_chains(s)
    assert (done.cases, done.refused) == (0, [ChainProblem(case.id, 2, "entry 2 was altered after it was written")])
    assert problems(factory) == [ChainProblem(case.id, 1, f"entry 1 {UNKEYED}")]


def run(engine, monkeypatch, *args):
    monkeypatch.setenv("CASEWORK_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    built = []
    real = composition.build
    monkeypatch.setattr(composition, "build", lambda settings: built.append(real(settings)) or built[-1])
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        for container in built:
            container.engine.dispose()


def test_verify_names_the_case_the_entry_and_the_problem(engine, factory, case, monkeypatch):
    with engine.begin() as conn:
        conn.execute(text("UPDATE cases SET status = 'closed_no_change' WHERE id = :id"), {"id": case.id})
    result = run(engine, monkeypatch, "audit", "verify")
    assert result.exit_code == 1
    assert (f"{case.ref}: the case's status is 'closed_no_change', but its last entry ({case.audit_seq}) left it "
            f"at 'improvement_planning'") in result.output


def test_the_rekey_command_then_verify(engine, factory, case, monkeypatch):
    rewrite_unkeyed(engine, factory, case.id)
    result = run(engine, monkeypatch, "audit", "rekey")
    assert (result.exit_code, result.output.strip()) == (0, f"Rekeyed {case.audit_seq} entries of 1 cases.")
    assert run(engine, monkeypatch, "audit", "verify").exit_code == 0


def test_another_key_finds_every_chain_altered(engine, case, monkeypatch):
    monkeypatch.setenv("CASEWORK_AUDIT_KEY", "x" * 40)
    result = run(engine, monkeypatch, "audit", "verify")
    assert result.exit_code == 1
    assert f"{case.ref}: entry 1 was altered after it was written" in result.output


@pytest.mark.parametrize("key", [None, "dev-only-audit-key-not-secret", "short"])
def test_production_refuses_to_start_without_a_real_audit_key(key):
    environ = {"CASEWORK_ENV": "production", "CASEWORK_SECRET_KEY": "s" * 40}
    if key is not None:
        environ["CASEWORK_AUDIT_KEY"] = key
    with pytest.raises(ConfigError, match="CASEWORK_AUDIT_KEY must be set"):
        Settings.from_environ(environ)
    assert Settings.from_environ({**environ, "CASEWORK_AUDIT_KEY": "k" * 40}).audit_key == "k" * 40
