"""A booked mediation session or panel hearing as the case page gives it: "Thursday 14 January
2027 at 10:00 at Civic Offices, Bexleyheath", or "..., online at https://..." with the link a
link. The words are text (a `Linked` is a str, so bundles and tests read them as such); only
a page that renders them as HTML turns the link into an anchor, every other character escaped."""
from datetime import date

from markupsafe import Markup, escape

from casework.cases import Case
from web.presenters.formatting import long_date
from workflows.bookings import booking
from workflows.definitions import as_date

#: What each booking is called in the case's summary.
SUMMARY_KEYS = (("mediation_session", "Mediation session"), ("panel_hearing", "Hearing"))
_ANCHOR = Markup('<a class="govuk-link" href="{0}" rel="noreferrer">{0}</a>')


class Linked(str):
    """Text holding an online link, which HTML shows as a link (the place was checked to be an
    https link to a named host when booked: `workflows.bookings.place_or_link`)."""

    link: str | None

    def __new__(cls, text: str, link: str | None = None) -> "Linked":
        made = super().__new__(cls, text)
        made.link = link
        return made

    def __html__(self) -> Markup:
        text = escape(str(self))
        return text.replace(escape(self.link), _ANCHOR.format(self.link)) if self.link else text


def booked(case: Case, kind: str, on: date | None = None) -> Linked | None:
    """The booking's day, start time and place (or link); a date alone when only that is known."""
    found = booking(case, kind)
    on = as_date(found["on"]) if found else on
    if on is None:
        return None
    day = f"{on:%A} {long_date(on)}"
    if not found:
        return Linked(day)
    place = str(found.get("place") or "").strip()
    if found.get("link"):
        return Linked(f"{day} at {found['starts_at']}, online at {place}", place)
    return Linked(f"{day} at {found['starts_at']} at {place}" if place else f"{day} at {found['starts_at']}")


def booking_rows(case: Case) -> list[tuple[str, Linked]]:
    """The case summary's rows for its bookings."""
    return [(key, words) for kind, key in SUMMARY_KEYS if (words := booked(case, kind)) is not None]
