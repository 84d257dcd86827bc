"""The compliance report as the page and its downloads read it: the report for the filters
asked for, its six chart tables (reporting.md section 6, "Charts") and the files made from
it. Every download (a table's CSV, the XLSX and ODS workbooks, the PDF board pack) prints the
filters it used and is recorded as a security event: who, when, which filters."""
from dataclasses import dataclass
from datetime import datetime

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from casework import security_events as events
from casework.organisations import Person
from web.exports import ExportMetadata, csv_bytes, workbook_ods, workbook_xlsx
from web.presenters.formatting import local_time
from web.views.report_filters import ReportRequest
from workflows import calendar as cal
from workflows.reporting.chart_tables import chart_tables
from workflows.reporting.report import Report, build_report
from workflows.reporting.tables import ReportTable
from workflows.reporting.trend import trend

MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "ods": "application/vnd.oasis.opendocument.spreadsheet", "pdf": "application/pdf"}


@dataclass
class ReportView:
    asked: ReportRequest
    report: Report
    charts: dict[str, ReportTable]

    @property
    def as_at(self) -> str:
        return local_time(self.report.as_at)

    def tables(self) -> list[ReportTable]:
        """Every table: the report's (summary first), then the charts' own."""
        own = [t for t in self.charts.values() if t.key.startswith("chart_") or t.key == "trend"]
        return self.report.tables() + own

    def table(self, key: str) -> ReportTable | None:
        return next((t for t in self.tables() if t.key == key), None)

    def definitions(self) -> list[tuple[str, str, str]]:
        return [(m.id.upper(), m.name, m.definition) for m in self.report.metrics]

    def metadata(self, person: Person) -> ExportMetadata:
        r = self.report
        return ExportMetadata(title="Compact compliance report", filters=self.asked.words(), as_at=r.as_at,
                              calendar_version=r.calendar_version, suppression="None",
                              extra=(("Period", r.period.label()), ("Exported by", person.name)))


def report_view(db, asked: ReportRequest, now: datetime, service) -> ReportView:
    """The report for the filters asked, with its trend over four half-years and chart tables."""
    report = build_report(db, asked.filters, now, calendar=service.calendar, limits=service.limits)
    over_time = trend(db, asked.filters, now, calendar=service.calendar, limits=service.limits,
                      targets=report.targets, reuse=report)
    return ReportView(asked, report, chart_tables(report, over_time, service.limits))


def export_file(db, person: Person, view: ReportView, kind: str, now: datetime, where: events.Where,
                key: str | None = None, board_pack_html: str | None = None) -> tuple[bytes, str]:
    """A download's bytes and file name; recorded in the caller's transaction. `key`: the
    table of a CSV file; `board_pack_html`: the PDF's pages, as HTML."""
    metadata, day = view.metadata(person), cal.local_date(now).isoformat()
    if kind == "csv":
        data, what = csv_bytes(view.table(key), metadata), f"table {key}"
        name = f"compact-report-{key}-{day}.csv"
    elif kind in ("xlsx", "ods"):
        write = workbook_xlsx if kind == "xlsx" else workbook_ods
        data, what = write(view.tables(), metadata, view.definitions()), "workbook"
        name = f"compact-report-{day}.{kind}"
    else:
        data, what, name = html_to_pdf(board_pack_html), "board pack", f"compact-report-{day}.pdf"
    said = "; ".join(f"{heading}: {words}" for heading, words in view.asked.words().items())
    events.record(db, events.Kind.EXPORTED, now, person_id=person.id, actor_id=person.id, account=person.email,
                  where=where, detail=f"Compact compliance report, {what} as {kind.upper()}; {said}")
    return data, name


class _NothingFetched(URLFetcher):
    """The board pack is whole in its HTML (styles inline, charts as SVG): it loads nothing."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), fail_on_errors=True)

    def fetch(self, url: str, headers=None):
        raise FatalURLFetchingError(f"the board pack loads nothing, not {url!r}")


def html_to_pdf(html: str) -> bytes:
    """A4 PDF bytes of the board pack's HTML."""
    return HTML(string=html, base_url="about:blank", url_fetcher=_NothingFetched()).write_pdf()
