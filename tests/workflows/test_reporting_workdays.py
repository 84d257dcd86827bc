"""The report's working-day counts by lookup give the same answers as counting day by day
(worked out by hand here), across bank holidays, one-off holidays and dates far outside the
range first summed."""
from datetime import date

from workflows.calendar import WorkingCalendar
from workflows.reporting.workdays import WorkingDays


def test_working_days_across_christmas_and_new_year():
    days = WorkingDays(WorkingCalendar(), date(2026, 12, 1), date(2026, 12, 31))
    # After Thu 24 Dec 2026 up to and including Mon 4 Jan 2027: 25 Dec (holiday), 26-27
    # (weekend), 28 Dec (substitute holiday), then Tue 29, Wed 30, Thu 31, Fri 1 Jan (holiday),
    # 2-3 Jan (weekend), Mon 4 Jan: 29, 30, 31 Dec and 4 Jan = 4.
    assert days.between(date(2026, 12, 24), date(2027, 1, 4)) == 4
    # The same day, or an end before the start: none.
    assert days.between(date(2026, 12, 29), date(2026, 12, 29)) == 0
    assert days.between(date(2026, 12, 30), date(2026, 12, 29)) == 0


def test_dates_outside_the_first_range_and_a_one_off_holiday():
    calendar = WorkingCalendar()
    calendar.add_holiday(date(2027, 5, 10), "Coronation holiday")
    days = WorkingDays(calendar, date(2026, 12, 1), date(2026, 12, 2))
    # After Fri 30 Apr 2027 up to Fri 14 May 2027: Mon 3 May is a bank holiday, Mon 10 May the
    # one-off day: 4-7 May (4) and 11-14 May (4) = 8.
    assert days.between(date(2027, 4, 30), date(2027, 5, 14)) == 8
    # Long before the range: after Fri 2 Jan 2015 up to Fri 9 Jan 2015 = 5 (5-9 Jan).
    assert days.between(date(2015, 1, 2), date(2015, 1, 9)) == 5
