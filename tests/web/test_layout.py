"""Layout that must hold at 320px wide and with long titles: wide tables scroll inside a
focusable region, and a title longer than a case keeps is refused with an error."""
import pytest
from sqlalchemy import func, select

from casework.cases import Case
from tests.factories import funding_case_at


def test_a_title_longer_than_300_characters_is_refused_with_an_error(signed_in, cast, factory):
    fo = signed_in("fo")
    response = fo.submit("/cases/new", {"title": "x" * 301, "vco": str(cast.orgs["kitchen"]),
                                        "decision_maker": str(cast["dm"])})
    assert response.status_code == 400
    assert "Programme or service must be 300 characters or fewer" in response.get_data(as_text=True)
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(Case)) == 0


def test_a_title_of_300_characters_is_kept_whole(signed_in, cast, factory):
    fo = signed_in("fo")
    response = fo.submit("/cases/new", {"title": "x" * 300, "vco": str(cast.orgs["kitchen"]),
                                        "decision_maker": str(cast["dm"])})
    assert response.status_code == 302
    with factory() as db:
        assert db.scalar(select(Case.title)) == "x" * 300


@pytest.mark.parametrize("who, url", [("fo", "/"), ("fo", "/cases"), ("vl", "/mail"), ("admin", "/admin/people")])
def test_tables_sit_in_a_focusable_scrolling_region(signed_in, service, cast, clock, who, url):
    funding_case_at(service, cast, clock, "concern_raised")
    html = signed_in(who).get(url).get_data(as_text=True)
    tables = html.count('<table class="govuk-table"')
    assert tables >= 1
    assert html.count('class="app-table-region" role="region"') == tables
    assert html.count('tabindex="0">\n<table') == tables


def test_the_accessibility_statement_gives_fixed_dates_not_today(app, clock):
    from tests.factories import later
    later(clock, days=40)
    html = app.test_client().get("/accessibility").get_data(as_text=True)
    assert "This statement was prepared on 25 November 2026. It was last reviewed on 25 November 2026." in html
    assert "This service was last tested on 25 November 2026" in html
