"""The GOV.UK inputs every form here shares: a day-month-year date refused box by box in the
pattern's words, a time box, and the check that a one-line box holds one line."""
import unicodedata
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (GovDateInput, GovTextInput)
from wtforms import DateField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation



#: The boxes of a GOV.UK date input, in the order they are shown and sent.
DATE_PARTS = ("day", "month", "year")
#: Months as some people type them (GOV.UK date input guidance): "december", "dec", "sept".
MONTHS = {name: n for n, full in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                            "august", "september", "october", "november", "december"), start=1)
          for name in (full, full[:3], full[:4])}


class GovDateParts(GovDateInput):
    """The GOV.UK date input, marking only the boxes with a problem, or all three when the
    problem is with the whole date."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        wrong = (getattr(field, "parts_in_error", ()) or DATE_PARTS) if field.errors else ()
        for part, item in zip(DATE_PARTS, params["items"]):
            width = "govuk-input--width-4" if part == "year" else "govuk-input--width-2"
            item["classes"] = f"{width} govuk-input--error" if part in wrong else width
        return params


class GovDate(DateField):
    """A day-month-year date that never breaks on a missing or partial submission. A date left
    blank is None (the form or the engine says whether it is needed); a partial or impossible
    one is refused in the GOV.UK date input's words ("Date of the holiday must include a
    month", "... must be a real date"), and `parts_in_error` names the boxes to mark."""

    parts_in_error: tuple[str, ...] = ()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateParts(), **kwargs)

    def process_formdata(self, valuelist):
        valuelist = [str(v)[:10] for v in (list(valuelist) + ["", "", ""])[:3]]
        self.raw_data, self.data, self.parts_in_error = valuelist, None, ()
        typed = [v.strip() for v in valuelist]
        if not any(typed):
            return
        label = self.label.text
        missing = tuple(part for part, text in zip(DATE_PARTS, typed) if not text)
        if missing:
            self._refuse(missing, f"{label} must include a {' and '.join(missing)}")
        day, month, year = whole_number(typed[0]), MONTHS.get(typed[1].lower(), whole_number(typed[1])), whole_number(typed[2])
        wrong = tuple(part for part, ok in (("day", day is not None and 1 <= day <= 31),
                                            ("month", month is not None and 1 <= month <= 12),
                                            ("year", year is not None)) if not ok)
        if wrong:
            self._refuse(wrong, f"{label} must be a real date")
        if len(typed[2]) != 4:
            self._refuse(("year",), f"{label} must include a year with 4 numbers")
        try:
            self.data = date(year, month, day)
        except ValueError:  # 31 February: no one box is wrong on its own
            self._refuse(DATE_PARTS, f"{label} must be a real date")

    def _refuse(self, parts: tuple[str, ...], message: str):
        # GOV.UK: mark the one box with the problem, or the whole date when it is more than one.
        self.parts_in_error = parts if len(parts) == 1 else DATE_PARTS
        raise ValueError(message)

    def _value(self):
        if self.raw_data:
            return self.raw_data
        if self.data:
            return [str(self.data.day), str(self.data.month), str(self.data.year)]
        return ["", "", ""]


def whole_number(text: str) -> int | None:
    """A whole number typed in ASCII digits (so "1_000", "²" and "٣" are not numbers here)."""
    return int(text) if text.isascii() and text.isdigit() else None


def single_line(form, field) -> None:
    """Every one-line box: refuse a line break, tab or other control character (they would
    reach an email's subject, a name or a file name). NUL is dropped further on, as before."""
    text = (field.data or "").replace("\x00", "") if isinstance(field.data, str) else ""
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text):
        label = field.label.text.removesuffix(" (optional)")
        raise StopValidation(f"{label} must not include line breaks, tabs or other control characters")


class GovTimeInput(GovTextInput):
    """A text input as wide as a time (GOV.UK: size a box to what goes in it)."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params["classes"] = f"{params.get('classes') or ''} govuk-input--width-5".strip()
        params.setdefault("inputmode", "text")
        return params




def choice_list(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
