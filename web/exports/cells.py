"""What every export does to a value before writing it: numbers stay numbers, dates stay
dates, and text that a spreadsheet would run as a formula is neutralised (OWASP's CSV
injection advice: a single quote in front of text starting with =, +, -, @, a tab or a
carriage return). Also sheet names a spreadsheet accepts, and the metadata every export
prints: the filters it used, the as-at time, the calendar version and any suppression."""
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

#: A cell whose text starts with one of these is read as a formula (or, for tab and CR, can
#: hide one) by Excel, LibreOffice Calc or Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Characters no sheet name may hold (Excel and LibreOffice), and the longest name allowed.
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
SHEET_NAME_MAX = 31

Cell = str | int | float | Decimal | date | None


@dataclass(frozen=True)
class ExportMetadata:
    """What an export says about itself: on a "Filters and metadata" sheet, and at the end
    of a CSV file."""
    title: str
    filters: Mapping[str, str]                 # as people read them: {"Organisation": "Crayford ..."}
    as_at: datetime
    calendar_version: str = ""
    suppression: str = "None"
    extra: Sequence[tuple[str, str]] = field(default_factory=tuple)

    def rows(self) -> list[tuple[str, str]]:
        """The metadata as (name, value) rows, filters first; "None" when nothing was filtered."""
        filters = [(f"Filter: {name}", str(value)) for name, value in self.filters.items()] or [("Filters", "None")]
        rows = [("Title", self.title), *filters, ("As at", self.as_at.isoformat(timespec="seconds"))]
        if self.calendar_version:
            rows.append(("Calendar version", self.calendar_version))
        rows.append(("Suppression applied", self.suppression))
        return rows + [(str(name), str(value)) for name, value in self.extra]


def neutralised(text: str) -> str:
    """Text as a spreadsheet shows it and never runs: a quote in front of a formula's start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_value(value) -> Cell:
    """A value as a spreadsheet cell holds it: numbers (negative ones too) and dates as
    themselves, aware instants and anything else as neutralised text, None as empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, Decimal)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime):   # spreadsheets hold no time zones: the instant as ISO 8601 text
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value
    return neutralised(str(value))


def csv_text(value) -> str:
    """A value as a CSV field: ISO 8601 dates, numbers unformatted, text neutralised."""
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def sheet_names(wanted: Sequence[str]) -> list[str]:
    """Sheet names a spreadsheet accepts, in order: at most 31 characters, none of []:*?/\\,
    no quote at either end, not Excel's reserved "History", and no two alike (ignoring case)."""
    names: list[str] = []
    taken: set[str] = set()
    for raw in wanted:
        name = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", raw).split()).strip("'").strip() or "Sheet"
        if name.casefold() == "history":
            name = "History table"
        name, n = name[:SHEET_NAME_MAX].rstrip().strip("'"), 1
        candidate = name
        while candidate.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            candidate = name[:SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


def sheet_title(key: str) -> str:
    """A table's key as a sheet is named: "m3_deadline_compliance" -> "M3 deadline compliance"."""
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
