"""The vocabulary every workflow module is written in: fields a person fills in, one
declaration per transition (everything it does and every word people read about it), deadline
rules as data, and the validator that checks a workflow's tables hang together.

Nothing here imports what gates see (`workflows.context`) at run time: the types below only
name it, so context -> deadlines -> definitions is not a circle.

A little over 300 lines on purpose: the whole vocabulary in one module, so that a workflow
module reads as its process table with one import."""
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from casework.cases import CaseReading
from workflows import calendar as cal

if TYPE_CHECKING:
    from casework.organisations import Person
    from workflows.context import Context
    from workflows.limits import TimeLimits

Guard = Callable[["Context"], str | None]        # returns why the action is refused, or None
Effect = Callable[["Context"], None]             # records what the action means on the case
When = Callable[["Context"], bool]               # picks between rows sharing trigger and source

ANY_OPEN = "*"      # every non-terminal state
ANY_STATE = "**"    # every state, terminal ones included (for records that change nothing)


@dataclass(frozen=True)
class Asking:
    """What a question page knows as it starts: the case, today, the time limits, the calendar."""

    case: CaseReading
    today: date
    limits: "TimeLimits"
    calendar: cal.WorkingCalendar

    def add_wd(self, start: date, n: int) -> date:
        return cal.add_working_days(start, n, calendar=self.calendar)


@dataclass(frozen=True)
class People:
    """Who may be chosen in a person field: active people holding the role (named, or worked
    out from the case), from the case's organisation in `org` (a `Case` attribute such as
    "funder_org_id"), or, if `independent`, from neither party; if `separated`, never the
    funder officer or decision-maker of the funding case a dispute is about."""

    role: str | Callable[[CaseReading], str]
    org: str | None = None
    independent: bool = False
    separated: bool = False


@dataclass(frozen=True)
class Field:
    """One thing a person gives when taking an action; the web forms are built from these."""

    name: str
    label: str
    kind: str = "textarea"   # text, textarea, date, datetime, time, choice, multichoice, person, actions, confirm, int
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    people: People | None = None                                         # for kind "person"
    items: Callable[[CaseReading], list[tuple[str, str]]] | None = None  # choices read from the case
    start: Callable[[Asking], Any] | None = None                         # the value the page starts with
    hint_for: Callable[[Asking], str] | None = None                      # a hint that depends on the case
    #: Not required by the form, but its gate needs it when this holds: then not called optional.
    needed_if: Callable[[CaseReading], bool] | None = None
    #: Asked only when this holds; otherwise the page leaves the question out.
    asked_if: Callable[[Asking], bool] | None = None
    #: The answer as the timeline writes it, a whole line in place of "label: answer" (so a
    #: person reads "Version 1 of the plan", not "Plan version: 1").
    reads: Callable[[Any], str] | None = None


class Subject(StrEnum):
    """Which subject line an email has; the words are in `notifications/wording.py`."""

    CONCERN = "concern"              #: "{funder} has raised a concern about {programme} — action needed by ..."
    CONSULTATION = "consultation"    #: "Consultation on {programme}: respond by ..."
    DECISION = "decision"            #: "Decision on {programme}"
    NOTICE = "notice"                #: "Written notice: funding for {programme} will ... (letter attached)"
    DISPUTE = "dispute"              #: "Dispute {ref}: {stage} — {who} to act by ..."
    EARLY_REVIEW = "early_review"    #: "The review of {programme} has started before the plan's end date, ..."
    REVIEW = "review"                #: "The review of {programme} has started" (the early words when it started early)
    IMPACT = "impact"                #: "An impact assessment of a change to funding for {programme} has started"
    BOOKING = "booking"              #: "Dispute {ref}: {what} on {date} at {time}"


