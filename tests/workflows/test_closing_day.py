"""A window's closing day is its last day, not the moment the scheduler noticed it had lapsed
(processes.md, "Clocks"): the decision's 20 working days count from the day after the
consultation's response date whether the organisation answered on that day or not at all,
and `casework timeline` projects the same date.

Worked by hand for a response date of Tuesday 1 December 2026. Counting starts on Wednesday
2 December: 2, 3, 4 (3 WD); 7-11 (8); 14-18 (13); 21, 22, 23, 24 (17); Friday 25 and
Monday 28 December are bank holidays; 29 (18), 30 (19), Thursday 31 December 2026 (20).
So the decision is due on Thursday 31 December 2026 either way. (Counted instead from
Wednesday 2 December, the day a scheduler notices the lapse, the 20th working day would be
Monday 4 January 2027, after Friday 1 January: the defect this file guards against.)"""
from datetime import date, datetime, time, timezone

from sqlalchemy import select

from casework.deadlines import LIVE, Deadline
from tests.factories import funding_case_at
from workflows import calendar as cal
from workflows.journeys import ASSESSMENT, _respond_by
from workflows.limits import TimeLimits
from workflows.timeline import project

LAST_DAY = date(2026, 12, 1)          # Tuesday
DECISION_DUE = date(2026, 12, 31)     # Thursday: worked by hand above


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A London wall-clock time in winter (GMT, the same as UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=cal.LONDON).astimezone(timezone.utc)


def consultation_ending_on_1_december(service, cast, clock):
    """A resource case whose consultation, opened in November, must be answered by 1 December."""
    clock.current = at(date(2026, 11, 2))
    case = funding_case_at(service, cast, clock, "impact_assessment", route="resource")
    service.fire(case.id, "save_assessment", cast["fo"], ASSESSMENT, clock.now())
    return service.fire(case.id, "open_consultation", cast["fo"],
                        {**_respond_by(clock.now(), {}), "respond_by": LAST_DAY.isoformat()}, clock.now())


def decision_due(factory, case_id: int) -> date:
    with factory() as s:
        return s.scalars(select(Deadline.due_on).where(Deadline.case_id == case_id, Deadline.kind == "decision",
                                                       Deadline.status.in_(LIVE))).one()


def test_a_lapsed_consultation_closes_on_its_last_day_and_the_decision_counts_from_the_day_after(
        service, factory, cast, clock):
    case = consultation_ending_on_1_december(service, cast, clock)
    # The scheduler only notices on Thursday morning: that changes nothing.
    case = service.fire(case.id, "consultation_closes", None, {}, at(date(2026, 12, 3), 9))
    assert case.data["consultation"]["closed_on"] == "2026-12-01"
    assert decision_due(factory, case.id) == DECISION_DUE


def test_a_lapse_noticed_just_after_midnight_gives_the_same_date(service, factory, cast, clock):
    case = consultation_ending_on_1_december(service, cast, clock)
    case = service.fire(case.id, "consultation_closes", None, {}, at(date(2026, 12, 2), 0, 1))
    assert decision_due(factory, case.id) == DECISION_DUE


def test_a_response_on_the_last_day_gives_the_same_decision_date(service, factory, cast, clock):
    case = consultation_ending_on_1_december(service, cast, clock)
    case = service.fire(case.id, "submit_response", cast["vl"], {"response": "We object."}, at(LAST_DAY, 16))
    assert case.data["consultation"]["closed_on"] == "2026-12-01"
    assert decision_due(factory, case.id) == DECISION_DUE


def test_the_timeline_projects_the_date_the_engine_sets():
    # 20 working days from Tuesday 3 November 2026 end on Tuesday 1 December (no holidays in
    # November): 4-6 Nov (3), 9-13 (8), 16-20 (13), 23-27 (18), 30 Nov (19), 1 Dec (20).
    milestones = project("resource", date(2026, 11, 3), TimeLimits())
    closes = next(m for m in milestones if m.label.startswith("Consultation closes"))
    decided = next(m for m in milestones if m.label.startswith("Decision due"))
    assert (closes.on, decided.on) == (LAST_DAY, DECISION_DUE)
