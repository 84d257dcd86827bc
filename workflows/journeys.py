"""Scripted journeys through each process, step by step, with what each person types. The
demo data, the benchmark and the tests all walk cases along these, so every one of them
goes through the real engine and its gates."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workflows import calendar as cal

DataFn = Callable[[datetime, dict[str, int]], dict[str, Any]]


@dataclass(frozen=True)
class Step:
    trigger: str
    who: str                     # a key of the cast: fo, dm, vl, officer, reviewer, mediator, panel1...
    data: dict[str, Any] | DataFn = None
    days_after: int = 1          # calendar days of the clock to pass before this step

    def data_for(self, now: datetime, cast: dict[str, int]) -> dict[str, Any]:
        if callable(self.data):
            return self.data(now, cast)
        return dict(self.data or {})


def _notice(now: datetime, _cast: dict[str, int]) -> dict[str, Any]:
    deemed = cal.deemed_given(now, "email")
    return {"channel": "email", "sent_at": now, "effective_on": cal.earliest_effective_date(deemed, 3)}


def _respond_by(now: datetime, _cast: dict[str, int]) -> dict[str, Any]:
    return {"proposal": "Reduce the grant for the lunch club by 40% from April.",
            "criteria_reasons": "Attendance has fallen below the agreed 30 a week for two quarters.",
            "impact_summary": "About 25 older residents would lose a weekly meal; a nearby club has space.",
            "respond_by": cal.add_working_days(cal.local_date(now), 20)}


def _plan(now: datetime, _cast: dict[str, int]) -> dict[str, Any]:
    # The plan ends before the journey's review (30 days after the support, 33 after this):
    # the review starts once the plan has ended, as it should.
    today = cal.local_date(now)
    return {"actions": [{"what": "Recruit two volunteer drivers", "who": "Kitchen manager", "by": today + timedelta(days=30)},
                        {"what": "Publish the new menu in the parish newsletter", "who": "Chair", "by": today + timedelta(days=31)}],
            "plan_end": today + timedelta(days=32),
            "support_offered": "Council will fund a volunteer recruitment advert."}


CONCERN = {"issues": "Attendance at the lunch club has fallen from 40 to 18 a week.",
           "evidence": "Quarterly monitoring returns for Q1 and Q2.",
           "what_good_looks_like": "At least 30 people a week, as in the funding agreement.",
           }
ASSESSMENT = {"beneficiaries": "25 older residents", "service_users": "Lunch club members and carers",
              "volunteers": "6 volunteers would have fewer sessions", "equality": "Older and disabled people affected most",
              "reallocation": "Considered moving funds to Erith Youth Partnership; concluded a nearby lunch club can absorb demand."}


def _concern(now: datetime, _cast: dict[str, int]) -> dict[str, Any]:
    return {**CONCERN, "letter_date": cal.local_date(now)}


FUNDING_PERFORMANCE: tuple[Step, ...] = (
    Step("raise_concern", "fo", _concern),
    Step("acknowledge_concern", "vl", {"comments": "We accept attendance has fallen."}),
    Step("propose_plan", "fo", _plan),
    Step("agree_plan", "fo", {"version": 1}),
    Step("agree_plan", "vl", {"version": 1}),
    Step("record_support", "fo", lambda now, c: {"what": "Paid for a recruitment advert", "when": cal.local_date(now)}),
    Step("start_review", "fo", {}, days_after=30),
    Step("begin_impact_assessment", "fo", {"reasons": "Attendance is still 20 a week."}),
    Step("save_assessment", "fo", ASSESSMENT),
    Step("open_consultation", "fo", _respond_by),
    Step("submit_response", "vl", {"response": "We can reach 30 a week with a second minibus run."}),
    Step("decide_change", "dm", {"outcome": "reduce", "consideration": "The minibus proposal is unfunded and untested.",
                                 "options_weighed": "No change; reduce by 40%; end the grant.",
                                 "rationale": "A reduction keeps the service open at current demand."}),
    Step("issue_notice", "fo", _notice),
    Step("acknowledge_notice", "vl", {"comments": "Received."}),
    Step("submit_exit_plan", "vl", lambda now, c: {
        "support_plan": "Members will be offered places at the Bexleyheath club.",
        "people_told_on": cal.local_date(now) + timedelta(days=7),
        "service_changes_on": cal.local_date(now) + timedelta(days=60)}),
)

FUNDING_RESOURCE: tuple[Step, ...] = (
    Step("propose_resource_change", "fo", {"restriction": "The council's grants budget falls by 10% next year.",
                                          "proposal": "reduce", "criteria": "Reach, cost per beneficiary and other provision nearby."}),
    Step("save_assessment", "fo", ASSESSMENT),
    Step("add_impact_advice", "vl", {"advice": "Isolation will rise among housebound members.", "mitigation": "Keep the delivery round."}),
    Step("open_consultation", "fo", _respond_by),
)

DISPUTE_TO_PANEL: tuple[Step, ...] = (
    Step("acknowledge_dispute", "respondent", lambda now, c: {"officer": c["officer"]}),
    Step("give_informal_response", "officer", {"response": "We consulted for the minimum period and considered your response."}),
    Step("escalate_to_review", "complainant", {"reason": "The response did not address the impact assessment."}),
    Step("assign_reviewer", "respondent", lambda now, c: {"person": c["reviewer"]}),
    Step("give_review_outcome", "reviewer", {"outcome": "partly_upheld", "reasons": "The assessment was thin on volunteers.",
                                             "remedies": ["reconsult"]}),
    Step("request_mediation", "complainant", {"reason": "We want to agree the re-consultation timetable."}),
    Step("agree_to_mediate", "complainant", {"confirm": "yes"}),
    Step("agree_to_mediate", "respondent", {"confirm": "yes"}),
    Step("assign_mediator", "mediator", lambda now, c: {"person": c["mediator"], "declaration": "I have no connection with either party."}),
    Step("record_session", "mediator", lambda now, c: {"session_on": cal.local_date(now), "starts_at": "10:00",
                                                       "place": "BVSC, 8 Brampton Road, Bexleyheath"}),
    Step("record_no_agreement", "mediator", {"summary": "The parties could not agree the timetable."}),
    Step("refer_to_panel", "complainant", {"reason": "Mediation did not resolve the dispute."}),
    # Appointed by BVSC staff who did not mediate; each member then confirms their own declaration.
    Step("appoint_panel", "convener", lambda now, c: {"chair": c["panel1"], "statutory_member": c["panel2"], "vcs_member": c["panel3"]}),
    *(Step("declare_no_involvement", member, {"confirm": "yes"}, days_after=0) for member in ("panel1", "panel2", "panel3")),
    Step("schedule_hearing", "panel1", lambda now, c: {"hearing_on": cal.add_working_days(cal.local_date(now), 6),
                                                       "starts_at": "14:00", "place": "https://meet.bvsc.example/panel"}),
    # The hearing is 6 working days after scheduling: up to 14 calendar days over Christmas.
    Step("issue_findings", "panel1", {"finding": "breach", "recommendations": "Consult again for 20 working days."}, days_after=15),
    Step("respond_to_findings", "respondent_dm", {"response": "We accept the findings and will consult again."}),
)

DISPUTE_RAISE = {"subject": "Grant reduced without considering our response",
                 "undertakings": ["s4.consultation", "s4.impact_assessment"],
                 "what_happened": "The council decided to reduce our grant without considering our response.",
                 "outcome_sought": "A fresh consultation that considers our evidence.",
                 "evidence": "Our consultation response of 3 March and the decision letter."}
