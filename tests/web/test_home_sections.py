"""The home page's sections for each kind of person: cases by stage for a contract manager,
decisions pending for a decision-maker, disputes waiting for mediation for a mediator, and
the service's counts (not cases) for an administrator."""
from casework.messages import MessageStatus, OutboxMessage
from casework.persistence import unit_of_work
from tests.factories import dispute_at, funding_case_at
from tests.web.helpers import page


def test_a_contract_manager_sees_their_cases_by_stage_linking_to_the_list(signed_in, service, cast, clock):
    funding_case_at(service, cast, clock, "concern_raised")
    funding_case_at(service, cast, clock, "concern_raised")
    html = signed_in("fo").get("/").get_data(as_text=True)
    assert "funding cases by stage" in html
    assert 'href="/cases?stage=funding_change:concern_raised">2 cases' in html


def test_a_decision_maker_sees_decisions_pending_and_findings_to_answer(signed_in, service, cast, clock):
    decision = funding_case_at(service, cast, clock, "decision_pending", route="resource")
    findings = dispute_at(service, cast, clock, "panel_findings_issued")
    text = page(signed_in("dm").get("/")).text
    assert "Decisions pending" in text and decision.ref in text and findings.ref in text
    assert "Decisions pending" not in page(signed_in("fo").get("/")).text


def test_a_mediator_sees_disputes_waiting_for_mediation(signed_in, service, cast, clock):
    waiting = dispute_at(service, cast, clock, "mediation_requested")
    text = page(signed_in("mediator").get("/")).text
    assert "Disputes waiting for mediation" in text and waiting.ref in text


def test_an_administrator_sees_the_service_counts_instead_of_cases(signed_in, cast, clock, factory):
    with unit_of_work(factory) as s:
        s.add(OutboxMessage(person_id=cast["vl"], to_address="vl@example.org", subject="Test", content={}, message_id="<t-1@example.org>",
                            status=MessageStatus.FAILED, created_at=clock.now(), next_attempt_at=clock.now(), dedupe_key="t-1"))
    html = signed_in("admin").get("/").get_data(as_text=True)
    assert "1 message could not be delivered." in html
    assert 'href="/admin/people"' in html and "Time limits" in html
    assert "Waiting on you" not in html and "do not see what is in cases" in html


def test_an_administrator_is_told_why_the_case_list_is_empty(signed_in, service, cast, clock):
    funding_case_at(service, cast, clock, "concern_raised")
    text = page(signed_in("admin").get("/cases")).text
    assert "As an administrator you see what is in a case only if you are also a party to it" in text


def test_each_decision_pending_shows_when_it_is_due(signed_in, service, cast, clock, factory):
    from sqlalchemy import select

    from casework.deadlines import Deadline
    from web.presenters.formatting import long_date
    decision = funding_case_at(service, cast, clock, "decision_pending", route="resource")
    with factory() as s:
        due = s.scalar(select(Deadline.due_on).where(Deadline.case_id == decision.id, Deadline.kind == "decision",
                                                     Deadline.status == "open"))
    rows = page(signed_in("dm").get("/")).rows("Decisions pending")
    assert any(decision.ref in row and long_date(due) in row for row in rows), rows


def test_a_stage_with_more_cases_than_are_counted_says_more_than(signed_in, service, cast, clock, monkeypatch):
    # Counting stops past STAGE_COUNT_LIMIT (100 in use; 2 here, so that 3 cases pass it).
    monkeypatch.setattr("web.views.home.STAGE_COUNT_LIMIT", 2)
    monkeypatch.setattr("web.views.home.Sections.count_limit", 2)
    for _ in range(3):
        funding_case_at(service, cast, clock, "concern_raised")
    funding_case_at(service, cast, clock, "consultation")
    html = signed_in("fo").get("/").get_data(as_text=True)
    assert 'href="/cases?stage=funding_change:concern_raised">More than 2 cases' in html
    assert 'href="/cases?stage=funding_change:consultation">1 case<' in html


def test_the_case_list_says_when_there_are_more_cases_than_it_counts(signed_in, service, cast, clock, monkeypatch):
    monkeypatch.setattr("casework.queries.COUNT_LIMIT", 2)
    for _ in range(3):
        funding_case_at(service, cast, clock, "concern_raised")
    html = signed_in("fo").get("/cases").get_data(as_text=True)
    assert "More than 2 cases. These are the 2 with the newest activity: use the filters to find others." in html
