"""The home page's tables of deadlines, the case list and a case's timeline (Jinja macros in
web/templates/_tables.html and _timeline.html), read as a person reads them: what a
programme's name or a note typed into the service says is shown as text, never run as
markup, in every table; the timeline tells what happened, newest first, who did it and when."""
import re

from tests.factories import funding_case_at_walk, open_case
from tests.web.helpers import Page, page
from workflows.journeys import CONCERN

#: A programme name someone might type, with everything HTML treats specially.
AWKWARD = 'Lunch <script>alert(1)</script> & "Tea" <b>club</b>'


def awkward_case(service, cast, clock, status="concern_raised"):
    return funding_case_at_walk(service, open_case(service, cast, clock, title=AWKWARD), cast, clock, status,
                                "performance")


def assert_shown_as_text(response, rows: list[str]) -> None:
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<b>club" not in html
    assert any(AWKWARD in row for row in rows), rows


def test_a_programme_name_is_shown_as_typed_in_the_waiting_on_you_table(service, cast, clock, signed_in):
    case = awkward_case(service, cast, clock)
    response = signed_in("vl").get("/")
    rows = page(response).rows("Waiting on you")
    assert_shown_as_text(response, rows)
    assert rows[0].startswith(f"{case.ref}: {AWKWARD} Concern raised Acknowledge the concern")


def test_a_programme_name_is_shown_as_typed_in_the_overdue_table_with_who_must_act(service, cast, clock, signed_in):
    case = awkward_case(service, cast, clock)
    # The concern was raised on Wednesday 2 December 2026 (a day after opening); the kitchen
    # acknowledges within 5 working days: Thu 3, Fri 4, Mon 7, Tue 8, Wed 9 December.
    clock.advance(days=14)
    response = signed_in("fo").get("/")
    rows = page(response).rows("Overdue")
    assert_shown_as_text(response, rows)
    assert rows == [f"{case.ref}: {AWKWARD} Concern raised Acknowledge the concern Crayford Community Kitchen "
                    f"Overdue: was due on 9 December 2026"]


def test_a_programme_name_is_shown_as_typed_in_the_case_list(service, cast, clock, signed_in):
    case = awkward_case(service, cast, clock)
    response = signed_in("fo").get("/cases")
    rows = page(response).rows("Cases, most recently changed first")
    assert_shown_as_text(response, rows)
    assert rows == [f"{case.ref} {AWKWARD} Crayford Community Kitchen Concern raised"]


def timeline(response) -> list[str]:
    """Each timeline entry's words, in the order on the page."""
    html = response.get_data(as_text=True)
    html = html[html.index('<div class="moj-timeline">'):html.index("</main>")]
    entries = html.split('<div class="moj-timeline__item">')[1:]
    return [Page(entry).text for entry in entries]


def test_the_timeline_shows_what_happened_newest_first_with_who_and_when(service, cast, clock, signed_in):
    case = open_case(service, cast, clock)          # Tuesday 1 December 2026, 10:00 (GMT = UTC)
    clock.advance(days=2, hours=3, minutes=5)       # Thursday 3 December 2026, 13:05
    typed = "Attendance fell <script>alert(1)</script>\nsecond line & more"
    service.fire(case.id, "raise_concern", cast["fo"], {**CONCERN, "issues": typed, "letter_date": clock.now().date()},
                 clock.now())
    response = signed_in("vl").get(f"/cases/{case.id}")
    entries = timeline(response)
    assert entries == [
        "Raise a concern — Now: Concern raised by Priya Shah 3 December 2026, 13:05 "
        "Issues found: Attendance fell <script>alert(1)</script> second line & more "
        f"Evidence: {CONCERN['evidence']} What good looks like: {CONCERN['what_good_looks_like']} "
        "Date of the concern letter: 3 December 2026",
        "Case opened — Now: Draft by Priya Shah 1 December 2026, 10:00 "
        "Programme or service: Lunch club for older residents Organisation: Crayford Community Kitchen "
        "Decision-maker: Helen Marsh"]
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    # the line break typed is kept: the description keeps line breaks (app-multiline)
    assert re.search(r'app-multiline">[^<]*Attendance fell &lt;script&gt;alert\(1\)&lt;/script&gt;\nsecond line &amp; more',
                     html)
