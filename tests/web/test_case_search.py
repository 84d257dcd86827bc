"""Searching the case list and downloading it: words found in titles, organisations' names and
the names of people assigned, or a case's reference; combined with the filters; never an
error whatever is typed; the index kept current when names change; and downloads that hold
exactly the cases the page lists, print their filters and are recorded."""
import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select, update

from casework import queries, search
from casework.administration import change_organisation
from casework.cases import Case
from casework.organisations import Person
from casework.persistence import unit_of_work
from casework.queries import CaseFilter, case_page
from casework.search import search_terms
from casework.security_events import SecurityEvent
from tests.conftest import built_once
from tests.factories import FUNDING_ENDINGS, walk
from tests.web.helpers import Page
from workflows.journeys import FUNDING_PERFORMANCE


@pytest.fixture(autouse=True, params=["sorted", "walked", "parted", "sampled"])
def how_found(request, monkeypatch):
    """Every search each way the list finds results (casework.queries.case_page): a rare word's
    few cases tested and sorted; every word counted as frequent, and then the cases walked
    newest first part by part, stopping at the page ("walked"), or each part's cases found
    sorted ("parted", a part found fewer than WALKED times in the sample); and (frequent
    words found rarely in a sample of one case) every case found sorted ("sampled")."""
    if request.param != "sorted":
        monkeypatch.setattr(search, "FREQUENT", 0)
    if request.param == "walked":
        monkeypatch.setattr(search, "WALKED", 0)
    if request.param == "sampled":
        monkeypatch.setattr(search, "SAMPLE", 1)
    return request.param


@pytest.fixture
def cases(engine, service, cast, clock):
    """Four funding cases with a concern raised (in this order, so FC-0001 to FC-0004): two of
    Crayford Community Kitchen's, one of Erith Youth Partnership's whose title names a
    kitchen, and one without a decision-maker (Helen Marsh) assigned. Made through the engine
    once a worker and database (every test runs four ways), then copied back (`built_once`);
    the clock ends where making them left it."""
    start = clock.now()

    def open_for(org: str, title: str, dm: bool = True):
        data = {"title": title, "vco": cast.orgs[org]} | ({"decision_maker": cast["dm"]} if dm else {})
        clock.advance(hours=1)
        case = service.open_funding_case(cast["fo"], data, clock.now())
        return walk(service, case, FUNDING_PERFORMANCE[:1], cast, clock)

    def build():
        made = {"lunch": open_for("kitchen", "Lunch club for older residents"),
                "meals": open_for("kitchen", "Meals on wheels"),
                "youth": open_for("youth", "Youth kitchen equipment and lunch sessions"),
                "no_dm": open_for("kitchen", "Befriending calls", dm=False)}
        return made, clock.now() - start
    made, took = built_once(engine, "search-cases", build)
    clock.current = start + took
    return made


def found(factory, cast, who: str, typed: str, **filters) -> list[int]:
    with factory() as db:
        person = db.get(Person, cast[who])
        page = case_page(db, person, 1, CaseFilter(search=search_terms(typed), **filters), size=100)
        assert page.total == len(page.items)
        return [line.id for line in page.items]


def ids(cases, *names) -> set[int]:
    return {cases[name].id for name in names}


def test_words_are_found_in_titles_whatever_their_case_and_wherever_they_are(factory, cast, cases):
    assert set(found(factory, cast, "fo", "LUNCH")) == ids(cases, "lunch", "youth")
    assert set(found(factory, cast, "fo", "heel")) == ids(cases, "meals"), "part of a word is found"
    assert found(factory, cast, "fo", "wheelbarrow") == []


def test_organisations_and_people_assigned_are_found_by_name(factory, cast, cases):
    assert set(found(factory, cast, "fo", "erith")) == ids(cases, "youth")
    assert set(found(factory, cast, "fo", "Crayford")) == ids(cases, "lunch", "meals", "no_dm")
    assert set(found(factory, cast, "fo", "helen marsh")) == ids(cases, "lunch", "meals", "youth")


def test_every_word_must_be_found_somewhere_in_the_case(factory, cast, cases):
    assert set(found(factory, cast, "fo", "lunch erith")) == ids(cases, "youth")
    assert set(found(factory, cast, "fo", "crayford lunch")) == ids(cases, "lunch")


