"""Table-driven over each whole transition table: for every state, every trigger and every
member of the cast, the engine allows exactly what the table allows, refuses the rest with
the right error, and writes nothing when it refuses.

One case is walked to each state through the service; every action is then tried against it
through the engine, in one session, so that the whole table runs in seconds."""
from datetime import datetime

import pytest
from sqlalchemy import event, select

from casework.audit import AuditEntry
from casework.cases import SYSTEM, Case, CaseRole as R
from casework.errors import (CaseworkError, GateRefused, InvalidInput, NotFound, NotPermitted,
                             TriggerNotAllowed, UnknownTrigger)
from casework.organisations import Person
from tests.factories import counts, dispute_at, funding_case_at
from workflows.context import Hooks
from workflows.definitions import Workflow
from workflows.dispute import WORKFLOW as DISPUTE
from workflows.engine import apply_transition
from casework.cases import load_case
from workflows.funding_change import WORKFLOW as FUNDING

#: Everyone who tries every action: the brief's cast, the D1 officer, and the scheduler.
ACTORS = ("fo", "dm", "vl", "other_vl", "officer", "mediator", "reviewer", "panel1", "admin", "system")
PERMITTED = "permitted"


# --- who holds which role, as a person using the service would describe it ---------------

def funding_roles(actor: str) -> set[str]:
    """A funding case opened by `fo` for the kitchen, with `dm` as decision-maker."""
    return {"fo": {R.FUNDER_OFFICER}, "dm": {R.DECISION_MAKER}, "vl": {R.VCO_LEAD},
            "system": {R.SYSTEM}}.get(actor, set())


def funding_can_see(actor: str, status: str) -> bool:
    """Only the funder officer sees a draft; then the funder's officers and decision-makers
    and the funded organisation. The administrator sees no case content."""
    if status == "draft":
        return actor in ("fo", "system")
    return actor in ("fo", "dm", "vl", "officer", "system")


#: Who is assigned on a dispute by each trigger on the way to its state.
ASSIGNED_BY = {"acknowledge_dispute": ("officer", R.RESPONDENT_OFFICER),
               "assign_reviewer": ("reviewer", R.SENIOR_REVIEWER),
               "assign_mediator": ("mediator", R.MEDIATOR),
               "appoint_panel": ("panel1", R.PANEL_MEMBER)}
#: The council's staff who act for it in a dispute; its administrator is not a party.
RESPONDENT_SIDE = {"fo", "dm", "officer", "reviewer"}


def dispute_roles(actor: str, status: str, fired: list[str]) -> set[str]:
    """A dispute the kitchen (vl) raised against the council."""
    roles = {R.COMPLAINANT} if actor == "vl" else {R.RESPONDENT} if actor in RESPONDENT_SIDE else set()
    roles |= {role for trigger, (who, role) in ASSIGNED_BY.items() if who == actor and trigger in fired}
    if actor == "mediator" and status in ("mediation_requested", "panel_referred"):
        roles.add(R.MEDIATION_SERVICE)
    if actor == "system":
        roles.add(R.SYSTEM)
    return roles


# --- the expectation, from the table -------------------------------------------------------

def expected(workflow: Workflow, status: str, trigger: str, roles: set[str], can_see: bool):
    rows = [t for t in workflow.rows(trigger) if status in workflow.expand(t.sources)]
    if not can_see:
        return NotFound
    if not rows:
        return TriggerNotAllowed
    if not roles & set().union(*(t.who for t in rows)):
        return NotPermitted
    return PERMITTED


def check_every_trigger(service, factory, clock, workflow: Workflow, case: Case, cast, roles_of, can_see):
    """Every (trigger, actor) pair on this case, in one session; returns a list of mismatches.

    A refusal must leave nothing behind: no flush reached the database and nothing is pending
    in the session, checked after each one; at the end the session is committed and what is
    stored is compared with what was stored before. A permitted action runs in a savepoint
    that is rolled back, so every pair is tried against the same case."""
    problems: list[str] = []
    before = counts(factory, case.id)
    flushes: list[int] = []
    with factory() as session:
        event.listen(session, "before_flush", lambda *_: flushes.append(1))
        subject = session.get(Case, case.id)
        people = {actor: SYSTEM if actor == "system" else session.get(Person, cast[actor]) for actor in ACTORS}
        for trigger in workflow.triggers():
            for actor in ACTORS:
                want = expected(workflow, subject.status, trigger, roles_of(actor), can_see(actor))
                label = f"{subject.status} / {trigger} / {actor}"
                # A fresh record each time: a permitted action changes the one it is given.
                attempt = lambda: apply_transition(session, workflow, load_case(session, case.id), trigger,  # noqa: E731
                                                   people[actor], {},
                                                   clock.now(), limits=service.limits,
                                                   calendar=service.calendar, hooks=Hooks())
                if want is PERMITTED:
                    problems += try_permitted(session, attempt, label)
                    continue
                flushes.clear()
                try:
                    attempt()
                    problems.append(f"{label}: expected {want.__name__}, but it was applied")
                except CaseworkError as exc:
                    if type(exc) is not want:
                        problems.append(f"{label}: expected {want.__name__}, got {type(exc).__name__}: {exc}")
                left = session.new | session.dirty | session.deleted
                if flushes or left:
                    return problems + [f"{label}: refused but wrote {len(flushes)} flush(es), left {left}"]
        session.commit()
    after = counts(factory, case.id)
    if after != before:
        problems.append(f"{case.status}: refusals changed what is stored: {before} -> {after}")
    return problems


