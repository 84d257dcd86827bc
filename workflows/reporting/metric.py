"""One metric's result: its headline for the summary table, the rate the RAG tag is read from
(if it has a target), and its tables."""
from dataclasses import dataclass, field

from workflows.reporting.rates import Rate
from workflows.reporting.tables import Column, ReportTable


@dataclass
class Metric:
    id: str                 #: "m1" ... "m18"
    name: str               #: "Case flow"
    definition: str         #: the exact definition, in words (reporting.md section 6)
    headline: str = ""      #: the summary table's figure, in words
    rate: Rate | None = None
    count: int = 0          #: how many items the metric is about (0: nothing in the period)
    tables: list[ReportTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.id.upper()} {self.name}"


def col(key: str, label: str, numeric: bool = False) -> Column:
    return Column(key, label, numeric)


def table(key: str, title: str, caption: str, columns, rows, chart: str | None = None,
          overview: str = "") -> ReportTable:
    return ReportTable(key, title, caption, tuple(columns), tuple(tuple(r) for r in rows), chart, overview)


def rate_cells(rate: Rate) -> tuple:
    """n, denominator, per cent (None when not rated: shown as "not rated")."""
    return rate.n, rate.of, rate.percent if rate.rated else None


RATE_COLUMNS = (col("n", "Number", True), col("denominator", "Out of", True), col("percent", "Per cent", True))
