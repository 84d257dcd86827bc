"""Checking and parsing what a person gave for an action, against the transition's fields.
Every problem is collected, so a form can show them all at once."""
import re
from datetime import date, datetime, time
from typing import Any

from casework.errors import InvalidInput
from workflows.calendar import LONDON
from workflows.definitions import Field

MAX_TEXT = 20_000
MAX_ACTIONS = 50


def parse_fields(fields: tuple[Field, ...], raw: dict[str, Any]) -> dict[str, Any]:
    """Parsed values for the declared fields; raises InvalidInput naming every problem."""
    parsed: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for f in fields:
        value = raw.get(f.name)
        if _is_blank(value):
            if f.required:
                problems[f.name] = _missing_message(f)
            continue
        try:
            parsed[f.name] = _PARSERS[f.kind](f, value)
        except ValueError as exc:
            problems[f.name] = str(exc)
    if problems:
        raise InvalidInput(problems)
    return parsed


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.replace("\x00", "").strip()   # NUL is dropped from text, so NUL alone is blank
    if isinstance(value, (list, tuple, dict)):
        return len(value) == 0
    return value is False


#: Words that keep their capital inside a sentence.
PROPER_WORDS = {"Compact", "BVSC", "Bexley"}


def _in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: a lower-case first letter unless it is a name."""
    first = label.split(" ", 1)[0]
    return label if first in PROPER_WORDS else label[:1].lower() + label[1:]


def _missing_message(f: Field) -> str:
    # GOV.UK: "Select" for radios and checkboxes (choices, people, organisations), "Enter" for boxes.
    if f.kind in ("choice", "person", "int", "multichoice"):
        return f"Select {_in_sentence(f.label)}"
    if f.kind == "confirm":
        return f"Confirm that {_in_sentence(f.label)}"
    if f.kind == "actions":
        return "Add at least one action, with what, who and by when"
    if f.kind == "datetime":
        return f"Enter the {_in_sentence(f.label).removesuffix(' time')} date and time"
    return f"Enter {_in_sentence(f.label)}"


def _text(f: Field, value: Any) -> str:
    text = str(value).strip().replace("\x00", "")
    if len(text) > MAX_TEXT:
        raise ValueError(f"{f.label} must be {MAX_TEXT:,} characters or fewer")
    return text


#: Control characters (C0, DEL, C1) and Unicode's line and paragraph separators.
CONTROL_RUN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _line(f: Field, value: Any) -> str:
    """One line of text: each run of line breaks, tabs or other control characters becomes a
    space (it could end up in an email's subject). The web forms refuse them first, saying so."""
    return CONTROL_RUN.sub(" ", _text(f, value)).strip()


def _date(f: Field, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        parsed = date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{f.label} must be a real date") from None
    if not 1900 <= parsed.year <= 2200:
        raise ValueError(f"{f.label} must be a real date")
    return parsed


def _datetime(f: Field, value: Any) -> datetime:
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"{f.label} must be a real date and time") from None
    if value.tzinfo is None:  # a time typed by a person is London time
        value = value.replace(tzinfo=LONDON)
    if not 1900 <= value.year <= 2200:
        raise ValueError(f"{f.label} must be a real date and time")
    return value


def _time(f: Field, value: Any) -> str:
    """A time of day as HH:MM (London time, as typed)."""
    if isinstance(value, time):
        return f"{value:%H:%M}"
    hours, _, minutes = str(value).strip().partition(":")
    digits = f"{hours}{minutes}".isascii() and hours.isdigit() and minutes.isdigit()   # "¹" is a digit to isdigit
    if not (digits and len(minutes) == 2 and int(hours) < 24 and int(minutes) < 60):
        raise ValueError(f"{f.label} must be a real time, on the 24-hour clock, for example 14:30")
    return f"{int(hours):02d}:{minutes}"


def _choice(f: Field, value: Any) -> str:
    allowed = {key for key, _ in f.choices}
    if str(value) not in allowed:
        raise ValueError(f"Select {_in_sentence(f.label)} from the list")  # nosec B608
    return str(value)


def _multichoice(f: Field, value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else list(value)
    allowed = {key for key, _ in f.choices}
    if any(str(v) not in allowed for v in values):
        raise ValueError(f"Select {_in_sentence(f.label)} from the list")  # nosec B608
    return sorted({str(v) for v in values}, key=[k for k, _ in f.choices].index)


def _whole_number(f: Field, value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"{f.label} must be a whole number") from None
    if not 0 < number < 2**31:
        raise ValueError(f"{f.label} must be a whole number above 0")
    return number


def _confirm(f: Field, value: Any) -> bool:
    if str(value).lower() not in ("true", "1", "yes", "y", "on"):
        raise ValueError(_missing_message(f))
    return True


def _actions(f: Field, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, (list, tuple)) or len(value) > MAX_ACTIONS:
        raise ValueError(f"Give between 1 and {MAX_ACTIONS} actions")
    actions = []
    for n, item in enumerate(value, start=1):
        item = item if isinstance(item, dict) else {}
        what, who, by = (str(item.get(k) or "").strip() for k in ("what", "who", "by"))
        if not (what and who and by):
            raise ValueError(f"Action {n}: give what, who and by when")
        actions.append({"what": _line(f, what), "who": _line(f, who),
                        "by": _date(Field(f"by{n}", f"Action {n} date"), by)})
    return actions


_PARSERS = {
    "text": _line, "textarea": _text, "date": _date, "datetime": _datetime, "time": _time,
    "choice": _choice, "multichoice": _multichoice, "person": _whole_number,
    "int": _whole_number, "confirm": _confirm, "actions": _actions,
}
