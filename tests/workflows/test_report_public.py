"""The public version's suppression (reporting.md section 6, "Public version") and the trend's
half-years, on tables built by hand: counts of 1 to 4 are replaced, 0 and 5 are not; a
percentage in a row with a hidden count is hidden too; tables listing cases and columns that
could name someone are left out whole."""
from datetime import date

from workflows.reporting.period import Period
from workflows.reporting.public import CSV_MARKER, long_table, suppressed
from workflows.reporting.tables import Column, ReportTable
from workflows.reporting.trend import half_years, short_label

DEADLINES = ReportTable(
    key="m3_deadline_compliance", title="Deadlines met", caption="Deadlines due",
    columns=(Column("deadline_type", "Deadline"), Column("met", "Met", True), Column("breached", "Breached", True),
             Column("percent_met", "Per cent met", True), Column("median_extension_wd", "Median extension", True),
             Column("reason", "Reason recorded")),
    rows=(("Make the decision", 12, 3, 80.0, 2, "Chair away"),
          ("Acknowledge the concern", 5, 0, 100.0, 4, ""),
          ("Hold the panel hearing", 4, 1, None, None, "")))


def test_counts_from_1_to_4_are_replaced_and_their_rows_percentages_too():
    public = suppressed(DEADLINES, CSV_MARKER)
    assert [c.key for c in public.columns] == ["deadline_type", "met", "breached", "percent_met",
                                               "median_extension_wd"]   # the reason someone wrote: gone
    assert public.rows == (
        # 3 breaches are hidden, and 80% of 15 would give them back; a median is not a count.
        ("Make the decision", 12, "[c]", "[c]", 2),
        ("Acknowledge the concern", 5, 0, 100.0, 4),     # 5 and 0 are shown
        ("Hold the panel hearing", "[c]", "[c]", None, None))


def test_the_long_csv_table_has_a_figure_a_row():
    rows = long_table([suppressed(DEADLINES, CSV_MARKER)]).rows
    assert rows[:4] == (
        ("m3_deadline_compliance", "Deadlines met", "Make the decision", "met", "Met", 12),
        ("m3_deadline_compliance", "Deadlines met", "Make the decision", "breached", "Breached", "[c]"),
        ("m3_deadline_compliance", "Deadlines met", "Make the decision", "percent_met", "Per cent met", "[c]"),
        ("m3_deadline_compliance", "Deadlines met", "Make the decision", "median_extension_wd", "Median extension", 2))
    assert len(rows) == 3 * 4


def test_the_trend_covers_the_four_half_years_up_to_the_periods_end():
    # A custom period ending 15 January 2027 ends in H2 2026/27 (1 Oct 2026 - 31 Mar 2027); the
    # three before it are H1 2026/27, H2 2025/26 and H1 2025/26.
    found = half_years(Period(date(2026, 12, 1), date(2027, 1, 15)))
    assert [short_label(p) for p in found] == ["H1 2025/26", "H2 2025/26", "H1 2026/27", "H2 2026/27"]
    assert (found[0].start, found[0].end) == (date(2025, 4, 1), date(2025, 9, 30))
    assert (found[-1].start, found[-1].end) == (date(2026, 10, 1), date(2027, 3, 31))
