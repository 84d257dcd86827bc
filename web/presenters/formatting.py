"""How dates, instants, stored values and choices read to people (the templates' filters),
and the GOV.UK pagination of a list."""
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache

from workflows import calendar as cal


@lru_cache(maxsize=4096)
def long_date(d: date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else ""


def pagination(number: int, pages: int, url: Callable[[int], str]) -> dict | None:
    """The govukPagination parameters for page `number` of `pages`: the first three and last
    two pages, the pages either side of this one, and an ellipsis for each gap."""
    if pages <= 1:
        return None
    shown = sorted({n for n in (1, 2, 3, number - 1, number, number + 1, pages - 1, pages) if 1 <= n <= pages})
    items: list[dict] = []
    for n in shown:
        if items and n > items[-1]["number"] + 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "href": url(n), "current": n == number})
    return {"items": items, "previous": {"href": url(number - 1)} if number > 1 else None,
            "next": {"href": url(number + 1)} if number < pages else None}


def local_time(instant: datetime) -> str:
    """An instant (stored in UTC) as people in England read it: London's date and time."""
    return date_and_time(instant.astimezone(cal.LONDON))


def date_and_time(local: datetime) -> str:
    # strftime costs a timeline of 20 entries a third of a millisecond; the date is cached.
    return f"{long_date(local.date())}, {local.hour:02d}:{local.minute:02d}"


def local_date(instant: datetime) -> str:
    """The London date of an instant stored in UTC, as people write it."""
    return long_date(cal.local_date(instant))


def readable(value) -> str:
    """ISO dates and instants as people write them; everything else as text."""
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return long_date(date.fromisoformat(text))
        except ValueError:
            return text
    if len(text) > 18 and text[4] == "-" and text[10] == "T":
        try:
            instant = datetime.fromisoformat(text).astimezone(cal.LONDON)
            return f"{long_date(instant.date())}, {instant:%H:%M}"
        except ValueError:
            return text
    return text


def choice_label(value: str) -> str:
    """The words for a stored choice code (an outcome, a category), for pages that show it."""
    from workflows.dispute import FINDINGS, REVIEW_OUTCOMES
    from workflows.funding_change import EXCEPTIONS, PROPOSALS
    words = dict(PROPOSALS + EXCEPTIONS + REVIEW_OUTCOMES + FINDINGS)
    return words.get(str(value), str(value))
