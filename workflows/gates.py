"""Gates shared by both processes: deadline windows compared with `now` (so they hold even
if the scheduler never ran), pause state, and dates that must lie ahead."""
from datetime import date
from types import SimpleNamespace

from casework.cases import MANUAL_PAUSE
from casework.deadlines import DeadlineStatus
from workflows.calendar import local_date
from workflows.context import Context
from workflows.definitions import Guard, as_date


class Refusal(str):
    """A guard's refusal about one of the answers given (`field`), so that the form shows the
    message beside that answer; a plain string refuses the action as a whole."""

    field: str | None

    def __new__(cls, message: str, field: str | None = None) -> "Refusal":
        refusal = super().__new__(cls, message)
        refusal.field = field
        return refusal


def live_deadline(ctx: Context, kind: str) -> SimpleNamespace | None:
    """The case's running (or paused) deadline of this kind, if any."""
    return next((row for row in ctx.live_deadlines if row.kind == kind), None)


def long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def deadline_passed(kind: str) -> Guard:
    """For system triggers: the deadline has run out and is not paused."""
    def guard(ctx: Context) -> str | None:
        row = live_deadline(ctx, kind)
        if row is None:
            return "There is no running deadline for this step."
        if row.status == DeadlineStatus.PAUSED:
            return "Deadlines on this case are paused."
        if ctx.now < row.fires_at:
            return f"The deadline is {long_date(row.due_on)} and has not passed yet."
        return None
    return guard


def window_open(kind: str, what: str) -> Guard:
    """For a party's action that closes when a deadline with a system expiry runs out."""
    def guard(ctx: Context) -> str | None:
        row = live_deadline(ctx, kind)
        if row is None or row.status == DeadlineStatus.PAUSED or ctx.now < row.fires_at:
            return None
        return f"The time to {what} ended on {long_date(row.due_on)}."
    return guard


def not_paused(ctx: Context) -> str | None:
    """The funder officer's own pause: one at a time (a dispute's pause is separate)."""
    return "Deadlines on this case are already paused." if MANUAL_PAUSE in ctx.case.pause_causes else None


def paused(ctx: Context) -> str | None:
    """Only the funder officer's own pause can be ended by hand; a dispute's ends with it."""
    causes = ctx.case.pause_causes
    if MANUAL_PAUSE in causes:
        return None
    if causes:
        return "The deadlines are paused while a linked dispute is open. They restart when it ends."
    return "Deadlines on this case are not paused."


def date_in_future(field: str, label: str) -> Guard:
    """A date someone chose must be after today (London time)."""
    def guard(ctx: Context) -> str | None:
        chosen = as_date(ctx.data.get(field))
        if chosen is not None and chosen <= local_date(ctx.now):
            return Refusal(f"{label} must be in the future.", field)
        return None
    return guard


def date_not_in_future(field: str, label: str) -> Guard:
    """A date something happened must be today or earlier (London time), and not before
    the case was opened."""
    def guard(ctx: Context) -> str | None:
        chosen, today = as_date(ctx.data.get(field)), local_date(ctx.now)
        if chosen is None:
            return None
        if chosen > today:
            return Refusal(f"{label} must be today or in the past.", field)
        opened = local_date(ctx.case.opened_at)
        if chosen < opened:
            return Refusal(f"{label} must be on or after {long_date(opened)}, when the case was opened.", field)
        return None
    return guard


def later_than_deadline(field: str, kind: str, label: str) -> Guard:
    """An extension's new date must be later than the deadline it extends."""
    def guard(ctx: Context) -> str | None:
        row = live_deadline(ctx, kind)
        chosen = as_date(ctx.data.get(field))
        if row is not None and row.due_on is not None and chosen is not None and chosen <= row.due_on:
            return Refusal(f"{label} must be after the current date, {long_date(row.due_on)}.", field)
        return None
    return guard
