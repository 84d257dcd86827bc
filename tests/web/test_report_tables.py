"""A report table's body rows, written in Python for speed (web/presenters/report_tables.py):
every cell's text escaped as Jinja's autoescape would, and each kind of value written as the
page shows it."""
from datetime import date

from markupsafe import escape

from web.presenters.report_tables import body_rows
from workflows.reporting.tables import Column, ReportTable


def table(*rows) -> ReportTable:
    columns = (Column("case_reference", "Case"), Column("percent_met", "Per cent met", True),
               Column("median_wd", "Median", True), Column("agreed_date", "Agreed date"))
    return ReportTable("t", "Title", "Caption", columns, tuple(rows), None, "")


def test_text_that_looks_like_markup_is_escaped_as_markupsafe_does():
    hostile = "<script>alert('x') & \"y\"</script>"
    html = str(body_rows(table((hostile, 50.0, 3, None))))
    assert "<script>" not in html
    assert str(escape(hostile)) in html   # &lt;script&gt;alert(&#39;x&#39;) &amp; &#34;y&#34;&lt;/script&gt;


def test_each_kind_of_value_is_written_as_the_page_shows_it():
    html = str(body_rows(table(("DS-0001", None, 2.5, date(2027, 4, 1)), ("DS-0002", 95.0, None, "n/a"))))
    # The first column is the row's header; a missing per cent is "Not rated", any other missing
    # value a dash; numbers lose trailing zeros; dates read "1 April 2027"; numbers right-aligned.
    assert '<th scope="row" class="govuk-table__header">DS-0001</th>' in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">Not rated</td>' in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2.5</td>' in html
    assert '<td class="govuk-table__cell">1 April 2027</td>' in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">95</td>' in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">–</td>' in html
    assert html.count('<tr class="govuk-table__row">') == 2
