"""A booked mediation session or hearing on the case page (issue #11, items 14 and 18):
"Book the mediation session" and "Book the hearing" are offered until the booked day (after
it the booking has taken place and the engine refuses to change it); the mediation outcome
is offered from the session's day, and until then the page says from when. The stage
sentence and the summary give the booked day, start time and place, an online link as a link.

The dispute is raised on Tuesday 1 December 2026 and each journey step moves the clock one
day: mediation starts on Thursday 10 December, the panel is referred on Sunday 13 December."""
import re
from datetime import date, datetime, timezone

from tests import factories
from tests.factories import dispute_at
from tests.web.helpers import page

LINK = "https://meet.bvsc.example/ds-0001"


def offered(client, case_id: int) -> set[str]:
    """The actions the case page offers this person, by trigger."""
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    listed = re.search(r'<ul class="govuk-list app-action-list">(.*?)</ul>', html, re.S)
    return set(re.findall(rf'href="/cases/{case_id}/actions/(\w+)"', listed.group(1))) if listed else set()


def on(clock, day: date, hour: int = 9) -> None:
    """Move the clock to this day (in winter London time is UTC)."""
    clock.current = datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.utc)


def book_session(service, cast, case, clock, **changes):
    data = {"session_on": date(2027, 1, 8), "starts_at": "14:30", "place": "Civic Offices, Bexleyheath", **changes}
    return service.fire(case.id, "record_session", cast["mediator"], data, clock.now())


def test_the_session_is_rebooked_only_until_its_day_and_its_outcome_recorded_only_from_it(
        service, cast, clock, signed_in):
    case = book_session(service, cast, dispute_at(service, cast, clock, "in_mediation"), clock)
    # Booked on Thursday 10 December 2026 for Friday 8 January 2027.
    before = signed_in("mediator")
    assert "record_session" in offered(before, case.id)
    assert not {"record_agreement", "record_no_agreement"} & offered(before, case.id)
    text = page(before.get(f"/cases/{case.id}")).text
    assert "You can record the outcome from 8 January 2027, the day of the session." in text
    assert text.count("You can record") == 1   # one sentence for both outcomes

    on(clock, date(2027, 1, 8))   # the day of the session: it can still be moved, and its outcome recorded
    on_the_day = signed_in("mediator")
    assert {"record_session", "record_agreement", "record_no_agreement"} <= offered(on_the_day, case.id)
    assert "You can record the outcome from" not in page(on_the_day.get(f"/cases/{case.id}")).text

    on(clock, date(2027, 1, 9))   # the day after: the session has taken place
    after = signed_in("mediator")
    assert "record_session" not in offered(after, case.id)
    assert {"record_agreement", "record_no_agreement"} <= offered(after, case.id)


def test_the_hearing_is_rebooked_only_until_its_day(service, cast, clock, signed_in):
    case = factories.panel_ready(service, cast, clock)
    case = service.fire(case.id, "schedule_hearing", cast["panel1"],
                        {"hearing_on": date(2027, 1, 6), "starts_at": "14:00", "place": "Civic Offices"}, clock.now())
    assert "schedule_hearing" in offered(signed_in("panel1"), case.id)
    on(clock, date(2027, 1, 6))
    assert {"schedule_hearing", "issue_findings"} <= offered(signed_in("panel1"), case.id)
    on(clock, date(2027, 1, 7))
    assert offered(signed_in("panel1"), case.id) & {"schedule_hearing", "issue_findings"} == {"issue_findings"}


def stage_html(client, case_id: int) -> str:
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    return re.search(r'<div class="govuk-inset-text">(.*?)</div>', html, re.S).group(1).strip()


def summary(client, case_id: int) -> dict[str, str]:
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    rows = re.findall(r'<dt class="govuk-summary-list__key">\s*(.*?)\s*</dt>\s*'
                      r'<dd class="govuk-summary-list__value">\s*(.*?)\s*</dd>', html, re.S)
    return dict(rows)


def test_the_stage_and_the_summary_give_the_hearing_day_time_and_place(service, cast, clock, signed_in):
    case = factories.panel_ready(service, cast, clock)
    case = service.fire(case.id, "schedule_hearing", cast["panel1"],
                        {"hearing_on": date(2027, 1, 14), "starts_at": "10:00", "place": "Civic Offices, Bexleyheath"},
                        clock.now())
    vl = signed_in("vl")
    # Findings 10 working days after Thursday 14 January 2027: 15 (1), 18-22 (6), 25, 26, 27 (9),
    # Thursday 28 January (10).
    assert stage_html(vl, case.id) == ("The hearing is on Thursday 14 January 2027 at 10:00 at Civic Offices, "
                                       "Bexleyheath. Its findings are due by 28 January 2027.")
    assert summary(vl, case.id)["Hearing"] == "Thursday 14 January 2027 at 10:00 at Civic Offices, Bexleyheath"


def test_an_online_session_is_a_link_on_the_case_page(service, cast, clock, signed_in):
    case = book_session(service, cast, dispute_at(service, cast, clock, "in_mediation"), clock, place=LINK)
    link = f'<a class="govuk-link" href="{LINK}" rel="noreferrer">{LINK}</a>'
    vl = signed_in("vl")
    assert stage_html(vl, case.id) == ("Ruth Nolan is mediating. The session is on Friday 8 January 2027 at 14:30, "
                                       f"online at {link}.")
    assert summary(vl, case.id)["Mediation session"] == f"Friday 8 January 2027 at 14:30, online at {link}"


def test_a_place_or_link_is_never_read_as_markup(service, cast, clock, signed_in):
    odd = 'https://meet.example.org/j?a=1&b="x"<b>'
    case = book_session(service, cast, dispute_at(service, cast, clock, "in_mediation"), clock, place=odd)
    escaped = "https://meet.example.org/j?a=1&amp;b=&#34;x&#34;&lt;b&gt;"
    sentence = stage_html(signed_in("vl"), case.id)
    assert f'href="{escaped}"' in sentence and f">{escaped}</a>" in sentence
    place = 'Room "B" <i>upstairs</i>'
    book_session(service, cast, case, clock, place=place)
    assert summary(signed_in("vl"), case.id)["Mediation session"] == (
        "Friday 8 January 2027 at 14:30 at Room &#34;B&#34; &lt;i&gt;upstairs&lt;/i&gt;")
