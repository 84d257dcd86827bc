import pytest, dataclasses
from hypothesis.stateful import run_state_machine_as_test
from tests.workflows import test_stateful as T
from workflows.funding_change import WORKFLOW
import workflows.funding_change as F

def test_mutant_is_caught(engine, monkeypatch):
    if engine.dialect.name != "sqlite": pytest.skip()
    row = next(t for t in WORKFLOW.transitions if t.trigger == "open_consultation")
    monkeypatch.setitem(WORKFLOW._by_trigger, "open_consultation", [dataclasses.replace(row, guards=(F.consultation_long_enough,))])
    with pytest.raises(AssertionError) as e:
        run_state_machine_as_test(lambda: T.FundingChangeMachine(engine), settings=T.settings(T.SETTINGS, database=None))
    print("CAUGHT", str(e.value)[:200])
