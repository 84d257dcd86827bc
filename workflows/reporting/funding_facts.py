"""What the funding-change metrics M6-M12 read, found by the database in one query each for all
the report's periods (the report's own and its comparison): each decision with its
consultation's close (the decision row's anchor, else the last closing before it), each
consultation opened with its windows and the extension requests that followed it, each
consultation closed with the last opening before it, and each notice with the decision and
exception before it and what ended it. "Last" and "first" are in the order of the case's trail
(`seq`), among events recorded by the as-at time, as `CaseFacts.last` and `first` walk them."""
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Select, and_, func, or_, select

from casework.cases import Case
from casework.deadlines import Deadline
from casework.report_events import ReportEvent
from workflows.reporting.history import NOTICE_SLACK, History, case_conditions
from workflows import calendar as cal

E, T = ReportEvent.__table__, Deadline.__table__
OPENINGS = ("open_consultation", "reopen_consultation")
CLOSINGS = ("submit_response", "consultation_closes")
DECISIONS = ("decide_change", "decide_no_change")
#: What ends a notice period: it takes effect, is withdrawn, the case consults again or is withdrawn.
NOTICE_ENDS = ("notice_takes_effect", "rescind_notice", "reopen_consultation", "withdraw")


class Decision(NamedTuple):
    case_id: int
    day: date
    anchor: str | None           #: the last decision row's anchor (ISO date) recorded by then
    closing: str | None          #: the last closing's trigger by then
    closing_day: date | None
    closed_on: str | None        #: the case's record of when its consultation closed


class Opening(NamedTuple):
    case_id: int
    day: date
    respond_by: str | None
    due_on: date | None          #: the due date of the response row it made
    asked: int                   #: extension requests before the next closing or opening
    given: int


class Closing(NamedTuple):
    case_id: int
    trigger: str
    day: date
    opened: date | None          #: the day of the last opening by then


class NoticeFacts(NamedTuple):
    case_id: int
    at: datetime
    facts: dict
    decision_at: datetime | None
    decision_day: date | None
    exception_at: datetime | None
    category: str | None
    end_trigger: str | None
    end_at: datetime | None
    end_day: date | None


def _events(h: History, alias, *triggers: str) -> Select:
    """The funding cases' events of these kinds recorded by the as-at time."""
    return (select().select_from(alias.join(Case, Case.id == alias.c.case_id))
            .where(*case_conditions(h.filters, h.as_at, h.earliest), Case.workflow == "funding_change",
                   alias.c.trigger.in_(triggers), alias.c.at <= h.as_at))


def _in_periods(h: History, e):
    return (e.c.day >= h.earliest, e.c.day <= h.latest)


def _last(of, triggers, column: str, as_at: datetime | None = None):
    """A column of the case's last event of these kinds recorded at or before `of`; with
    `as_at`, of its first event of these kinds after `of`, recorded by then."""
    x = E.alias()
    if as_at is not None:
        return (select(x.c[column]).where(x.c.case_id == of.c.case_id, x.c.trigger.in_(triggers), x.c.seq > of.c.seq,
                                          x.c.at <= as_at).order_by(x.c.seq).limit(1).scalar_subquery())
    return (select(x.c[column]).where(x.c.case_id == of.c.case_id, x.c.trigger.in_(triggers), x.c.at <= of.c.at)
            .order_by(x.c.seq.desc()).limit(1).scalar_subquery())


def decisions(h: History) -> list[Decision]:
    d = E.alias("decision")
    anchor = (select(T.c.basis["anchor"].as_string()).where(T.c.case_id == d.c.case_id, T.c.kind == "decision",
                                                           T.c.created_at <= d.c.at)
              .order_by(T.c.id.desc()).limit(1).scalar_subquery())
    query = _events(h, d, *DECISIONS).where(*_in_periods(h, d)).add_columns(
        d.c.case_id, d.c.day, anchor, _last(d, CLOSINGS, "trigger"), _last(d, CLOSINGS, "day"), Case.data[("consultation", "closed_on")].as_string()) \
        .order_by(d.c.case_id, d.c.seq)
    if h.filters.decision_maker_role:   # made as the report's "decision-maker" filter asks
        query = query.where(d.c.facts["decided_as"].as_string().in_(h.filters.decision_maker_role))
    return [Decision(*row) for row in h.db.execute(query)]


