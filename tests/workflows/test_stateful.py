"""Random sequences of actions by random people, with the clock moving at random, on both
databases. After every step: the audit chains verify, every open case has exactly the
deadlines its state requires, closed cases have none, and the Compact's gates held."""
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete, select, text

from casework.audit import AuditEntry, verify_chains
from casework.cases import Case, CaseRole
from casework.clock import FixedClock
from casework.deadlines import LIVE, Deadline
from casework.errors import CaseworkError
from casework.models import Base
from casework.persistence import make_session_factory
from tests.factories import DISPUTE_ROLES, make_cast, open_case, raise_dispute
from workflows import calendar as cal
from workflows.deadlines import required_deadlines
from workflows.definitions import Field, Workflow, as_date
from workflows.dispute import WORKFLOW as DISPUTE
from workflows.funding_change import ASSESSMENT_SECTIONS, WORKFLOW as FUNDING
from workflows.journeys import DISPUTE_TO_PANEL, FUNDING_PERFORMANCE, FUNDING_RESOURCE
from workflows.service import CaseService

SETTINGS = settings(max_examples=25, stateful_step_count=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])
ACTORS = ("fo", "fo2", "dm", "dm_fo", "vl", "other_vl", "officer", "reviewer", "mediator", "panel1", "panel2",
          "panel3", "admin", "system")
TEXTS = ("Attendance fell for two quarters.", "See the monitoring returns.", "")
DECIDED = ("consultation", "decision_pending", "notice_pending", "notice_period", "closed_changed")


def field_values(f: Field, now: datetime, people: list[int]) -> st.SearchStrategy:
    """Plausible values for one field, valid or not: what a person might type."""
    today = cal.local_date(now)
    keys = [k for k, _ in f.choices]
    return {
        "text": st.sampled_from(TEXTS), "textarea": st.sampled_from(TEXTS),
        "date": st.integers(-3, 130).map(lambda n: today + timedelta(days=n)),
        "datetime": st.integers(-30, 30).map(lambda h: now + timedelta(hours=h)),
        "choice": st.sampled_from(keys or ["?"]),
        "multichoice": st.lists(st.sampled_from(keys or ["?"]), min_size=1, max_size=2, unique=True),
        "person": st.sampled_from(people), "int": st.integers(1, 3), "confirm": st.just("yes"),
        "actions": st.just([{"what": "Recruit drivers", "who": "Manager", "by": today + timedelta(days=20)}]),
    }[f.kind]


