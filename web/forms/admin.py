"""The administrators' question pages: people and organisations (checked by
casework.administration) and a one-off bank holiday."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (GovCheckboxesInput, GovRadioInput,
                                                GovSelect, GovSubmitInput, GovTextInput)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import StopValidation

from casework.administration import clean
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
ORGANISATION_KINDS = [
    ("vco", "Voluntary or community organisation"),
    ("statutory", "Funder (council or NHS body)"),
    ("infrastructure", "Voluntary-sector support body"),
]


class PersonForm(FlaskForm):
    """A person's details; the organisation's choices are set by the view."""

    name = StringField("Full name", widget=GovTextInput(), validators=[single_line])
    email = StringField("Email address", widget=GovTextInput(), validators=[single_line])
    organisation = SelectField("Organisation", widget=GovSelect(), validate_choice=False)
    roles = SelectMultipleField("Roles", choices=choice_list(ROLE_CHOICES), widget=GovCheckboxesInput(),
                                validate_choice=False, description="Select all that apply.")
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class NewPersonForm(PersonForm):
    """Adding a person: their details. They choose their own password from the invitation
    emailed to them (notifications.accounts.invite)."""

    submit = SubmitField("Add person", widget=GovSubmitInput())


class OrganisationForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(), validators=[single_line])
    kind = RadioField("Type of organisation", choices=choice_list(ORGANISATION_KINDS), widget=GovRadioInput(),
                      validate_choice=False)
    submit = SubmitField("Save changes", widget=GovSubmitInput())


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


