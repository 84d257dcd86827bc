"""The reports page: council staff see every organisation's figures with the summary and RAG
words; VCO staff see their own organisation's only; filters are GET parameters shown as tags."""
from tests.factories import funding_case_at
from tests.web.helpers import page


def test_contract_manager_sees_summary_and_each_metric(signed_in, service, cast, clock):
    funding_case_at(service, cast, clock, "concern_raised")
    browser = signed_in("fo")
    shown = page(browser.get("/reports"))
    assert "Compact compliance report" in shown.text
    assert "M1 Case flow" in shown.text and "M18 Learning actions" in shown.text
    # The default period is the current financial half-year: 1 December 2026 is in H2 2026/27.
    assert "H2 2026/27 (1 October 2026 to 31 March 2027)" in shown.text
    summary = shown.rows("Compact compliance at a glance, H2 2026/27 (1 October 2026 to 31 March 2027)")
    assert len(summary) == 18
    assert any("M3 Deadline compliance" in row and "95%" in row for row in summary)
    assert "As at" in shown.text and "England and Wales bank holidays" in shown.text


def test_filters_are_shown_as_tags_and_a_bad_custom_date_is_explained(signed_in, service, cast, clock):
    browser = signed_in("fo")
    shown = page(browser.get(f"/reports?period=custom&from=2026-10-01&to=2026-10-31&organisation={cast.orgs['kitchen']}"
                             "&compare=yes"))
    assert "1 October 2026 to 31 October 2026" in shown.text
    assert "Selected filters" in shown.text and "Crayford Community Kitchen" in shown.text
    assert "Compared with the previous period" in shown.text
    bad = browser.get("/reports?period=custom&from=2026-13-01&to=nonsense")
    assert bad.status_code == 200
    assert "Enter a start and an end date" in page(bad).text


def test_vco_staff_see_only_their_own_organisation(signed_in, service, cast, clock):
    funding_case_at(service, cast, clock, "concern_raised")          # the kitchen's case
    browser = signed_in("other_vl")                                    # Erith Youth Partnership
    shown = page(browser.get(f"/reports?organisation={cast.orgs['kitchen']}"))
    assert "Crayford Community Kitchen" not in shown.text
    flow = shown.rows("Funding-change cases by route, H2 2026/27 (1 October 2026 to 31 March 2027)")
    assert flow[-1] == "All routes 0 0 0"
    mine = page(signed_in("vl").get("/reports"))
    assert mine.rows("Funding-change cases by route, H2 2026/27 (1 October 2026 to 31 March 2027)")[-1] == \
        "All routes 1 0 1"


def test_an_administrator_changes_a_target_and_the_report_rates_against_it(signed_in, cast):
    admin = signed_in("admin")
    form = page(admin.get("/admin/report-targets"))
    assert form.value("m3") == "95"                                   # the default
    refused = admin.submit("/admin/report-targets", {"m3": "101", "m9": "100", "m16": "90", "m17": "100"})
    assert refused.status_code == 400
    assert "Enter the target for M3 Deadline compliance as a whole number from 0 to 100" in page(refused).text
    saved = admin.submit("/admin/report-targets", {"m3": "80", "m9": "100", "m16": "90", "m17": "100"})
    assert saved.status_code == 302
    summary = page(signed_in("fo").get("/reports")).rows(
        "Compact compliance at a glance, H2 2026/27 (1 October 2026 to 31 March 2027)")
    assert any(row.startswith("M3 Deadline compliance") and "80%" in row for row in summary)
