"""The administrators' question pages: people and organisations (checked by
casework.administration) and a one-off bank holiday."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (GovCheckboxesInput, GovRadioInput,
                                                GovSelect, GovSubmitInput, GovTextInput)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import StopValidation

from casework.administration import OrganisationContact, clean
from casework.settings import ExtraHoliday
from web.forms.inputs import GovDate, choice_list, single_line

ROLE_CHOICES = [
    ("funder_officer", "Funder officer: runs funding cases at a council or NHS body"),
    ("decision_maker", "Decision-maker: decides on changes to funding"),
    ("vco_staff", "VCO staff: works at a voluntary or community organisation"),
    ("mediator", "Mediator"),
    ("senior_reviewer", "Senior reviewer: reviews disputes at stage 2"),
    ("panel_member", "Compact panel member"),
    ("administrator", "Administrator: manages people, organisations, bank holidays and time limits"),
]
#: Each role's short name, as the list of people shows it ("VCO staff").
ROLE_NAMES = {value: label.partition(":")[0] for value, label in ROLE_CHOICES}
#: How a decision-maker decides (casework.organisations.DecidesAs).
DECIDES_AS = [
    ("senior_officer", "As a senior officer, under delegated authority"),
    ("elected_member", "As an elected member, such as a cabinet member or for a committee"),
]
ORGANISATION_KINDS = [
    ("vco", "Voluntary or community organisation"),
    ("statutory", "Funder (council or NHS body)"),
    ("infrastructure", "Voluntary-sector support body"),
]


class PersonForm(FlaskForm):
    """A person's details; the organisation's choices are set by the view."""

    name = StringField("Full name", widget=GovTextInput(), validators=[single_line])
    email = StringField("Email address", widget=GovTextInput(), validators=[single_line])
    job_title = StringField("Job title (optional)", widget=GovTextInput(), validators=[single_line],
                            description="Letters they send are signed with it, for example Contract manager.")
    organisation = SelectField("Organisation", widget=GovSelect(), validate_choice=False)
    roles = SelectMultipleField("Roles", choices=choice_list(ROLE_CHOICES), widget=GovCheckboxesInput(),
                                validate_choice=False, description="Select all that apply.")
    decides_as = RadioField("If they are a decision-maker, how do they decide?", choices=choice_list(DECIDES_AS),
                            widget=GovRadioInput(), validate_choice=False,
                            description="Each decision they make records it, and the compliance report can be "
                                        "filtered by it.")
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class NewPersonForm(PersonForm):
    """Adding a person: their details. They choose their own password from the invitation
    emailed to them (notifications.accounts.invite)."""

    submit = SubmitField("Add person", widget=GovSubmitInput())


class OrganisationForm(FlaskForm):
    """An organisation's name and type, and the postal address and contact its letters give
    (checked by casework.administration.contact_values)."""

    name = StringField("Name", widget=GovTextInput(), validators=[single_line])
    kind = RadioField("Type of organisation", choices=choice_list(ORGANISATION_KINDS), widget=GovRadioInput(),
                      validate_choice=False)
    address_line_1 = StringField("Address line 1", widget=GovTextInput(), validators=[single_line])
    address_line_2 = StringField("Address line 2 (optional)", widget=GovTextInput(), validators=[single_line])
    town = StringField("Town or city", widget=GovTextInput(), validators=[single_line])
    postcode = StringField("Postcode", widget=GovTextInput(), validators=[single_line])
    contact_name = StringField("Who letters are addressed to (optional)", widget=GovTextInput(),
                               validators=[single_line],
                               description="The name after \u201cDear\u201d. If you leave it blank, letters are "
                                           "addressed to the organisation\u2019s longest-standing member of staff.")
    phone = StringField("Telephone number (optional)", widget=GovTextInput(), validators=[single_line],
                        description="Letters from its people give it as the number to call.")
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    def contact(self) -> OrganisationContact:
        """The address and contact as typed."""
        return OrganisationContact(**{name: self[name].data or "" for name in CONTACT_FIELDS})


#: The organisation form's address and contact boxes, in the order they are shown.
CONTACT_FIELDS = ("address_line_1", "address_line_2", "town", "postcode", "contact_name", "phone")


class NewOrganisationForm(OrganisationForm):
    submit = SubmitField("Add organisation", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the page's own button confirms what the page says will happen."""


def put_problems(form: FlaskForm, problems: dict[str, str]) -> None:
    """Put a service's problems onto the form's fields (or the whole form), for the error summary."""
    for name, message in problems.items():
        if name in form and name != "submit":
            form[name].errors = list(form[name].errors) + [message]
        else:
            form.form_errors.append(message)


# --- bank holidays and time limits ------------------------------------------------------------

HOLIDAY_NAME_MAX = ExtraHoliday.__table__.c.name.type.length


class HolidayForm(FlaskForm):
    """A one-off bank holiday: its date and name. Whether the day is a bank holiday already is
    for the calendar to say (see admin.holidays)."""

    on = GovDate("Date of the holiday", description="For example, 8 5 2027")
    name = StringField("Name of the holiday", widget=GovTextInput(), validators=[single_line],
                       description="For example, Coronation of King Charles III")
    submit = SubmitField("Add bank holiday", widget=GovSubmitInput())

    def validate_on(self, field):
        if field.data is None and not field.errors:
            raise StopValidation("Enter the date of the holiday")

    def validate_name(self, field):
        name = clean(field.data or "")
        if not name:
            raise StopValidation("Enter the name of the holiday")
        if len(name) > HOLIDAY_NAME_MAX:
            raise StopValidation(f"Name of the holiday must be {HOLIDAY_NAME_MAX} characters or fewer")


