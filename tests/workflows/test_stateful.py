"""Random sequences of actions by random people, with the clock moving at random, on both
databases. After every step: the audit chains verify, every open case has exactly the
deadlines its state requires, closed cases have none, and the Compact's gates held."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete, select

from casework.audit import AuditEntry, verify_chains
from casework.cases import Case, CaseRole
from casework.clock import FixedClock
from casework.deadlines import LIVE, Deadline
from casework.errors import CaseworkError
from casework.models import Base
from web.config import DEV_AUDIT_KEY
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
ACTORS = ("fo", "fo2", "dm", "dm_fo", "vl", "other_vl", "officer", "reviewer", "mediator", "convener", "panel1",
          "panel2", "panel3", "admin", "system")
#: Who in the cast usually holds each case role (on a dispute the kitchen complains about the council).
ROLE_HOLDERS = {
    CaseRole.FUNDER_OFFICER: ("fo",), CaseRole.DECISION_MAKER: ("dm", "dm_fo"), CaseRole.VCO_LEAD: ("vl",),
    CaseRole.COMPLAINANT: ("vl",), CaseRole.RESPONDENT: ("fo", "dm"), CaseRole.RESPONDENT_OFFICER: ("officer",),
    CaseRole.SENIOR_REVIEWER: ("reviewer",), CaseRole.MEDIATOR: ("mediator",),
    CaseRole.MEDIATION_SERVICE: ("mediator",), CaseRole.PANEL_CONVENER: ("convener", "admin"),
    CaseRole.PANEL_MEMBER: ("panel1", "panel2", "panel3"),
    CaseRole.SYSTEM: ("system",)}
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
        "time": st.sampled_from(("10:00", "14:30", "25:00", "")),
        "choice": st.sampled_from(keys or ["?"]),
        "multichoice": st.lists(st.sampled_from(keys or ["?"]), min_size=1, max_size=2, unique=True),
        "person": st.sampled_from(people), "int": st.integers(1, 3), "confirm": st.just("yes"),
        "actions": st.just([{"what": "Recruit drivers", "who": "Manager", "by": today + timedelta(days=20)}]),
    }[f.kind]


def reset(engine) -> None:
    """Empty every table, so each example starts from nothing (DELETE: quicker than TRUNCATE
    on tables this small)."""
    with engine.begin() as conn:
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
        self.factory = make_session_factory(engine, audit_key=DEV_AUDIT_KEY)
        self.clock = FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))
        self.service = CaseService(self.factory, calendar=cal.WorkingCalendar())
        self.cast = make_cast(self.factory)
        self.ids = {**self.cast.ids, **{k: self.cast[v] for k, v in self.journey_roles.items()}}
        self.case_ids: list[int] = []
        self.position: dict[int, int] = {}   # the last journey step taken on each case

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
        holders = sorted({who for t in self.workflow.rows(trigger) for role in t.who for who in ROLE_HOLDERS[role]})
        actor = data.draw(st.one_of(st.sampled_from(holders), st.sampled_from(ACTORS)))
        fields = self.workflow.rows(trigger)[0].fields
        filled = st.fixed_dictionaries({f.name: field_values(f, self.clock.now(), list(self.cast.ids.values()))
                                        for f in fields})
        scripted = [s.data_for(self.clock.now(), self.ids) for s in self.journey if s.trigger == trigger]
        payload = data.draw(st.one_of(st.just({}), filled, *(st.just(d) for d in scripted[:1])))
        self.attempt(case_id, trigger, None if actor == "system" else self.cast[actor], payload)

    @rule(data=st.data(), steps=st.integers(1, 6))
    def people_follow_the_journey(self, data, steps: int) -> None:
        """A few steps of the scripted journey, so that cases get deep into the process."""
        case_id = data.draw(st.sampled_from(self.case_ids))
        for _ in range(steps):
            status, done = self.status(case_id), self.position.get(case_id, -1)
            here = [n for n, s in enumerate(self.journey) if self.allowed_here(status, s.trigger)]
            if not here:
                return
            later = [n for n in here if n > done]
            skip = data.draw(st.sampled_from((0, 0, 1)))    # now and then someone skips a step
            n = later[min(skip, len(later) - 1)] if later else data.draw(st.sampled_from(here))
            step = self.journey[n]
            self.clock.advance(days=step.days_after)
            self.attempt(case_id, step.trigger, self.ids[step.who], step.data_for(self.clock.now(), self.ids))
            self.position[case_id] = n

    @rule(days=st.integers(0, 45), hours=st.integers(0, 23), sweep=st.booleans())
    def time_passes(self, days: int, hours: int, sweep: bool) -> None:
        """Time passes, and the scheduler may or may not have run since."""
        self.clock.advance(days=days, hours=hours)
        if not sweep:
            return
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

    # --- invariants: one snapshot per step, then each rule checked against it ------------------

    @invariant()
    def the_rules_held(self) -> None:
        with self.factory() as s:
            assert verify_chains(s) == [], "an audit chain no longer verifies"
            snapshot = Snapshot.load(s, self.case_ids)
            for check in self.checks():
                check(snapshot)

    def checks(self) -> list:
        return [self.each_case_has_exactly_the_deadlines_its_state_requires]

    def each_case_has_exactly_the_deadlines_its_state_requires(self, snap: "Snapshot") -> None:
        for case in snap.cases:
            live = sorted(snap.live_deadlines.get(case.id, []))
            if case.status in self.workflow.terminal:
                assert live == [], f"{case.ref} is {case.status} but has live deadlines {live}"
            else:
                required = sorted(required_deadlines(self.workflow, case, self.service.limits, self.service.calendar))
                assert live == required, f"{case.ref} in {case.status}: {live} != {required}"


@dataclass
class Snapshot:
    """The cases of one example, their live deadline kinds and audit entries, read at once."""

    cases: list[Case]
    live_deadlines: dict[int, list[str]]
    entries: dict[int, list[AuditEntry]]

    @classmethod
    def load(cls, session, case_ids: list[int]) -> "Snapshot":
        cases = list(session.scalars(select(Case).where(Case.id.in_(case_ids))))
        live: dict[int, list[str]] = {}
        for case_id, kind in session.execute(select(Deadline.case_id, Deadline.kind).where(
                Deadline.case_id.in_(case_ids), Deadline.status.in_(LIVE))):
            live.setdefault(case_id, []).append(kind)
        entries: dict[int, list[AuditEntry]] = {}
        for entry in session.scalars(select(AuditEntry).where(AuditEntry.case_id.in_(case_ids))
                                     .order_by(AuditEntry.case_id, AuditEntry.seq)):
            entries.setdefault(entry.case_id, []).append(entry)
        return cls(cases, live, entries)


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

    def checks(self) -> list:
        return super().checks() + [self.consultation_never_opens_on_an_incomplete_assessment,
                                   self.notice_is_never_shorter_than_the_minimum_without_a_signed_off_exception,
                                   self.no_funder_officer_ever_decides_their_own_case]

    def consultation_never_opens_on_an_incomplete_assessment(self, snap: Snapshot) -> None:
        for case in snap.cases:
            if case.status in DECIDED:
                done = case.data.get("assessment") or {}
                assert all(str(done.get(k) or "").strip() for k, _ in ASSESSMENT_SECTIONS), case.data

    def notice_is_never_shorter_than_the_minimum_without_a_signed_off_exception(self, snap: Snapshot) -> None:
        for case in snap.cases:
            if case.status not in ("notice_period", "closed_changed"):
                continue
            notice = case.data["notice"]
            if not (case.data.get("exception") or {}).get("signed_off_on"):
                assert as_date(notice["effective_on"]) >= as_date(notice["earliest_effective"]), notice
            assert as_date(notice["effective_on"]) > as_date(notice["deemed_given_on"]), notice

    def no_funder_officer_ever_decides_their_own_case(self, snap: Snapshot) -> None:
        for case in snap.cases:
            officers = {p.id for p in case.assignees(CaseRole.FUNDER_OFFICER)}
            deciders = {e.actor_id for e in snap.entries.get(case.id, [])
                        if e.trigger in ("decide_change", "decide_no_change", "sign_off_exception")}
            assert not officers & deciders, f"{case.ref}: decided by its funder officer"


def before(entries: list[AuditEntry], trigger: str) -> list[AuditEntry]:
    """The entries written before the first time `trigger` was fired."""
    first = next((e.seq for e in entries if e.trigger == trigger), None)
    return [e for e in entries if first is None or e.seq < first]


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

    def checks(self) -> list:
        return super().checks() + [self.the_senior_reviewer_was_never_involved_before,
                                   self.the_panel_was_never_involved_before,
                                   self.the_mediator_never_comes_from_a_party]

    def the_senior_reviewer_was_never_involved_before(self, snap: Snapshot) -> None:
        for case in snap.cases:
            earlier = before(snap.entries.get(case.id, []), "assign_reviewer")
            for reviewer in case.assignees(CaseRole.SENIOR_REVIEWER):
                assert reviewer not in case.assignees(CaseRole.RESPONDENT_OFFICER), case.ref
                assert all(e.actor_id != reviewer.id for e in earlier), case.ref

    def the_panel_was_never_involved_before(self, snap: Snapshot) -> None:
        for case in snap.cases:
            panel = {p.id for p in case.assignees(CaseRole.PANEL_MEMBER)}
            if panel:
                assert len(panel) == 3, case.ref
                earlier = before(snap.entries.get(case.id, []), "appoint_panel")
                assert all(e.actor_id not in panel for e in earlier), case.ref

    def the_mediator_never_comes_from_a_party(self, snap: Snapshot) -> None:
        for case in snap.cases:
            for mediator in case.assignees(CaseRole.MEDIATOR):
                assert mediator.organisation_id not in case.party_org_ids(), case.ref


@pytest.mark.parametrize("machine", [FundingChangeMachine, DisputeMachine], ids=["funding_change", "dispute"])
def test_random_actions_never_break_the_rules(machine, engine):
    run_state_machine_as_test(lambda: machine(engine), settings=SETTINGS)


@pytest.mark.parametrize("machine, start, end", [
    (FundingChangeMachine, "a_funder_officer_opens_a_case", "closed_changed"),
    (DisputeMachine, "the_organisation_raises_a_dispute", "closed")], ids=["funding_change", "dispute"])
def test_the_machines_reach_the_end_of_each_process(machine, start, end, engine):
    """The journey the machines follow, and the scheduler they run, take a case to its end
    with every rule holding on the way."""
    machine = machine(engine)
    getattr(machine, start)()
    for step in machine.journey:
        machine.clock.advance(days=step.days_after)
        machine.attempt(machine.case_ids[0], step.trigger, machine.ids[step.who],
                        step.data_for(machine.clock.now(), machine.ids))
        machine.the_rules_held()
    machine.time_passes(days=120, hours=0, sweep=True)
    assert machine.status(machine.case_ids[0]) == end
    machine.the_rules_held()
