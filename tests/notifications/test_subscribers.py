"""Domain events become outbox emails and in-app notifications in the same transaction: the
right people, the subject lines of content.md, what to do by when, a link, nothing twice."""
from datetime import date

import pytest
from sqlalchemy import func, select

from casework.messages import MessageStatus, Notification, OutboxMessage
from casework.persistence import unit_of_work
from notifications import inapp
from notifications.case_letters import render_case_letter
from notifications.emails import render_bodies
from notifications.subscribers import make_subscriber
from tests.factories import dispute_at, funding_case_at, open_case, walk
from workflows.context import Hooks
from workflows.journeys import FUNDING_RESOURCE
from workflows.service import CaseService

BASE_URL, SENDER = "https://casework.test", "casework@bexley.example"
PROGRAMME = "Lunch club for older residents"


class Recording:
    """The real subscriber, remembering the events it was given."""

    def __init__(self, calendar):
        self.events, self.subscriber = [], make_subscriber(BASE_URL, SENDER, calendar)

    def __call__(self, connection, events, cases=None):
        self.events.append(list(events))
        self.subscriber(connection, events, cases)


@pytest.fixture
def recording(calendar):
    return Recording(calendar)


@pytest.fixture
def service(factory, calendar, recording):
    return CaseService(factory, calendar=calendar, hooks=Hooks(on_events=recording))


def outbox(factory, **where) -> list[OutboxMessage]:
    with factory() as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(s.scalars(query))


def addresses(rows) -> list[str]:
    return sorted(r.to_address for r in rows)


def test_concern_email_tells_the_organisation_what_to_do_by_when_with_the_letter(factory, calendar, cast, clock):
    hooks = Hooks(render_letter=render_case_letter, on_events=make_subscriber(BASE_URL, SENDER, calendar))
    case = funding_case_at(CaseService(factory, calendar=calendar, hooks=hooks), cast, clock, "concern_raised")
    [email] = outbox(factory)
    assert email.subject == (f"London Borough of Bexley has raised a concern about {PROGRAMME} "
                             "— action needed by 9 December 2026")
    assert (email.to_address, email.status, email.attempts) == ("vl@example.org", MessageStatus.PENDING, 0)
    assert email.letter_id is not None
    for body in render_bodies(email.content, "concern-FC-0001.pdf"):
        assert "Acknowledge the concern by 9 December 2026" in body
        assert f"{BASE_URL}/cases/{case.id}" in body
        assert "raised a concern" in body


def test_consultation_email_names_the_response_date(service, cast, clock, factory):
    walk(service, open_case(service, cast, clock), FUNDING_RESOURCE, cast, clock)
    # The organisation was told first that an impact assessment had begun (issue #11 item 19).
    [email] = [r for r in outbox(factory) if not r.subject.startswith("An impact assessment")]
    assert email.subject.startswith(f"Consultation on {PROGRAMME}: respond by ")
    assert email.to_address == "vl@example.org"


def test_decision_and_written_notice_go_to_the_organisation_and_the_funder(service, cast, clock, factory):
    funding_case_at(service, cast, clock, "notice_period")
    decision = [r for r in outbox(factory) if r.subject == f"Decision on {PROGRAMME}"]
    notice = [r for r in outbox(factory) if r.subject.startswith("Written notice")]
    assert addresses(decision) == ["fo@example.org", "vl@example.org"]
    assert addresses(notice) == ["dm@example.org", "vl@example.org"]
    assert notice[0].subject.startswith(f"Written notice: funding for {PROGRAMME} will reduce on ")
    assert notice[0].subject.endswith(" (letter attached)")


def test_dispute_emails_name_the_stage_and_who_acts_by_when(service, cast, clock, factory):
    case = dispute_at(service, cast, clock, "informal_resolution")
    subjects = {r.subject for r in outbox(factory) if r.to_address == "vl@example.org"}
    assert f"Dispute {case.ref}: Informal resolution — Mark Bell to act by 16 December 2026" in subjects


