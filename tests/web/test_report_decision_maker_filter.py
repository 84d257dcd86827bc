"""The report's "Decision-maker" filter (reporting.md section 6: for internal users only): a
checkbox group in the filter panel, a selected-filter tag that removes it, the filter printed
in every export, and nothing for VCO staff, whatever the link asks."""
import csv
import io

from sqlalchemy import update

from casework.organisations import Person
from casework.persistence import unit_of_work
from tests.factories import funding_case_at
from tests.web.helpers import page

REASONS = {"consideration": "Read their response in full.", "options_weighed": "No change; reduce; end.",
           "rationale": "A reduction keeps the service open at current demand."}
PERIOD = "H2 2026/27 (1 October 2026 to 31 March 2027)"


def decided_by_a_member(service, factory, cast, clock) -> None:
    with unit_of_work(factory) as db:
        db.execute(update(Person).where(Person.id == cast["dm"]).values(decides_as="elected_member"))
    case = funding_case_at(service, cast, clock, "decision_pending")
    service.fire(case.id, "decide_no_change", cast["dm"], REASONS, clock.now())


def test_council_staff_filter_decisions_by_who_made_them(signed_in, service, factory, cast, clock):
    decided_by_a_member(service, factory, cast, clock)
    browser = signed_in("fo")
    response = browser.get("/reports?decided_as=elected_member&route=performance")
    members = page(response)
    assert members.fields["decided_as"] == ["elected_member"], "the box stays ticked"
    assert "Decision-maker" in members.text and "Outcomes and decision times only" in members.text
    # The selected-filter tag removes this filter and keeps the others.
    assert ('<a class="moj-filter__tag" href="/reports?route=performance"><span class="govuk-visually-hidden">'
            'Remove this filter</span> Elected member</a>') in response.get_data(as_text=True)
    # Officers made no decision: M6 counts none for them, one for elected members.
    officers = browser.get("/reports/m6_decision_timeliness.csv?decided_as=senior_officer")
    rows = list(csv.reader(io.StringIO(officers.get_data().decode("utf-8-sig"))))
    assert rows[1][:2] == ["Decision", "0"]
    meta = dict(r for r in rows[rows.index(["Filters and metadata"]) + 1:])
    assert meta["Filter: Decision-maker"] == "Senior officer"
    by_members = list(csv.reader(io.StringIO(browser.get("/reports/m6_decision_timeliness.csv?decided_as=elected_member")
                                             .get_data().decode("utf-8-sig"))))
    assert by_members[1][:2] == ["Decision", "1"]


def test_an_unknown_decision_maker_is_ignored(signed_in, cast):
    shown = page(signed_in("fo").get("/reports?decided_as=mayor"))
    assert shown.fields.get("decided_as", []) == []
    assert "Decision-maker" in shown.text   # the question is still offered


def test_vco_staff_are_not_offered_the_filter_and_it_does_not_apply(signed_in, service, factory, cast, clock):
    decided_by_a_member(service, factory, cast, clock)
    shown = page(signed_in("vl").get("/reports?decided_as=senior_officer"))
    assert "decided_as" not in shown.fields
    assert "Outcomes and decision times only" not in shown.text
    rows = list(csv.reader(io.StringIO(signed_in("vl").get("/reports/m6_decision_timeliness.csv?decided_as=senior_officer")
                                       .get_data().decode("utf-8-sig"))))
    assert rows[1][:2] == ["Decision", "1"], "the kitchen's decision still counts"
