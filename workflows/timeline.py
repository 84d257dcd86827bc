"""The projected timeline of a funding-change case: the earliest date of every stage, and the
earliest lawful effective date, if every party uses the full time the Compact gives them.
Each party acts on the last day it is allowed; stages with no clock (the impact assessment)
take no time; the notice is emailed before 17:00 on the day the decision is made."""
from dataclasses import dataclass
from datetime import date, datetime, time

from workflows import calendar as cal
from workflows.funding_change import DECISION_DUE, State as S
from workflows.limits import TimeLimits

ROUTES = ("performance", "resource")
#: The notice is assumed emailed at this London time on the decision day, before the cut-off.
NOTICE_SENT_AT = time(16, 0)


@dataclass(frozen=True)
class Milestone:
    """One projected date: when, in which state of the case, and what happens."""

    on: date
    stage: str
    label: str


def project(route: str, start: date, limits: TimeLimits,
            calendar: cal.WorkingCalendar | None = None) -> list[Milestone]:
    """Every stage's earliest date for a case starting on `start` by `route`, in date order."""
    if route not in ROUTES:
        raise ValueError(f"Unknown route {route!r}; expected one of: {', '.join(ROUTES)}.")
    if route == "performance":
        milestones = _improvement(start, limits, calendar)
        assessed_on = milestones[-1].on
    else:
        milestones = [Milestone(start, S.IMPACT_ASSESSMENT,
                                "Change to resources proposed; impact assessment begins")]
        assessed_on = start
    return milestones + _change(assessed_on, limits, calendar)


def _improvement(start: date, limits: TimeLimits,
                 calendar: cal.WorkingCalendar | None) -> list[Milestone]:
    """Concern, improvement plan and review: the performance route before any change."""
    acknowledged = cal.add_working_days(start, limits.concern_ack_wd, calendar=calendar)
    agreed = cal.add_working_days(start, limits.plan_agree_wd, calendar=calendar)
    plan_end = cal.add_calendar_months(agreed, limits.plan_period_months)
    reviewed = cal.add_working_days(plan_end, limits.review_wd, calendar=calendar)
    return [
        Milestone(start, S.CONCERN_RAISED, "Concern raised with the organisation"),
        Milestone(acknowledged, S.CONCERN_RAISED,
                  f"Organisation acknowledges the concern ({limits.concern_ack_wd} working days)"),
        Milestone(agreed, S.IMPROVEMENT_PLANNING,
                  f"Improvement plan agreed ({limits.plan_agree_wd} working days from the concern)"),
        Milestone(plan_end, S.IMPROVEMENT_IN_PROGRESS,
                  f"Improvement plan ends ({limits.plan_period_months} calendar months)"),
        Milestone(reviewed, S.PERFORMANCE_REVIEW,
                  f"Performance review due ({limits.review_wd} working days after the plan ends)"),
        Milestone(reviewed, S.IMPACT_ASSESSMENT, "Not improved: impact assessment begins"),
    ]


def _change(assessed_on: date, limits: TimeLimits,
            calendar: cal.WorkingCalendar | None) -> list[Milestone]:
    """Consultation, decision and notice: every route that may change funding."""
    closes = cal.add_working_days(assessed_on, limits.consultation_wd, calendar=calendar)
    decided = DECISION_DUE.count_from(closes, limits, calendar)   # as the engine counts it
    sent_at = datetime.combine(decided, NOTICE_SENT_AT, tzinfo=cal.LONDON)
    deemed = cal.deemed_given(sent_at, "email", calendar=calendar)
    acknowledged = cal.add_working_days(deemed, limits.notice_ack_wd, calendar=calendar)
    period_end = cal.notice_period_end(deemed, limits.notice_months)
    effective = cal.earliest_effective_date(deemed, limits.notice_months)
    return [
        Milestone(assessed_on, S.CONSULTATION, "Consultation opens once every part of the assessment is complete"),
        Milestone(closes, S.CONSULTATION, f"Consultation closes ({limits.consultation_wd} working days)"),
        Milestone(decided, S.DECISION_PENDING,
                  f"Decision due ({limits.decision_wd} working days after the consultation closes)"),
        Milestone(decided, S.NOTICE_PENDING, "Written notice emailed before 17:00 on the day of the decision"),
        Milestone(deemed, S.NOTICE_PERIOD, "Notice deemed given"),
        Milestone(acknowledged, S.NOTICE_PERIOD,
                  f"Organisation acknowledges the notice ({limits.notice_ack_wd} working days)"),
        Milestone(period_end, S.NOTICE_PERIOD, f"Notice period ends ({limits.notice_months} calendar months)"),
        Milestone(effective, S.CLOSED_CHANGED, "Earliest lawful date the change can take effect"),
    ]
