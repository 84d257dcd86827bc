"""Rates, medians and RAG tags (reporting.md section 6): a rate shows n and its denominator and
is "not rated" below 5; a RAG tag is words first ("On target", "Below target", "Well below
target"), colour second. Targets are settings; these are the defaults."""
from dataclasses import dataclass
from statistics import median as _median

#: Fewer items than this in a denominator: the rate is shown but not rated.
MIN_DENOMINATOR = 5
#: Percentage points below the target that are still amber.
AMBER_BAND = 10
#: Default targets, in per cent, by metric (the Board agrees them; an administrator changes them).
DEFAULT_TARGETS = {"m3": 95, "m9": 100, "m16": 90, "m17": 100}
TARGET_NAMES = {"m3": "M3 Deadline compliance", "m9": "M9 Minimum notice met", "m16": "M16 Time per dispute stage",
                "m17": "M17 Remedies implemented"}

ON_TARGET, BELOW, WELL_BELOW, NOT_RATED = "On target", "Below target", "Well below target", "Not rated"
#: Tag colour (GOV.UK tag modifier) for each RAG word.
RAG_COLOURS = {ON_TARGET: "green", BELOW: "yellow", WELL_BELOW: "red", NOT_RATED: "grey"}


@dataclass(frozen=True)
class Rate:
    n: int
    of: int

    @property
    def rated(self) -> bool:
        return self.of >= MIN_DENOMINATOR

    @property
    def percent(self) -> float | None:
        return None if not self.of else round(100 * self.n / self.of, 1)

    def words(self) -> str:
        """'19 of 20 (95.0%)', or with 'not rated' when the denominator is under 5."""
        if not self.of:
            return "None to rate"
        text = f"{self.n} of {self.of} ({self.percent:g}%)"
        return text if self.rated else f"{text}, not rated (fewer than {MIN_DENOMINATOR})"

    def rag(self, target: int | None) -> str | None:
        if target is None:
            return None
        if not self.rated:
            return NOT_RATED
        return rag_tag(self.percent, target)


def rag_tag(percent: float, target: int) -> str:
    """Green at or above the target, amber within 10 points below it, red further below."""
    if percent >= target:
        return ON_TARGET
    return BELOW if percent >= target - AMBER_BAND else WELL_BELOW


def median(values) -> float | None:
    values = list(values)
    return None if not values else _median(values)


def pct(n: int, of: int) -> float | None:
    return None if not of else round(100 * n / of, 1)
