"""The case page's "What happens next" sentence in every stage of both processes: names and
dates filled in, never a placeholder or "the person assigned", and starting with a capital."""
import re

import pytest

from tests.factories import dispute_at, funding_case_at
from tests.web.helpers import page
from workflows.registry import WORKFLOWS


def stage_sentence(client, case_id: int) -> str:
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    inset = re.search(r'<div class="govuk-inset-text">(.*?)</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", inset.group(1)).split())


def assert_filled(sentence: str) -> None:
    assert sentence and sentence[0].isupper(), sentence
    assert "{" not in sentence and "the person assigned" not in sentence, sentence
    assert not re.search(r"\b(by|on|until|from|after)\s*[.,:]", sentence), sentence


FUNDING = [s.value for s in WORKFLOWS["funding_change"].states]
DISPUTE = [s.value for s in WORKFLOWS["dispute"].states if s.value not in ("panel_hearing",)]


@pytest.mark.parametrize("status", FUNDING)
def test_a_funding_case_says_what_happens_next_with_names_and_dates(status, service, cast, clock, signed_in):
    try:
        case = funding_case_at(service, cast, clock, status)
    except AssertionError:
        case = funding_case_at(service, cast, clock, status, route="resource")
    for who in ("fo", "vl"):
        if who == "vl" and status == "draft":
            continue
        assert_filled(stage_sentence(signed_in(who), case.id))


@pytest.mark.parametrize("status", DISPUTE)
def test_a_dispute_says_what_happens_next_with_names_and_dates(status, service, cast, clock, signed_in):
    case = dispute_at(service, cast, clock, status)
    assert_filled(stage_sentence(signed_in("vl"), case.id))


def test_a_dispute_waiting_for_a_senior_reviewer_says_who_must_assign_one(service, cast, clock, signed_in):
    case = dispute_at(service, cast, clock, "senior_review")
    sentence = stage_sentence(signed_in("vl"), case.id)
    if case.assignee("senior_reviewer") is None:
        assert "must assign a senior reviewer" in sentence


def test_preparing_notice_gives_the_earliest_effective_date(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_pending")
    sentence = stage_sentence(signed_in("fo"), case.id)
    assert "the day after the minimum notice period of 3 months ends" in sentence
    assert re.search(r"\d{1,2} \w+ \d{4}\)\.$", sentence), sentence


def test_a_sent_notice_says_when_it_counts_as_given(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_period")
    assert "counts as given on" in stage_sentence(signed_in("fo"), case.id)


def test_the_organisation_is_told_what_was_decided_in_a_sentence_that_reads(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_pending")      # the decision: reduce
    assert stage_sentence(signed_in("vl"), case.id).startswith(
        "London Borough of Bexley has decided to reduce your funding. You will receive written notice.")


def test_once_the_mediation_session_is_held_the_dispute_says_when_the_outcome_is_due(service, cast, clock, signed_in):
    case = dispute_at(service, cast, clock, "in_mediation")
    assert re.search(r" is mediating\. Session by \d{1,2} \w+ \d{4}\.$", stage_sentence(signed_in("vl"), case.id))
    service.fire(case.id, "record_session", cast["mediator"], {"session_on": clock.now().date(), "starts_at": "10:00", "place": "Civic Offices"}, clock.now())
    sentence = stage_sentence(signed_in("vl"), case.id)
    assert re.search(r" held the mediation session on \d{1,2} \w+ \d{4}\. "
                     r"The written outcome is due by \d{1,2} \w+ \d{4}\.$", sentence), sentence


def test_a_scheduled_hearing_is_named_with_its_date_and_the_findings_deadline(service, cast, clock, signed_in):
    case = dispute_at(service, cast, clock, "panel_hearing")      # the hearing is still ahead
    sentence = stage_sentence(signed_in("vl"), case.id)
    # With its start time and place (here an online link: tests/web/test_booked_days.py).
    assert re.match(r"The hearing is on \w+day \d{1,2} \w+ \d{4} at \d\d:\d\d, online at https://\S+\. "
                    r"Its findings are due by \d{1,2} \w+ \d{4}\.$", sentence), sentence


def test_the_organisation_reads_the_proposal_in_one_sentence(service, cast, clock, signed_in):
    # Typed as "Reduce the grant for the lunch club by 40% from April." (workflows/journeys.py):
    # no capital in the middle of the sentence and no double full stop.
    case = funding_case_at(service, cast, clock, "consultation")
    assert stage_sentence(signed_in("vl"), case.id).startswith(
        "London Borough of Bexley proposes to reduce the grant for the lunch club by 40% from April. Tell them")


def test_the_organisation_is_asked_only_for_what_it_has_not_done_about_the_notice(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_period")
    vl = signed_in("vl")
    assert "Acknowledge it and send your plan for the end of funding." in stage_sentence(vl, case.id)
    service.fire(case.id, "acknowledge_notice", cast["vl"], {}, clock.now())
    sentence = stage_sentence(vl, case.id)
    assert "Acknowledge" not in sentence and "Send your plan for the end of funding." in sentence
    service.fire(case.id, "submit_exit_plan", cast["vl"], {"support_plan": "Diners move to the Erith club.",
                                                           "people_told_on": "2027-03-01",
                                                           "service_changes_on": "2027-03-31"}, clock.now())
    sentence = stage_sentence(vl, case.id)
    assert "Acknowledge" not in sentence and "plan for the end of funding" not in sentence
    assert sentence.endswith("You can raise a dispute.")
