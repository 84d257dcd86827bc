"""Issue findings is offered only once the hearing has taken place (issue #11, item 14): before
then the panel's case page says from when it can be done, instead of a button that can only be
refused."""
from datetime import datetime, timezone

from tests.factories import dispute_at
from tests.web.helpers import page
from workflows.definitions import as_date


def test_findings_are_not_offered_before_the_hearing_and_the_page_says_from_when(service, cast, clock, signed_in):
    case = dispute_at(service, cast, clock, "panel_hearing")
    hearing = as_date(case.data["hearing_on"])
    # Raised Tue 1 Dec 2026, one step a day: the hearing is scheduled on Tue 15 Dec for 6 working
    # days on: 16, 17, 18, 21, 22 and 23 December. So it is on Wednesday 23 December 2026.
    assert hearing.isoformat() == "2026-12-23"
    before = page(signed_in("panel1").get(f"/cases/{case.id}")).text
    assert "Issue findings" not in before.split("Deadlines")[0]
    assert "You can issue findings from 23 December 2026, the day of the hearing." in before

    clock.current = datetime(2026, 12, 23, 9, 0, tzinfo=timezone.utc)   # the day of the hearing
    on_the_day = page(signed_in("panel1").get(f"/cases/{case.id}")).text
    assert "Issue findings" in on_the_day.split("Deadlines")[0]
    assert "You can issue findings from" not in on_the_day
