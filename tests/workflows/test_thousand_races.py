"""Security test plan row 18 at the plan's figure: 1,000 races on PostgreSQL (100 on SQLite), each two writers firing the same
transition on the same case version at the same moment (threads with their own sessions and
database connections, released together). Every race must have exactly one winner and one
loser told the case changed (StaleVersion, the 409 page in the web app), and no update may be
lost: after the races the case has moved on by exactly one version and one audit entry per
race, and its chain verifies. The races alternate "pause deadlines" and "resume deadlines"
on one case, so each starts from the state the last one left."""
import threading

import pytest

from casework.audit import verify_chains
from casework.errors import StaleVersion
from tests.factories import counts, funding_case_at

#: PostgreSQL runs the plan's 1,000 (about a minute). SQLite takes its write lock when a
#: transaction begins, so its writers queue rather than overlap; 100 races show the same there.
RACES = {"postgresql": 1000, "sqlite": 100}


def race(service, case_id: int, trigger: str, version: int, actor: int, now) -> list[str]:
    barrier = threading.Barrier(2, timeout=20)
    results: list[str] = []

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            service.fire(case_id, trigger, actor, {"reason": f"race {version}, writer {n}"}, now,
                         expected_version=version)
            results.append("applied")
        except StaleVersion:
            results.append("stale")
        except Exception as exc:  # shown by the assertion
            results.append(repr(exc))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(results)


@pytest.mark.slow
def test_a_thousand_races_each_have_one_winner_and_lose_no_update(engine, service, factory, cast, clock):
    races = RACES[engine.dialect.name]
    case = funding_case_at(service, cast, clock, "concern_raised")
    before = counts(factory, case.id)
    outcomes = {}
    for n in range(races):
        trigger = "pause" if n % 2 == 0 else "resume"
        result = race(service, case.id, trigger, before["version"] + n, cast["fo"], clock.now())
        outcomes[tuple(result)] = outcomes.get(tuple(result), 0) + 1
    assert outcomes == {("applied", "stale"): races}

    after = counts(factory, case.id)
    assert (after["version"], after["audit"]) == (before["version"] + races, before["audit"] + races)
    assert after["status"] == before["status"]
    with factory() as s:
        assert verify_chains(s, [case.id]) == []
