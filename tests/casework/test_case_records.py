"""Case records written later, together (as the deadline sweep writes its transitions): the
version check still holds, so a case someone changed meanwhile is never overwritten. Both
ways of writing are tested: one batch for all rows, and row by row for drivers that cannot
count the rows a batch changed (psycopg2, for one)."""
import pytest

from casework.case_records import load_case, load_case_and_person, load_cases, load_person, save_case
from casework.cases import Case
from casework.errors import StaleVersion
from casework.persistence.writes import Writes
from tests.factories import funding_case_at


@pytest.fixture(params=["in one batch", "row by row"])
def gathered_writes(request, engine, monkeypatch):
    """How gathered writes reach the database: as one batch, or (on a driver that cannot say
    how many rows a batch changed) row by row."""
    if request.param == "row by row":
        monkeypatch.setattr(engine.dialect, "supports_sane_multi_rowcount", False)
    return request.param


def test_gathered_writes_of_several_cases_land_together(service, cast, clock, factory, gathered_writes):
    first, second = (funding_case_at(service, cast, clock, "concern_raised") for _ in range(2))
    later = Writes()
    with factory() as s, s.begin():
        records = load_cases(s.connection(), [first.id, second.id])
        for record in records.values():
            record.title = f"{record.title} (renamed)"
            save_case(s.connection(), record, later)
        assert s.get(Case, first.id).title == first.title, "nothing is written before the flush"
        later.flush(s.connection())
    with factory() as s:
        saved = {c.id: (c.title, c.version) for c in s.query(Case).where(Case.id.in_([first.id, second.id]))}
    assert saved == {first.id: (f"{first.title} (renamed)", first.version + 1),
                     second.id: (f"{second.title} (renamed)", second.version + 1)}


def test_a_gathered_write_of_a_case_someone_changed_meanwhile_is_refused(service, cast, clock, factory,
                                                                       gathered_writes):
    case, other = (funding_case_at(service, cast, clock, "concern_raised") for _ in range(2))
    with factory() as s:
        mine = load_cases(s.connection(), [case.id, other.id])
    service.fire(case.id, "pause", cast["fo"], {"reason": "Trustees are away"}, clock.now())
    later = Writes()
    with pytest.raises(StaleVersion):
        with factory() as s, s.begin():
            for record in (mine[other.id], mine[case.id]):
                record.title = "Renamed on a stale copy"
                save_case(s.connection(), record, later)
            later.flush(s.connection())
    with factory() as s:
        kept = s.get(Case, case.id)
        assert (kept.title, kept.is_paused) == (case.title, True)
        assert s.get(Case, other.id).title == other.title, "the fresh case's write went with the stale one's"


def test_a_case_and_the_person_acting_read_together_are_as_read_apart(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    with factory() as s:
        conn = s.connection()
        for person_id in (cast["fo"], cast["vl"], cast["dm"], None, 999_999):
            together, acting = load_case_and_person(conn, case.id, person_id)
            apart = load_case(conn, case.id)
            assert acting == load_person(conn, person_id)
            assert described(together) == described(apart)
        assert load_case_and_person(conn, 999_999, cast["fo"]) == (None, load_person(conn, cast["fo"]))


def described(case) -> dict:
    """A case record's columns and organisations, and its assignments as plain tuples."""
    return {**vars(case), "assignments": [(a.id, a.role, a.assigned_at, a.person) for a in case.assignments]}
