"""Each Compact gate, with the message the person sees, on both databases. Dates follow the
journeys in workflows/journeys.py, which move the clock one day per step from Tuesday
1 December 2026 (and 30 days before the review), so the Christmas 2026 holidays
(25 and 28 December, 1 January) fall inside several of these clocks."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from casework.audit import AuditEntry
from casework.cases import CaseAssignment, CaseRole
from casework.deadlines import LIVE, Deadline, DeadlineStatus
from casework.errors import GateRefused, NotPermitted
from casework.organisations import Person
from tests.factories import counts, dispute_at, funding_case_at, open_case, walk
from workflows import calendar as cal
from workflows.journeys import ASSESSMENT, FUNDING_PERFORMANCE, _plan, _respond_by

UTC = timezone.utc
DECISION = {"outcome": "reduce", "options_weighed": "No change; reduce; end.",
            "rationale": "A reduction keeps the service open at current demand."}


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A London wall-clock time on `day` (GMT in winter, so the same as UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=cal.LONDON).astimezone(UTC)


def refused(service, factory, case, trigger: str, actor_id, data: dict, now: datetime) -> str:
    """Fire and expect a gate to refuse with nothing written; returns the message shown."""
    before = counts(factory, case.id)
    with pytest.raises(GateRefused) as refusal:
        service.fire(case.id, trigger, actor_id, data, now)
    assert counts(factory, case.id) == before
    return refusal.value.message


def live_deadline(factory, case_id: int, kind: str) -> Deadline:
    with factory() as s:
        return s.scalars(select(Deadline).where(Deadline.case_id == case_id, Deadline.kind == kind,
                                                Deadline.status.in_(LIVE))).one()


def grant(factory, person_id: int, role: str) -> None:
    with factory.begin() as s:
        s.get(Person, person_id).grant(role)


# --- impact assessment before consultation --------------------------------------------------

def test_consultation_cannot_open_until_every_part_of_the_assessment_is_complete(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "impact_assessment")
    service.fire(case.id, "save_assessment", cast["fo"], {k: ASSESSMENT[k] for k in ("beneficiaries", "service_users")},
                 clock.now())
    message = refused(service, factory, case, "open_consultation", cast["fo"], _respond_by(clock.now(), {}),
                      clock.now())
    assert message == ("Complete every part of the impact assessment before consulting. Missing: volunteers affected, "
                       "equality impact, re-allocation to another organisation serving the same group.")


def test_consultation_opens_once_the_missing_parts_are_added(service, cast, clock):
    case = funding_case_at(service, cast, clock, "impact_assessment")
    service.fire(case.id, "save_assessment", cast["fo"], {k: ASSESSMENT[k] for k in ("beneficiaries", "service_users")},
                 clock.now())
    service.fire(case.id, "save_assessment", cast["fo"],
                 {k: ASSESSMENT[k] for k in ("volunteers", "equality", "reallocation")}, clock.now())
    case = service.fire(case.id, "open_consultation", cast["fo"], _respond_by(clock.now(), {}), clock.now())
    assert case.status == "consultation"
    assert case.data["assessment"]["beneficiaries"] == ASSESSMENT["beneficiaries"]


def test_consultation_must_give_at_least_the_minimum_working_days(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "impact_assessment")   # Thursday 7 January 2027
    service.fire(case.id, "save_assessment", cast["fo"], ASSESSMENT, clock.now())
    nine_days = {**_respond_by(clock.now(), {}), "respond_by": "2027-01-20"}
    message = refused(service, factory, case, "open_consultation", cast["fo"], nine_days, clock.now())
    assert message == ("The organisation must have at least 10 working days to respond: "
                       "choose 21 January 2027 or later.")
    case = service.fire(case.id, "open_consultation", cast["fo"], {**nine_days, "respond_by": "2027-01-21"},
                        clock.now())
    assert live_deadline(factory, case.id, "consultation_response").due_on == date(2027, 1, 21)


# --- the consultation window ------------------------------------------------------------------

def test_a_response_after_the_window_closed_is_refused_even_if_no_sweep_ran(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation")
    respond_by = date.fromisoformat(case.data["consultation"]["respond_by"])
    assert respond_by == date(2027, 2, 5)
    message = refused(service, factory, case, "submit_response", cast["vl"], {"response": "We object."},
                      at(date(2027, 2, 6), 9))
    assert message == "The time to respond to this consultation ended on 5 February 2027."


def test_a_response_late_on_the_last_day_is_accepted(service, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation")
    case = service.fire(case.id, "submit_response", cast["vl"], {"response": "We object."},
                        at(date(2027, 2, 5), 23, 59))
    assert case.status == "decision_pending"


def test_the_system_cannot_close_the_consultation_before_its_deadline(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation")
    message = refused(service, factory, case, "consultation_closes", None, {}, at(date(2027, 2, 5), 23, 59))
    assert message == "The deadline is 5 February 2027 and has not passed yet."


def test_the_system_closes_a_lapsed_consultation_recording_no_response(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation")
    case = service.fire(case.id, "consultation_closes", None, {}, at(date(2027, 2, 6), 0, 1))
    assert case.status == "decision_pending"
    with factory() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id)
                          .order_by(AuditEntry.seq.desc())).first()
    assert (entry.actor_id, entry.trigger, entry.data["outcome"]) == (None, "consultation_closes", "no response")


# --- the decision -----------------------------------------------------------------------------

def test_a_decision_needs_a_consideration_when_the_organisation_responded(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "decision_pending")
    message = refused(service, factory, case, "decide_change", cast["dm"], DECISION, clock.now())
    assert message == ("The organisation responded to the consultation. Say how their response was "
                       "considered before deciding.")
    case = service.fire(case.id, "decide_change", cast["dm"], {**DECISION, "consideration": "Read in full."},
                        clock.now())
    assert case.status == "notice_pending"


def test_no_consideration_is_needed_when_the_window_lapsed_without_a_response(service, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation")
    clock.current = at(date(2027, 2, 8))
    service.fire(case.id, "consultation_closes", None, {}, clock.now())
    case = service.fire(case.id, "decide_no_change", cast["dm"], {"options_weighed": "No change; reduce.", "rationale": "Budget restored."}, clock.now())
    assert case.status == "closed_no_change"


def test_the_funder_officer_cannot_be_chosen_as_decision_maker(service, factory, cast, clock):
    case = open_case(service, cast, clock, fo=cast["dm_fo"], dm=False)
    message = refused(service, factory, case, "assign_decision_maker", cast["dm_fo"], {"person": cast["dm_fo"]},
                      clock.now())
    assert message == "The funder officer on this case cannot also be its decision-maker."


def test_choosing_another_decision_maker_replaces_the_first_on_the_stored_case(service, factory, cast, clock):
    case = open_case(service, cast, clock)   # with cast["dm"] as its decision-maker
    returned = service.fire(case.id, "assign_decision_maker", cast["fo"], {"person": cast["dm_fo"]}, clock.now())
    assert [p.id for p in returned.assignees(CaseRole.DECISION_MAKER)] == [cast["dm_fo"]]
    with factory() as s:
        stored = s.scalars(select(CaseAssignment.person_id).where(
            CaseAssignment.case_id == case.id, CaseAssignment.role == CaseRole.DECISION_MAKER)).all()
    assert stored == [cast["dm_fo"]]


def test_a_decision_maker_who_is_also_the_cases_funder_officer_cannot_decide(service, factory, cast, clock):
    case = open_case(service, cast, clock, dm=False)
    service.fire(case.id, "assign_decision_maker", cast["fo"], {"person": cast["dm_fo"]}, clock.now())
    with factory.begin() as s:   # the case is handed over to the decision-maker as its officer too
        s.add(CaseAssignment(case_id=case.id, person_id=cast["dm_fo"], role=CaseRole.FUNDER_OFFICER,
                             assigned_at=clock.now()))
    case = walk(service, case, FUNDING_PERFORMANCE, cast, clock, until="decision_pending")
    message = refused(service, factory, case, "decide_change", cast["dm_fo"],
                      {**DECISION, "consideration": "Read in full."}, clock.now())
    assert message == ("You are the funder officer on this case, so you cannot make the decision. "
                       "Another decision-maker must decide.")


# --- the notice -------------------------------------------------------------------------------

def test_notice_shorter_than_the_minimum_is_refused_naming_the_earliest_date(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "notice_pending")      # decided Monday 11 January 2027
    short = {"channel": "email", "sent_at": clock.now(), "effective_on": "2027-04-11"}
    message = refused(service, factory, case, "issue_notice", cast["fo"], short, clock.now())
    assert message == ("Notice deemed given on 11 January 2027 needs an effective date of 12 April 2027 or later "
                       "(3 months' notice). A shorter notice needs exceptional circumstances approved by the "
                       "decision-maker.")


def test_notice_of_exactly_the_minimum_is_accepted(service, cast, clock):
    case = funding_case_at(service, cast, clock, "notice_pending")
    case = service.fire(case.id, "issue_notice", cast["fo"],
                        {"channel": "email", "sent_at": clock.now(), "effective_on": "2027-04-12"}, clock.now())
    assert case.status == "notice_period"
    assert (case.data["notice"]["deemed_given_on"], case.data["notice"]["earliest_effective"]) == (
        "2027-01-11", "2027-04-12")


def test_an_email_after_five_pm_is_deemed_given_next_working_day(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "notice_pending")
    late = {"channel": "email", "sent_at": at(date(2027, 1, 11), 17, 30), "effective_on": "2027-04-12"}
    message = refused(service, factory, case, "issue_notice", cast["fo"], late, clock.now())
    assert message.startswith("Notice deemed given on 12 January 2027 needs an effective date of 13 April 2027")


def test_a_notice_this_service_emails_cannot_be_backdated(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "notice_pending")      # decided 11 January 2027
    clock.advance(days=3)
    backdated = {"channel": "email", "sent_at": clock.now() - timedelta(days=2), "effective_on": "2027-06-01"}
    message = refused(service, factory, case, "issue_notice", cast["fo"], backdated, clock.now())
    assert message == ("This service sends a notice by email or through the portal itself, so its sending time "
                       "cannot be in the past. Enter the time it should go: now, or later.")


def test_an_email_notice_typed_minutes_ago_counts_from_when_it_is_sent(service, cast, clock):
    case = funding_case_at(service, cast, clock, "notice_pending")
    clock.current = at(date(2027, 1, 11), 17, 10)                       # past the 17:00 cut-off
    case = service.fire(case.id, "issue_notice", cast["fo"], {"channel": "email", "sent_at": at(date(2027, 1, 11), 16, 30),
                        "effective_on": "2027-04-13"}, clock.now())
    notice = case.data["notice"]
    assert (notice["sent_at"], notice["deemed_given_on"]) == (clock.now().isoformat(), "2027-01-12")


def test_a_posted_notice_may_be_recorded_after_it_was_posted(service, cast, clock):
    case = funding_case_at(service, cast, clock, "notice_pending")
    posted = at(date(2027, 1, 12), 9)
    clock.current = at(date(2027, 1, 14), 11)
    case = service.fire(case.id, "issue_notice", cast["fo"], {"channel": "first_class_post", "sent_at": posted,
                        "effective_on": "2027-04-15"}, clock.now())
    assert (case.data["notice"]["sent_at"], case.data["notice"]["deemed_given_on"]) == (posted.isoformat(), "2027-01-14")


def test_shorter_notice_is_accepted_once_the_decision_maker_signs_off_an_exception(service, cast, clock):
    case = funding_case_at(service, cast, clock, "notice_pending")
    service.fire(case.id, "sign_off_exception", cast["dm"],
                 {"category": "safeguarding", "justification": "A safeguarding referral is open."}, clock.now())
    case = service.fire(case.id, "issue_notice", cast["fo"],
                        {"channel": "email", "sent_at": clock.now(), "effective_on": "2027-02-01"}, clock.now())
    assert case.status == "notice_period"
    assert case.data["exception"]["category"] == "safeguarding"


def test_an_exception_cannot_be_signed_off_by_the_funder_officer(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "notice_pending")
    before = counts(factory, case.id)
    with pytest.raises(NotPermitted):
        service.fire(case.id, "sign_off_exception", cast["fo"],
                     {"category": "safeguarding", "justification": "Urgent."}, clock.now())
    assert counts(factory, case.id) == before


def test_even_with_an_exception_the_effective_date_must_follow_the_deemed_date(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "notice_pending")
    service.fire(case.id, "sign_off_exception", cast["dm"],
                 {"category": "insolvency", "justification": "Administrators appointed."}, clock.now())
    message = refused(service, factory, case, "issue_notice", cast["fo"],
                      {"channel": "email", "sent_at": clock.now(), "effective_on": "2027-01-11"}, clock.now())
    assert message == "The effective date must be after the date the notice is deemed given."


# --- the improvement plan -----------------------------------------------------------------------

def test_the_plan_moves_on_only_when_both_sides_agree_the_latest_version(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_planning")
    plan = _plan(clock.now(), {})
    service.fire(case.id, "propose_plan", cast["fo"], plan, clock.now())
    service.fire(case.id, "agree_plan", cast["fo"], {"version": 1}, clock.now())
    service.fire(case.id, "propose_plan", cast["vl"], plan, clock.now())     # a new version resets agreement
    case = service.fire(case.id, "agree_plan", cast["vl"], {"version": 2}, clock.now())
    assert case.status == "improvement_planning"
    message = refused(service, factory, case, "agree_plan", cast["fo"], {"version": 1}, clock.now())
    assert message == "Version 2 is the latest plan. Read it and agree that version."
    case = service.fire(case.id, "agree_plan", cast["fo"], {"version": 2}, clock.now())
    assert (case.status, case.data["plan_agreed_version"]) == ("improvement_in_progress", 2)


def test_one_side_cannot_agree_the_same_version_twice(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_planning")
    service.fire(case.id, "propose_plan", cast["fo"], _plan(clock.now(), {}), clock.now())
    service.fire(case.id, "agree_plan", cast["fo"], {"version": 1}, clock.now())
    message = refused(service, factory, case, "agree_plan", cast["fo"], {"version": 1}, clock.now())
    assert message == "You have already agreed version 1."


# --- disputes: independence -----------------------------------------------------------------------

def test_the_informal_stage_officer_cannot_be_the_senior_reviewer(service, factory, cast, clock):
    grant(factory, cast["reviewer"], "funder_officer")  # an officer who can also review, but not this dispute
    case = dispute_at(service, cast, clock, "senior_review", roles={"officer": cast["reviewer"]})
    message = refused(service, factory, case, "assign_reviewer", cast["fo"], {"person": cast["reviewer"]}, clock.now())
    assert message == ("The senior reviewer must not have been involved in the decision or the informal stage. "
                       "Choose someone else.")


def test_the_decision_maker_on_the_linked_case_cannot_be_the_senior_reviewer(service, factory, cast, clock):
    funding = funding_case_at(service, cast, clock, "notice_pending")
    grant(factory, cast["dm"], "senior_reviewer")
    case = dispute_at(service, cast, clock, "senior_review", linked=funding)
    message = refused(service, factory, case, "assign_reviewer", cast["fo2"], {"person": cast["dm"]}, clock.now())
    assert message.startswith("The senior reviewer must not have been involved")


def test_an_uninvolved_senior_reviewer_is_assigned(service, cast, clock):
    case = dispute_at(service, cast, clock, "senior_review")
    case = service.fire(case.id, "assign_reviewer", cast["fo"], {"person": cast["reviewer"]}, clock.now())
    assert [p.id for p in case.assignees(CaseRole.SENIOR_REVIEWER)] == [cast["reviewer"]]


def test_a_panel_member_involved_before_is_refused_by_name(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "panel_referred")
    grant(factory, cast["officer"], "panel_member")     # the D1 officer is also on the panel list
    panel = {"chair": cast["officer"], "statutory_member": cast["panel2"], "vcs_member": cast["panel3"],
             "declarations": "None declared."}
    message = refused(service, factory, case, "appoint_panel", cast["convener"], panel, clock.now())
    assert message == "Panel members must not have been involved before: Mark Bell was."
    case = service.fire(case.id, "appoint_panel", cast["convener"], {**panel, "chair": cast["panel1"]}, clock.now())
    assert len(case.assignees(CaseRole.PANEL_MEMBER)) == 3


def test_the_mediator_cannot_come_from_a_party_to_the_dispute(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "mediation_requested")
    grant(factory, cast["fo2"], "mediator")             # a council officer trained as a mediator
    message = refused(service, factory, case, "assign_mediator", cast["mediator"],
                      {"person": cast["fo2"], "declaration": "No conflict."}, clock.now())
    assert message == ("The mediator cannot come from either party to the dispute. "
                       "Choose an independent mediator.")
    case = service.fire(case.id, "assign_mediator", cast["mediator"],
                        {"person": cast["mediator"], "declaration": "No conflict."}, clock.now())
    assert [p.id for p in case.assignees(CaseRole.MEDIATOR)] == [cast["mediator"]]


# --- extensions, pause and resume, withdrawal --------------------------------------------------------

def test_the_informal_stage_can_be_extended_by_at_most_ten_working_days(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "informal_resolution")      # acknowledged Wednesday 2 December
    assert live_deadline(factory, case.id, "informal_response").due_on == date(2026, 12, 16)
    message = refused(service, factory, case, "extend_informal", cast["officer"],
                      {"reason": "Key staff are away.", "new_date": "2027-01-05"}, clock.now())
    assert message == "The stage can be extended by at most 10 working days, to 4 January 2027."
    service.fire(case.id, "extend_informal", cast["officer"],
                 {"reason": "Key staff are away.", "new_date": "2027-01-04"}, clock.now())
    assert live_deadline(factory, case.id, "informal_response").due_on == date(2027, 1, 4)


def test_the_informal_stage_can_be_extended_only_once(service, factory, cast, clock):
    case = dispute_at(service, cast, clock, "informal_resolution")
    service.fire(case.id, "extend_informal", cast["officer"],
                 {"reason": "Key staff are away.", "new_date": "2026-12-18"}, clock.now())
    message = refused(service, factory, case, "extend_informal", cast["officer"],
                      {"reason": "Still away.", "new_date": "2026-12-22"}, clock.now())
    assert message == "This stage has already been extended once."


def test_pause_keeps_the_working_days_left_and_resume_restores_them(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "concern_raised")      # raised Wednesday 2 December
    assert live_deadline(factory, case.id, "concern_ack").due_on == date(2026, 12, 9)
    service.fire(case.id, "pause", cast["fo"], {"reason": "A dispute pauses the clock."}, at(date(2026, 12, 3)))
    paused = live_deadline(factory, case.id, "concern_ack")
    assert (paused.status, paused.paused_remaining) == (DeadlineStatus.PAUSED, 4)
    resume_day = date(2026, 12, 21)
    service.fire(case.id, "resume", cast["fo"], {"reason": "The dispute was resolved."}, at(resume_day))
    resumed = live_deadline(factory, case.id, "concern_ack")
    assert resumed.status == DeadlineStatus.OPEN
    assert resumed.due_on == cal.add_working_days(resume_day, 4) == date(2026, 12, 29)


def test_a_paused_deadline_does_not_expire(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation")
    service.fire(case.id, "pause", cast["fo"], {"reason": "Dispute raised."}, clock.now())
    message = refused(service, factory, case, "consultation_closes", None, {}, at(date(2027, 3, 1)))
    assert message == "Deadlines on this case are paused."


def test_a_case_cannot_be_paused_twice(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation")
    service.fire(case.id, "pause", cast["fo"], {"reason": "Dispute raised."}, clock.now())
    message = refused(service, factory, case, "pause", cast["fo"], {"reason": "Again."}, clock.now())
    assert message == "Deadlines on this case are already paused."


OPEN_FUNDING = ["draft", "concern_raised", "improvement_planning", "improvement_in_progress", "performance_review",
                "impact_assessment", "consultation", "decision_pending", "notice_pending", "notice_period"]
OPEN_DISPUTE = ["raised", "informal_resolution", "informal_response_given", "senior_review", "review_outcome_given",
                "mediation_requested", "in_mediation", "no_agreement", "panel_referred", "panel_hearing",
                "panel_findings_issued"]


@pytest.mark.parametrize("status", OPEN_FUNDING)
def test_the_funder_officer_can_withdraw_a_case_from(status, service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, status)
    case = service.fire(case.id, "withdraw", cast["fo"], {"reason": "Opened in error."}, clock.now())
    assert (case.status, case.data["withdrawal"]["reason"]) == ("withdrawn", "Opened in error.")
    assert counts(factory, case.id)["status"] == "withdrawn"
    with factory() as s:
        assert s.scalars(select(Deadline).where(Deadline.case_id == case.id, Deadline.status.in_(LIVE))).all() == []


@pytest.mark.parametrize("status", OPEN_DISPUTE)
def test_the_complainant_can_withdraw_a_dispute_from(status, service, factory, cast, clock):
    case = dispute_at(service, cast, clock, status)
    case = service.fire(case.id, "withdraw_dispute", cast["vl"], {"reason": "Settled."}, clock.now())
    assert case.status == "withdrawn"
    with factory() as s:
        assert s.scalars(select(Deadline).where(Deadline.case_id == case.id, Deadline.status.in_(LIVE))).all() == []


# --- dates that cannot be true ----------------------------------------------------------------

def test_a_concern_letter_cannot_be_dated_in_the_future(service, factory, cast, clock):
    case = open_case(service, cast, clock)
    tomorrow = cal.local_date(clock.now()) + timedelta(days=1)
    data = {"issues": "Attendance has fallen.", "evidence": "Monitoring returns.",
            "what_good_looks_like": "30 a week.", "letter_date": tomorrow}
    assert refused(service, factory, case, "raise_concern", cast["fo"], data, clock.now()) == (
        "The date of the concern letter must be today or in the past.")


def test_a_concern_letter_cannot_be_dated_before_the_case_was_opened(service, factory, cast, clock):
    case = open_case(service, cast, clock)
    data = {"issues": "Attendance has fallen.", "evidence": "Monitoring returns.",
            "what_good_looks_like": "30 a week.", "letter_date": date(2026, 11, 30)}
    assert refused(service, factory, case, "raise_concern", cast["fo"], data, clock.now()) == (
        "The date of the concern letter must be on or after 1 December 2026, when the case was opened.")


def test_a_plan_action_must_be_due_after_today(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_planning")
    data = _plan(clock.now(), {})
    data["actions"][1]["by"] = cal.local_date(clock.now())
    assert refused(service, factory, case, "propose_plan", cast["fo"], data, clock.now()) == (
        "Action 2 must be due after today.")


def test_the_mediation_outcome_cannot_be_recorded_before_the_booked_session(service, factory, cast, clock):
    # Sessions are booked ahead (tests/notifications/test_bookings.py); the outcome waits for the day.
    case = dispute_at(service, cast, clock, "in_mediation")
    later = date(2027, 1, 8)
    case = service.fire(case.id, "record_session", cast["mediator"],
                        {"session_on": later, "starts_at": "10:00", "place": "Civic Offices"}, clock.now())
    assert refused(service, factory, case, "record_no_agreement", cast["mediator"], {"summary": "No."},
                   clock.now()) == ("The outcome can be recorded once the mediation session has taken place, "
                                    "on 8 January 2027.")


@pytest.mark.parametrize("who", ["reviewer", "admin", "dm"])
def test_a_dispute_is_answered_by_an_officer_not_a_reviewer_administrator_or_decision_maker(
        service, factory, cast, clock, who):
    case = dispute_at(service, cast, clock, "raised")
    name = {"reviewer": "Anne Clarke", "admin": "Ade Bello", "dm": "Helen Marsh"}[who]
    assert refused(service, factory, case, "acknowledge_dispute", cast["fo"], {"officer": cast[who]},
                   clock.now()) == f"{name} is not set up as an officer who can answer it."


def test_extending_the_plan_must_move_its_end_later(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "improvement_in_progress")
    case = service.fire(case.id, "start_review", cast["fo"], {"early_reason": "organisation_asked",   # reviewed before
                        "early_explanation": "The trustees asked to review now."}, clock.now())     # the plan ended
    plan_end = date.fromisoformat(case.data["plan_end"])
    earlier = {"reason": "More time for the new volunteers.", "new_end_date": plan_end - timedelta(days=3)}
    assert plan_end - timedelta(days=3) > cal.local_date(clock.now()), "the new date is still in the future"
    message = refused(service, factory, case, "extend_plan", cast["fo"], earlier, clock.now())
    assert message == f"The new end date must be after the plan's current end date, {plan_end.day} {plan_end:%B %Y}."
    case = service.fire(case.id, "extend_plan", cast["fo"], {**earlier, "new_end_date": plan_end + timedelta(days=14)},
                        clock.now())
    assert case.status == "improvement_in_progress"
