"""The report's charts and downloads: six charts, each with its table directly below and a CSV
link; a CSV per table, XLSX and ODS workbooks and a PDF board pack, each printing the filters
it used and keeping to them, each recorded as an export security event (who, when, which
filters). A VCO's download is of its own organisation, whatever the link asks."""
import csv
import io
import re
import subprocess

import openpyxl
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from sqlalchemy import select

from casework.security_events import SecurityEvent
from tests.factories import funding_case_at
from tests.web.helpers import email_of, page

PERIOD = "H2 2026/27 (1 October 2026 to 31 March 2027)"
CHARTS = ["Cases started and closed each month", "Deadlines met, by type and by who owes them",
          "Three compliance rates over the last four half-years", "How much notice was given",
          "Disputes reaching each stage", "Working days per stage, against each stage's limit"]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def exports(factory) -> list[tuple[str, str]]:
    with factory() as db:
        return db.execute(select(SecurityEvent.account, SecurityEvent.detail)
                          .where(SecurityEvent.kind == "exported").order_by(SecurityEvent.id)).all()


def test_the_page_draws_six_charts_each_with_its_table_and_csv_link(signed_in, service, cast, clock):
    funding_case_at(service, cast, clock, "concern_raised")
    html = signed_in("fo").get(f"/reports?organisation={cast.orgs['kitchen']}").get_data(as_text=True)
    figures = re.findall(r'<figure class="app-chart".*?</figure>', html, re.S)
    titles = [re.search(r'app-chart__title"[^>]*>(.*?)</h3>', f).group(1).replace("&#39;", "'") for f in figures]
    assert titles == CHARTS
    for figure in figures:
        # The SVG, then the source line with n, then the table with its caption, then its CSV link.
        svg, source, table = (figure.index(s) for s in ("<svg", "Source: Compact Casework, as at", "<caption"))
        assert svg < source < table and "n = " in figure
        link = re.search(r'href="(/reports/[a-z0-9_]+\.csv\?[^"]*)"', figure).group(1)
        assert f"organisation={cast.orgs['kitchen']}" in link
    # The month the case started shows 1 started in both the chart's label and its table.
    flow = page(signed_in("fo").get("/reports")).rows(f"Funding-change cases started and closed by month, {PERIOD}")
    assert "December 2026 1 0 1" in flow


def test_a_tables_csv_keeps_to_the_filters_prints_them_and_is_recorded(signed_in, service, cast, clock, factory):
    funding_case_at(service, cast, clock, "concern_raised")                # the kitchen's case, started today
    browser = signed_in("fo")
    kitchen = browser.get(f"/reports/m1_case_flow.csv?organisation={cast.orgs['kitchen']}&route=performance")
    assert kitchen.status_code == 200 and kitchen.mimetype == "text/csv"
    rows = csv_rows(kitchen)
    assert rows[0] == ["route", "started", "closed", "open_at_end"]
    assert rows[-1 - rows[::-1].index([]) - 1] == ["All routes", "1", "0", "1"]
    meta = dict(r for r in rows[rows.index(["Filters and metadata"]) + 1:])
    assert meta["Filter: Organisation"] == "Crayford Community Kitchen"
    assert meta["Filter: Route"] == "Performance" and meta["Filter: Period"] == PERIOD
    youth = csv_rows(browser.get(f"/reports/m1_case_flow.csv?organisation={cast.orgs['youth']}"))
    assert ["All routes", "0", "0", "0"] in youth                           # another organisation: none
    assert browser.get("/reports/no_such_table.csv").status_code == 404
    recorded = exports(factory)
    assert recorded[0][0] == email_of("fo")
    assert recorded[0][1].startswith("Compact compliance report, table m1_case_flow as CSV; Period: H2 2026/27")
    assert "Organisation: Crayford Community Kitchen" in recorded[0][1] and "Route: Performance" in recorded[0][1]
    assert len(recorded) == 2                                                # the 404 made no file


def test_the_workbooks_have_a_sheet_per_table_definitions_and_the_filters(signed_in, service, cast, clock, factory):
    funding_case_at(service, cast, clock, "concern_raised")
    browser = signed_in("fo")
    query = f"?organisation={cast.orgs['kitchen']}"
    book = openpyxl.load_workbook(io.BytesIO(browser.get(f"/reports/compact-report.xlsx{query}").get_data()))
    names = book.sheetnames
    assert names[0] == "Summary" and "M1 case flow" in names and "Trend" in names
    assert names[-2:] == ["Definitions", "Filters and metadata"]
    meta = dict(book["Filters and metadata"].iter_rows(min_row=2, values_only=True))
    assert meta["Filter: Organisation"] == "Crayford Community Kitchen" and meta["Suppression applied"] == "None"
    assert ("M9", "Minimum notice met") == tuple(next(r for r in book["Definitions"].iter_rows(values_only=True)
                                                       if r[0] == "M9")[:2])
    assert list(book["M1 case flow"].iter_rows(min_row=5, values_only=True))[-1] == ("All routes", 1, 0, 1)
    ods = load(io.BytesIO(browser.get(f"/reports/compact-report.ods{query}").get_data()))
    sheets = {t.getAttribute("name"): t for t in ods.spreadsheet.getElementsByType(Table)}
    assert list(sheets) == names
    meta_rows = [[str(c) for c in r.getElementsByType(TableCell)] for r in
                 sheets["Filters and metadata"].getElementsByType(TableRow)]
    assert ["Filter: Organisation", "Crayford Community Kitchen"] in meta_rows
    assert [d.split(";")[0] for _, d in exports(factory)] == [
        "Compact compliance report, workbook as XLSX", "Compact compliance report, workbook as ODS"]


def test_the_board_pack_has_the_summary_charts_breaches_learning_and_definitions(signed_in, service, cast, clock):
    funding_case_at(service, cast, clock, "concern_raised")
    pdf = signed_in("fo").get(f"/reports/compact-report.pdf?organisation={cast.orgs['kitchen']}")
    assert pdf.mimetype == "application/pdf"
    text = " ".join(subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.get_data(), capture_output=True,
                                   check=True).stdout.decode().split())
    for words in ["Filters used", "Organisation Crayford Community Kitchen", "Summary", *CHARTS,
                  "Breach log (M5)", "Learning actions (M18)", "Appendix: definitions", "How each metric is defined"]:
        assert words in text, words


def test_a_vco_downloads_its_own_figures_whatever_the_link_asks(signed_in, service, cast, clock, factory):
    funding_case_at(service, cast, clock, "concern_raised")                # the kitchen's case
    youth = signed_in("other_vl")                                           # Erith Youth Partnership
    rows = csv_rows(youth.get(f"/reports/m1_case_flow.csv?organisation={cast.orgs['kitchen']}"))
    assert ["All routes", "0", "0", "0"] in rows
    meta = dict(r for r in rows[rows.index(["Filters and metadata"]) + 1:])
    assert meta["Filter: Organisation"] == "Erith Youth Partnership"
    assert "Crayford Community Kitchen" not in youth.get("/reports/compact-report.xlsx").get_data().decode("latin-1")
    mine = csv_rows(signed_in("vl").get("/reports/m1_case_flow.csv"))
    assert ["All routes", "1", "0", "1"] in mine