def reset(engine) -> None:
    """Empty every table, so each example starts from nothing."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(delete(table))


class CaseworkMachine(RuleBasedStateMachine):
    """Shared rules; subclasses say which workflow, how cases start and which journey to follow."""

    workflow: Workflow
    journey: tuple = ()
    journey_roles: dict[str, str] = {}

    def __init__(self, engine) -> None:
        super().__init__()
        reset(engine)
        self.factory = make_session_factory(engine)
        self.clock = FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))
        self.service = CaseService(self.factory, calendar=cal.WorkingCalendar())
        self.cast = make_cast(self.factory)
        self.ids = {**self.cast.ids, **{k: self.cast[v] for k, v in self.journey_roles.items()}}
        self.case_ids: list[int] = []

    # --- helpers -----------------------------------------------------------------------

    def status(self, case_id: int) -> str:
        with self.factory() as s:
            return s.scalar(select(Case.status).where(Case.id == case_id))

    def attempt(self, case_id: int, trigger: str, actor_id: int | None, data: dict) -> None:
        try:
            self.service.fire(case_id, trigger, actor_id, data, self.clock.now())
        except CaseworkError:
            pass   # refused: the invariants check that nothing half-happened

    def allowed_here(self, status: str, trigger: str) -> bool:
        return any(status in self.workflow.expand(t.sources) for t in self.workflow.rows(trigger))

    # --- rules ---------------------------------------------------------------------------

    @rule(data=st.data())
    def anyone_tries_anything(self, data) -> None:
        case_id = data.draw(st.sampled_from(self.case_ids))
        here = [t.trigger for t in self.workflow.available(self.status(case_id))]
        everything = self.workflow.triggers()
        trigger = data.draw(st.one_of(st.sampled_from(here or everything), st.sampled_from(everything)))
        actor = data.draw(st.sampled_from(ACTORS))
        fields = self.workflow.rows(trigger)[0].fields
        filled = st.fixed_dictionaries({f.name: field_values(f, self.clock.now(), list(self.cast.ids.values()))
                                        for f in fields})
        payload = data.draw(st.one_of(st.just({}), filled))
        self.attempt(case_id, trigger, None if actor == "system" else self.cast[actor], payload)

    @rule(data=st.data())
    def someone_takes_the_next_step_of_the_journey(self, data) -> None:
        case_id = data.draw(st.sampled_from(self.case_ids))
        status = self.status(case_id)
        steps = [s for s in self.journey if self.allowed_here(status, s.trigger)]
        if steps:
            step = data.draw(st.sampled_from(steps))
            self.attempt(case_id, step.trigger, self.ids[step.who], step.data_for(self.clock.now(), self.ids))

    @rule(days=st.integers(0, 45), hours=st.integers(0, 23))
    def time_passes(self, days: int, hours: int) -> None:
        self.clock.advance(days=days, hours=hours)

    @rule()
    def the_scheduler_fires_what_is_due(self) -> None:
        with self.factory() as s:
            due = s.execute(select(Deadline.case_id, Deadline.on_expiry).where(
                Deadline.status.in_(LIVE), Deadline.on_expiry.is_not(None),
                Deadline.fires_at <= self.clock.now())).all()
        for case_id, trigger in due:
            self.attempt(case_id, trigger, None, {})

    @rule(days=st.integers(1, 60))
    def an_administrator_adds_a_holiday(self, days: int) -> None:
        try:
            self.service.add_holiday(self.cast["admin"], cal.local_date(self.clock.now()) + timedelta(days=days),
                                     "One-off holiday", self.clock.now())
        except CaseworkError:
            pass

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def every_audit_chain_verifies(self) -> None:
        with self.factory() as s:
            assert verify_chains(s) == []

    @invariant()
    def each_case_has_exactly_the_deadlines_its_state_requires(self) -> None:
        with self.factory() as s:
            for case in s.scalars(select(Case).where(Case.id.in_(self.case_ids))):
                live = sorted(s.scalars(select(Deadline.kind).where(Deadline.case_id == case.id,
                                                                    Deadline.status.in_(LIVE))))
                if case.status in self.workflow.terminal:
                    assert live == [], f"{case.ref} is {case.status} but has live deadlines {live}"
                else:
                    required = required_deadlines(self.workflow, case, self.service.limits, self.service.calendar)
                    assert live == sorted(required), f"{case.ref} in {case.status}: {live} != {sorted(required)}"

    def entries(self, session, case_id: int) -> list[AuditEntry]:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.seq)))


class FundingChangeMachine(CaseworkMachine):
    workflow = FUNDING
    journey = FUNDING_PERFORMANCE + FUNDING_RESOURCE

    @initialize()
    def a_funder_officer_opens_a_case(self) -> None:
        self.case_ids.append(open_case(self.service, self.cast, self.clock).id)

    @rule(with_decision_maker=st.booleans())
    def another_case_is_opened(self, with_decision_maker: bool) -> None:
        if len(self.case_ids) < 3:
            self.case_ids.append(open_case(self.service, self.cast, self.clock, dm=with_decision_maker).id)

    @invariant()
    def consultation_never_opens_on_an_incomplete_assessment(self) -> None:
        with self.factory() as s:
            for case in s.scalars(select(Case).where(Case.id.in_(self.case_ids), Case.status.in_(DECIDED))):
                done = case.data.get("assessment") or {}
                assert all(str(done.get(k) or "").strip() for k, _ in ASSESSMENT_SECTIONS), case.data

    @invariant()
    def notice_is_never_shorter_than_the_minimum_without_a_signed_off_exception(self) -> None:
        with self.factory() as s:
            for case in s.scalars(select(Case).where(Case.id.in_(self.case_ids),
                                                     Case.status.in_(("notice_period", "closed_changed")))):
                notice = case.data["notice"]
                if not (case.data.get("exception") or {}).get("signed_off_on"):
                    assert as_date(notice["effective_on"]) >= as_date(notice["earliest_effective"])
                assert as_date(notice["effective_on"]) > as_date(notice["deemed_given_on"])

    @invariant()
    def no_funder_officer_ever_decides_their_own_case(self) -> None:
        with self.factory() as s:
            for case in s.scalars(select(Case).where(Case.id.in_(self.case_ids))):
                officers = {p.id for p in case.assignees(CaseRole.FUNDER_OFFICER)}
                deciders = {e.actor_id for e in self.entries(s, case.id)
                            if e.trigger in ("decide_change", "decide_no_change", "sign_off_exception")}
                assert not officers & deciders


class DisputeMachine(CaseworkMachine):
    workflow = DISPUTE
    journey = DISPUTE_TO_PANEL
    journey_roles = DISPUTE_ROLES

    @initialize()
    def the_organisation_raises_a_dispute(self) -> None:
        self.case_ids.append(raise_dispute(self.service, self.cast, self.clock).id)

    @rule()
    def another_dispute_is_raised(self) -> None:
        if len(self.case_ids) < 3:
            self.case_ids.append(raise_dispute(self.service, self.cast, self.clock).id)

    def first_acted(self, entries: list[AuditEntry], trigger: str) -> int:
        return next((e.seq for e in entries if e.trigger == trigger), 10**9)

    @invariant()
    def the_senior_reviewer_was_never_involved_before(self) -> None:
        with self.factory() as s:
            for case in s.scalars(select(Case).where(Case.id.in_(self.case_ids))):
                entries = self.entries(s, case.id)
                assigned = self.first_acted(entries, "assign_reviewer")
                for reviewer in case.assignees(CaseRole.SENIOR_REVIEWER):
                    assert reviewer not in case.assignees(CaseRole.RESPONDENT_OFFICER)
                    assert all(e.actor_id != reviewer.id for e in entries if e.seq < assigned)

    @invariant()
    def the_panel_was_never_involved_before(self) -> None:
        with self.factory() as s:
            for case in s.scalars(select(Case).where(Case.id.in_(self.case_ids))):
                panel = case.assignees(CaseRole.PANEL_MEMBER)
                if not panel:
                    continue
                entries = self.entries(s, case.id)
                appointed = self.first_acted(entries, "appoint_panel")
                assert len({p.id for p in panel}) == 3
                assert all(e.actor_id not in {p.id for p in panel} for e in entries if e.seq < appointed)

    @invariant()
    def the_mediator_never_comes_from_a_party(self) -> None:
        with self.factory() as s:
            for case in s.scalars(select(Case).where(Case.id.in_(self.case_ids))):
                for mediator in case.assignees(CaseRole.MEDIATOR):
                    assert mediator.organisation_id not in case.party_org_ids()


@pytest.mark.parametrize("machine", [FundingChangeMachine, DisputeMachine], ids=["funding_change", "dispute"])
def test_random_actions_never_break_the_rules(machine, engine):
    run_state_machine_as_test(lambda: machine(engine), settings=SETTINGS)


def test_the_journey_rule_reaches_the_end_of_each_process(engine):
    """The machines can go deep: following the journey alone walks a case to its end."""
    machine = FundingChangeMachine(engine)
    machine.a_funder_officer_opens_a_case()
    for step in FUNDING_PERFORMANCE:
        machine.clock.advance(days=1)
        machine.attempt(machine.case_ids[0], step.trigger, machine.ids[step.who],
                        step.data_for(machine.clock.now(), machine.ids))
    assert machine.status(machine.case_ids[0]) == "notice_period"
    machine.clock.advance(days=120)
    machine.the_scheduler_fires_what_is_due()
    assert machine.status(machine.case_ids[0]) == "closed_changed"
    machine.each_case_has_exactly_the_deadlines_its_state_requires()
    machine.teardown()
    assert date(2026, 12, 1) < cal.local_date(machine.clock.now())
