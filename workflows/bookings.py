"""Booking ahead (processes.md, "Revisions (2026-12-07)"): a mediation session or a panel
hearing is booked with its date, its start time (London time, as typed) and its place or
online link. Booking again keeps the booking's identity and counts the change, so that the
calendar invitation the parties are emailed (`notifications.invitations`) updates the event
in their calendars rather than adding a second one.

A booking is kept in the case's data under "bookings", by the kind of the deadline it meets:
{"on": date, "starts_at": "HH:MM", "zone": "Europe/London", "place": text, "link": bool,
"sequence": 0 for the first booking and one more for each change, "limit": the time limit's
date when first booked, "limit_row": that deadline row's id}."""
import re
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

from casework.cases import CaseReading
from casework.errors import InvalidInput
from workflows import deadlines
from workflows.context import Context
from workflows.definitions import Effect, Field, Guard, as_date
from workflows.dispute_rules import set_date
from workflows.gates import Refusal, live_deadline, long_date

ZONE = "Europe/London"
START = Field("starts_at", "Start time", "time", hint="London time, on the 24-hour clock, for example 14:30")
PLACE = Field("place", "Place or online link", "text",
              hint="The address of the room, or the link to the online meeting (starting https://)")
#: What the booking is, as the people told read it.
WHAT = {"mediation_session": "The mediation session", "panel_hearing": "The Compact panel hearing"}
#: Text that starts like a link ("javascript:…", "http://…", "//…", "www.…") must be an https link.
_LINKISH = re.compile(r"^(?:[a-z][a-z0-9+.\-]*:(?!\s)|//|www\.)", re.IGNORECASE)


def booking(case: CaseReading, kind: str) -> dict | None:
    """The case's booking of this kind, if any."""
    return ((case.data or {}).get("bookings") or {}).get(kind)


def is_link(place: str) -> bool:
    """Whether the place given is an online link (checked by `place_or_link` first)."""
    return bool(_LINKISH.match(place.strip()))


def place_or_link(ctx: Context) -> str | None:
    """A place is a line of text, or else a link starting https:// to a named host; anything
    else that looks like a link (javascript:, http:, data:) is refused."""
    place = str(ctx.data.get("place") or "").strip()
    if not is_link(place):
        return None
    parts = urlsplit(place)
    if parts.scheme.lower() != "https" or not parts.hostname or any(ch.isspace() for ch in place):
        return Refusal("Enter a link to the online meeting that starts https://, or the address of the place", "place")
    return None


def booked_day(kind: str) -> Callable[[CaseReading], date | None]:
    """The booking's day: the last day it can be changed (`not_yet_held`), as offers read it."""
    def last_day(case: CaseReading) -> date | None:
        booked = booking(case, kind)
        return as_date(booked["on"]) if booked else None
    return last_day


def not_yet_held(kind: str) -> Guard:
    """A booking can be changed until its day; after that, it has taken place."""
    def guard(ctx: Context) -> str | None:
        booked = booking(ctx.case, kind)
        held_on = as_date(booked["on"]) if booked else None
        if held_on is not None and held_on < ctx.today:
            return f"{WHAT[kind]} took place on {long_date(held_on)}. It can no longer be changed."
        return None
    return guard


def book(kind: str, date_field: str, data_key: str, what: str, moves: tuple[str, ...] = ()) -> Effect:
    """Keep the booking: its date (a date later than its time limit is recorded as missing it,
    with the reason), start time and place; a change counts one more and moves the deadlines
    in `moves` that count from the date (each by its own rule)."""
    keep_date = set_date(data_key, date_field, kind, what)

    def effect(ctx: Context) -> None:
        before = booking(ctx.case, kind)
        keep_date(ctx)
        row = live_deadline(ctx, kind)
        limit = {"limit": row.due_on, "limit_row": row.id} if row is not None else \
            {k: (before or {}).get(k) for k in ("limit", "limit_row")}
        chosen = as_date(ctx.data[date_field])
        if before is not None:
            _rebooked(ctx, kind, before, chosen, limit, what, moves)
        place = ctx.data["place"].strip()
        bookings = ctx.get("bookings", default={}) or {}
        bookings[kind] = {"on": chosen, "starts_at": ctx.data["starts_at"], "zone": ZONE, "place": place,
                          "link": is_link(place), "sequence": 0 if before is None else before["sequence"] + 1,
                          **limit}
        ctx.put("bookings", bookings)
    return effect


def _rebooked(ctx: Context, kind: str, before: dict, chosen: date, limit: dict, what: str,
              moves: tuple[str, ...]) -> None:
    ctx.audit_extra["booked_before"] = f"{long_date(as_date(before['on']))} at {before['starts_at']}"
    if live_deadline(ctx, kind) is None and limit.get("limit") and chosen > as_date(limit["limit"]):
        # Moved past the time limit after it was first met: the limit is missed after all.
        if limit.get("limit_row"):
            deadlines.record_missed(ctx.conn, limit["limit_row"], ctx.now)
        ctx.audit_extra["time_limit_missed"] = (f"{WHAT[kind]}: due by {long_date(as_date(limit['limit']))}; "
                                                f"{what} {long_date(chosen)}")
    from workflows.registry import WORKFLOWS  # the table is built from these rules: read it when run
    for moved in moves:
        rule = next(r for r in WORKFLOWS[ctx.case.workflow].deadlines if r.kind == moved)
        ctx.move_deadline(moved, rule.due.count_from(chosen, ctx.limits, ctx.calendar),
                          f"{WHAT[kind].lower()[0] + WHAT[kind][1:]} moved to {long_date(chosen)}")


def rebooked_late_needs_reason(kind: str, date_field: str, what: str) -> Guard:
    """Moving a booking past the time limit it first met needs a reason, as a late first
    booking does (`dispute_rules.late_needs_reason`)."""
    def guard(ctx: Context) -> str | None:
        before, chosen = booking(ctx.case, kind), as_date(ctx.data.get(date_field))
        limit = as_date((before or {}).get("limit"))
        if live_deadline(ctx, kind) is not None or limit is None or chosen is None or chosen <= limit:
            return None
        if not str(ctx.data.get("late_reason") or "").strip():
            raise InvalidInput({"late_reason": (f"{what} {long_date(chosen)} is after the time limit, "
                                                f"{long_date(limit)}. Enter why it cannot be sooner")})
        return None
    return guard


def booked_words(kind: str):
    """What everyone told reads about the booking (`Transition.told_also`)."""
    def told(case: CaseReading) -> str:
        booked = booking(case, kind)
        if not booked:
            return ""
        on = as_date(booked["on"])
        where = f"online, at {booked['place']}" if booked.get("link") else f"at {booked['place']}"
        changed = " This replaces the earlier booking." if booked.get("sequence") else ""
        return (f"{WHAT[kind]} is on {on:%A} {long_date(on)} at {booked['starts_at']} (London time), {where}. "
                f"A calendar invitation is attached to the email.{changed}")
    return told
