"""Starting the performance review (processes.md, Revisions 2026-12-07): before the plan's end
date the page asks why, saying when the plan ends; once it has ended it asks nothing more.
The question and its hint are declared on the field (`asked_if`, `hint_for`)."""
from datetime import datetime, timezone

from tests.factories import funding_case_at
from tests.web.helpers import page


def test_the_review_page_asks_why_only_while_the_plan_is_running(app, signed_in, service, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_in_progress")   # the plan ends on 5 January 2027
    fo, url = signed_in("fo"), f"/cases/{case.id}/actions/start_review"
    running = page(fo.get(url)).text
    assert "Why the review starts before the plan ends" in running
    assert "The plan runs until 5 January 2027. The review can start before then only for one of these reasons." in running
    clock.current = datetime(2027, 1, 5, 9, 0, tzinfo=timezone.utc)            # the plan's end date
    fo = signed_in("fo")                                                       # a month on: signed in afresh
    response = fo.get(url)
    assert response.status_code == 200
    ended = page(response).text
    assert "Start the review" in ended
    assert "Why the review starts before the plan ends" not in ended and "What has happened" not in ended
    assert fo.submit(url, {"case_version": str(case.version)}).status_code == 302
