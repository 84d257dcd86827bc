"""The validator that checks a workflow's tables hang together, on the real workflows and on
small broken ones."""
from datetime import date
from enum import StrEnum

import pytest

from workflows.definitions import DeadlineRule, Due, StateInfo, Transition, Workflow, validate
from workflows.registry import WORKFLOWS

SYSTEM, PERSON = frozenset({"system"}), frozenset({"funder_officer"})


def row(trigger: str, sources: tuple, dest: str | None, who: frozenset, label: str, **words) -> Transition:
    """A transition with all its words (`words` replaces some): a person's with a button,
    question, banner and message; the system's with its message and the diagram's words."""
    said = ({"button": label, "told": f"The {trigger} happened", "automatic": f"The {trigger} happens"}
            if who == SYSTEM else
            {"button": label, "question": f"{label}?", "done": f"{label}: done.", "told": f"did {trigger}"})
    return Transition(trigger=trigger, sources=sources, dest=dest, who=who, **(said | words))


class Toy(StrEnum):
    OPEN = "open"
    WAITING = "waiting"
    DONE = "done"


def toy(transitions: tuple[Transition, ...], deadlines: tuple[DeadlineRule, ...] = ()) -> Workflow:
    """A three-state workflow (open -> waiting -> done) with the given table."""
    info = {s.value: StateInfo(s.value, "grey", "", "") for s in Toy}
    return Workflow(key="toy", version=1, states=Toy, initial=Toy.OPEN, terminal=frozenset({Toy.DONE}),
                    transitions=transitions, deadlines=deadlines, info=info)


GOOD = (row("wait", (Toy.OPEN,), Toy.WAITING, PERSON, "Wait"),
        row("finish", (Toy.WAITING,), Toy.DONE, PERSON, "Finish"),
        row("time_up", (Toy.WAITING,), Toy.DONE, SYSTEM, "Time up"))
TIMER = DeadlineRule("timer", Toy.WAITING, "Finish in time", ("funder_officer",),
                     Due("date", lambda case: date(2027, 1, 1)), on_expiry="time_up")


@pytest.mark.parametrize("key", sorted(WORKFLOWS))
def test_both_workflows_validate_cleanly(key):
    assert validate(WORKFLOWS[key]) == []


def test_a_well_formed_toy_workflow_validates_cleanly():
    assert validate(toy(GOOD, (TIMER,))) == []


def test_a_state_nothing_leads_to_is_reported_unreachable():
    table = (row("finish", (Toy.OPEN,), Toy.DONE, PERSON, "Finish"),
             row("finish_waiting", (Toy.WAITING,), Toy.DONE, PERSON, "Finish"))
    assert "state waiting cannot be reached" in validate(toy(table))


def test_an_open_state_with_no_way_out_is_reported_as_a_dead_end():
    table = (row("wait", (Toy.OPEN,), Toy.WAITING, PERSON, "Wait"),
             row("finish", (Toy.OPEN,), Toy.DONE, PERSON, "Finish"),
             row("note", (Toy.WAITING,), None, PERSON, "Add a note"))
    assert validate(toy(table)) == ["state waiting has no way out"]


def test_an_expiry_into_a_trigger_people_fire_is_reported():
    table = GOOD[:2] + (row("time_up", (Toy.WAITING,), Toy.DONE, PERSON, "Time up"),)
    assert validate(toy(table, (TIMER,))) == [
        "deadline timer expires into time_up, which the system cannot fire from waiting"]


def test_an_expiry_into_a_trigger_not_valid_from_the_deadlines_state_is_reported():
    table = GOOD[:2] + (row("time_up", (Toy.OPEN,), Toy.DONE, SYSTEM, "Time up"),)
    assert validate(toy(table, (TIMER,))) == [
        "deadline timer expires into time_up, which the system cannot fire from waiting"]


def test_an_expiry_into_a_trigger_that_does_not_exist_is_reported():
    rule = DeadlineRule("timer", Toy.WAITING, "Finish in time", ("funder_officer",),
                        Due("date", lambda case: None), on_expiry="vanish")
    assert validate(toy(GOOD, (rule,))) == [
        "deadline timer expires into vanish, which the system cannot fire from waiting"]


def test_a_deadline_on_a_terminal_state_is_reported():
    rule = DeadlineRule("late", Toy.DONE, "Too late", ("funder_officer",), Due("date", lambda case: None))
    assert validate(toy(GOOD, (rule,))) == ["deadline late belongs to done, not an open state"]


def test_a_terminal_state_with_an_exit_is_reported():
    table = GOOD + (row("reopen", (Toy.DONE,), Toy.OPEN, PERSON, "Reopen"),)
    assert "terminal state done has an exit" in validate(toy(table))


@pytest.mark.parametrize("word", ["button", "question", "done", "told"])
def test_an_action_people_take_without_one_of_its_words_is_refused(word):
    table = (GOOD[0], row("finish", (Toy.WAITING,), Toy.DONE, PERSON, "Finish", **{word: ""}), GOOD[2])
    assert validate(toy(table)) == [f"finish: no {word}"]


@pytest.mark.parametrize("word", ["button", "told", "automatic"])
def test_an_action_the_system_takes_without_one_of_its_words_is_refused(word):
    table = GOOD[:2] + (row("time_up", (Toy.WAITING,), Toy.DONE, SYSTEM, "Time up", **{word: " "}),)
    assert validate(toy(table, (TIMER,))) == [f"time_up: no {word}"]


def test_transitions_are_declared_by_keyword_only():
    with pytest.raises(TypeError):
        Transition("wait", (Toy.OPEN,), Toy.WAITING, PERSON, "Wait")  # which string is the button?
