"""GOV.UK forms built from a transition's fields, so every action page asks exactly what the
workflow table says it needs. Values go to the engine as plain strings and lists; the engine
checks and parses them, and its problems come back onto the fields. The administrators'
question pages (people, organisations) have forms of their own at the end, checked the same
way by casework.administration."""
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (GovCheckboxesInput, GovCheckboxInput, GovDateInput,
                                                GovPasswordInput, GovRadioInput, GovSelect, GovSubmitInput,
                                                GovTextArea, GovTextInput)
from wtforms import (BooleanField, DateField, HiddenField, PasswordField, RadioField, SelectField,
                     SelectMultipleField, StringField, SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice

from casework.administration import MIN_PASSWORD
from workflows.definitions import Field

ACTION_ROWS = 5


class GovDate(DateField):
    """A day-month-year date that never breaks on a missing or partial submission."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateInput(), **kwargs)

    def process_formdata(self, valuelist):
        valuelist = [str(v)[:10] for v in (list(valuelist) + ["", "", ""])[:3]]
        self.raw_data = valuelist
        if not any(v.strip() for v in valuelist):
            self.data = None
            return
        try:
            day, month, year = (int(v) for v in valuelist)
            self.data = date(year, month, day)
        except (ValueError, OverflowError):
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date") from None

    def _value(self):
        if self.raw_data:
            return self.raw_data
        if self.data:
            return [str(self.data.day), str(self.data.month), str(self.data.year)]
        return ["", "", ""]


class ActionForm(FlaskForm):
    case_version = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def build_form(fields: tuple[Field, ...], options: dict[str, list[tuple[str, str]]], submit: str,
               data: dict | None = None) -> ActionForm:
    """A form for these fields; `options` gives the choices of person fields and numbered items."""
    attrs = {"submit": SubmitField(submit, widget=GovSubmitInput())}
    for f in fields:
        if f.kind == "actions":
            for n in range(1, ACTION_ROWS + 1):
                attrs[f"action_{n}_what"] = StringField("What will be done", widget=GovTextInput())
                attrs[f"action_{n}_who"] = StringField("Who will do it", widget=GovTextInput())
                attrs[f"action_{n}_by"] = GovDate("By when", description="For example, 27 3 2027")
        elif f.kind == "datetime":
            attrs[f"{f.name}_date"] = GovDate(f"{f.label}: date")
            attrs[f"{f.name}_time"] = StringField(f"{f.label}: time", widget=GovTextInput(),
                                                  description="Use the 24-hour clock, for example 14:30")
        else:
            attrs[f.name] = _field(f, options.get(f.name, []))
    form_class = type("GeneratedActionForm", (ActionForm,), attrs)
    return form_class(data=data)


def _field(f: Field, people: list[tuple[str, str]]):  # people: choices for person and int fields
    label = f.label if f.required else f"{f.label} (optional)"
    if f.kind == "text":
        return StringField(label, widget=GovTextInput(), description=f.hint)
    if f.kind == "date":
        return GovDate(label, description=f.hint)
    if f.kind == "choice":
        return RadioField(label, choices=_choices(f.choices), widget=GovRadioInput(), validate_choice=False)
    if f.kind == "person":
        return RadioField(label, choices=_choices(people), widget=GovRadioInput(), validate_choice=False)
    if f.kind == "multichoice":
        return SelectMultipleField(label, choices=_choices(f.choices), widget=GovCheckboxesInput(),
                                   validate_choice=False)
    if f.kind == "confirm":
        return BooleanField(f.label, widget=GovCheckboxInput())
    if f.kind == "int":
        if people:
            return RadioField(label, choices=_choices(people), widget=GovRadioInput(), validate_choice=False)
        return HiddenField(label)
    return TextAreaField(label, widget=GovTextArea(), description=f.hint)


def engine_data(form: ActionForm, fields: tuple[Field, ...]) -> dict:
    """What the person gave, in the shape the engine's field parser reads."""
    out: dict = {}
    for f in fields:
        if f.kind == "actions":
            out[f.name] = [row for row in (_action_row(form, n) for n in range(1, ACTION_ROWS + 1)) if any(row.values())]
        elif f.kind == "datetime":
            day = form[f"{f.name}_date"].data
            time_text = (form[f"{f.name}_time"].data or "").strip()
            out[f.name] = f"{day.isoformat()}T{_clock(time_text)}" if day and time_text else ""
        elif f.kind == "date":
            out[f.name] = form[f.name].data.isoformat() if form[f.name].data else ""
        elif f.kind == "confirm":
            out[f.name] = "yes" if form[f.name].data else ""
        else:
            out[f.name] = form[f.name].data
    return out


def _action_row(form: ActionForm, n: int) -> dict:
    by = form[f"action_{n}_by"].data
    return {"what": (form[f"action_{n}_what"].data or "").strip(), "who": (form[f"action_{n}_who"].data or "").strip(),
            "by": by.isoformat() if by else ""}


def _clock(text: str) -> str:
    """'14:30' or '2:30pm' as HH:MM; anything else is passed on for the engine to refuse."""
    t = text.lower().replace(".", ":").replace(" ", "")
    pm, am = t.endswith("pm"), t.endswith("am")
    t = t.removesuffix("pm").removesuffix("am")
    hours, _, minutes = t.partition(":")
    if not (hours.isdigit() and (minutes.isdigit() or minutes == "")):
        return "invalid"
    h, m = int(hours) % 12 + (12 if pm else 0) if (pm or am) else int(hours), int(minutes or 0)
    return f"{h:02d}:{m:02d}" if 0 <= h < 24 and 0 <= m < 60 else "invalid"


def apply_problems(form: ActionForm, fields: tuple[Field, ...], problems: dict[str, str]) -> None:
    """Put the engine's problems onto the form's fields, for the error summary."""
    for name, message in problems.items():
        kind = next((f.kind for f in fields if f.name == name), "")
        target = {"actions": "action_1_what", "datetime": f"{name}_date"}.get(kind, name)
        if target in form:
            form[target].errors = list(form[target].errors) + [message]
        else:
            form.form_errors.append(message)


# --- administration ------------------------------------------------------------------------

#: Roles as administrators read them, with what each lets the person do.
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

    name = StringField("Full name", widget=GovTextInput())
    email = StringField("Email address", widget=GovTextInput())
    organisation = SelectField("Organisation", widget=GovSelect(), validate_choice=False)
    roles = SelectMultipleField("Roles", choices=_choices(ROLE_CHOICES), widget=GovCheckboxesInput(),
                                validate_choice=False, description="Select all that apply.")
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class NewPersonForm(PersonForm):
    """Adding a person: their details and the password they will first sign in with."""

    password = PasswordField("Password", widget=GovPasswordInput(),
                             description=f"At least {MIN_PASSWORD} characters.")
    submit = SubmitField("Add person", widget=GovSubmitInput())


class OrganisationForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput())
    kind = RadioField("Type of organisation", choices=_choices(ORGANISATION_KINDS), widget=GovRadioInput(),
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
