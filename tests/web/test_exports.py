"""Report exports parse back as what they were given: the CSV by the csv module, the XLSX by
openpyxl, the ODS by odfpy. Numbers stay numbers (negative ones too), dates are ISO 8601 or
real dates, text a spreadsheet would run as a formula is neutralised with a leading quote,
and every export carries the filters it used."""
import csv
import io
from datetime import date, datetime, timezone

import openpyxl
import pytest
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow

from web.exports import ExportMetadata, csv_bytes, sheet_names, table_csv, workbook_ods, workbook_xlsx
from web.exports.workbooks import HEADER_ROW
from workflows.reporting.tables import Column, ReportTable

#: Text that would run as a formula in a spreadsheet, and what each export must show instead.
DANGEROUS = ["=HYPERLINK(\"http://evil.example\",\"Click\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR"]
AS_AT = datetime(2026, 12, 1, 10, 30, tzinfo=timezone.utc)

DEADLINES = ReportTable(
    key="m3_deadline_compliance", title="Most deadlines were met", caption="Deadlines met, by type",
    columns=(Column("deadline_type", "Deadline type"), Column("met", "Met", numeric=True),
             Column("change", "Change", numeric=True), Column("rate", "% met", numeric=True),
             Column("final_due_on", "Final due date")),
    rows=(("Consultation response", 12, -3, 92.5, date(2026, 12, 31)),
          *((text, 1, 0, 0.5, None) for text in DANGEROUS)),
    chart="bar", overview="Consultation responses were on time most often.")
FLOW = ReportTable(key="m1_case_flow", title="Cases started and closed", caption="Case flow by month",
                   columns=(Column("month", "Month"), Column("started", "Started", numeric=True)),
                   rows=(("2026-10", 4), ("2026-11", 0)))
METADATA = ExportMetadata(title="Compact compliance report",
                          filters={"Organisation": "Crayford Community Kitchen", "Period": "=1 Oct 2026 to 31 Mar 2027"},
                          as_at=AS_AT, calendar_version="england-and-wales 2026-12-07", suppression="None")
DEFINITIONS = [("M1", "Case flow", "Funding cases started and closed in the period."),
               ("M3", "Deadline compliance", "-met ÷ (met + breached)")]


def neutral(text: str) -> str:
    return "'" + text


def test_csv_has_the_stable_column_keys_raw_numbers_and_iso_dates():
    rows = list(csv.reader(io.StringIO(table_csv(DEADLINES))))
    assert rows[0] == ["deadline_type", "met", "change", "rate", "final_due_on"]
    assert rows[1] == ["Consultation response", "12", "-3", "92.5", "2026-12-31"]
    assert [row[4] for row in rows[2:]] == [""] * len(DANGEROUS), "an empty value is an empty field"


def test_csv_neutralises_formulas_but_not_negative_numbers():
    rows = list(csv.reader(io.StringIO(table_csv(DEADLINES), newline="")))
    assert [row[0] for row in rows[2:]] == [neutral(text) for text in DANGEROUS]
    assert rows[1][2] == "-3", "a negative number is a number, not text to neutralise"


def test_csv_is_utf8_and_ends_with_the_filters_it_used():
    data = csv_bytes(FLOW, METADATA)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[:3] == [["month", "started"], ["2026-10", "4"], ["2026-11", "0"]]
    assert rows[3] == [] and rows[4] == ["Filters and metadata"]
    meta = dict(rows[5:])
    assert meta["Filter: Organisation"] == "Crayford Community Kitchen"
    assert meta["Filter: Period"] == neutral("=1 Oct 2026 to 31 Mar 2027")
    assert meta["As at"] == "2026-12-01T10:30:00+00:00"
    assert meta["Calendar version"] == "england-and-wales 2026-12-07"


def test_csv_without_filters_says_so():
    meta = ExportMetadata(title="Cases", filters={}, as_at=AS_AT)
    rows = list(csv.reader(io.StringIO(table_csv(FLOW, meta))))
    assert ["Filters", "None"] in rows


