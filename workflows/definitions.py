"""The vocabulary every workflow module is written in: fields a person fills in, transitions
(trigger, sources, destination, who, guards), deadline rules as data, and the validator that
checks a workflow's tables hang together."""
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from casework.cases import CaseReading
from workflows import calendar as cal

if TYPE_CHECKING:
    from workflows.context import Context
    from workflows.limits import TimeLimits

Guard = Callable[["Context"], str | None]        # returns why the action is refused, or None
Effect = Callable[["Context"], None]             # records what the action means on the case
When = Callable[["Context"], bool]               # picks between rows sharing trigger and source

ANY_OPEN = "*"      # every non-terminal state
ANY_STATE = "**"    # every state, terminal ones included (for records that change nothing)


@dataclass(frozen=True)
class Field:
    """One thing a person gives when taking an action; the web forms are built from these."""

    name: str
    label: str
    kind: str = "textarea"   # text, textarea, date, datetime, choice, multichoice, person, actions, confirm, int
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class Transition:
    trigger: str
    sources: tuple[str, ...]
    dest: str | None                  # None: an internal transition, the state stays
    who: frozenset[str]
    button: str
    question: str = ""
    fields: tuple[Field, ...] = ()
    guards: tuple[Guard, ...] = ()
    effect: Effect | None = None
    when: When | None = None
    letter: str | None = None         # the letter this transition sends, if any

    @property
    def is_system(self) -> bool:
        return self.who == frozenset({"system"})


@dataclass(frozen=True)
class DeadlineSpec:
    """A deadline a case needs right now: what, by when, and how the date was computed."""

    kind: str
    label: str
    due_on: date
    basis: dict[str, Any]


@dataclass(frozen=True)
class Due:
    """How a due date is computed: a count of working days or calendar months from an anchor
    date, or a date someone chose (unit "date")."""

    unit: str                                   # wd, months, date
    anchor: Callable[[CaseReading], date | None]
    limit: str | None = None                    # the TimeLimits field holding the count
    days_before: int = 0                        # for "date": due the day(s) before the anchor

    def count_from(self, anchor: date, limits: "TimeLimits", calendar: cal.WorkingCalendar | None = None) -> date:
        """The due date for this anchor: the engine's deadline rows and the projected timeline
        both count through here, so they cannot disagree."""
        if self.unit == "date":
            return date.fromordinal(anchor.toordinal() - self.days_before)
        count = getattr(limits, self.limit)
        if self.unit == "wd":
            return cal.add_working_days(anchor, count, calendar=calendar)
        return cal.add_calendar_months(anchor, count)


@dataclass(frozen=True)
class DeadlineRule:
    kind: str
    state: str
    label: str
    acting: tuple[str, ...]
    due: Due
    on_expiry: str | None = None
    notify: tuple[str, ...] = ()
    applies: Callable[[CaseReading], bool] = lambda case: True
    items: Callable[[CaseReading], Sequence[tuple[str, str, date]]] | None = None   # one row per item
    #: A calendar period (the notice): paused in calendar days, never turned into working days.
    calendar_period: bool = False


@dataclass(frozen=True)
class StateInfo:
    """What a state is called and says, for funder-side and organisation-side readers."""

    tag: str
    colour: str
    funder: str
    organisation: str


@dataclass
class Workflow:
    key: str
    version: int
    states: type[StrEnum]
    initial: str
    terminal: frozenset[str]
    transitions: tuple[Transition, ...]
    deadlines: tuple[DeadlineRule, ...]
    info: dict[str, StateInfo]
    _by_trigger: dict[str, list[Transition]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for t in self.transitions:
            self._by_trigger.setdefault(t.trigger, []).append(t)

    def expand(self, sources: tuple[str, ...]) -> tuple[str, ...]:
        """Sources with the ANY_OPEN and ANY_STATE shorthands spelled out."""
        out: list[str] = []
        for s in sources:
            if s == ANY_STATE:
                out += [st.value for st in self.states]
            elif s == ANY_OPEN:
                out += [st.value for st in self.states if st.value not in self.terminal]
            else:
                out.append(str(s))
        return tuple(dict.fromkeys(out))

    def rows(self, trigger: str) -> list[Transition]:
        return self._by_trigger.get(trigger, [])

    def triggers(self) -> list[str]:
        return list(self._by_trigger)

    def available(self, state: str) -> list[Transition]:
        """Every row that may fire from this state, one per trigger, in table order."""
        seen: dict[str, Transition] = {}
        for t in self.transitions:
            if state in self.expand(t.sources) and t.trigger not in seen:
                seen[t.trigger] = t
        return list(seen.values())

    def rules_for(self, state: str) -> list[DeadlineRule]:
        return [r for r in self.deadlines if r.state == state]


def validate(workflow: Workflow) -> list[str]:
    """Problems with a workflow's tables: unreachable states, dead ends, broken expiries."""
    states = {s.value for s in workflow.states}
    problems = [f"{t.trigger}: unknown state {s!r}" for t in workflow.transitions
                for s in workflow.expand(t.sources) + ((t.dest,) if t.dest else ()) if s not in states]
    edges = {(s, t.dest) for t in workflow.transitions if t.dest for s in workflow.expand(t.sources)}
    reachable, frontier = {workflow.initial}, [workflow.initial]
    while frontier:
        here = frontier.pop()
        for a, b in edges:
            if a == here and b not in reachable:
                reachable.add(b)
                frontier.append(b)
    problems += [f"state {s} cannot be reached" for s in sorted(states - reachable)]
    problems += [f"state {s} has no way out" for s in sorted(states - workflow.terminal)
                 if not any(a == s and b != s for a, b in edges)]
    problems += [f"terminal state {s} has an exit" for a, b in edges if a in workflow.terminal
                 for s in [a]]
    for rule in workflow.deadlines:
        if rule.state not in states or rule.state in workflow.terminal:
            problems.append(f"deadline {rule.kind} belongs to {rule.state}, not an open state")
        if rule.on_expiry and not any(
                t.is_system and rule.state in workflow.expand(t.sources) for t in workflow.rows(rule.on_expiry)):
            problems.append(f"deadline {rule.kind} expires into {rule.on_expiry}, "
                            f"which the system cannot fire from {rule.state}")
    problems += [f"state {s} has no words for people" for s in sorted(states - set(workflow.info))]
    return problems


def as_date(value: Any) -> date | None:
    """A date from a stored ISO string (JSON keeps dates as text), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
