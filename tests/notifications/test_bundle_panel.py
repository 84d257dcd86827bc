"""The panel's papers: each member is emailed a link to the dispute's bundle on the day 5
working days before the hearing (processes.md, D4: "papers shared 5 WD before the hearing"),
once, as a link and never an attachment. Dates are worked out by hand below."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from casework.bundles import Bundle, documents_from
from casework.document_store import DocumentStore
from casework.messages import OutboxMessage
from notifications.bundles.jobs import BundleWork
from notifications.bundles.panel import send_panel_papers
from notifications.emails import build_email
from tests.factories import panel_ready
from web.presenters.bundles import describer

BASE = "http://casework.test"
SENDER = "casework@bexley.example"


@pytest.fixture
def work(factory, tmp_path):
    return BundleWork(factory, tmp_path / "bundles", describer("London Borough of Bexley"),
                      documents_from(DocumentStore(tmp_path / "documents")))


def hearing_on(service, cast, clock, day: date):
    case = panel_ready(service, cast, clock)   # referred Sunday 13 December 2026
    return service.fire(case.id, "schedule_hearing", cast["panel1"], {"hearing_on": day, "starts_at": "10:00", "place": "Civic Offices, Bexleyheath"}, clock.now())


def at(year, month, day, hour=0, minute=0) -> datetime:
    """A London time in winter (GMT, so the same in UTC)."""
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def send(work, calendar, now) -> int:
    return send_panel_papers(work, now, calendar, 5, BASE, SENDER)


def emails(factory) -> list[OutboxMessage]:
    with factory() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_panel_is_sent_the_bundle_five_working_days_before_the_hearing(service, cast, clock, calendar, work,
                                                                           factory):
    # Hearing Friday 15 January 2027. Counting back five working days: Thu 14 (1), Wed 13 (2),
    # Tue 12 (3), Mon 11 (4), then over the weekend to Fri 8 January (5).
    case = hearing_on(service, cast, clock, date(2027, 1, 15))
    assert send(work, calendar, at(2027, 1, 7, 23, 59)) == 0
    assert send(work, calendar, at(2027, 1, 8, 0, 1)) == 3
    sent = emails(factory)
    assert sorted(m.to_address for m in sent) == ["panel1@example.org", "panel2@example.org", "panel3@example.org"]
    assert {m.subject for m in sent} == {f"Case bundle for the Compact panel hearing on 15 January 2027: {case.ref}"}


def test_bank_holidays_are_not_counted(service, cast, clock, calendar, work, factory):
    # Hearing Monday 4 January 2027. Back from it: Thu 31 Dec (1), Wed 30 (2), Tue 29 (3);
    # Mon 28 Dec (Boxing Day's substitute) and Fri 25 Dec (Christmas) are bank holidays, and
    # 26-27 are the weekend; Thu 24 Dec (4), Wed 23 December 2026 (5).
    hearing_on(service, cast, clock, date(2027, 1, 4))
    assert send(work, calendar, at(2026, 12, 22, 23, 59)) == 0
    assert send(work, calendar, at(2026, 12, 23, 9, 0)) == 3


def test_each_member_is_sent_it_once(service, cast, clock, calendar, work, factory):
    hearing_on(service, cast, clock, date(2027, 1, 15))
    send(work, calendar, at(2027, 1, 8, 9, 0))
    assert send(work, calendar, at(2027, 1, 8, 9, 1)) == 0
    assert send(work, calendar, at(2027, 1, 11, 9, 0)) == 0
    assert len(emails(factory)) == 3


def test_a_scheduler_that_was_down_on_the_day_sends_it_late_but_not_after_the_hearing(service, cast, clock, calendar,
                                                                                       work, factory):
    hearing_on(service, cast, clock, date(2027, 1, 15))
    assert send(work, calendar, at(2027, 1, 16, 9, 0)) == 0   # the day after the hearing: too late to matter
    assert send(work, calendar, at(2027, 1, 12, 9, 0)) == 3   # down from the 8th to the 12th: sent on coming back


def test_the_email_links_to_the_bundle_and_attaches_nothing(service, cast, clock, calendar, work, factory):
    case = hearing_on(service, cast, clock, date(2027, 1, 15))
    send(work, calendar, at(2027, 1, 8, 9, 0))
    message = build_email(emails(factory)[0], SENDER)
    assert list(message.iter_attachments()) == []
    body = message.get_body(("plain",)).get_content()
    assert f"{BASE}/cases/{case.id}/bundle" in body and "Download the case bundle" in body


def test_the_bundle_is_asked_for_when_the_papers_go(service, cast, clock, calendar, work, factory):
    case = hearing_on(service, cast, clock, date(2027, 1, 15))
    send(work, calendar, at(2027, 1, 8, 9, 0))
    with factory() as s:
        assert [(b.case_id, b.status) for b in s.scalars(select(Bundle))] == [(case.id, "queued")]
