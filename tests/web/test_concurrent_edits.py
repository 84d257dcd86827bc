"""Two people acting on the same case at once: the first to send wins; the second sees that
the case changed while they were looking at it, and loses nothing they typed."""
import pytest

from tests.factories import counts, funding_case_at
from tests.web.helpers import location, page
from workflows.journeys import CONCERN

URL = "/cases/{}/actions/propose_plan"
#: What the organisation types: markup, quotes, a second line and characters beyond ASCII.
TYPED = {"action_1_what": "Hire a cook & a driver <b>now</b> — “soon”, ünïcode 💡",
         "action_1_who": "Grace's team \"A\"",
         "action_1_by": ["31", "1", "2027"],
         "support_offered": "Line one <script>alert(1)</script>\nLine two & 'three'"}


@pytest.fixture
def both_looking(service, cast, clock, signed_in):
    """(case, funder officer's page, organisation's page), both loaded at the same version."""
    case = funding_case_at(service, cast, clock, "improvement_planning")
    fo, vl = signed_in("fo"), signed_in("vl")
    fo_page, vl_page = page(fo.get(URL.format(case.id))), page(vl.get(URL.format(case.id)))
    assert fo_page.value("case_version") == vl_page.value("case_version") == str(case.version)
    return case, (fo, fo_page), (vl, vl_page)


def plan(version: str, **answers) -> dict:
    return {"case_version": version, "action_1_what": "Recruit volunteers", "action_1_who": "Kitchen manager",
            "action_1_by": ["15", "1", "2027"], "plan_end": ["31", "1", "2027"], **answers}


def test_the_second_to_send_is_told_the_case_changed(both_looking):
    case, (fo, fo_page), (vl, vl_page) = both_looking
    assert fo.submit(URL.format(case.id), plan(fo_page.value("case_version"))).status_code == 302

    second = vl.submit(URL.format(case.id), plan(vl_page.value("case_version"), **TYPED))

    assert second.status_code == 409
    assert any(e.startswith("This case changed while you were looking at it") for e in page(second).errors)


def test_the_second_to_send_still_has_everything_they_typed(both_looking):
    case, (fo, fo_page), (vl, vl_page) = both_looking
    fo.submit(URL.format(case.id), plan(fo_page.value("case_version")))

    shown = page(vl.submit(URL.format(case.id), plan(vl_page.value("case_version"), **TYPED)))

    assert {name: shown.fields.get(name) for name in TYPED} == {
        name: value if isinstance(value, list) else [value] for name, value in TYPED.items()}


def test_the_second_to_send_writes_nothing(both_looking, factory):
    case, (fo, fo_page), (vl, vl_page) = both_looking
    fo.submit(URL.format(case.id), plan(fo_page.value("case_version")))
    after_first = counts(factory, case.id)

    vl.submit(URL.format(case.id), plan(vl_page.value("case_version"), **TYPED))

    assert counts(factory, case.id) == after_first


def test_sending_again_after_the_warning_saves_the_answers(both_looking, factory):
    case, (fo, fo_page), (vl, vl_page) = both_looking
    fo.submit(URL.format(case.id), plan(fo_page.value("case_version")))
    warned = page(vl.submit(URL.format(case.id), plan(vl_page.value("case_version"), **TYPED)))

    again = vl.submit(URL.format(case.id), {name: values if len(values) > 1 else values[0]
                                            for name, values in warned.fields.items()})

    assert again.status_code == 302
    plans = counts(factory, case.id)["data"]["plans"]
    assert plans[-1]["actions"][0]["what"] == TYPED["action_1_what"]


def test_an_action_sent_twice_is_done_once_and_the_second_is_told_the_case_moved_on(service, cast, clock, signed_in,
                                                                                   factory):
    case = funding_case_at(service, cast, clock, "draft")
    fo = signed_in("fo")
    url = f"/cases/{case.id}/actions/raise_concern"
    today = clock.now().date()
    sent = {"case_version": page(fo.get(url)).value("case_version"), **CONCERN,
            "letter_date": [str(today.day), str(today.month), str(today.year)]}
    assert fo.submit(url, sent).status_code == 302

    again = fo.submit(url, sent)

    assert again.status_code == 302 and location(again) == f"/cases/{case.id}"
    shown = page(fo.get(location(again))).text
    assert "Nothing was changed: this case had already moved on when you sent that." in shown
    assert counts(factory, case.id)["audit"] == 2, "opened, then one concern raised"
