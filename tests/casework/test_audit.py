"""The audit trail is append-only and tamper-evident: `verify_chains` and `casework audit
verify` name the first altered or missing entry of each case."""
import pytest
from click.testing import CliRunner
from sqlalchemy import JSON, bindparam, select, text

from casework.audit import AuditEntry, ChainProblem, verify_chains
from tests.factories import funding_case_at
from web import composition
from web.cli import main
from web.config import DEV_AUDIT_KEY

real_build = composition.build


@pytest.fixture
def case(service, cast, clock):
    """A case four entries long: opened, concern raised, acknowledged, plan proposed."""
    return funding_case_at(service, cast, clock, "improvement_planning")


def problems(factory) -> list[ChainProblem]:
    with factory() as s:
        return verify_chains(s)


def test_every_chain_verifies_after_a_journey(factory, case):
    assert problems(factory) == []


def test_altered_data_is_reported_naming_the_case_and_entry(engine, factory, case):
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET data = :data WHERE case_id = :case AND seq = 2")
                     .bindparams(bindparam("data", type_=JSON)),
                     {"data": {"issues": "Nothing much."}, "case": case.id})
    assert problems(factory) == [ChainProblem(case.id, 2, "entry 2 was altered after it was written")]


def test_a_deleted_entry_is_reported_as_missing(engine, factory, case):
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE case_id = :case AND seq = 2"), {"case": case.id})
    assert problems(factory) == [ChainProblem(case.id, 2, "entry 2 is missing (next found is 3)")]


def test_a_rewritten_entry_with_a_fresh_hash_breaks_the_next_link(engine, factory, case):
    with factory.begin() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.seq == 2)).one()
        entry.actor_name = "Someone else"
        forged = entry.compute_hash(DEV_AUDIT_KEY.encode())
        s.expunge(entry)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor_name = 'Someone else', hash = :hash "
                          "WHERE case_id = :case AND seq = 2"), {"hash": forged, "case": case.id})
    assert problems(factory) == [ChainProblem(case.id, 3, "entry 3 does not follow the entry before it")]


def test_only_the_tampered_case_is_reported(engine, factory, service, cast, clock, case):
    other = funding_case_at(service, cast, clock, "improvement_planning")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE case_id = :case AND seq = 2"), {"case": other.id})
    assert [p.case_id for p in problems(factory)] == [other.id]


def test_the_application_refuses_to_change_an_entry(factory, case):
    with pytest.raises(PermissionError, match=f"Audit entries are append-only \\(case {case.id}, entry 1\\)"):
        with factory.begin() as s:
            entry = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.seq == 1)).one()
            entry.actor_name = "Someone else"
    assert problems(factory) == []


def test_the_application_refuses_to_delete_an_entry(factory, case):
    with pytest.raises(PermissionError, match="append-only"):
        with factory.begin() as s:
            s.delete(s.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.seq == 1)).one())
    with factory() as s:
        assert s.scalar(select(AuditEntry.seq).where(AuditEntry.case_id == case.id, AuditEntry.seq == 1)) == 1


def run_verify(engine, monkeypatch):
    """Run `casework audit verify` against the test database, closing the engine it builds."""
    monkeypatch.setenv("CASEWORK_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    built = []
    monkeypatch.setattr(composition, "build", lambda settings: built.append(real_build(settings)) or built[-1])
    try:
        return CliRunner().invoke(main, ["audit", "verify"])
    finally:
        for container in built:
            container.engine.dispose()


def test_the_verify_command_succeeds_on_an_intact_trail(engine, case, monkeypatch):
    result = run_verify(engine, monkeypatch)
    assert (result.exit_code, result.output.strip()) == (0, "Every audit chain verifies.")


def test_the_verify_command_fails_and_names_the_altered_entry(engine, case, monkeypatch):
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor_name = 'Someone else' WHERE case_id = :case AND seq = 3"),
                     {"case": case.id})
    result = run_verify(engine, monkeypatch)
    assert result.exit_code == 1
    assert f"{case.ref}: entry 3 was altered after it was written" in result.output


def test_a_deleted_last_entry_is_reported_as_missing(engine, factory, case):
    with factory() as s:
        last = s.scalar(select(AuditEntry.seq).where(AuditEntry.case_id == case.id).order_by(AuditEntry.seq.desc()))
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE case_id = :case AND seq = :seq"), {"case": case.id, "seq": last})
    assert problems(factory) == [ChainProblem(case.id, last, f"entry {last} is missing (the case records {last} entries)")]
