"""The shape every report table takes: columns with stable keys and rows of plain values,
which the pages, the charts and every export (CSV, XLSX, ODS, PDF) read alike. Pure data."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str            # stable CSV column name, snake_case
    label: str          # header shown to people
    numeric: bool = False   # right-aligned, raw number in exports


@dataclass(frozen=True)
class ReportTable:
    key: str            # e.g. "m3_deadline_compliance"
    title: str          # message title
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]   # values: str | int | float | date | None
    chart: str | None = None  # "column" | "bar" | "line" | None
    overview: str = ""        # one-sentence chart overview