def test_a_title_holding_the_words_comes_before_a_name_that_does(factory, cast, cases):
    # "kitchen" is in the youth case's title and in the name of the other three's organisation;
    # the youth case is not the newest, yet comes first.
    assert found(factory, cast, "fo", "kitchen")[0] == cases["youth"].id
    assert found(factory, cast, "fo", "kitchen")[1:] == [cases["no_dm"].id, cases["meals"].id, cases["lunch"].id]


@pytest.mark.parametrize("typed", ["FC-0002", "fc 2", "FC2", "2", "0002"])
def test_a_case_reference_finds_that_case_first(factory, cast, cases, typed):
    assert found(factory, cast, "fo", typed)[0] == cases["meals"].id


def test_a_reference_of_the_other_process_finds_nothing(factory, cast, cases):
    assert found(factory, cast, "fo", "DS-0002") == []


def test_short_words_are_found_too(factory, cast, cases):
    assert set(found(factory, cast, "fo", "ls")) == ids(cases, "meals", "no_dm")
    assert set(found(factory, cast, "fo", "on w")) == ids(cases, "meals")


def test_search_combines_with_the_filters(factory, cast, cases):
    assert set(found(factory, cast, "fo", "lunch", organisation=cast.orgs["kitchen"])) == ids(cases, "lunch")
    assert found(factory, cast, "fo", "lunch", stage=("funding_change", "draft")) == []


def test_a_vco_finds_only_its_own_cases(factory, cast, cases):
    assert set(found(factory, cast, "other_vl", "lunch")) == ids(cases, "youth")
    assert found(factory, cast, "other_vl", "FC-0001") == [], "a reference is no way round who may see a case"
    assert found(factory, cast, "other_vl", "crayford") == []
    assert set(found(factory, cast, "vl", "kitchen")) == ids(cases, "lunch", "meals", "no_dm")


def test_the_index_follows_renamed_organisations_people_and_titles(factory, cast, cases):
    with unit_of_work(factory) as db:
        change_organisation(db, cast.orgs["youth"], "Belvedere Young People's Trust", "vco")
        db.execute(update(Person).where(Person.id == cast["dm"]).values(name="Helen Okonjo"))
        db.execute(update(Case).where(Case.id == cases["meals"].id).values(title="Hot meals delivered"))
    assert found(factory, cast, "fo", "erith") == []
    assert set(found(factory, cast, "fo", "belvedere")) == ids(cases, "youth")
    assert found(factory, cast, "fo", "marsh") == []
    assert set(found(factory, cast, "fo", "okonjo")) == ids(cases, "lunch", "meals", "youth")
    assert found(factory, cast, "fo", "wheels") == [] and found(factory, cast, "fo", "delivered") == [cases["meals"].id]


#: What people (and attackers) type: FTS5 and tsquery operators, quotes, LIKE wildcards, SQL,
#: control characters and far too much.
AWKWARD = ['"', '""', "'", "*", "lunch*", "NEAR", "NEAR(lunch club)", "-", "-lunch", "lunch OR meals", "NOT lunch",
           "title:lunch", "^lunch", "(", ")", "{title}", "%", "_", "\\", "\\%", "\x00", "lun\x00ch", "\u202e",
           "'; DROP TABLE cases; --", '"lunch', 'lunch"', "a" * 1000, "lunch " * 300, "\ud800", "AND", ":*", "&|!"]


@pytest.mark.parametrize("typed", AWKWARD)
def test_anything_typed_is_searched_for_as_text_and_never_fails(factory, cast, cases, typed):
    result = found(factory, cast, "fo", typed)
    if typed in ("%", "_", "\\", "\\%", "*", "NEAR", ":*", "&|!", "'; DROP TABLE cases; --"):
        assert result == [], "operators and wildcards are only text"
    if typed == "AND":
        assert set(result) == ids(cases, "youth"), "the word 'and' of 'equipment and lunch sessions'"
    if typed in ("lun\x00ch", "lunch " * 300):
        assert set(result) == ids(cases, "lunch", "youth")


def test_the_search_box_keeps_what_was_typed_and_finds_it(signed_in, cases):
    page = signed_in("fo").get("/cases?q=meals+on&stage=")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="meals on"' in html and "1 case matching ‘meals on’." in Page(html).text
    assert "Meals on wheels" in html and "Lunch club" not in html


