"""Two people act on the same case at the same moment: exactly one change is applied and the
other person is told the case changed while they were looking, on both databases."""
import threading

import pytest

from casework.errors import StaleVersion
from tests.factories import counts, funding_case_at
from workflows import service as service_module
from workflows.service import CaseService

RESPONSE = {"response": "We can reach 30 a week with a second minibus run."}


def race(service: CaseService, case, cast, clock, attempts: int = 2) -> list[str]:
    """Fire the same response from `attempts` threads, each with its own session, released together."""
    barrier = threading.Barrier(attempts, timeout=20)
    results: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            service.fire(case.id, "submit_response", cast["vl"], RESPONSE, clock.now(),
                         expected_version=case.version)
            results.append("applied")
        except StaleVersion:
            results.append("stale")
        except Exception as exc:  # anything else is a failure the assertion below shows
            results.append(repr(exc))

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(results)


def test_the_same_action_fired_twice_at_once_is_applied_once(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation")
    before = counts(factory, case.id)
    assert race(service, case, cast, clock) == ["applied", "stale"]
    after = counts(factory, case.id)
    assert (after["audit"], after["version"], after["status"]) == (before["audit"] + 1, before["version"] + 1,
                                                                   "decision_pending")


def test_when_both_read_the_case_before_either_writes_the_database_refuses_the_second(
        engine, service, factory, cast, clock, monkeypatch):
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite takes the write lock when a transaction begins, so writers never overlap.")
    case = funding_case_at(service, cast, clock, "consultation")
    before = counts(factory, case.id)
    both_loaded = threading.Barrier(2, timeout=20)
    real_apply = service_module.apply_transition

    def apply_after_both_loaded(*args, **kwargs):
        both_loaded.wait()            # each has read the same version; neither has written
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(service_module, "apply_transition", apply_after_both_loaded)
    assert race(service, case, cast, clock) == ["applied", "stale"]
    assert counts(factory, case.id)["audit"] == before["audit"] + 1


def test_a_stale_version_is_refused_with_nothing_written(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation")
    before = counts(factory, case.id)
    with pytest.raises(StaleVersion, match="This case changed while you were looking at it"):
        service.fire(case.id, "submit_response", cast["vl"], RESPONSE, clock.now(), expected_version=case.version - 1)
    assert counts(factory, case.id) == before
