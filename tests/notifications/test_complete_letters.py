"""Letters are complete (issue #11, item 17; processes.md, Revisions 2026-12-07): each gives the
recipient's name and postal address, the signatory's name and role, and how to contact them;
"no agreement" in mediation and the decision-maker's response to the panel's findings each
send a letter. Read from the PDF's own text.

The clock starts on Tuesday 1 December 2026, 10:00 London; each journey step is a day later."""
import pytest

from casework.organisations import Organisation, Person
from casework.persistence import unit_of_work
from tests.factories import dispute_at, funding_case_at, make_cast
from tests.notifications.test_case_letters import letter_service, pdf_text, sqlite_factory, stored


@pytest.fixture
def factory(tmp_path):
    engine, factory = sqlite_factory(tmp_path)
    yield factory
    engine.dispose()


@pytest.fixture
def service(factory, calendar):
    return letter_service(factory, calendar)


@pytest.fixture
def cast(factory):
    cast = make_cast(factory)
    with unit_of_work(factory) as s:
        kitchen = s.get(Organisation, cast.orgs["kitchen"])
        kitchen.address_line_1, kitchen.address_line_2 = "St Paulinus Church Hall", "61 Iron Mill Lane"
        kitchen.town, kitchen.postcode, kitchen.contact_name = "Crayford", "DA1 4RS", "Grace Adeyemi"
        s.get(Organisation, cast.orgs["council"]).phone = "020 8303 7777"
        s.get(Person, cast["fo"]).job_title = "Grants and contracts manager"
        s.get(Person, cast["mediator"]).job_title = "Community mediator"
    return cast


def test_a_concern_letter_names_the_recipient_and_the_signatory_and_how_to_contact_them(service, cast, clock, factory):
    funding_case_at(service, cast, clock, "concern_raised")
    [letter] = stored(factory, "concern")
    text = pdf_text(letter.pdf)
    assert "Grace Adeyemi Crayford Community Kitchen St Paulinus Church Hall 61 Iron Mill Lane Crayford DA1 4RS" in text
    assert "Dear Grace Adeyemi," in text
    assert "Yours sincerely, Priya Shah Grants and contracts manager London Borough of Bexley" in text
    assert "Contact Priya Shah: email fo@example.org, telephone 020 8303 7777" in text


def test_a_decision_letter_is_signed_by_the_decision_maker_in_their_role(service, cast, clock, factory):
    funding_case_at(service, cast, clock, "notice_pending")
    [letter] = stored(factory, "decision")
    text = pdf_text(letter.pdf)
    # Helen Marsh has no job title: her role on the case says what she does.
    assert "Yours sincerely, Helen Marsh Decision-maker London Borough of Bexley" in text
    assert "Contact Helen Marsh: email dm@example.org" in text


def test_with_no_named_contact_the_letter_is_addressed_to_the_organisations_staff(service, cast, clock, factory):
    with unit_of_work(factory) as s:
        s.get(Organisation, cast.orgs["kitchen"]).contact_name = None
    funding_case_at(service, cast, clock, "concern_raised")
    assert "Dear Grace Adeyemi," in pdf_text(stored(factory, "concern")[0].pdf)   # the kitchen's one member of staff


def test_no_agreement_in_mediation_sends_a_letter_signed_by_the_mediator(service, cast, clock, factory):
    dispute_at(service, cast, clock, "no_agreement")
    [letter] = stored(factory, "dispute_outcome")[-1:]
    assert letter.filename == "dispute-outcome-DS-0001-mediation.pdf"
    text = pdf_text(letter.pdf)
    assert "Outcome: No agreement" in text
    assert "The parties could not agree the timetable." in text
    # No agreement recorded on Sat 12 Dec 2026; the referral window is a calendar month.
    assert "Either side can refer the dispute to the Compact disputes panel by 12 January 2027." in text
    assert "Yours sincerely, Ruth Nolan Community mediator BVSC" in text
    assert "Contact Ruth Nolan: email mediator@example.org" in text


def test_the_response_to_the_panels_findings_is_a_letter(service, cast, clock, factory):
    dispute_at(service, cast, clock, "closed")
    [letter] = stored(factory, "findings_response")
    assert letter.filename == "response-to-findings-DS-0001.pdf"
    text = pdf_text(letter.pdf)
    assert "Dispute DS-0001: our response to the Compact panel's findings" in text
    assert "The panel found a breach of the Compact" in text
    assert "Consult again for 20 working days." in text
    assert "We accept the findings and will consult again." in text
    assert "Yours sincerely, Helen Marsh Decision-maker London Borough of Bexley" in text
