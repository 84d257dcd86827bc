"""The one way a case changes state. `apply_transition` checks, in order: the trigger exists,
it is allowed from the current state, the actor holds a role that may fire it, what they gave
is complete, and every gate passes. Only then does it change the state through the shared
`transitions` machine and write the audit entry, deadline rows, letter and events, all in the
caller's transaction. Any refusal raises before anything is written."""
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from transitions import Machine

from casework.audit import append_entry
from casework.cases import Actor, Case, case_roles
from casework.errors import (CaseworkError, GateRefused, InvalidInput, NotFound, NotPermitted, StaleVersion,
                             TriggerNotAllowed, UnknownTrigger)
from casework.events import LetterIssued, TransitionApplied
from casework.letters import Letter
from casework.permissions import can_view_case
from workflows import calendar as cal
from workflows import deadlines
from workflows.context import Context, Hooks, to_json
from workflows.definitions import Transition, Workflow
from workflows.fields import parse_fields
from workflows.letter_parties import letter_parties
from workflows.limits import TimeLimits

_MACHINES: dict[str, Machine] = {}
_STORE_LETTER = insert(Letter.__table__)


class _Bound:
    """The machine's view of a case: its `state` is the case's status column."""

    def __init__(self, case: Case) -> None:
        self.case = case

    @property
    def state(self) -> str:
        return self.case.status

    @state.setter
    def state(self, value: str) -> None:
        self.case.status = value


def machine_for(workflow: Workflow) -> Machine:
    """The one shared machine of a workflow, built on first use."""
    if workflow.key not in _MACHINES:
        _MACHINES[workflow.key] = Machine(
            model=None, states=[s.value for s in workflow.states], initial=str(workflow.initial),
            transitions=[_machine_row(workflow, t) for t in workflow.transitions],
            auto_transitions=False, send_event=True, model_attribute="state")
    return _MACHINES[workflow.key]


def _machine_row(workflow: Workflow, t: Transition) -> dict[str, Any]:
    row: dict[str, Any] = {"trigger": t.trigger, "source": list(workflow.expand(t.sources)),
                          "dest": None if t.dest is None else str(t.dest)}
    if t.when is not None:
        row["conditions"] = [lambda event, when=t.when: when(event.kwargs["ctx"])]
    return row


def choose_row(workflow: Workflow, case: Case, trigger: str) -> list[Transition]:
    """The rows of this trigger allowed from the case's state; refuses unknown or misplaced ones."""
    rows = workflow.rows(trigger)
    if not rows:
        raise UnknownTrigger(f"'{trigger}' is not an action in the {workflow.key.replace('_', '-')} process.")
    here = [t for t in rows if case.status in workflow.expand(t.sources)]
    if not here:
        tag = workflow.info[case.status].tag
        raise TriggerNotAllowed(f"You cannot '{rows[0].button}' while the case is at '{tag}'.")
    return here


def refusal(ctx: Context, row: Transition) -> str | None:
    """The first gate that refuses this action, as a message a person can act on."""
    for guard in row.guards:
        message = guard(ctx)
        if message:
            return message
    return None


def answer_refusals(ctx: Context, row: Transition, problems: dict[str, str]) -> dict[str, str]:
    """While some answers are missing or unreadable: each gate's refusal of an answer that was
    read (a `Refusal` naming its field), so the person sees every problem in one round. A gate
    that needs a missing answer is skipped here; it runs once every answer is read."""
    found: dict[str, str] = {}
    for guard in row.guards:
        try:
            message = guard(ctx)
        except (KeyError, TypeError, AttributeError, ValueError, CaseworkError):
            continue
        field = getattr(message, "field", None)
        if message and field and field not in problems:
            found.setdefault(field, str(message))
    return found


def apply_transition(session: Session, workflow: Workflow, case: Case, trigger: str, actor: Actor,
                     raw: dict[str, Any], now: datetime, *, limits: TimeLimits,
                     calendar: cal.WorkingCalendar, hooks: Hooks,
                     expected_version: int | None = None, audit_extra: dict[str, Any] | None = None) -> Context:
    """Fire one trigger on one case inside the caller's unit of work; raises on any refusal.
    `audit_extra` is recorded on its audit entry too (the documents added with it)."""
    row, ctx = check_transition(session, workflow, case, trigger, actor, raw, now, limits=limits,
                                calendar=calendar, hooks=hooks, expected_version=expected_version)
    ctx.audit_extra.update(audit_extra or {})
    from_state = case.status
    with session.no_autoflush:   # the case is written once, at the end, checked against its version
        _change_state(workflow, case, trigger, ctx)
        entry, letter = _write(workflow, case, row, ctx, actor, from_state)
    _record(case, row, ctx, actor, from_state, entry, letter)
    return ctx


def check_transition(session: Session, workflow: Workflow, case: Case, trigger: str, actor: Actor,
                     raw: dict[str, Any], now: datetime, *, limits: TimeLimits,
                     calendar: cal.WorkingCalendar, hooks: Hooks,
                     expected_version: int | None = None) -> tuple[Transition, Context]:
    """Every check `apply_transition` makes before it changes anything, in the same order;
    raises the first refusal, or returns the row that applies and its context."""
    if not can_view_case(actor, case):
        raise NotFound("There is no case with that reference.")
    if expected_version is not None and expected_version != case.version:
        raise StaleVersion()
    rows = choose_row(workflow, case, trigger)
    roles = case_roles(case, actor)
    rows = [t for t in rows if roles & t.who]
    if not rows:
        raise NotPermitted(f"You do not have a role on this case that can '{workflow.rows(trigger)[0].button}'.")
    try:
        data = parse_fields(rows[0].fields, raw or {})
    except InvalidInput as exc:   # with what the gates say of the answers that could be read
        partial = parse_fields(tuple(f for f in rows[0].fields if f.name not in exc.problems), raw or {})
        ctx = Context(session, case, actor, roles, partial, now, limits, calendar, hooks, trigger=trigger)
        raise InvalidInput({**exc.problems, **answer_refusals(ctx, rows[0], exc.problems)}) from None
    ctx = Context(session, case, actor, roles, data, now, limits, calendar, hooks, trigger=trigger)
    message = refusal(ctx, rows[0])
    if message:
        raise GateRefused(str(message), getattr(message, "field", None))
    return rows[0], ctx