def xlsx_sheets(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_xlsx_has_a_sheet_per_table_then_definitions_and_metadata():
    sheets = xlsx_sheets(workbook_xlsx([DEADLINES, FLOW], METADATA, DEFINITIONS))
    assert list(sheets) == ["M3 deadline compliance", "M1 case flow", "Definitions", "Filters and metadata"]
    flow = sheets["M1 case flow"]
    assert flow[0][0] == "Cases started and closed" and flow[1][0] == "Case flow by month"
    assert "Filters and metadata" in flow[2][0] and "2026-12-01T10:30:00+00:00" in flow[2][0]
    assert flow[HEADER_ROW - 1] == ("Month", "Started") and flow[HEADER_ROW:] == [("2026-10", 4), ("2026-11", 0)]
    assert sheets["Definitions"][2] == ("M3", "Deadline compliance", neutral("-met ÷ (met + breached)"))
    meta = dict(sheets["Filters and metadata"][1:])
    assert meta["Filter: Organisation"] == "Crayford Community Kitchen"
    assert meta["Suppression applied"] == "None" and meta["Calendar version"] == "england-and-wales 2026-12-07"


def test_xlsx_keeps_numbers_and_dates_and_holds_no_formula():
    book = openpyxl.load_workbook(io.BytesIO(workbook_xlsx([DEADLINES], METADATA, DEFINITIONS)))
    sheet = book["M3 deadline compliance"]
    first = [cell for cell in sheet[HEADER_ROW + 1]]
    assert [c.value for c in first[1:4]] == [12, -3, 92.5] and all(c.data_type == "n" for c in first[1:4])
    assert first[4].value == datetime(2026, 12, 31) and first[4].is_date
    assert [row[0].value for row in sheet.iter_rows(min_row=HEADER_ROW + 2)] == [neutral(t) for t in DANGEROUS]
    every = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in every if cell.data_type == "f"], "no cell is a formula"


def ods_sheets(data: bytes) -> dict[str, list[list[tuple[str, str]]]]:
    """Each sheet's rows of (value type, value) as odfpy reads them back."""
    doc = load(io.BytesIO(data))
    sheets = {}
    for table in doc.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            cells = []
            for cell in row.getElementsByType(TableCell):
                kind = cell.getAttribute("valuetype")
                value = {"float": cell.getAttribute("value"), "date": cell.getAttribute("datevalue")}.get(kind, str(cell))
                cells.append((kind, value))
            rows.append(cells)
        sheets[table.getAttribute("name")] = rows
    return sheets


def test_ods_has_the_same_sheets_with_numbers_dates_and_neutralised_text():
    sheets = ods_sheets(workbook_ods([DEADLINES, FLOW], METADATA, DEFINITIONS))
    assert list(sheets) == ["M3 deadline compliance", "M1 case flow", "Definitions", "Filters and metadata"]
    rows = sheets["M3 deadline compliance"]
    assert [value for _, value in rows[HEADER_ROW - 1]] == ["Deadline type", "Met", "Change", "% met", "Final due date"]
    assert rows[HEADER_ROW][1:] == [("float", "12"), ("float", "-3"), ("float", "92.5"), ("date", "2026-12-31")]
    # XML reads a carriage return back as a line feed; the quote in front is what matters.
    assert [row[0] for row in rows[HEADER_ROW + 1:]] == [("string", neutral(text).replace("\r", "\n"))
                                                         for text in DANGEROUS]
    meta = {row[0][1]: row[1][1] for row in sheets["Filters and metadata"][1:]}
    assert meta["Filter: Period"] == neutral("=1 Oct 2026 to 31 Mar 2027")
    assert meta["As at"] == "2026-12-01T10:30:00+00:00"


@pytest.mark.parametrize("wanted, made", [
    (["A" * 40], ["A" * 31]),
    (["Deadlines [by type]: met/breached?", "x*y\\z"], ["Deadlines by type met breached", "x y z"]),
    (["Cases", "cases", "CASES"], ["Cases", "cases (2)", "CASES (3)"]),
    (["B" * 31, "B" * 31], ["B" * 31, "B" * 27 + " (2)"]),
    (["'quoted'", "", "History"], ["quoted", "Sheet", "History table"]),
])
def test_sheet_names_are_ones_a_spreadsheet_accepts(wanted, made):
    assert sheet_names(wanted) == made


def test_long_and_odd_table_keys_still_make_a_workbook_that_opens():
    odd = ReportTable(key="a_very_long_key_about_notice_periods_and/their[lengths]", title="T", caption="C",
                      columns=(Column("x", "X"),), rows=((1,),))
    sheets = xlsx_sheets(workbook_xlsx([odd, odd], METADATA))
    assert all(len(name) <= 31 for name in sheets) and len(sheets) == 4
    assert list(ods_sheets(workbook_ods([odd, odd], METADATA))) == list(sheets)
