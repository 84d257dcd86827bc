"""CSV exports: one file per table, UTF-8, a header of the columns' stable keys, ISO 8601
dates, unformatted numbers and neutralised text; then, after one empty row, the filters
and metadata the file was made with."""
import csv
import io

from web.exports.cells import ExportMetadata, csv_text
from workflows.reporting.tables import ReportTable

#: The row that starts the metadata at the end of a CSV file.
METADATA_MARKER = "Filters and metadata"


def table_csv(table: ReportTable, metadata: ExportMetadata | None = None) -> str:
    """One table as CSV text (column keys as the header); with its metadata at the end when given."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.key for column in table.columns])
    writer.writerows([csv_text(value) for value in row] for row in table.rows)
    if metadata is not None:
        writer.writerow([])
        writer.writerow([METADATA_MARKER])
        writer.writerows([csv_text(name), csv_text(value)] for name, value in metadata.rows())
    return out.getvalue()


def csv_bytes(table: ReportTable, metadata: ExportMetadata | None = None) -> bytes:
    """`table_csv` encoded as UTF-8 with a byte-order mark, so Excel reads its accents right."""
    return table_csv(table, metadata).encode("utf-8-sig")
