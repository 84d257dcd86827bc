"""The words of notifications: the sentence saying who did what, and the email subject lines,
exactly as content.md ("Emails (subject lines)") gives them."""
from datetime import date

from casework.visibility import DATES_NOT_TASKS

#: What the person who raised a dispute did, to follow their name (each transition's words,
#: `told`, are declared with it in its workflow module).
RAISED_DISPUTE = "raised a dispute"

#: Deadlines that are dates to know about rather than something a person does.
DATE_ONLY_KINDS = DATES_NOT_TASKS


def long_date(d: date) -> str:
    """A date as people read it: 9 December 2026."""
    return f"{d.day} {d:%B %Y}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def what_happened(told: str, actor_name: str | None, by_system: bool = False) -> str:
    """One sentence saying who did what: `told` follows the actor's name, or is the whole
    sentence for what the system did."""
    if by_system:
        return told + "."
    return f"{actor_name or 'Someone'} {told}."


def working_days_left(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'} left"


def concern_subject(funder: str, programme: str, due: date) -> str:
    return f"{funder} has raised a concern about {programme} — action needed by {long_date(due)}"


def reminder_subject(action: str, due: date, days_left: int) -> str:
    return f"Reminder: {lower_first(action)} due on {long_date(due)} ({working_days_left(days_left)})"


def overdue_subject(action: str, due: date) -> str:
    return f"Overdue: {lower_first(action)} was due on {long_date(due)}"


def consultation_subject(programme: str, due: date) -> str:
    return f"Consultation on {programme}: respond by {long_date(due)}"


def early_review_subject(programme: str, plan_end: date) -> str:
    return f"The review of {programme} has started before the plan's end date, {long_date(plan_end)}"


def review_subject(programme: str) -> str:
    return f"The review of {programme} has started"


def impact_subject(programme: str) -> str:
    return f"An impact assessment of a change to funding for {programme} has started"


#: What a booking is, inside a subject line.
BOOKED = {"mediation_session": "mediation session", "panel_hearing": "Compact panel hearing"}


def booking_subject(ref: str, kind: str, on: date, starts_at: str) -> str:
    return f"Dispute {ref}: {BOOKED[kind]} on {on:%A} {long_date(on)} at {starts_at} (calendar invitation attached)"


def booking_cancelled_subject(ref: str, kind: str, on: date, starts_at: str) -> str:
    return (f"Dispute {ref}: {BOOKED[kind]} on {on:%A} {long_date(on)} at {starts_at} cancelled "
            "(calendar cancellation attached)")


def booking_cancelled(what: str, on: date, starts_at: str, ended: str) -> str:
    """What everyone invited to a booking reads when the dispute's end cancels it."""
    return (f"{what} on {on:%A} {long_date(on)} at {starts_at} is cancelled, because the dispute was "
            f"{ended.lower()}. A calendar cancellation is attached to the email.")


def dispute_received(on: date) -> str:
    """The receipt for a dispute, in the email the person who raised it gets too."""
    return f"The dispute was received on {long_date(on)}."


def decision_subject(programme: str) -> str:
    return f"Decision on {programme}"


def notice_subject(programme: str, outcome: str, effective: date) -> str:
    return f"Written notice: funding for {programme} will {outcome} on {long_date(effective)} (letter attached)"


def notice_moved_subject(programme: str, effective: date) -> str:
    return f"New date: funding for {programme} now changes on {long_date(effective)} (letter attached)"


def notice_moved(old: date, new: date, reason: str) -> str:
    """What happened when a paused notice restarted later than it would have ended."""
    return (f"The date funding changes moved from {long_date(old)} to {long_date(new)}, because {reason}. "
            "A pause never shortens the notice.")


def dispute_subject(ref: str, stage: str, who: str | None, due: date | None) -> str:
    """The dispute subject line; with nothing left to do, just the reference and stage."""
    if who and due:
        return f"Dispute {ref}: {stage} — {who} to act by {long_date(due)}"
    return f"Dispute {ref}: {stage}"
