"""One-line boxes refuse line breaks, tabs and other control characters with a clear message,
keep what was typed and write nothing: a case title, an improvement plan's actions (they
become deadline labels, then reminder subjects), people's names and email addresses,
organisation names, holiday names and the sign-in email. (NUL is still dropped quietly, as
tests/web/test_bad_input.py shows.) Administrators see a message that could not be built."""
import pytest

from casework.messages import MessageStatus, OutboxMessage
from casework.persistence import unit_of_work
from notifications.delivery import deliver_due
from notifications.emails import email_content, new_message_id
from notifications.transports import SmtpTransport
from tests.factories import funding_case_at
from tests.reliability.helpers import SmtpSink
from tests.web.helpers import PASSWORD, page, snapshot

#: CR, LF, CRLF, tab, vertical tab, escape, DEL, NEL (C1) and Unicode's line separator.
CONTROLS = ["\r", "\n", "\r\n", "\t", "\x0b", "\x1b", "\x7f", "\x85", "\u2028"]
IDS = ["CR", "LF", "CRLF", "TAB", "VT", "ESC", "DEL", "NEL", "LSEP"]


def refusal(label: str) -> str:
    return f"{label} must not include line breaks, tabs or other control characters"


@pytest.mark.parametrize("control", CONTROLS, ids=IDS)
def test_a_case_title_on_more_than_one_line_is_refused(signed_in, cast, engine, control):
    fo = signed_in("fo")
    before = snapshot(engine)
    title = f"Lunch club{control}Bcc: thief@evil.example"

    response = fo.submit("/cases/new", {"title": title, "vco": str(cast.orgs["kitchen"]),
                                                     "decision_maker": str(cast["dm"])})

    assert response.status_code == 400
    assert page(response).errors == [refusal("Programme or service")]
    assert page(response).value("title") is not None, "what was typed is shown again"
    assert snapshot(engine) == before


@pytest.mark.parametrize("control", ["\r", "\n", "\x1b", "\u2028"], ids=["CR", "LF", "ESC", "LSEP"])
@pytest.mark.parametrize("box, label", [("action_1_what", "What will be done"), ("action_1_who", "Who will do it")])
def test_an_improvement_plan_action_on_more_than_one_line_is_refused(service, cast, clock, signed_in, engine, box,
                                                                     label, control):
    case = funding_case_at(service, cast, clock, "improvement_planning")
    vl = signed_in("vl")
    before = snapshot(engine)
    # Every other answer is right, so the control character is the only problem: a plan has
    # an end date now, here 31 January 2027, after the action's 15 January 2027.
    answers = {"case_version": str(case.version), "action_1_what": "Recruit volunteers",
               "action_1_who": "Kitchen manager", "action_1_by": ["15", "1", "2027"], "plan_end": ["31", "1", "2027"]}
    answers[box] = f"Recruit{control}volunteers"

    response = vl.submit(f"/cases/{case.id}/actions/propose_plan", answers)

    assert response.status_code == 400
    assert page(response).errors == [refusal(label)]
    assert snapshot(engine) == before


def test_the_engine_puts_a_title_and_an_action_on_one_line_whoever_calls_it(service, cast, clock):
    case = service.open_funding_case(cast["fo"], {"title": "Lunch\r\nclub\t\u2028for all",
                                                  "vco": cast.orgs["kitchen"]}, clock.now())
    assert case.title == "Lunch club for all"


@pytest.mark.parametrize("control", ["\r\n", "\t", "\x1b", "\u2028"], ids=["CRLF", "TAB", "ESC", "LSEP"])
@pytest.mark.parametrize("url, answers, label", [
    ("/admin/people", {"name": "Jo{c}Bloggs", "email": "jo@example.org", "password": "a-long-enough-password",
                       "roles": "vco_staff"}, "Full name"),
    ("/admin/people", {"name": "Jo Bloggs", "email": "jo@example.org{c}Bcc: thief@evil.example",
                       "password": "a-long-enough-password", "roles": "vco_staff"}, "Email address"),
    ("/admin/organisations", {"name": "Welling{c}Food Bank", "kind": "vco"}, "Name"),
    ("/admin/holidays", {"on": ["10", "5", "2027"], "name": "A{c}coronation"}, "Name of the holiday"),
])
def test_administrators_boxes_refuse_control_characters(signed_in, cast, engine, url, answers, label, control):
    answers = {k: v.format(c=control) if isinstance(v, str) else v for k, v in answers.items()}
    if url == "/admin/people":
        answers["organisation"] = str(cast.orgs["kitchen"])
    admin = signed_in("admin")
    before = snapshot(engine)

    response = admin.submit(url, answers)

    assert response.status_code == 400
    assert refusal(label) in page(response).errors
    assert snapshot(engine) == before


def test_a_persons_name_changed_to_two_lines_is_refused(signed_in, cast, engine):
    admin = signed_in("admin")
    before = snapshot(engine)
    response = admin.submit(f"/admin/people/{cast['vl']}", {
        "name": "Grace\nAdeyemi", "email": "vl@example.org", "organisation": str(cast.orgs["kitchen"]),
        "roles": "vco_staff"})
    assert response.status_code == 400 and page(response).errors == [refusal("Full name")]
    assert snapshot(engine) == before


def test_a_sign_in_email_with_a_line_break_is_refused_clearly(client):
    response = client.submit("/sign-in", {"email": "fo@example.org\r\n", "password": PASSWORD})
    assert response.status_code == 200 and page(response).errors == [refusal("Email address")]


def test_administrators_see_a_message_that_could_not_be_built(factory, clock, signed_in):
    with unit_of_work(factory) as s:
        s.add(OutboxMessage(dedupe_key="broken", message_id=new_message_id("casework@bexley.example"),
                            to_address="vl@example.org\nBcc: thief@evil.example", subject="Reminder",
                            content=email_content(name="Grace", subject="Reminder", happened="x", todo=(),
                                                  case_url="https://casework.test/cases/1", case_ref="FC-0001"),
                            next_attempt_at=clock.now(), created_at=clock.now(), status=MessageStatus.PENDING,
                            attempts=0))
    sink = SmtpSink().start()
    try:
        result = deliver_due(factory, SmtpTransport("127.0.0.1", sink.port, security="none", timeout=5),
                             clock.now(), "deliverer-1", sender="casework@bexley.example")
    finally:
        sink.stop()
    assert result.failed == 1

    shown = page(signed_in("admin").get("/admin/failed-messages"))

    [row] = shown.rows("Failed messages")
    assert "The email could not be built" in row and "Reminder" in row