@pytest.mark.parametrize("typed", ['"', "NEAR(", "-", "\x00", "%00", "%", "x" * 1000, "%ud800"])
def test_awkward_searches_on_the_page_answer_with_the_list(signed_in, cases, typed):
    assert signed_in("fo").get(f"/cases?q={typed}").status_code == 200


def test_download_links_keep_the_search_and_the_filters(signed_in, cast, cases):
    html = signed_in("fo").get(f"/cases?q=lunch&organisation={cast.orgs['kitchen']}&page=1").get_data(as_text=True)
    assert f'href="/cases.csv?organisation={cast.orgs["kitchen"]}&amp;q=lunch"' in html
    assert f'href="/cases.xlsx?organisation={cast.orgs["kitchen"]}&amp;q=lunch"' in html


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_a_vco_downloads_only_its_own_cases_with_the_filters_printed(signed_in, factory, cast, cases):
    rows = csv_rows(signed_in("vl").get("/cases.csv?q=lunch"))
    assert rows[0] == ["case_number", "title", "process", "stage", "organisation", "funder", "opened_on",
                       "last_updated_on"]
    assert rows[1][:3] == ["FC-0001", "Lunch club for older residents", "Funding change"]
    assert rows[1][4:7] == ["Crayford Community Kitchen", "London Borough of Bexley", "2026-12-01"]
    assert rows[2] == [], "one case: the youth case's lunch sessions are not the kitchen's to see"
    meta = dict(row for row in rows[4:] if len(row) == 2)
    assert meta["Filter: Search"] == "lunch" and meta["Cases"] == "1" and meta["Exported by"] == "Grace Adeyemi"
    everything = csv_rows(signed_in("other_vl").get("/cases.csv"))
    assert [row[0] for row in everything[1:everything.index([])]] == ["FC-0003"]


def test_a_download_is_recorded_with_who_and_which_filters(signed_in, factory, cast, cases):
    signed_in("fo").get(f"/cases.xlsx?q=kitchen&organisation={cast.orgs['kitchen']}")
    with factory() as db:
        event = db.scalars(select(SecurityEvent).where(SecurityEvent.kind == "exported")).one()
    assert event.person_id == cast["fo"] and event.account == "fo@example.org"
    assert event.detail == "Cases as XLSX, 3 cases; Search: kitchen; Organisation: Crayford Community Kitchen"


def test_the_xlsx_download_holds_the_cases_the_page_lists_in_its_order(signed_in, cast, cases):
    browser = signed_in("fo")
    response = browser.get("/cases.xlsx?q=kitchen")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["Cases", "Definitions", "Filters and metadata"]
    listed = [row[0] for row in book["Cases"].iter_rows(min_row=5, values_only=True)]
    assert listed == ["FC-0003", "FC-0004", "FC-0002", "FC-0001"]
    page = browser.get("/cases?q=kitchen").get_data(as_text=True)
    assert [page.index(ref) for ref in listed] == sorted(page.index(ref) for ref in listed)
    meta = dict(book["Filters and metadata"].iter_rows(min_row=2, values_only=True))
    assert meta["Filter: Search"] == "kitchen"


# --- results found through the index first, then who may see them, in the same order ---------

def page_of(factory, cast, who: str, typed: str, number: int, size: int, **filters):
    with factory() as db:
        page = case_page(db, db.get(Person, cast[who]), number, CaseFilter(search=search_terms(typed), **filters), size)
        return page.total, [line.id for line in page.items]


def test_a_title_holding_every_word_comes_before_newer_cases_holding_them_elsewhere(
        factory, service, cast, clock, cases):
    # A newer kitchen case, FC-0005: "lunch" in its title, "kitchen" only in its organisation's
    # name. "kitchen lunch": the youth case holds both words in its title, so it comes first;
    # then newest first, FC-0005 then FC-0001 (Lunch club, "kitchen" from Crayford Community
    # Kitchen); the meals and befriending cases hold no "lunch".
    clock.advance(hours=1)
    newer = service.open_funding_case(cast["fo"], {"title": "Lunch deliveries", "vco": cast.orgs["kitchen"],
                                                   "decision_maker": cast["dm"]}, clock.now())
    assert found(factory, cast, "fo", "kitchen lunch") == [cases["youth"].id, newer.id, cases["lunch"].id]


