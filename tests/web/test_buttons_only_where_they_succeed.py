"""Buttons only where they can succeed, and no stale ones (issue #11, item 14), checked again
after the bookings, "who is told" and `possible_from` were merged: in each situation the list
walks to, the case page does not offer the action to the person named, and where the action
becomes possible later it says what is still missing or from when. A person who can still
take the action is offered it, so the page is not simply empty.

The dispute is raised on Tuesday 1 December 2026 and each journey step moves the clock one
day: mediation starts on Thursday 10 December, the panel is referred on Sunday 13 December."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

import pytest

from tests import factories
from tests.factories import dispute_at, funding_case_at, walk
from tests.web.helpers import page
from workflows.journeys import FUNDING_PERFORMANCE


@dataclass
class Situation:
    case_id: int
    who: str                       # the person not offered the action
    trigger: str
    #: Words the page shows this person instead (a checklist, a date), and words it must not.
    shown: tuple[str, ...] = ()
    not_shown: tuple[str, ...] = ()
    #: Someone who is still offered the action here, when anyone is.
    still_offered_to: str | None = None
    moves: list = field(default_factory=list)


def steps(*triggers: str):
    """The funding journey's steps with these triggers, in order (the second "agree_plan" is the
    organisation's)."""
    found, taken = [], set()
    for wanted in triggers:
        index = next(i for i, s in enumerate(FUNDING_PERFORMANCE) if s.trigger == wanted and i not in taken)
        taken.add(index)
        found.append(FUNDING_PERFORMANCE[index])
    return tuple(found)


def plan_agreed_by_the_funder(service, cast, clock) -> Situation:
    case = funding_case_at(service, cast, clock, "improvement_planning")
    case = walk(service, case, steps("propose_plan", "agree_plan"), cast, clock)   # the funder officer agrees
    assert case.status == "improvement_planning"
    return Situation(case.id, "fo", "agree_plan", still_offered_to="vl")


def mediation_agreed_by_the_organisation(service, cast, clock) -> Situation:
    case = dispute_at(service, cast, clock, "mediation_requested")
    case = service.fire(case.id, "agree_to_mediate", cast["vl"], {"confirm": "yes"}, clock.now())
    assert case.status == "mediation_requested"
    return Situation(case.id, "vl", "agree_to_mediate", still_offered_to="fo")


def notice_acknowledged_and_plan_sent(service, cast, clock) -> Situation:
    case = funding_case_at(service, cast, clock, "notice_period")
    case = walk(service, case, steps("acknowledge_notice", "submit_exit_plan"), cast, clock)
    return Situation(case.id, "vl", "acknowledge_notice",
                     not_shown=("Acknowledge it and send your plan", "Acknowledge the notice.",
                                "Send your plan for the end of funding."))


def a_draft(service, cast, clock) -> Situation:
    case = funding_case_at(service, cast, clock, "draft")
    return Situation(case.id, "fo", "pause")


def before_the_hearing(service, cast, clock) -> Situation:
    case = dispute_at(service, cast, clock, "panel_hearing")
    # Scheduled on Tuesday 15 December 2026 for 6 working days on: Wednesday 23 December.
    return Situation(case.id, "panel1", "issue_findings",
                     shown=("You can issue findings from 23 December 2026, the day of the hearing.",))


def assessment_incomplete(service, cast, clock) -> Situation:
    case = funding_case_at(service, cast, clock, "impact_assessment")
    service.fire(case.id, "save_assessment", cast["fo"], {"beneficiaries": "About 40 older residents a week."},
                 clock.now())
    return Situation(case.id, "fo", "open_consultation",
                     shown=("Before you can start consultation", "Impact assessment: service users affected",
                            "Impact assessment: volunteers affected", "Impact assessment: equality impact"),
                     not_shown=("Impact assessment: beneficiaries affected",))


def booked_session(service, cast, clock):
    case = dispute_at(service, cast, clock, "in_mediation")
    return service.fire(case.id, "record_session", cast["mediator"],
                        {"session_on": date(2027, 1, 8), "starts_at": "14:30", "place": "Civic Offices"}, clock.now())


def before_the_session(service, cast, clock) -> Situation:
    case = booked_session(service, cast, clock)
    return Situation(case.id, "mediator", "record_agreement",
                     shown=("You can record the outcome from 8 January 2027, the day of the session.",))


def after_the_session(service, cast, clock) -> Situation:
    case = booked_session(service, cast, clock)
    clock.current = datetime(2027, 1, 9, 9, 0, tzinfo=timezone.utc)
    return Situation(case.id, "mediator", "record_session")


def after_the_hearing(service, cast, clock) -> Situation:
    case = factories.panel_ready(service, cast, clock)
    case = service.fire(case.id, "schedule_hearing", cast["panel1"],
                        {"hearing_on": date(2027, 1, 6), "starts_at": "14:00", "place": "Civic Offices"}, clock.now())
    clock.current = datetime(2027, 1, 7, 9, 0, tzinfo=timezone.utc)
    return Situation(case.id, "panel1", "schedule_hearing")


SITUATIONS = {
    "Agree this plan, after agreeing": plan_agreed_by_the_funder,
    "Agree to mediation, after agreeing": mediation_agreed_by_the_organisation,
    "Acknowledge it and send your plan, after both were done": notice_acknowledged_and_plan_sent,
    "Pause deadlines, on a draft": a_draft,
    "Issue findings, before the hearing": before_the_hearing,
    "Start consultation, with the assessment incomplete": assessment_incomplete,
    "Record the mediation outcome, before the session": before_the_session,
    "Book the mediation session, after its day": after_the_session,
    "Book the hearing, after its day": after_the_hearing,
}


def offered(client, case_id: int) -> set[str]:
    """The actions the case page offers this person, by trigger."""
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    listed = re.search(r'<ul class="govuk-list app-action-list">(.*?)</ul>', html, re.S)
    return set(re.findall(rf'href="/cases/{case_id}/actions/(\w+)"', listed.group(1))) if listed else set()


@pytest.mark.parametrize("situation", SITUATIONS)
def test_no_button_that_can_only_be_refused(situation, service, cast, clock, signed_in):
    found = SITUATIONS[situation](service, cast, clock)
    person = signed_in(found.who)
    assert found.trigger not in offered(person, found.case_id)
    text = page(person.get(f"/cases/{found.case_id}")).text
    for words in found.shown:
        assert words in text
    for words in found.not_shown:
        assert words not in text
    if found.still_offered_to:
        assert found.trigger in offered(signed_in(found.still_offered_to), found.case_id)
