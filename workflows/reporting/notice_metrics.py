"""Notice metrics: minimum notice met (M9), exceptional shortening (M10), notice length and
lag (M11) and changes after notice (M12), from each notice's "issue_notice" event and what the
database finds around it (`funding_facts.notices`)."""
from dataclasses import dataclass
from datetime import date, datetime

from workflows import calendar as cal
from workflows.definitions import as_date
from workflows.funding_change_rules import EXCEPTIONS
from workflows.limits import TimeLimits
from workflows.reporting import funding_facts
from workflows.reporting.history import History
from workflows.reporting.metric import RATE_COLUMNS, Metric, col, rate_cells, table
from workflows.reporting.period import Period
from workflows.reporting.rates import Rate, median, pct


@dataclass
class Notice:
    case_id: int
    issued_at: datetime
    deemed: date
    effective: date
    compliant: date          #: the earliest lawful effective date: deemed + minimum months, plus a day
    #: the exceptional circumstances signed off before it (after its decision): their category
    exception: str | None
    excepted: bool
    decision_day: date | None
    end: tuple[str, datetime, date] | None  #: what ended the notice period (by the as-at time): trigger, at, day
    #: When and on what day the case's notice was extended, after this notice was given
    extended: list[tuple[datetime, date]]


def notices(h: History, limits: TimeLimits) -> list[Notice]:
    facts, extended = funding_facts.notices(h)
    found, compliant = [], {}
    for n in facts:
        sent = datetime.fromisoformat(str(n.facts["sent_at"]))
        deemed = cal.deemed_given(sent, n.facts["channel"], calendar=h.calendar)
        if deemed not in compliant:   # many notices share a deemed date
            compliant[deemed] = cal.earliest_effective_date(deemed, limits.notice_months)
        excepted = n.exception_at is not None and not (n.decision_at is not None and n.exception_at < n.decision_at)
        end = (n.end_trigger, n.end_at, n.end_day) if n.end_trigger is not None else None
        later = [(at, day) for at, day in extended.get(n.case_id, ()) if at > n.at and (end is None or at <= end[1])]
        found.append(Notice(n.case_id, n.at, deemed, as_date(n.facts["effective_on"]),
                            compliant[deemed], n.category if excepted else None,
                            excepted, n.decision_day, end, later))
    return found


def minimum_notice(h: History, p: Period, given: list[Notice], limits: TimeLimits) -> Metric:
    m = Metric("m9", "Minimum notice met", f"Notices deemed given in the period whose effective date is on or "
               f"after the day after the deemed date plus {limits.notice_months} calendar months, out of all "
               f"notices deemed given in the period.")
    mine = [n for n in given if n.deemed in p]
    rate = Rate(sum(n.effective >= n.compliant for n in mine), len(mine))
    m.count, m.rate = len(mine), rate
    m.headline = rate.words()
    m.tables.append(table("m9_minimum_notice", "Notices that gave the minimum notice",
                          f"Notices deemed given, {p.label()}", RATE_COLUMNS, [rate_cells(rate)], chart="line",
                          overview=f"{rate.words()} notices gave at least {limits.notice_months} months."))
    return m


def exceptional_shortening(h: History, p: Period, given: list[Notice]) -> Metric:
    m = Metric("m10", "Exceptional shortening", "Notices deemed given in the period under exceptional "
               "circumstances signed off by the decision-maker, out of all; by category; days short of the "
               "compliant date.")
    mine = [n for n in given if n.deemed in p]
    flagged = [n for n in mine if n.excepted]
    rate = Rate(len(flagged), len(mine))
    short = [(n.compliant - n.effective).days for n in flagged if n.effective < n.compliant]
    m.count, m.rate = len(mine), rate
    m.headline = f"{rate.words()} shortened; median {median(short) if short else '–'} days short"
    rows = [(words, sum(n.exception == key for n in flagged)) for key, words in EXCEPTIONS]
    m.tables.append(table("m10_exceptions_by_category", "Shorter notice by category",
                          f"Notices given under exceptional circumstances, {p.label()}",
                          (col("category", "Category"), col("notices", "Notices", True)), rows))
    m.tables.append(table("m10_days_short", "Days short of the compliant date", f"Notices shortened, {p.label()}",
                          (*RATE_COLUMNS, col("median_days_short", "Median days short", True),
                           col("max_days_short", "Most days short", True)),
                          [(*rate_cells(rate), median(short), max(short, default=None))]))
    return m


