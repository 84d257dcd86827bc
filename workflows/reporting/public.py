"""The public version of the compliance report (reporting.md section 6, "Public version"):
the same figures for every organisation together, with nothing that names a case or an
organisation and with small numbers suppressed, for a council's website or data.gov.uk.

- Tables that list cases (the breach log, outstanding remedies, learning actions) are left
  out whole, as is any column holding a case reference, a name or words someone wrote.
- A count of 1 to 4 is replaced by a marker ("fewer than 5" on the page, `CSV_MARKER` in the
  CSV). So that a percentage cannot give the hidden count back, a row's percentages are
  suppressed too wherever one of its counts is.
- The summary keeps each metric's rate (n, out of, per cent, target, status) but not its
  figure in words, which spells out counts."""
from dataclasses import replace

from sqlalchemy import select

from casework.settings import ReportSetting
from workflows.reporting.report import Report
from workflows.reporting.tables import Column, ReportTable

#: Counts from 1 up to this are suppressed.
SUPPRESS_UP_TO = 4
PAGE_MARKER = "fewer than 5"
#: The GSS symbol for a figure withheld to protect confidentiality (Analysis Function,
#: "Symbols in tables"); the CSV's metadata says what it means.
CSV_MARKER = "[c]"
SUPPRESSION_WORDS = (f"Counts from 1 to {SUPPRESS_UP_TO} are shown as \"{PAGE_MARKER}\" on the page and as "
                     f"{CSV_MARKER} in the CSV file, and so is any percentage in the same row. Lists of cases, case "
                     f"references and organisation names are left out.")
#: Tables that list cases: never public.
PRIVATE_TABLES = frozenset({"m5_breach_log", "m17_outstanding", "m18_learning_actions"})
#: Columns that could name a case, an organisation or a person, or hold words someone wrote.
PRIVATE_COLUMNS = frozenset({"case_reference", "organisation", "funder", "reason", "action", "figure",
                             "previous_period"})
#: Numeric columns that are not counts: rates, medians, longest and shortest spans, targets, limits.
MEASURE_PREFIXES = ("percent", "median", "max", "min", "target", "limit")


def is_count(key: str) -> bool:
    return not key.startswith(MEASURE_PREFIXES)


def suppressed(t: ReportTable, marker: str = PAGE_MARKER) -> ReportTable:
    """The table without its private columns, with counts of 1 to 4 (and their row's
    percentages) replaced by `marker`."""
    keep = [i for i, c in enumerate(t.columns) if c.key not in PRIVATE_COLUMNS]
    rows = []
    for row in t.rows:
        small = {i for i in keep if t.columns[i].numeric and is_count(t.columns[i].key) and _small(row[i])}
        if small:
            small |= {i for i in keep if t.columns[i].key.startswith("percent") and row[i] is not None}
        rows.append(tuple(marker if i in small else row[i] for i in keep))
    return replace(t, columns=tuple(t.columns[i] for i in keep), rows=tuple(rows),
                   overview="", chart=None)


def _small(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= SUPPRESS_UP_TO


def public_tables(report: Report, extra: list[ReportTable] = (), marker: str = PAGE_MARKER) -> list[ReportTable]:
    """Every table of the report fit to publish: the summary first, then each metric's."""
    tables = [report.summary(), *(t for m in report.metrics for t in m.tables), *extra]
    return [suppressed(t, marker) for t in tables if t.key not in PRIVATE_TABLES]


#: The report setting that publishes the figures (1) or keeps them unpublished (0, the default).
SWITCH = "public_figures"


def public_figures_on(db) -> bool:
    """Whether an administrator has published the figures."""
    return bool(db.scalar(select(ReportSetting.value).where(ReportSetting.name == SWITCH)))


def set_public_figures(db, on: bool, actor_id: int, now) -> bool:
    """Publish the figures or stop; True if that changed anything."""
    row = db.get(ReportSetting, SWITCH)
    changed = bool(row.value if row is not None else 0) != on
    db.merge(ReportSetting(name=SWITCH, value=int(on), changed_by_id=actor_id, changed_at=now))
    return changed


def long_table(tables: list[ReportTable]) -> ReportTable:
    """Every table in one, a value a row ("long" form, as data.gov.uk prefers): the table, its
    row (the value of its first column), the measure (column key and words) and the value."""
    rows = []
    for t in tables:
        for row in t.rows:
            named = not t.columns[0].numeric   # the first column names the row
            label = row[0] if named else ""
            rows += [(t.key, t.title, label, c.key, c.label, value)
                     for n, (c, value) in enumerate(zip(t.columns, row)) if n or not named]
    return ReportTable("compact_figures", "Compact compliance figures", "Every published figure, one a row",
                       (Column("table", "Table"), Column("table_title", "Table title"), Column("row", "Row"),
                        Column("measure", "Measure"), Column("measure_label", "Measure in words"),
                        Column("value", "Value")), tuple(rows))
