"""What people receive is word for word what they received when each email's bodies were
rendered as it was composed (commit 6f15aeb): the outbox now keeps what an email says and
renders the bodies when it is sent, and recipients are read for a whole batch at once.
`sent_words.json` holds every email (its text body as rendered then, and the SHA-256 of its
HTML body) and every in-app line of four journeys, recorded with that code."""
import hashlib
import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from casework.deadlines import Deadline
from casework.letters import Letter
from casework.messages import Notification, OutboxMessage
from notifications.case_letters import render_case_letter
from notifications.emails import build_email, render_bodies, text_body
from notifications.subscribers import make_subscriber
from tests.factories import dispute_at, funding_case_at, raise_dispute, walk
from workflows.context import Hooks
from workflows.journeys import DISPUTE_TO_PANEL
from workflows.service import CaseService
from workflows.sweep import sweep_due

BASE_URL, SENDER = "https://casework.test", "casework@bexley.example"
RECORDED = Path(__file__).with_name("sent_words.json")


@pytest.fixture
def service(factory, calendar):
    hooks = Hooks(render_letter=render_case_letter, on_events=make_subscriber(BASE_URL, SENDER, calendar))
    return CaseService(factory, calendar=calendar, hooks=hooks)


def sweep(service, clock) -> None:
    sweep_due(service.factory, clock.now(), "sweeper", service.calendar, service.limits, service.hooks)


def concern_with_its_letter(service, cast, clock) -> None:
    funding_case_at(service, cast, clock, "concern_raised")


def linked_dispute_to_the_panel(service, cast, clock) -> None:
    funding = funding_case_at(service, cast, clock, "notice_period")
    # Another council officer acts for the council: the case's own funder officer may not.
    roles = {"complainant": cast["vl"], "respondent": cast["fo2"], "respondent_dm": cast["dm"]}
    walk(service, raise_dispute(service, cast, clock, funding), DISPUTE_TO_PANEL, cast, clock, roles=roles)


def reminder_then_overdue(service, cast, clock) -> None:
    case = funding_case_at(service, cast, clock, "concern_raised")
    with service.factory() as s:
        row = s.scalars(select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == "concern_ack")).one()
    clock.current = row.remind_at + timedelta(hours=9)
    sweep(service, clock)
    clock.current = row.fires_at + timedelta(hours=1)
    sweep(service, clock)


def dispute_resolved_when_nobody_escalates(service, cast, clock) -> None:
    dispute_at(service, cast, clock, "informal_response_given")
    clock.advance(days=45)
    sweep(service, clock)


JOURNEYS = [concern_with_its_letter, linked_dispute_to_the_panel, reminder_then_overdue,
            dispute_resolved_when_nobody_escalates]


def received(factory) -> dict:
    """Every email as sent (bodies rendered from its outbox row) and every in-app line."""
    with factory() as s:
        emails = []
        for row in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
            letter = s.get(Letter, row.letter_id) if row.letter_id else None
            text, html = render_bodies(row.content, letter.filename if letter else None)
            assert build_email(row, SENDER, letter).get_body(("plain",)).get_content() == text
            assert text_body(s, row) == text  # as the emails page shows it
            emails.append({"to": row.to_address, "subject": row.subject, "text": text,
                           "letter": letter.filename if letter else None,
                           "html_sha256": hashlib.sha256(html.encode()).hexdigest()})
        lines = [[n.person_id, n.case_id, n.text] for n in s.scalars(select(Notification).order_by(Notification.id))]
    return {"emails": emails, "in_app": lines}


@pytest.mark.parametrize("journey", JOURNEYS, ids=lambda j: j.__name__)
def test_people_receive_the_same_words_as_before(journey, service, cast, clock, factory):
    journey(service, cast, clock)
    if os.environ.get("CASEWORK_RECORD_SENT_WORDS") == "1":   # after an intended change of words only
        recorded = json.loads(RECORDED.read_text())
        recorded[journey.__name__] = received(factory)
        RECORDED.write_text(_as_recorded(recorded))
        pytest.skip("recorded")
    assert received(factory) == json.loads(RECORDED.read_text())[journey.__name__]


def _as_recorded(recorded: dict) -> str:
    """The file's layout: a journey's emails and in-app lines one to a line, so a change of
    words shows in a diff as the lines it changed."""
    def items(rows):
        return ",\n".join("   " + json.dumps(row, ensure_ascii=False) for row in rows)
    journeys = [f' {json.dumps(name)}: {{\n  "emails": [\n{items(got["emails"])}\n  ],\n'
                f'  "in_app": [\n{items(got["in_app"])}\n  ]\n }}' for name, got in recorded.items()]
    return "{\n" + ",\n".join(journeys) + "\n}\n"