def test_nobody_is_told_about_a_draft(service, cast, clock, factory):
    open_case(service, cast, clock)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 0
    assert outbox(factory) == []


def test_people_outside_the_case_and_administrators_are_not_told(service, cast, clock, factory):
    funding_case_at(service, cast, clock, "notice_period")
    with factory() as s:
        told = set(s.scalars(select(Notification.person_id)))
    assert told == {cast["fo"], cast["dm"], cast["vl"]}
    assert not {"other_vl@example.org", "admin@example.org", "nhs_fo@example.org"} & {r.to_address for r in outbox(factory)}


def test_the_person_who_acted_is_not_told_about_it(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    with factory() as s:
        told = set(s.scalars(select(Notification.person_id).where(Notification.case_id == case.id)))
    assert cast["fo"] not in told and cast["vl"] in told


def test_the_same_events_handled_again_write_nothing_new(service, cast, clock, factory, recording):
    funding_case_at(service, cast, clock, "improvement_planning")
    before = (len(outbox(factory)), inapp_total(factory))
    with unit_of_work(factory) as s:
        for events in recording.events:
            recording.subscriber(s.connection(), events)
    assert (len(outbox(factory)), inapp_total(factory)) == before


def inapp_total(factory) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(Notification))


def test_each_email_has_its_own_message_id_fixed_when_written(service, cast, clock, factory):
    dispute_at(service, cast, clock, "senior_review")
    ids = [r.message_id for r in outbox(factory)]
    assert len(ids) == len(set(ids)) > 3
    assert all(i.startswith("<") and i.endswith("@bexley.example>") for i in ids)


def test_typed_text_is_escaped_in_html_email(service, cast, clock, factory):
    case = open_case(service, cast, clock, title="<b>Lunch</b> & chat")
    service.fire(case.id, "raise_concern", cast["fo"], {"issues": "x", "evidence": "y", "what_good_looks_like": "z",
                                                         "letter_date": date(2026, 12, 1)}, clock.now())
    [email] = outbox(factory)
    _, html = render_bodies(email.content)
    assert "&lt;b&gt;Lunch&lt;/b&gt; &amp; chat" in html and "<b>Lunch</b>" not in html


def test_a_moved_deadline_tells_who_acts_in_app(service, cast, clock, factory):
    case = funding_case_at(service, cast, clock, "concern_raised")
    service.add_holiday(None, date(2026, 12, 4), "Royal wedding", clock.now())
    with factory() as s:
        texts = s.scalars(select(Notification.text).where(Notification.person_id == cast["vl"])).all()
    assert any("moved from 9 December 2026 to 10 December 2026" in t for t in texts)


def test_unread_count_list_and_marking_read_are_per_person(service, cast, clock, factory):
    funding_case_at(service, cast, clock, "improvement_planning")
    with unit_of_work(factory) as s:
        vl, fo = cast["vl"], cast["fo"]
        unread = inapp.unread_count(s, vl)
        newest = inapp.notifications_for(s, vl, limit=1)
        assert unread > 0 and len(newest) == 1
        assert inapp.mark_read(s, fo, [newest[0].id], clock.now()) == 0  # not fo's to mark
        assert inapp.mark_read(s, vl, [newest[0].id], clock.now()) == 1
        assert inapp.unread_count(s, vl) == unread - 1
        assert inapp.mark_all_read(s, vl, clock.now()) == unread - 1
        assert inapp.notifications_for(s, vl, unread_only=True) == []


def test_a_date_the_case_waits_for_is_not_told_as_something_to_do(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_in_progress")
    service.fire(case.id, "complete_action", cast["vl"], {"action": 1, "evidence": "Two drivers started."},
                 clock.now())
    with factory() as s:
        told = s.scalars(select(Notification.text).where(Notification.person_id == cast["fo"])
                         .order_by(Notification.id.desc())).first()
    assert "improvement plan ends" not in told.lower() and "You need to" not in told
