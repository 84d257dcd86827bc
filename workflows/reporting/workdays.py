"""Working days counted by lookup, not day by day: a report counts WD(a, b) tens of thousands of
times, so the calendar's working days are summed once over the dates it needs (prefix sums)
and each count is then a subtraction. The answers are those of
`calendar.working_days_between` on the same calendar (one-off holidays included)."""
from datetime import date, timedelta
from itertools import accumulate

from workflows import calendar as cal

#: Days added on each side when the range grows, so that a report grows it once or twice.
MARGIN = timedelta(days=400)


class WorkingDays:
    def __init__(self, calendar: cal.WorkingCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        self._cover(first, last)

    def _cover(self, first: date, last: date) -> None:
        self.first = first
        days = (last - first).days + 1
        # _sums[i]: working days from `first` up to and including first + i days.
        self._sums = list(accumulate(cal.is_working_day(first + timedelta(days=i), calendar=self.calendar)
                                     for i in range(days)))
        self.last = last

    def between(self, start: date, end: date) -> int:
        """Working days after `start`, up to and including `end` (0 if `end` is not after it)."""
        if end <= start:
            return 0
        if start < self.first or end > self.last:
            self._cover(min(start - MARGIN, self.first), max(end + MARGIN, self.last))
        return self._sums[(end - self.first).days] - self._sums[(start - self.first).days]
