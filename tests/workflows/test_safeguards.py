"""Safeguards a person could walk around (processes.md, "Revisions (2026-12-07)"): the
improvement period is honoured, a "no change" decision records the options weighed, and
duties in a dispute are kept apart.
Dates follow the journeys in workflows/journeys.py from Tuesday 1 December 2026, one day a
step: the concern is raised on 2 December, acknowledged on the 3rd, the plan proposed on the
4th (its end date 32 days later: 5 January 2027) and agreed by both sides by the 6th."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from casework.audit import AuditEntry
from casework.cases import CaseRole
from casework.errors import GateRefused, InvalidInput, NotFound, NotPermitted
from casework.messages import OutboxMessage
from casework.organisations import Person
from notifications.emails import text_body
from notifications.subscribers import make_subscriber
from tests.factories import counts, dispute_at, funding_case_at
from workflows.context import Hooks
from workflows.journeys import _plan
from workflows.service import CaseService

EARLY = {"early_reason": "safeguarding", "early_explanation": "A volunteer was barred by the DBS last week."}


def refusal(service, factory, case, trigger: str, actor_id, data: dict, now) -> GateRefused:
    """Fire and expect a gate to refuse with nothing written; returns the refusal."""
    before = counts(factory, case.id)
    with pytest.raises(GateRefused) as refused:
        service.fire(case.id, trigger, actor_id, data, now)
    assert counts(factory, case.id) == before
    return refused.value


# --- 8. the improvement period -------------------------------------------------------------

def test_the_plan_proposal_asks_for_its_end_date(service, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_planning")
    plan = {k: v for k, v in _plan(clock.now(), {}).items() if k != "plan_end"}
    with pytest.raises(InvalidInput) as invalid:
        service.fire(case.id, "propose_plan", cast["fo"], plan, clock.now())
    assert invalid.value.problems == {"plan_end": "Enter end date of the plan"}


def test_every_action_of_a_plan_is_due_on_or_before_its_end(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_planning")     # 3 December 2026
    plan = {**_plan(clock.now(), {}), "plan_end": date(2027, 1, 2)}           # actions due 2 and 3 January
    refused = refusal(service, factory, case, "propose_plan", cast["fo"], plan, clock.now())
    assert refused.message == "Action 2 must be due on or before the end date of the plan, 2 January 2027."
    assert refused.field == "action_2_by"


def test_the_agreed_plan_runs_until_the_end_date_both_sides_agreed(service, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_in_progress")
    assert case.data["plan_end"] == "2027-01-05"       # proposed on 4 December, ending 32 days later


def test_the_review_cannot_start_before_the_plan_ends_without_a_reason(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_in_progress")     # 6 December; plan ends 5 January
    refused = refusal(service, factory, case, "start_review", cast["fo"], {}, clock.now())
    assert refused.message == "The plan runs until 5 January 2027. To start the review before then, select why."
    assert refused.field == "early_reason"
    refused = refusal(service, factory, case, "start_review", cast["fo"], {"early_reason": "safeguarding"}, clock.now())
    assert refused.field == "early_explanation"
    # And so no change to funding can be assessed in the same minute the plan was agreed.
    with pytest.raises(Exception, match="cannot 'Assess a change to funding'"):
        service.fire(case.id, "begin_impact_assessment", cast["fo"], {"reasons": "Still poor."}, clock.now())


def test_an_early_review_is_recorded_with_its_reason_and_told_to_the_organisation(factory, calendar, cast, clock):
    service = CaseService(factory, calendar=calendar,
                          hooks=Hooks(on_events=make_subscriber("https://casework.test", "casework@bexley.example", calendar)))
    case = funding_case_at(service, cast, clock, "improvement_in_progress")
    case = service.fire(case.id, "start_review", cast["fo"], EARLY, clock.now())
    assert case.status == "performance_review"
    with factory() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id)
                          .order_by(AuditEntry.seq.desc())).first()
        mail = s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id,
                                                     OutboxMessage.person_id == cast["vl"],
                                                     OutboxMessage.subject.is_not(None))
                         .order_by(OutboxMessage.id.desc())).first()
        body = text_body(s, mail)
    assert (entry.trigger, entry.data["early_reason"], entry.data["started_early"]) == (
        "start_review", "safeguarding", "Before the plan's end date, 5 January 2027")
    assert entry.data["early_explanation"] == EARLY["early_explanation"]
    assert mail.subject == ("The review of Lunch club for older residents has started before the plan's end date, "
                            "5 January 2027")
    assert ("The improvement plan was due to end on 5 January 2027. The review has started early because: "
            "a new safeguarding concern. A volunteer was barred by the DBS last week.") in body


def test_the_review_starts_without_a_reason_once_the_plan_has_ended(service, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_in_progress")
    clock.current = datetime(2027, 1, 5, 9, 0, tzinfo=timezone.utc)     # the plan's end date
    case = service.fire(case.id, "start_review", cast["fo"], {}, clock.now())
    assert case.status == "performance_review" and case.data["early_review"] is None


# --- 11. a "no change" decision ------------------------------------------------------------

def test_a_no_change_decision_records_the_options_weighed(service, cast, clock):
    case = funding_case_at(service, cast, clock, "decision_pending")
    decision = {"consideration": "The minibus plan is credible.", "rationale": "Attendance is recovering."}
    with pytest.raises(InvalidInput) as invalid:
        service.fire(case.id, "decide_no_change", cast["dm"], decision, clock.now())
    assert invalid.value.problems == {"options_weighed": "Enter options weighed"}
    case = service.fire(case.id, "decide_no_change", cast["dm"],
                        {**decision, "options_weighed": "No change; reduce by 40%."}, clock.now())
    assert case.data["decision"]["options_weighed"] == "No change; reduce by 40%."


# --- 10. separation of duties in disputes ----------------------------------------------------

def linked_dispute(service, cast, clock, status: str, **roles):
    """A dispute about a funding case in its notice period (run by Priya Shah, decided by Helen
    Marsh), walked to `status` with Tom Okafor acting for the council."""
    funding = funding_case_at(service, cast, clock, "notice_period")
    return dispute_at(service, cast, clock, status, linked=funding, roles={k: cast[v] for k, v in roles.items()})


@pytest.mark.parametrize("who", ["fo", "dm", "reviewer"])
def test_only_those_who_may_act_for_the_council_acknowledge_a_dispute_about_its_case(service, factory, cast, clock,
                                                                                      who):
    case = linked_dispute(service, cast, clock, "raised")
    before = counts(factory, case.id)
    with pytest.raises(NotPermitted, match="You cannot act for London Borough of Bexley on this dispute"):
        service.fire(case.id, "acknowledge_dispute", cast[who], {"officer": cast["officer"]}, clock.now())
    assert counts(factory, case.id) == before
    case = service.fire(case.id, "acknowledge_dispute", cast["fo2"], {"officer": cast["officer"]}, clock.now())
    assert case.status == "informal_resolution"


def test_the_funder_officer_whose_handling_is_disputed_cannot_answer_it(service, factory, cast, clock):
    case = linked_dispute(service, cast, clock, "raised")
    refused = refusal(service, factory, case, "acknowledge_dispute", cast["fo2"], {"officer": cast["fo"]}, clock.now())
    assert refused.message == ("The officer who answers the dispute cannot be the funder officer or decision-maker of "
                               "the funding case it is about. Choose someone else.")
    assert refused.field == "officer"


def test_the_informal_stage_officer_cannot_choose_the_senior_reviewer(service, factory, cast, clock):
    case = linked_dispute(service, cast, clock, "senior_review")
    with pytest.raises(NotPermitted):
        service.fire(case.id, "assign_reviewer", cast["officer"], {"person": cast["reviewer"]}, clock.now())
    case = service.fire(case.id, "assign_reviewer", cast["fo2"], {"person": cast["reviewer"]}, clock.now())
    assert [p.id for p in case.assignees(CaseRole.SENIOR_REVIEWER)] == [cast["reviewer"]]


PANEL = {"chair": "panel1", "statutory_member": "panel2", "vcs_member": "panel3"}


def test_the_mediator_who_mediated_cannot_appoint_the_panel(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "panel_referred")
    panel = {seat: cast[who] for seat, who in PANEL.items()}
    with pytest.raises(NotPermitted):
        service.fire(case.id, "appoint_panel", cast["mediator"], panel, clock.now())
    case = service.fire(case.id, "appoint_panel", cast["convener"], panel, clock.now())
    assert len(case.assignees(CaseRole.PANEL_MEMBER)) == 3


def test_an_administrator_outside_the_parties_may_appoint_the_panel(service, factory, cast, clock):
    with factory.begin() as s:
        s.get(Person, cast["nhs_fo"]).grant("administrator")     # NHS South East London is not a party
    case = dispute_at(service, cast, clock, "panel_referred")
    case = service.fire(case.id, "appoint_panel", cast["nhs_fo"], {seat: cast[who] for seat, who in PANEL.items()},
                        clock.now())
    assert len(case.assignees(CaseRole.PANEL_MEMBER)) == 3
    with pytest.raises(NotFound):   # the council's own administrator is a party's: it is not theirs to see
        service.fire(case.id, "appoint_panel", cast["admin"], {}, clock.now())


def test_the_hearing_waits_until_each_member_has_confirmed_their_own_declaration(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "panel_referred")
    service.fire(case.id, "appoint_panel", cast["convener"], {seat: cast[who] for seat, who in PANEL.items()},
                 clock.now())
    hearing = {"hearing_on": date(2027, 1, 20), "starts_at": "10:00", "place": "Civic Offices"}
    service.fire(case.id, "declare_no_involvement", cast["panel2"], {"confirm": "yes"}, clock.now())
    assert refusal(service, factory, case, "schedule_hearing", cast["panel1"], hearing, clock.now()).message == (
        "The hearing can be scheduled once every panel member has confirmed their declaration of no prior "
        "involvement. Still to confirm: Judge Amara Osei, Lena Fischer.")
    assert refusal(service, factory, case, "declare_no_involvement", cast["panel2"], {"confirm": "yes"},
                   clock.now()).message == "You have already confirmed your declaration."
    with pytest.raises(NotPermitted):      # nobody declares for a member
        service.fire(case.id, "declare_no_involvement", cast["convener"], {"confirm": "yes"}, clock.now())
    for member in ("panel1", "panel3"):
        service.fire(case.id, "declare_no_involvement", cast[member], {"confirm": "yes"}, clock.now())
    case = service.fire(case.id, "schedule_hearing", cast["panel1"], hearing, clock.now())
    assert case.status == "panel_hearing"
    assert sorted(d["by"] for d in case.data["panel"]["declarations"].values()) == [
        "Judge Amara Osei", "Keith Ward", "Lena Fischer"]
