"""The report's filters as GET parameters (reporting.md section 6, "Filters"): read from the
query string, shown as MOJ selected-filter tags, and written out in words for every export.
A VCO's staff always get their own organisation's figures, whatever the query asks."""
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from flask import url_for
from sqlalchemy import select

from casework.organisations import DECIDES_AS_WORDS, Organisation, Person
from casework.permissions import report_scope
from workflows import calendar as cal
from workflows.reporting.deadline_metrics import KIND_WORDS
from workflows.reporting.period import OWED_BY, PRESETS, Filters, preset_period

ROUTES = (("", "All routes"), ("performance", "Performance"), ("resource", "Resource"))
CASE_TYPES = (("funding_change", "Funding-change cases"), ("dispute", "Disputes"))
#: Who made a funding decision (casework.organisations.DecidesAs): filters outcomes (M2) and
#: decision times (M6).
DECIDERS = tuple((kind.value, words) for kind, words in DECIDES_AS_WORDS.items())
#: The query parameters a filter can have: kept on every link to an export.
PARAMETERS = ("period", "from", "to", "compare", "organisation", "funder", "route", "case_type", "deadline_type",
              "owed_by", "decided_as")


@dataclass
class ReportRequest:
    """What one request for the report asked for, and what it may see."""
    filters: Filters          #: the filters applied (a VCO's own organisation put in)
    chosen: dict
    errors: dict
    vcos: list
    funders: list
    internal: bool
    tags: list
    query: list               #: the filter parameters, to pass on to the export links
    own: str = ""             #: a VCO's staff: their organisation's name

    def words(self) -> dict[str, str]:
        """The filters applied, in words, as every export prints them."""
        words = {heading: "; ".join(text for text, _ in items) for heading, items in self.tags}
        if self.own:
            words["Organisation"] = self.own
        return words


def report_request(db, person: Person, args, now) -> ReportRequest:
    orgs = db.execute(select(Organisation.id, Organisation.name, Organisation.kind).order_by(Organisation.name)).all()
    scope = report_scope(person)
    internal = scope is None
    vcos = [(i, n) for i, n, k in orgs if k == "vco" and (scope is None or i == scope)]
    funders = [(i, n) for i, n, k in orgs if k == "statutory"]
    chosen, errors = read_filters(args, now, {i for i, _ in vcos}, {i for i, _ in funders}, internal)
    filters = chosen["filters"] if internal else replace(chosen["filters"], organisations=(scope,))
    tags = [group for group in _tags(chosen, vcos, funders, args) if internal or group[0] != "Organisation"]
    query = [(k, v) for k, v in args.items(multi=True) if k in PARAMETERS]
    return ReportRequest(filters, chosen, errors, vcos, funders, internal, tags, query,
                         "" if internal else dict(vcos).get(scope, ""))


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw and len(raw) == 10 else None
    except ValueError:
        return None


def _ints(values, allowed: set[int]) -> tuple[int, ...]:
    return tuple(sorted({int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 10 and int(v) in allowed}))


def read_filters(args, now, vco_ids: set[int], funder_ids: set[int], internal: bool) -> tuple[dict, dict]:
    """The filters asked for in the query string; anything unreadable is dropped (custom dates
    that cannot be read fall back to the current half-year, with an error message)."""
    errors: dict[str, str] = {}
    preset = args.get("period", "current_half")
    preset = preset if preset in dict(PRESETS) else "current_half"
    start, end = _date(args.get("from")), _date(args.get("to"))
    if preset == "custom" and (start is None or end is None or end < start):
        errors["from"] = ("Enter a start and an end date, for example 2027-04-01 and 2027-09-30, with the end on or "
                          "after the start")
        preset = "current_half"
    period = preset_period(preset, now, start, end)
    route = args.get("route", "")
    filters = Filters(
        period=period, compare=args.get("compare") == "yes",
        organisations=_ints(args.getlist("organisation"), vco_ids), funders=_ints(args.getlist("funder"), funder_ids),
        route=route if route in dict(ROUTES) else "",
        case_types=tuple(v for v in args.getlist("case_type") if v in dict(CASE_TYPES)) if internal else (),
        deadline_types=tuple(v for v in args.getlist("deadline_type") if v in KIND_WORDS) if internal else (),
        owed_by=tuple(v for v in args.getlist("owed_by") if v in OWED_BY) if internal else (),
        decision_maker_role=tuple(v for v in args.getlist("decided_as") if v in dict(DECIDERS)) if internal else ())
    return {"filters": filters, "preset": preset, "from": args.get("from", "") if preset == "custom" else "",
            "to": args.get("to", "") if preset == "custom" else "", "today": cal.local_date(now)}, errors


def _tags(chosen: dict, vcos, funders, args) -> list[tuple[str, list[tuple[str, str]]]]:
    """The selected-filter tags: (heading, [(tag text, link that removes it)])."""
    f = chosen["filters"]
    names = dict(vcos) | dict(funders)

    def without(key: str, value: str | None = None) -> str:
        kept = [(k, v) for k, v in args.items(multi=True) if k != key and not (value is None and k in ("from", "to")
                                                                             and key == "period")]
        if value is not None:
            kept += [(key, v) for v in args.getlist(key) if v != value]
        return url_for("reports.index") + ("?" + urlencode(kept) if kept else "")

    groups = [("Period", [(f.period.label(), without("period"))] +
               ([("Compared with the previous period", without("compare"))] if f.compare else [])),
              ("Organisation", [(names[i], without("organisation", str(i))) for i in f.organisations if i in names]),
              ("Funder", [(names[i], without("funder", str(i))) for i in f.funders if i in names]),
              ("Route", [(dict(ROUTES)[f.route], without("route"))] if f.route else []),
              ("Case type", [(dict(CASE_TYPES)[t], without("case_type", t)) for t in f.case_types]),
              ("Deadline", [(KIND_WORDS[k], without("deadline_type", k)) for k in f.deadline_types]),
              ("Owed by", [(o, without("owed_by", o)) for o in f.owed_by]),
              ("Decision-maker", [(dict(DECIDERS)[d], without("decided_as", d)) for d in f.decision_maker_role])]
    return [(heading, tags) for heading, tags in groups if tags]
