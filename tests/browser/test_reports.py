"""The compliance report in a real browser: a contract manager filters to one organisation and
this financial half-year, sees the six charts with their tables, downloads a table's CSV, the
XLSX and ODS workbooks and the PDF board pack, and each opens and prints the filters; axe finds
no violations on the report or on the published figures; a VCO sees only its own figures."""
import csv
import io
import re
import subprocess

import openpyxl
import pytest
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from playwright.sync_api import Page, expect

from tests.browser.steps import accessibility_violations, send

pytestmark = pytest.mark.browser

MANAGER = "contract.manager@bexley.example"
KITCHEN_STAFF = "manager@crayfordkitchen.example"
ADMIN = "admin@bexley.example"
KITCHEN = "Crayford Community Kitchen"


def flow_rows(page: Page) -> list[str]:
    table = page.locator("table", has=page.locator("caption", has_text="Funding-change cases by route"))
    return [" ".join(r.split()) for r in table.locator("tbody tr").all_inner_texts()]


def download(page: Page, link) -> bytes:
    with page.expect_download() as done:
        link.click()
    return done.value.path().read_bytes()


def filtered_report(page: Page) -> None:
    page.goto("/reports")
    page.get_by_role("group", name="Organisation").get_by_label(KITCHEN).check()
    page.get_by_label("This financial half-year").check()
    send(page, "Apply filters")
    expect(page.locator(".moj-filter__selected")).to_contain_text(KITCHEN)


def test_a_contract_manager_filters_sees_charts_and_downloads_every_file(sign_in):
    page = sign_in(MANAGER)
    filtered_report(page)
    charts = page.locator("figure.app-chart")
    expect(charts).to_have_count(6)
    for n in range(6):
        chart = charts.nth(n)
        expect(chart.locator("svg[role=img]")).to_be_visible()
        expect(chart.locator("table caption")).to_be_visible()
    assert accessibility_violations(page) == []

    flow = charts.filter(has_text="Cases started and closed each month")
    data = download(page, flow.get_by_role("link", name=re.compile("Download this table as CSV")))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["month", "started", "closed", "open_at_month_end"]
    meta = dict(r for r in rows[rows.index(["Filters and metadata"]) + 1:])
    assert meta["Filter: Organisation"] == KITCHEN and meta["Filter: Period"].startswith("H")

    book = openpyxl.load_workbook(io.BytesIO(download(page, page.get_by_role("link", name=re.compile(r"\(XLSX\)")))))
    assert book.sheetnames[-2:] == ["Definitions", "Filters and metadata"]
    assert dict(book["Filters and metadata"].iter_rows(min_row=2, values_only=True))["Filter: Organisation"] == KITCHEN

    ods = load(io.BytesIO(download(page, page.get_by_role("link", name=re.compile(r"\(ODS\)")))))
    sheets = {t.getAttribute("name"): t for t in ods.spreadsheet.getElementsByType(Table)}
    assert list(sheets) == book.sheetnames
    assert ["Filter: Organisation", KITCHEN] in [[str(c) for c in r.getElementsByType(TableCell)]
                                                 for r in sheets["Filters and metadata"].getElementsByType(TableRow)]

    pdf = download(page, page.get_by_role("link", name="Board pack (PDF)"))
    text = " ".join(subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                                   check=True).stdout.decode().split())
    assert f"Organisation {KITCHEN}" in text and "Cases started and closed each month" in text
    assert "Appendix: definitions" in text


def test_a_vco_sees_only_its_own_figures(sign_in):
    manager = sign_in(MANAGER)
    filtered_report(manager)
    kitchen_only = flow_rows(manager)
    manager.goto("/reports")
    everyone = flow_rows(manager)
    assert kitchen_only != everyone                # the demo has other organisations' cases
    staff = sign_in(KITCHEN_STAFF)
    staff.goto("/reports")
    expect(staff.get_by_role("group", name="Organisation")).to_have_count(0)
    assert flow_rows(staff) == kitchen_only
    for other in ("Erith Youth Partnership", "Sidcup Carers Network", "Thamesmead Advice Centre"):
        expect(staff.locator("main")).not_to_contain_text(other)
    assert accessibility_violations(staff) == []


def test_the_published_figures_have_no_accessibility_violations(sign_in):
    admin = sign_in(ADMIN)
    admin.goto("/admin/public-figures")
    admin.get_by_label("Yes").check()
    send(admin, "Save")
    expect(admin.locator(".govuk-notification-banner")).to_contain_text("The compliance figures are published.")
    try:
        visitor = sign_in()
        visitor.goto("/public/compact-figures")
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Compact compliance figures")
        assert accessibility_violations(visitor) == []
        expect(visitor.locator("main")).not_to_contain_text(KITCHEN)
    finally:
        admin.goto("/admin/public-figures")
        admin.get_by_label("No").check()
        send(admin, "Save")
