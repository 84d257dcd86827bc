"""Form errors in GOV.UK words: "Select" for choices, names keep their capitals, the sending
time's two boxes, and every problem shown at once."""
import pytest

from casework.errors import InvalidInput
from tests.factories import funding_case_at
from tests.web.helpers import page
from workflows.fields import parse_fields
from workflows.opening import DISPUTE_FIELDS, FUNDING_CASE_FIELDS


def problems(fields, raw) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        parse_fields(fields, raw)
    return refused.value.problems


def test_choices_left_blank_ask_people_to_select():
    assert problems(FUNDING_CASE_FIELDS, {})["vco"] == "Select funded organisation"
    dispute = problems(DISPUTE_FIELDS, {})
    assert dispute["respondent"] == "Select organisation the dispute is with"
    assert dispute["undertakings"] == "Select Compact undertakings concerned"


def test_a_concern_with_an_impossible_date_and_blank_boxes_shows_every_problem(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "draft")
    fo = signed_in("fo")
    url = f"/cases/{case.id}/actions/raise_concern"
    response = fo.submit(url, {"case_version": page(fo.get(url)).value("case_version"),
                               "letter_date": ["31", "2", "2026"]})
    errors = page(response).errors
    assert response.status_code == 400
    assert "Enter issues found" in errors and "Enter evidence" in errors
    assert any("must be a real date" in e for e in errors)
    assert not any(e.startswith("Enter date of the concern letter") for e in errors)


def test_the_notice_asks_for_a_sending_date_and_a_sending_time(service, cast, clock, signed_in):
    case = funding_case_at(service, cast, clock, "notice_pending")
    fo = signed_in("fo")
    html = fo.get(f"/cases/{case.id}/actions/issue_notice").get_data(as_text=True)
    assert "Sending date" in html and "Sending time: time" not in html
    assert "govuk-input--width-5" in html


def test_questions_left_blank_are_named_in_words_that_read():
    from workflows.registry import WORKFLOWS

    def fields_of(workflow: str, trigger: str):
        return WORKFLOWS[workflow].rows(trigger)[0].fields
    assert problems(fields_of("funding_change", "record_support"), {"what": "A recruitment advert"}) == {
        "when": "Enter date of the support"}
    assert problems(fields_of("dispute", "assign_mediator"), {"declaration": "None."})["person"] == "Select mediator"
    assert problems(fields_of("dispute", "record_external_referral"), {"reference": "R1"})["body"] == (
        "Select who it was referred to")
