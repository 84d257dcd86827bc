"""A report table longer than a page can usefully show (a half-year's breach log at 100,000
cases runs to thousands of rows) shows its first 50 rows and says so; its CSV file has them all."""
from datetime import date

from tests.web.helpers import Page
from workflows.reporting.metric import col
from workflows.reporting.tables import ReportTable


def breach_log(n: int) -> ReportTable:
    rows = tuple((f"FC-{i:04d}", "Consultation response", date(2027, 1, 1 + i % 28)) for i in range(1, n + 1))
    return ReportTable("m5_breach_log", "Breaches", "Deadlines breached", (col("case_reference", "Case"),
                       col("deadline", "Deadline"), col("due", "Due")), rows)


def rendered(app, table: ReportTable, **kw) -> Page:
    with app.test_request_context():
        macro = app.jinja_env.get_template("reports/_report_table.html").module.report_table
        return Page(str(macro(table, **kw)))


def test_a_long_table_shows_its_first_50_rows_and_says_the_csv_has_them_all(app):
    shown = rendered(app, breach_log(3214), csv_url="/reports/m5_breach_log.csv")
    rows = shown.rows("Deadlines breached")
    assert len(rows) == 50
    assert rows[0] == "FC-0001 Consultation response 2 January 2027"
    assert rows[-1].startswith("FC-0050 ")
    assert "This page shows the first 50 of 3,214 rows. The CSV file below has every row." in shown.text
    assert "Download this table as CSV" in shown.text


def test_a_table_of_50_rows_or_fewer_is_shown_whole_without_a_note(app):
    shown = rendered(app, breach_log(50))
    assert len(shown.rows("Deadlines breached")) == 50
    assert "This page shows the first" not in shown.text


def test_the_board_pack_points_to_the_downloads(app):
    shown = rendered(app, breach_log(51))
    assert len(shown.rows("Deadlines breached")) == 50
    assert "The CSV files and the spreadsheet downloads have every row." in shown.text


def test_text_that_looks_like_markup_is_escaped(app):
    hostile = "<script>alert('x') & \"y\"</script>"
    table = ReportTable("t", "Title", "Caption", (col("case_reference", "Case"), col("reasons", "Reasons")),
                        (("DS-0001", hostile),))
    with app.test_request_context():
        html = str(app.jinja_env.get_template("reports/_report_table.html").module.report_table(table))
    assert "<script>" not in html and "&lt;script&gt;alert(&#39;x&#39;) &amp; &#34;y&#34;&lt;/script&gt;" in html


def test_each_kind_of_value_is_written_as_the_page_shows_it(app):
    columns = (col("case_reference", "Case"), col("percent_met", "Per cent met", True), col("median_wd", "Median", True),
               col("agreed_date", "Agreed date"))
    table = ReportTable("t", "Title", "Values", columns, (("DS-0001", None, 2.5, date(2027, 4, 1)),
                                                          ("DS-0002", 95.0, None, "n/a")))
    shown = rendered(app, table)
    # A missing per cent is "Not rated", any other missing value a dash; numbers lose trailing
    # zeros; dates read "1 April 2027".
    assert shown.rows("Values") == ["DS-0001 Not rated 2.5 1 April 2027", "DS-0002 95 – n/a"]
