"""The case list and case page write out the markup of GOV.UK Frontend's pagination and
summary list components rather than calling their macros (the macros cost as much as the
rest of a page): the two must agree, for the first, a middle and the last of many pages, and
for a few pages; and for a summary with text that needs escaping."""
import re

import pytest

from web.presenters.formatting import pagination


def markup(html: str) -> str:
    """Markup with the whitespace a browser ignores here taken out."""
    return re.sub(r"\s+", " ", re.sub(r">\s+|\s+<", lambda m: m.group().strip(), html)).strip()


@pytest.mark.parametrize(("number", "pages"), [(1, 2), (2, 2), (1, 5), (3, 5), (5, 5), (1, 400), (7, 400),
                                                (200, 400), (399, 400), (400, 400)])
def test_the_case_list_pagination_is_the_govuk_component(app, number, pages):
    links = pagination(number, pages, lambda n: f"/cases?stage=a%3Ab&page={n}")
    macro = app.jinja_env.from_string(
        '{% from "govuk_frontend_jinja/components/pagination/macro.html" import govukPagination %}'
        "{{ govukPagination(pagination) }}")
    ours = app.jinja_env.get_template("cases/_pagination.html")
    assert markup(ours.render(pagination=links)) == markup(macro.render(pagination=links))


def test_the_case_list_shows_the_first_three_the_last_two_and_the_pages_around_this_one():
    numbers = [item.get("number", "…") for item in pagination(7, 400, str)["items"]]
    assert numbers == [1, 2, 3, "…", 6, 7, 8, "…", 399, 400]


def test_one_page_needs_no_pagination():
    assert pagination(1, 1, str) is None


def test_the_case_summary_is_the_govuk_summary_list(app):
    summary = [("Funded organisation", "Crayford <Community> & Kitchen"), ("Route", ""), ("Opened", "1 December 2026")]
    macro = app.jinja_env.from_string(
        '{% from "govuk_frontend_jinja/components/summary-list/macro.html" import govukSummaryList %}'
        '{{ govukSummaryList({"rows": rows}) }}')
    rows = [{"key": {"text": key}, "value": {"text": value}} for key, value in summary]
    ours = app.jinja_env.get_template("cases/_summary_list.html")
    assert markup(ours.render(summary=summary)) == markup(macro.render(rows=rows))


def test_buttons_that_send_an_action_or_open_a_case_ignore_a_double_click(service, cast, clock, signed_in):
    from tests.factories import funding_case_at
    case = funding_case_at(service, cast, clock, "draft")
    fo = signed_in("fo")
    for url in (f"/cases/{case.id}/actions/raise_concern", "/cases/new"):
        html = fo.get(url).get_data(as_text=True)
        assert re.search(r'<button type="submit"[^>]*data-prevent-double-click="true"', html), url