@dataclass(frozen=True, kw_only=True)
class Emails:
    """The email a transition sends besides everyone's in-app message: its subject line, and
    to whom (the people on the case in these roles; None: everyone told)."""

    subject: Subject
    to: tuple[str, ...] | None = None
    #: Where in the case's data the instant its letter may be emailed is kept (else at once).
    letter_at: tuple[str, ...] = ()
    #: Emailed only when this holds of the case after the action (None: always).
    only_if: Callable[[CaseReading], bool] | None = None
    #: The person who acted is emailed too (a receipt, or their own copy of an invitation).
    to_actor: bool = False
    #: The booking (its kind, in the case's "bookings") each email carries as a calendar invitation.
    invitation: str | None = None
    #: The deadline whose date the email states, with what must be done by then.
    states_due: str | None = None


@dataclass(frozen=True, kw_only=True)
class Transition:
    """One action on a case, declared once: what it does and every word people read about it.

    `button` is the action's link and the timeline's title; `question` the heading of its
    page; `done` the banner the person who did it reads ("The concern was raised."); `told`
    what everyone else is told, after the actor's name ("raised a concern"), or for an action
    the system takes, the whole sentence, and `told_also` any more they are told that depends
    on the case; `automatic` the system's action on the diagram. A system action needs no
    question or banner; a person's needs no `automatic`."""

    trigger: str
    sources: tuple[str, ...]
    dest: str | None                  # None: an internal transition, the state stays
    who: frozenset[str]
    button: str
    question: str = ""
    done: str = ""
    told: str = ""
    told_also: Callable[[CaseReading], str] | None = None   # read after the action; "" for nothing more
    automatic: str = ""
    emails: Emails | None = None      # None: in-app messages only
    fields: tuple[Field, ...] = ()
    guards: tuple[Guard, ...] = ()
    effect: Effect | None = None
    when: When | None = None
    letter: str | None = None         # the letter this transition sends, if any
    check_first: bool = False         # the person checks their answers and the letter before it is done
    offered_if: Callable[[CaseReading], bool] | None = None   # offered only when this holds (gates still decide)
    #: Offered only to some of the people in `who`, on this case (such as a panel member who
    #: has not yet made their declaration).
    offered_to: Callable[["Person", CaseReading], bool] | None = None
    #: What must be done before this can be (offered only once nothing is), as a checklist
    #: the case page shows to whoever could then do it.
    still_needed: Callable[[CaseReading], list[str]] | None = None
    #: The first day this can succeed, and what that day is ("the day of the hearing"), when
    #: a date on the case decides it: offered only from then, and until then the case page
    #: says from when (`workflows.offers.possible_later`).
    possible_from: Callable[[CaseReading], tuple[date, str] | None] | None = None
    #: What the action is in that sentence, when not its button ("record the outcome" for both
    #: "Record the agreement" and "Record no agreement": one sentence says it for both).
    possible_as: str = ""
    #: The last day this can succeed, when a date on the case decides it (a booking can be
    #: changed until its day): offered only until then.
    possible_until: Callable[[CaseReading], date | None] | None = None
    #: Evidence or a response: the person may attach files to it (its page offers an upload).
    accepts_documents: bool = False

    @property
    def is_system(self) -> bool:
        return self.who == frozenset({"system"})

    def missing_words(self) -> list[str]:
        """The words people would read about this action that it does not declare."""
        needed = ("button", "told", "automatic") if self.is_system else ("button", "question", "done", "told")
        return [name for name in needed if not getattr(self, name).strip()]


def or_stays(row: Transition, **changes: Any) -> tuple[Transition, Transition]:
    """The row, then the same action for when its `when` does not hold: the case stays where it
    is and nobody is emailed (`changes`: what else differs, such as a further gate)."""
    return row, replace(row, dest=None, when=None, emails=None, **changes)


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

    def row(self, trigger: str) -> Transition | None:
        """The first row of a trigger (its words are the same on every row)."""
        return next(iter(self.rows(trigger)), None)

    def fired(self, trigger: str, from_state: str, to_state: str) -> Transition | None:
        """The row that took a case from one state to another by this trigger."""
        return next((t for t in self.rows(trigger) if from_state in self.expand(t.sources)
                     and (t.dest or from_state) == to_state), None)

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
    """Problems with a workflow's tables: unreachable states, dead ends, broken expiries, and
    transitions missing any of the words people read about them."""
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
    problems += [f"{t.trigger}: no {name}" for t in workflow.transitions for name in t.missing_words()]
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
