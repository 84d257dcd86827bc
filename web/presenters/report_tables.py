"""The body rows of a report table (templates/reports/_report_table.html), written in Python: a
half-year's report at 100,000 cases lists thousands of breaches, remedies and learning
actions, and a macro call for each of their tens of thousands of cells took longer than the
report itself. The markup, spaces and line breaks included, is what the template's loop
wrote: each cell's text escaped, the first column a row header, numbers right-aligned."""
from datetime import date
from numbers import Number

from markupsafe import Markup

from workflows.reporting.tables import ReportTable

_ROW, _END = '    <tr class="govuk-table__row">\n', "    </tr>\n"
_HEADER = ('<th scope="row" class="govuk-table__header">', "</th>\n")
_CELL = ('<td class="govuk-table__cell">', "</td>")
_NUMERIC = ('<td class="govuk-table__cell govuk-table__cell--numeric">', "</td>")
#: What `markupsafe.escape` writes for each character it escapes, to the byte.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"})


def cell_text(value, key: str) -> str:
    """A cell's words: "Not rated" for a missing per cent, "–" for any other missing value,
    numbers with no trailing zeros, dates as "1 April 2027"."""
    if value is None:
        return "Not rated" if key.startswith("percent") else "–"
    if isinstance(value, Number) and not (isinstance(value, int) and not isinstance(value, bool)):
        return "%g" % value
    if type(value) is date:
        return f"{value.day} {value.strftime('%B %Y')}"
    return str(value)


def body_rows(t: ReportTable) -> Markup:
    """Every <tr> of the table's body, each cell's text escaped as `markupsafe.escape` does
    (a translation table: a Markup object a cell cost more than the rest of the row)."""
    tags = [_HEADER] + [_NUMERIC if c.numeric else _CELL for c in t.columns[1:]]
    keys = [c.key for c in t.columns]
    out = []
    for row in t.rows:
        out.append(_ROW)
        for (opening, closing), key, value in zip(tags, keys, row):
            out += (opening, cell_text(value, key).translate(_ESCAPES), closing)
        out.append(_END)
    if out:   # the template's own line break follows the last row
        out[-1] = _END.rstrip("\n")
    # Reviewed for bandit B704: every cell's text is escaped above; the tags are this module's own.
    return Markup("".join(out))  # nosec B704


def register(env) -> None:
    env.filters["report_rows"] = body_rows