def _change_state(workflow: Workflow, case: Case, trigger: str, ctx: Context) -> None:
    # The event is fired on the case directly rather than adding the case to the shared
    # machine and removing it again: that re-bound every trigger and state on each call,
    # and mutated the machine's model list, which threads share.
    event = machine_for(workflow).events[trigger]
    if not event.trigger(_Bound(case), ctx=ctx):
        raise TriggerNotAllowed("That action could not be applied at this stage.")


def _record(case: Case, row: Transition, ctx: Context, actor: Actor, from_state: str,
            entry: dict[str, Any], letter: tuple[int, str] | None) -> None:
    try:
        ctx.session.flush()   # the case, checked against its version, and anything else changed
    except StaleDataError:
        raise StaleVersion() from None
    ctx.events.insert(0, TransitionApplied(case.id, ctx.now, row.trigger, from_state, case.status,
                                           actor.id, dict(entry["data"])))
    if letter is not None:
        ctx.events.append(LetterIssued(case.id, ctx.now, *letter))
    if ctx.hooks.on_events is not None:
        ctx.hooks.on_events(ctx.conn, ctx.events, {case.id: case})


def _write(workflow: Workflow, case: Case, row: Transition, ctx: Context, actor: Actor,
           from_state: str) -> tuple[dict[str, Any], tuple[int, str] | None]:
    if case.status != from_state:
        ctx.put("stage_started_on", ctx.today)
    if row.effect is not None:
        row.effect(ctx)
    case.updated_at = ctx.now
    if case.status in workflow.terminal:
        case.closed_at = ctx.now
    for kind, new_due, reason in ctx.deadline_moves:
        moved = deadlines.move(ctx.conn, case, kind, new_due, reason, ctx.now, ctx.limits, ctx.calendar)
        if moved:
            ctx.events.append(moved)
            ctx.audit_extra.setdefault("deadlines_moved", []).append(
                {"deadline": moved.label, "from": moved.old_due_on, "to": new_due, "reason": reason})
    deadlines.sync(ctx.conn, workflow, case, ctx.now, ctx.limits, ctx.calendar,
                   entered=case.status != from_state)
    _name_people(row, ctx)
    letter = _issue_letter(case, row, ctx)
    entry = append_entry(ctx.session, case, actor, row.trigger, from_state, case.status,
                         to_json({**ctx.data, **ctx.audit_extra}), ctx.now)
    return entry, letter


def _issue_letter(case: Case, row: Transition, ctx: Context) -> tuple[int, str] | None:
    """Render the transition's letter once, store it with its hash, and note the hash for
    audit; returns the letter's id and kind."""
    kind = row.letter or ctx.letter_kind
    if kind is None or ctx.hooks.render_letter is None:
        return None
    rendered = ctx.hooks.render_letter(kind, letter_context(case, ctx))
    letter_id = store_letter(ctx.conn, case.id, kind, rendered, row.trigger, ctx.now)
    ctx.audit_extra["letter"] = {"kind": kind, "filename": rendered.filename, "sha256": rendered.sha256}
    return letter_id, kind


def store_letter(db: Session | Connection, case_id: int, kind: str, rendered: Any, trigger: str, now: datetime) -> int:
    """Store a rendered letter with its hash; returns its id."""
    connection = db.connection() if isinstance(db, Session) else db
    return connection.execute(_STORE_LETTER, {
        "case_id": case_id, "kind": kind, "filename": rendered.filename, "pdf": rendered.pdf,
        "sha256": rendered.sha256, "trigger": trigger, "created_at": now}).inserted_primary_key[0]


def letter_context(case: Case, ctx: Context) -> dict[str, Any]:
    """What the letter of a transition says: the case's common fields, who it is to and from,
    and what the effect set."""
    return {
        "case_ref": case.ref, "programme": case.title, "letter_date": ctx.today,
        "generated_on": ctx.today,
        "funder_name": case.funder.name if case.funder else "",
        "org_name": case.vco.name if case.vco else "",
        **letter_parties(ctx.session, case, ctx.actor, ctx.roles),
        **(ctx.letter_context or {}),
    }


def preview_letter(session: Session, workflow: Workflow, case: Case, trigger: str, actor: Actor,
                   raw: dict[str, Any], now: datetime, *, limits: TimeLimits,
                   calendar: cal.WorkingCalendar, hooks: Hooks) -> tuple[str, dict[str, Any]] | None:
    """The letter this action would send, as (kind, context), after every check the action
    makes; its effect runs on the case in memory only, so the caller must roll back."""
    row, ctx = check_transition(session, workflow, case, trigger, actor, raw, now, limits=limits,
                                calendar=calendar, hooks=hooks)
    if row.letter is None:
        return None
    if row.effect is not None:
        row.effect(ctx)
    return row.letter, letter_context(case, ctx)


def _name_people(row: Transition, ctx: Context) -> None:
    """Record chosen people by name as well as id, so the timeline reads without look-ups."""
    for f in row.fields:
        if f.kind == "person" and ctx.data.get(f.name) is not None:
            person = ctx.person(ctx.data[f.name])
            ctx.audit_extra[f"{f.name}_name"] = person.name if person else None