def openings(h: History) -> list[Opening]:
    o, x = E.alias("opening"), E.alias("later")
    boundary = (select(func.min(x.c.seq)).where(x.c.case_id == o.c.case_id, x.c.seq > o.c.seq,
                                                x.c.trigger.in_(CLOSINGS + OPENINGS), x.c.at <= h.as_at)
                .correlate(o).scalar_subquery())

    def count(trigger: str):
        y = E.alias()
        return (select(func.count()).where(y.c.case_id == o.c.case_id, y.c.seq > o.c.seq, y.c.trigger == trigger,
                                           y.c.at <= h.as_at, or_(boundary.is_(None), y.c.seq < boundary))
                .scalar_subquery())

    due_on = (select(T.c.due_on).where(T.c.case_id == o.c.case_id, T.c.kind == "consultation_response",
                                       T.c.created_at == o.c.at)
              .order_by(T.c.id).limit(1).scalar_subquery())
    query = _events(h, o, *OPENINGS).where(*_in_periods(h, o)).add_columns(
        o.c.case_id, o.c.day, o.c.facts["respond_by"].as_string(), due_on, count("request_extension"),
        count("grant_extension")).order_by(o.c.case_id, o.c.seq)
    return [Opening(*row) for row in h.db.execute(query)]


def closings(h: History) -> list[Closing]:
    c = E.alias("closing")
    query = _events(h, c, *CLOSINGS).where(*_in_periods(h, c)).add_columns(
        c.c.case_id, c.c.trigger, c.c.day, _last(c, OPENINGS, "day")) \
        .order_by(c.c.case_id, c.c.seq)
    return [Closing(*row) for row in h.db.execute(query)]


def notices(h: History) -> tuple[list[NoticeFacts], dict[int, list[tuple[datetime, date]]]]:
    """Every notice that can have been deemed given or in force in the periods (those of cases
    still open when the periods began, or sent at most NOTICE_SLACK before them), and the
    notice extensions of their cases, (at, day) by case."""
    n, ends = E.alias("notice"), E.alias("ends")
    since = cal.start_of_day_utc(h.earliest)
    live = or_(Case.closed_at.is_(None), Case.closed_at >= min(since, h.as_at))
    sent = func.substr(n.c.facts["sent_at"].as_string(), 1, 10)
    query = _events(h, n, "issue_notice").where(or_(live, sent >= (h.earliest - NOTICE_SLACK).isoformat())) \
        .add_columns(n.c.case_id, n.c.at, n.c.facts, _last(n, ("decide_change",), "at"),
                     _last(n, ("decide_change",), "day"), _last(n, ("sign_off_exception",), "at"),
                     _last(n, ("sign_off_exception",), "facts"), ends.c.trigger, ends.c.at, ends.c.day) \
        .outerjoin(ends, and_(ends.c.case_id == n.c.case_id, ends.c.seq == _last(n, NOTICE_ENDS, "seq", h.as_at))) \
        .order_by(n.c.case_id, n.c.seq)
    found = []
    for row in h.db.execute(query):
        case_id, at, facts, decision_at, decision_day, exception_at, exception_facts, *end_of = row
        category = (exception_facts or {}).get("category") if isinstance(exception_facts, dict) else None
        found.append(NoticeFacts(case_id, at, facts or {}, decision_at, decision_day, exception_at, category, *end_of))
    extended: dict[int, list[tuple[datetime, date]]] = {}
    x = E.alias("extension")
    for case_id, at, day in h.db.execute(
            _events(h, x, "extend_notice").add_columns(x.c.case_id, x.c.at, x.c.day)
            .where(x.c.case_id.in_(select(n.c.case_id).where(n.c.trigger == "issue_notice")))
            .order_by(x.c.case_id, x.c.seq)):
        extended.setdefault(case_id, []).append((at, day))
    return found, extended
