"""Time limits are configuration: defaults from the spec, overridden per deployment through
CASEWORK_LIMIT_<NAME>, with the Compact's floors refused."""
import pytest

from casework.errors import GateRefused
from tests.factories import funding_case_at
from workflows.journeys import ASSESSMENT, _respond_by
from workflows.limits import TimeLimits
from workflows.service import CaseService


def test_the_defaults_are_the_specs():
    limits = TimeLimits()
    assert (limits.concern_ack_wd, limits.plan_agree_wd, limits.plan_period_months, limits.consultation_wd,
            limits.consultation_min_wd, limits.decision_wd, limits.notice_months) == (5, 20, 3, 20, 10, 20, 3)


def test_environment_variables_override_the_defaults():
    limits = TimeLimits.from_environ({"CASEWORK_LIMIT_NOTICE_MONTHS": "6", "CASEWORK_LIMIT_CONSULTATION_WD": "30",
                                      "CASEWORK_SECRET_KEY": "unrelated"})
    assert (limits.notice_months, limits.consultation_wd, limits.decision_wd) == (6, 30, 20)


def test_an_unknown_limit_is_refused_by_name():
    with pytest.raises(ValueError, match="Unknown time limit 'notice_weeks'"):
        TimeLimits.from_environ({"CASEWORK_LIMIT_NOTICE_WEEKS": "12"})


def test_a_consultation_minimum_below_ten_working_days_is_refused():
    with pytest.raises(ValueError, match="consultation_min_wd cannot be below 10 working days"):
        TimeLimits.from_environ({"CASEWORK_LIMIT_CONSULTATION_MIN_WD": "9"})


def test_a_default_consultation_shorter_than_the_minimum_is_refused():
    with pytest.raises(ValueError, match="consultation_wd cannot be shorter than consultation_min_wd"):
        TimeLimits.from_environ({"CASEWORK_LIMIT_CONSULTATION_MIN_WD": "15", "CASEWORK_LIMIT_CONSULTATION_WD": "12"})


@pytest.mark.parametrize("value", ["three", "2.5", ""])
def test_a_limit_that_is_not_a_whole_number_is_refused(value):
    with pytest.raises(ValueError, match="Time limit notice_months must be a whole number"):
        TimeLimits.from_environ({"CASEWORK_LIMIT_NOTICE_MONTHS": value})


def test_a_negative_limit_is_refused():
    with pytest.raises(ValueError, match="Time limit decision_wd must be a whole number of 0 or more"):
        TimeLimits.from_environ({"CASEWORK_LIMIT_DECISION_WD": "-1"})


def test_a_deployments_longer_consultation_minimum_is_enforced(factory, cast, clock, calendar):
    service = CaseService(factory, limits=TimeLimits(consultation_min_wd=15), calendar=calendar)
    case = funding_case_at(service, cast, clock, "impact_assessment")     # Thursday 7 January 2027
    service.fire(case.id, "save_assessment", cast["fo"], ASSESSMENT, clock.now())
    fourteen_days = {**_respond_by(clock.now(), {}), "respond_by": "2027-01-27"}
    with pytest.raises(GateRefused, match="at least 15 working days to respond: choose 28 January 2027 or later"):
        service.fire(case.id, "open_consultation", cast["fo"], fourteen_days, clock.now())
