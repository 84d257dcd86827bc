"""Whole journeys through the real engine, on both databases."""
from casework.audit import verify_chains
from tests.factories import dispute_at, open_case, walk
from workflows.journeys import FUNDING_PERFORMANCE


def test_performance_route_reaches_notice_period(service, cast, clock, factory):
    case = walk(service, open_case(service, cast, clock), FUNDING_PERFORMANCE, cast, clock)
    assert case.status == "notice_period"
    with factory() as s:
        assert verify_chains(s) == []


def test_dispute_walks_to_closed_after_panel(service, cast, clock):
    case = dispute_at(service, cast, clock, "closed")
    assert case.status == "closed"