def notice_length(h: History, p: Period, given: list[Notice], limits: TimeLimits) -> Metric:
    m = Metric("m11", "Notice length and lag", "Notices deemed given in the period: calendar days from the "
               "deemed date to the effective date, in bands; median working days from the decision to the "
               "deemed date.")
    mine = [n for n in given if n.deemed in p]
    bands = {"short": 0, "standard": 0, "long": 0}
    for n in mine:
        if n.effective < n.compliant:
            bands["short"] += 1
        elif n.effective <= cal.add_calendar_months(n.compliant, 1):
            bands["standard"] += 1
        else:
            bands["long"] += 1
    lag = [h.wd_of(n.case_id, n.decision_day, n.deemed) for n in mine if n.decision_day is not None]
    days = [(n.effective - n.deemed).days for n in mine]
    m.count = len(mine)
    m.headline = f"{len(mine)} notices; median {median(days) if days else '–'} calendar days; median " \
                 f"{median(lag) if lag else '–'} working days from decision to notice"
    words = (("short", f"Less than {limits.notice_months} months"),
             ("standard", f"{limits.notice_months} months to 1 month more"),
             ("long", f"More than {limits.notice_months} months and 1 month"))
    m.tables.append(table("m11_notice_length", "How much notice was given", f"Notices deemed given, by length, "
                          f"{p.label()}", (col("band", "Length of notice"), col("notices", "Notices", True),
                                           col("percent", "Per cent", True)),
                          [(w, bands[k], pct(bands[k], len(mine))) for k, w in words], chart="column",
                          overview=f"{bands['standard'] + bands['long']} of {len(mine)} notices gave at least the minimum."))
    m.tables.append(table("m11_decision_to_notice", "Working days from decision to notice",
                          f"Notices deemed given, {p.label()}",
                          (col("n", "Notices", True), col("median_calendar_days", "Median notice, calendar days", True),
                           col("median_wd_decision_to_deemed", "Median working days from decision", True)),
                          [(len(mine), median(days), median(lag))]))
    return m


def post_notice_changes(h: History, p: Period, given: list[Notice]) -> Metric:
    m = Metric("m12", "Post-notice changes", "Notices in force during the period that were extended, withdrawn "
               "or consulted on again in the period, out of all notices in force during it.")
    in_force = [n for n in given if n.deemed <= p.end and (n.end is None or n.end[2] >= p.start)]
    extended = [n for n in in_force if any(day in p for _, day in n.extended)]
    rescinded = [n for n in in_force if n.end is not None and n.end[0] == "rescind_notice" and n.end[2] in p]
    again = [n for n in in_force if n.end is not None and n.end[0] == "reopen_consultation" and n.end[2] in p]
    changed = {id(n) for n in extended + rescinded + again}
    rate = Rate(len(changed), len(in_force))
    m.count, m.rate = len(in_force), rate
    m.headline = f"{rate.words()} changed"
    m.tables.append(table("m12_post_notice_changes", "Notices changed after they were given",
                          f"Notices in force, {p.label()}", (col("change", "Change"), col("notices", "Notices", True)),
                          [("In force during the period", len(in_force)), ("Extended", len(extended)),
                           ("Withdrawn", len(rescinded)), ("Consulted on again", len(again)),
                           ("Changed in any of these ways", len(changed))]))
    return m
