"""Spreadsheet exports: an XLSX workbook (openpyxl) and an ODS workbook (odfpy, the open
standard UK government publishes spreadsheets in), each with one sheet per table, then a
"Definitions" sheet and a "Filters and metadata" sheet.

Each table's sheet follows the Government Analysis Function's advice for releasing
statistics in spreadsheets: the title in A1, the caption in A2, where the filters are in
A3, the table's header row in row 4 and its rows below, with no blank rows."""
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import P
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from web.exports.cells import ExportMetadata, cell_value, sheet_names, sheet_title
from workflows.reporting.tables import Column, ReportTable

DEFINITIONS = "Definitions"
METADATA = "Filters and metadata"
#: The row of a table's sheet holding its column headers (1-based).
HEADER_ROW = 4
DEFINITION_COLUMNS = (Column("id", "ID"), Column("name", "Measure"), Column("definition", "Definition"))
METADATA_COLUMNS = (Column("name", "Name"), Column("value", "Value"))

Sheet = tuple[str, list[list]]   # a name and its rows of cell values


def _sheets(tables: Sequence[ReportTable], metadata: ExportMetadata,
            definitions: Sequence[tuple[str, str, str]]) -> list[tuple[str, list[list], int]]:
    """Every sheet as (name, rows, header row number), tables first."""
    names = sheet_names([sheet_title(t.key) for t in tables] + [DEFINITIONS, METADATA])
    where = f"Filters: see the '{names[-1]}' sheet. Source: Compact Casework, as at " \
            f"{metadata.as_at.isoformat(timespec='seconds')}."
    sheets = [(name, [[t.title], [t.caption], [where], [c.label for c in t.columns],
                      *map(list, t.rows)], HEADER_ROW)
              for name, t in zip(names, tables)]
    sheets.append((names[-2], [[c.label for c in DEFINITION_COLUMNS], *map(list, definitions)], 1))
    sheets.append((names[-1], [[c.label for c in METADATA_COLUMNS], *map(list, metadata.rows())], 1))
    return [(name, [[cell_value(v) for v in row] for row in rows], header) for name, rows, header in sheets]


def workbook_xlsx(tables: Sequence[ReportTable], metadata: ExportMetadata,
                  definitions: Sequence[tuple[str, str, str]] = ()) -> bytes:
    """The tables as an XLSX workbook, with its Definitions and Filters and metadata sheets."""
    book = Workbook(write_only=True)
    numeric = [frozenset(i for i, c in enumerate(t.columns) if c.numeric) for t in tables]
    for n, (name, rows, header) in enumerate(_sheets(tables, metadata, definitions)):
        sheet = book.create_sheet(name)
        right = numeric[n] if n < len(tables) else frozenset()
        for number, row in enumerate(rows, start=1):
            sheet.append([_xlsx_cell(sheet, v, number, i, header, right) for i, v in enumerate(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value, row: int, column: int, header: int, numeric: frozenset[int]) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"   # never a formula, whatever the text (it is neutralised too)
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if row < header:
        cell.font = Font(bold=True, size=14 if row == 1 else 11)
    elif row == header:
        cell.font = Font(bold=True)
        if column in numeric:
            cell.alignment = Alignment(horizontal="right")
    return cell


def workbook_ods(tables: Sequence[ReportTable], metadata: ExportMetadata,
                 definitions: Sequence[tuple[str, str, str]] = ()) -> bytes:
    """The tables as an OpenDocument spreadsheet, with the same sheets as `workbook_xlsx`."""
    doc = OpenDocumentSpreadsheet()
    for name, rows, _header in _sheets(tables, metadata, definitions):
        sheet = Table(name=name)
        sheet.addElement(TableColumn(numbercolumnsrepeated=max((len(r) for r in rows), default=1)))
        for row in rows:
            line = TableRow()
            for value in row:
                line.addElement(_ods_cell(value))
            sheet.addElement(line)
        doc.spreadsheet.addElement(sheet)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def _ods_cell(value) -> TableCell:
    if value is None:
        return TableCell()
    if isinstance(value, date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
    elif isinstance(value, (int, float, Decimal)):
        cell = TableCell(valuetype="float", value=str(value))
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=value.isoformat() if isinstance(value, date) else str(value)))
    return cell
