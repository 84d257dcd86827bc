"""The dates a written notice will carry, worked out before it is sent, for the
check-your-answers page."""
from casework.cases import Case
from workflows import calendar as cal
from workflows.definitions import as_date
from workflows.fields import parse_fields
from workflows.funding_change import TRANSITIONS, OUTCOME_WORDS
from workflows.limits import TimeLimits

ISSUE_NOTICE = next(t for t in TRANSITIONS if t.trigger == "issue_notice")


def notice_dates(raw: dict, case: Case, limits: TimeLimits, calendar: cal.WorkingCalendar) -> dict:
    """Deemed-given date, end of the notice period and the earliest lawful effective date."""
    data = parse_fields(ISSUE_NOTICE.fields, raw)
    deemed = cal.deemed_given(data["sent_at"], data["channel"], calendar=calendar)
    earliest = cal.earliest_effective_date(deemed, limits.notice_months)
    exception = (case.data or {}).get("exception")
    return {"channel": data["channel"], "sent_at": data["sent_at"], "deemed_given_on": deemed,
            "period_end": cal.notice_period_end(deemed, limits.notice_months), "earliest": earliest,
            "effective_on": data["effective_on"], "too_early": data["effective_on"] < earliest and not exception,
            "exception": exception, "outcome": OUTCOME_WORDS.get(((case.data or {}).get("decision") or {}).get("outcome", ""), ""),
            "decided_on": as_date(((case.data or {}).get("decision") or {}).get("decided_on"))}
