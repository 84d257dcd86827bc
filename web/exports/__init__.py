"""Exports of report tables and case lists: CSV per table, XLSX and ODS workbooks. Every
export prints the filters it used, and no cell can run as a formula."""
from web.exports.cells import ExportMetadata, neutralised, sheet_names
from web.exports.csv_files import csv_bytes, table_csv
from web.exports.workbooks import workbook_ods, workbook_xlsx

__all__ = ["ExportMetadata", "csv_bytes", "neutralised", "sheet_names", "table_csv", "workbook_ods", "workbook_xlsx"]