def try_permitted(session, attempt, label) -> list[str]:
    """Apply in a savepoint that is rolled back: it may want data or be gated, nothing else."""
    savepoint = session.begin_nested()
    try:
        attempt()
    except (InvalidInput, GateRefused):
        pass
    except CaseworkError as exc:
        return [f"{label}: permitted by the table, but refused: {type(exc).__name__}: {exc}"]
    finally:
        savepoint.rollback()
    return []


def fired_triggers(factory, case_id: int) -> list[str]:
    with factory() as s:
        return list(s.scalars(select(AuditEntry.trigger).where(AuditEntry.case_id == case_id).order_by(AuditEntry.seq)))


# --- the tests -------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [s.value for s in FUNDING.states])
def test_funding_change_table_is_enforced_in(status, service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, status)
    problems = check_every_trigger(service, factory, clock, FUNDING, case, cast, funding_roles,
                                   lambda actor: funding_can_see(actor, status))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("status", [s.value for s in DISPUTE.states])
def test_dispute_table_is_enforced_in(status, service, factory, cast, clock):
    case = dispute_at(service, cast, clock, status)
    fired = fired_triggers(factory, case.id)
    problems = check_every_trigger(service, factory, clock, DISPUTE, case, cast,
                                   lambda actor: dispute_roles(actor, status, fired),
                                   lambda actor: bool(dispute_roles(actor, status, fired)))
    assert not problems, "\n".join(problems)


def test_resource_route_table_is_enforced_in_impact_assessment(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "impact_assessment", route="resource")
    problems = check_every_trigger(service, factory, clock, FUNDING, case, cast, funding_roles,
                                   lambda actor: funding_can_see(actor, case.status))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("workflow", ["funding_change", "dispute"])
def test_an_unknown_trigger_is_refused_naming_the_process_and_nothing_is_written(workflow, service, factory,
                                                                                   cast, clock):
    case = (funding_case_at(service, cast, clock, "consultation") if workflow == "funding_change"
            else dispute_at(service, cast, clock, "senior_review"))
    before = counts(factory, case.id)
    with pytest.raises(UnknownTrigger, match="'approve_everything' is not an action in the"):
        service.fire(case.id, "approve_everything", cast["fo"], {}, clock.now())
    assert counts(factory, case.id) == before


def test_a_refusal_names_the_action_and_the_stage(service, cast, clock):
    case = funding_case_at(service, cast, clock, "draft")
    with pytest.raises(TriggerNotAllowed, match="You cannot 'Start consultation' while the case is at 'Draft'"):
        service.fire(case.id, "open_consultation", cast["fo"], {}, clock.now())


def test_a_person_without_the_role_is_told_which_action_they_cannot_take(service, cast, clock):
    case = funding_case_at(service, cast, clock, "decision_pending")
    with pytest.raises(NotPermitted, match="You do not have a role on this case that can 'Decide: change funding'"):
        service.fire(case.id, "decide_change", cast["vl"], {}, clock.now())


def test_a_person_who_cannot_see_the_case_is_told_it_does_not_exist(service, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation")
    with pytest.raises(NotFound, match="There is no case with that reference"):
        service.fire(case.id, "submit_response", cast["other_vl"], {"response": "We object."}, clock.now())


def test_a_deactivated_person_cannot_act(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation")
    with factory.begin() as s:
        s.get(Person, cast["vl"]).is_active = False
    before = counts(factory, case.id)
    with pytest.raises(NotFound):
        service.fire(case.id, "submit_response", cast["vl"], {"response": "We object."}, clock.now())
    assert counts(factory, case.id) == before


def test_missing_details_are_all_named_and_nothing_is_written(service, factory, cast, clock):
    case = funding_case_at(service, cast, clock, "decision_pending")
    before = counts(factory, case.id)
    with pytest.raises(InvalidInput) as refused:
        service.fire(case.id, "decide_change", cast["dm"], {"outcome": "halve"}, clock.now())
    # The organisation responded, so the rule asking how it was considered speaks in the same
    # round as the boxes left blank, not on the next try.
    assert refused.value.problems == {"outcome": "Select outcome from the list",
                                      "options_weighed": "Enter options weighed", "rationale": "Enter rationale",
                                      "consideration": "The organisation responded to the consultation. Say how "
                                                       "their response was considered before deciding."}
    assert counts(factory, case.id) == before


def test_the_time_of_a_system_action_is_the_clock_it_is_given(service, cast, clock):
    case = funding_case_at(service, cast, clock, "consultation")
    with pytest.raises(ValueError, match="timezone-aware"):
        service.fire(case.id, "consultation_closes", None, {}, datetime(2027, 6, 1, 12, 0))
