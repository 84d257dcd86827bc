""""Download these cases": the case list as it stands (its filters and search, and only the
cases the person may see) as a CSV file or an XLSX workbook, each printing the filters it
used; every download is recorded as a security event (who, when, which filters)."""
from datetime import datetime

from sqlalchemy import select

from casework import security_events as events
from casework.organisations import Organisation, Person
from casework.queries import CaseRow
from web.diagram import stage_names
from web.exports import ExportMetadata, csv_bytes, workbook_xlsx
from web.views.filters import DUE_CHOICES, stage_choices
from workflows import calendar as cal
from workflows.reporting.tables import Column, ReportTable

PROCESS = {"funding_change": "Funding change", "dispute": "Dispute"}
COLUMNS = (Column("case_number", "Case number"), Column("title", "Title"), Column("process", "Process"),
           Column("stage", "Stage"), Column("organisation", "Organisation"), Column("funder", "Funder"),
           Column("opened_on", "Opened"), Column("last_updated_on", "Last updated"))
#: The columns, for the workbook's Definitions sheet.
DEFINITIONS = (
    ("case_number", "Case number", "The case's reference: FC- for a funding-change case, DS- for a dispute."),
    ("title", "Title", "The title the case was opened with, or changed to."),
    ("process", "Process", "Funding change or Dispute."),
    ("stage", "Stage", "Where the case stood when the file was made."),
    ("organisation", "Organisation", "The funded voluntary or community organisation (funding-change cases)."),
    ("funder", "Funder", "The council or NHS body funding it (funding-change cases)."),
    ("opened_on", "Opened", "The date the case was opened (London time, ISO 8601)."),
    ("last_updated_on", "Last updated", "The date anything last happened on the case (London time, ISO 8601)."))
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def cases_table(rows: list[CaseRow]) -> ReportTable:
    """The cases as a table: references, words and dates (London), as the list shows them."""
    return ReportTable(
        key="cases", title="Cases", caption="Cases matching the filters", columns=COLUMNS,
        rows=tuple((r.ref, r.title, PROCESS.get(r.workflow, r.workflow), stage_names(r.workflow).get(r.status, r.status),
                    r.vco_name, r.funder_name, cal.local_date(r.opened_at), cal.local_date(r.updated_at))
                   for r in rows))


def filters_in_words(db, chosen: dict[str, str]) -> dict[str, str]:
    """The filters chosen, as the list's form names them; only those chosen."""
    words = {}
    if chosen["q"]:
        words["Search"] = chosen["q"]
    if chosen["stage"]:
        words["Stage"] = dict(stage_choices())[chosen["stage"]]
    if chosen["organisation"]:
        name = db.scalar(select(Organisation.name).where(Organisation.id == int(chosen["organisation"])))
        words["Organisation"] = name or f"No organisation (number {chosen['organisation']})"
    if chosen["due"]:
        words["Deadlines"] = dict(DUE_CHOICES)[chosen["due"]]
    return words


def export_file(db, person: Person, rows: list[CaseRow], chosen: dict[str, str], kind: str, now: datetime,
                where: events.Where) -> tuple[bytes, str]:
    """The file's bytes and name; the download recorded in the caller's transaction."""
    filters = filters_in_words(db, chosen)
    metadata = ExportMetadata(title="Cases", filters=filters, as_at=now,
                              extra=(("Cases", str(len(rows))), ("Exported by", person.name)))
    table = cases_table(rows)
    data = csv_bytes(table, metadata) if kind == "csv" else workbook_xlsx([table], metadata, DEFINITIONS)
    said = "; ".join(f"{name}: {value}" for name, value in filters.items()) or "no filters"
    events.record(db, events.Kind.EXPORTED, now, person_id=person.id, actor_id=person.id, account=person.email,
                  where=where, detail=f"Cases as {kind.upper()}, {len(rows)} cases; {said}")
    return data, f"cases-{cal.local_date(now).isoformat()}.{kind}"