def test_the_typed_reference_comes_before_titles_holding_it(factory, service, cast, clock, cases):
    # "2" is the reference FC-0002 (Meals on wheels) and a word of FC-0005's title, which is newer.
    clock.advance(hours=1)
    newer = service.open_funding_case(cast["fo"], {"title": "Lunch club 2", "vco": cast.orgs["kitchen"],
                                                   "decision_maker": cast["dm"]}, clock.now())
    assert found(factory, cast, "fo", "2") == [cases["meals"].id, newer.id]


def test_pages_of_search_results_follow_one_order(factory, cast, cases):
    # "kitchen": the youth case (title) first, then the kitchen's cases newest first.
    assert page_of(factory, cast, "fo", "kitchen", 1, 2) == (4, [cases["youth"].id, cases["no_dm"].id])
    assert page_of(factory, cast, "fo", "kitchen", 2, 2) == (4, [cases["meals"].id, cases["lunch"].id])


def test_search_combines_with_each_filter(factory, service, cast, clock, cases):
    # The clock starts on Tuesday 1 December 2026 and each case's concern is raised a day after
    # the one before: lunch on Wed 2 Dec, meals Thu 3, youth Fri 4, no_dm Sat 5 December. Each
    # is to be acknowledged within 5 working days: by Wed 9, Thu 10, Fri 11 and Fri 11 December
    # (from Saturday: Mon 7 to Fri 11). Closing the meals case ends its deadline.
    walk(service, cases["meals"], (FUNDING_ENDINGS["closed_resolved"][1],), cast, clock)
    kitchen, youth = cast.orgs["kitchen"], cast.orgs["youth"]
    assert found(factory, cast, "fo", "kitchen", stage=("funding_change", "closed_resolved")) == [cases["meals"].id]
    assert found(factory, cast, "fo", "kitchen", stage=("funding_change", "concern_raised")) == [
        cases["youth"].id, cases["no_dm"].id, cases["lunch"].id]
    assert found(factory, cast, "fo", "lunch", stage=("funding_change", "closed_resolved")) == []
    assert found(factory, cast, "fo", "kitchen", organisation=youth) == [cases["youth"].id]
    assert found(factory, cast, "fo", "crayford", organisation=youth) == []
    # Closing the meals case is the kitchen's newest activity.
    assert found(factory, cast, "fo", "kitchen", organisation=kitchen) == [
        cases["meals"].id, cases["no_dm"].id, cases["lunch"].id]
    assert found(factory, cast, "fo", "kitchen", due=(date(2026, 12, 11), date(2026, 12, 11))) == [
        cases["youth"].id, cases["no_dm"].id]
    assert found(factory, cast, "fo", "kitchen", due=(date(2026, 12, 1), date(2026, 12, 9))) == [cases["lunch"].id]
    assert found(factory, cast, "fo", "kitchen", due=(date(2026, 12, 12), date(2026, 12, 31))) == []
    assert found(factory, cast, "fo", "FC-0002", due=(date(2026, 12, 10), date(2026, 12, 10))) == []
    assert found(factory, cast, "fo", "FC-0002", stage=("funding_change", "closed_resolved")) == [cases["meals"].id]


def test_a_short_word_narrows_what_a_longer_word_finds(factory, cast, cases):
    # "kitchen" finds all four cases (a title or Crayford Community Kitchen); "ls" is in "Meals
    # on wheels" and "Befriending calls" only. No title holds both, so newest first.
    assert found(factory, cast, "fo", "kitchen ls") == [cases["no_dm"].id, cases["meals"].id]
    assert found(factory, cast, "fo", "ls kitchen") == [cases["no_dm"].id, cases["meals"].id]


def test_past_the_count_limit_the_list_says_more_and_lists_those_that_match_best(
        signed_in, factory, cast, cases, monkeypatch):
    # With lists counting to 2 rather than 1,000: "kitchen" matches 4 cases, so the page says
    # there are more than 2 and its first page starts with the best, the youth case (the word
    # in its title), then the newest of the kitchen's (FC-0004, Befriending calls).
    monkeypatch.setattr(queries, "COUNT_LIMIT", 2)
    text = Page(signed_in("fo").get("/cases?q=kitchen").get_data(as_text=True)).text
    assert ("More than 2 cases matching ‘kitchen’. These are the 2 that match best: "
            "use the filters to find others.") in text
    with factory() as db:
        page = case_page(db, db.get(Person, cast["fo"]), 1, CaseFilter(search=search_terms("kitchen")), size=1)
    assert (page.total, page.more, page.pages) == (2, True, 2)
    assert [line.id for line in page.items] == [cases["youth"].id]
