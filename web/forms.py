"""GOV.UK forms built from a transition's fields, so every action page asks exactly what the
workflow table says it needs. Values go to the engine as plain strings and lists; the engine
checks and parses them, and its problems come back onto the fields. Dates are GOV.UK date
inputs (GovDate), refused box by box in the pattern's words. The administrators' question
pages have forms of their own at the end: people and organisations, checked by
casework.administration; a one-off bank holiday; and the time limits, each checked in its own
box against the rules of workflows.limits."""
import unicodedata
from dataclasses import dataclass
from dataclasses import fields as dc_fields
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (GovCheckboxesInput, GovCheckboxInput, GovDateInput,
                                                GovPasswordInput, GovRadioInput, GovSelect, GovSubmitInput,
                                                GovTextArea, GovTextInput)
from wtforms import (BooleanField, DateField, HiddenField, PasswordField, RadioField, SelectField,
                     SelectMultipleField, StringField, SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from casework.administration import MIN_PASSWORD, clean
from casework.errors import InvalidInput
from casework.settings import ExtraHoliday
from workflows.definitions import Field
from workflows.fields import parse_fields
from workflows.limits import (CONSULTATION_FLOOR_WD, DEFAULT_LIMITS, MAX_MONTHS, MAX_WORKING_DAYS, NOTICE_FLOOR_MONTHS,
                             TimeLimits)

ACTION_ROWS = 5


#: The boxes of a GOV.UK date input, in the order they are shown and sent.
DATE_PARTS = ("day", "month", "year")
#: Months as some people type them (GOV.UK date input guidance): "december", "dec", "sept".
MONTHS = {name: n for n, full in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                            "august", "september", "october", "november", "december"), start=1)
          for name in (full, full[:3], full[:4])}


class GovDateParts(GovDateInput):
    """The GOV.UK date input, marking only the boxes with a problem, or all three when the
    problem is with the whole date."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        wrong = (getattr(field, "parts_in_error", ()) or DATE_PARTS) if field.errors else ()
        for part, item in zip(DATE_PARTS, params["items"]):
            width = "govuk-input--width-4" if part == "year" else "govuk-input--width-2"
            item["classes"] = f"{width} govuk-input--error" if part in wrong else width
        return params


class GovDate(DateField):
    """A day-month-year date that never breaks on a missing or partial submission. A date left
    blank is None (the form or the engine says whether it is needed); a partial or impossible
    one is refused in the GOV.UK date input's words ("Date of the holiday must include a
    month", "... must be a real date"), and `parts_in_error` names the boxes to mark."""

    parts_in_error: tuple[str, ...] = ()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateParts(), **kwargs)

    def process_formdata(self, valuelist):
        valuelist = [str(v)[:10] for v in (list(valuelist) + ["", "", ""])[:3]]
        self.raw_data, self.data, self.parts_in_error = valuelist, None, ()
        typed = [v.strip() for v in valuelist]
        if not any(typed):
            return
        label = self.label.text
        missing = tuple(part for part, text in zip(DATE_PARTS, typed) if not text)
        if missing:
            self._refuse(missing, f"{label} must include a {' and '.join(missing)}")
        day, month, year = _number(typed[0]), MONTHS.get(typed[1].lower(), _number(typed[1])), _number(typed[2])
        wrong = tuple(part for part, ok in (("day", day is not None and 1 <= day <= 31),
                                            ("month", month is not None and 1 <= month <= 12),
                                            ("year", year is not None)) if not ok)
        if wrong:
            self._refuse(wrong, f"{label} must be a real date")
        if len(typed[2]) != 4:
            self._refuse(("year",), f"{label} must include a year with 4 numbers")
        try:
            self.data = date(year, month, day)
        except ValueError:  # 31 February: no one box is wrong on its own
            self._refuse(DATE_PARTS, f"{label} must be a real date")

    def _refuse(self, parts: tuple[str, ...], message: str):
        # GOV.UK: mark the one box with the problem, or the whole date when it is more than one.
        self.parts_in_error = parts if len(parts) == 1 else DATE_PARTS
        raise ValueError(message)

    def _value(self):
        if self.raw_data:
            return self.raw_data
        if self.data:
            return [str(self.data.day), str(self.data.month), str(self.data.year)]
        return ["", "", ""]


def _number(text: str) -> int | None:
    """A whole number typed in ASCII digits (so "1_000", "²" and "٣" are not numbers here)."""
    return int(text) if text.isascii() and text.isdigit() else None


def single_line(form, field) -> None:
    """Every one-line box: refuse a line break, tab or other control character (they would
    reach an email's subject, a name or a file name). NUL is dropped further on, as before."""
    text = (field.data or "").replace("\x00", "") if isinstance(field.data, str) else ""
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text):
        label = field.label.text.removesuffix(" (optional)")
        raise StopValidation(f"{label} must not include line breaks, tabs or other control characters")


class GovTimeInput(GovTextInput):
    """A text input as wide as a time (GOV.UK: size a box to what goes in it)."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params["classes"] = f"{params.get('classes') or ''} govuk-input--width-5".strip()
        params.setdefault("inputmode", "text")
        return params


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
                attrs[f"action_{n}_what"] = StringField("What will be done", widget=GovTextInput(),
                                                        validators=[single_line])
                attrs[f"action_{n}_who"] = StringField("Who will do it", widget=GovTextInput(),
                                                       validators=[single_line])
                attrs[f"action_{n}_by"] = GovDate("By when", description="For example, 27 3 2027")
        elif f.kind == "datetime":  # "Sending time": a "Sending date" date input, then a "Sending time" box
            attrs[f"{f.name}_date"] = GovDate(f"{f.label.removesuffix(' time')} date", description=f.hint)
            attrs[f"{f.name}_time"] = StringField(f.label if f.label.endswith(" time") else f"{f.label}: time",
                                                  widget=GovTimeInput(), validators=[single_line],
                                                  description="Use the 24-hour clock, for example 14:30")
        else:
            attrs[f.name] = _field(f, options.get(f.name, []))
    form_class = type("GeneratedActionForm", (ActionForm,), attrs)
    return form_class(data=data)


def _field(f: Field, people: list[tuple[str, str]]):  # people: choices for person and int fields
    label = f.label if f.required else f"{f.label} (optional)"
    if f.kind == "text":
        return StringField(label, widget=GovTextInput(), description=f.hint, validators=[single_line])
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
        elif f.name in form:   # a page may leave out a question that does not apply
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


def add_engine_problems(form: ActionForm, fields: tuple[Field, ...]) -> None:
    """When the form itself refused something (an impossible date), also say what the engine
    would refuse in the other fields, so that every problem shows at once."""
    try:
        parse_fields(fields, engine_data(form, fields))
    except InvalidInput as exc:
        apply_problems(form, fields, exc.problems, only_where_none=True)


def _problem_target(form: ActionForm, name: str, kind: str) -> str:
    if kind == "datetime":  # the time box when the date is there: it is the time that is wrong
        return f"{name}_time" if form[f"{name}_date"].data and (form[f"{name}_time"].data or "").strip() \
            and _clock(form[f"{name}_time"].data.strip()) == "invalid" else f"{name}_date"
    return {"actions": "action_1_what"}.get(kind, name)


def apply_problems(form: ActionForm, fields: tuple[Field, ...], problems: dict[str, str],
                   only_where_none: bool = False) -> None:
    """Put the engine's problems onto the form's fields, for the error summary."""
    for name, message in problems.items():
        kind = next((f.kind for f in fields if f.name == name), "")
        target = _problem_target(form, name, kind) if kind == "datetime" and f"{name}_date" in form \
            else {"actions": "action_1_what"}.get(kind, name)
        if only_where_none and target in form and form[target].errors:
            continue
        if kind == "datetime" and target.endswith("_date") and only_where_none and form[f"{name}_time"].errors:
            continue
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

    name = StringField("Full name", widget=GovTextInput(), validators=[single_line])
    email = StringField("Email address", widget=GovTextInput(), validators=[single_line])
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
    name = StringField("Name", widget=GovTextInput(), validators=[single_line])
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


@dataclass(frozen=True)
class LimitWords:
    """How the time limits page names one limit, and what it says about it."""

    label: str
    hint: str = ""


#: Each time limit as administrators read it, under the heading it is shown with. A limit
#: missing here is still shown, under its own name (see limit_groups).
LIMIT_WORDS = {
    "Reminders": {
        "reminder_wd": LimitWords("Time between a reminder and its due date",
                                  "Reminders are sent this many working days before each due date."),
    },
    "Funding-change cases": {
        "concern_ack_wd": LimitWords("Time to acknowledge a concern", "The organisation acknowledges a concern."),
        "plan_agree_wd": LimitWords("Time to agree a plan", "Counted from when the concern was raised."),
        "plan_period_months": LimitWords("Usual length of an improvement plan",
                                         "A funder officer can set another length for each plan."),
        "review_wd": LimitWords("Time to review performance", "Counted from the end of the plan."),
        "consultation_wd": LimitWords("Usual length of a consultation",
                                      "How long the organisation has to respond, unless the funder officer sets "
                                      "another time."),
        "consultation_min_wd": LimitWords("Shortest consultation",
                                          f"The shortest time a funder officer may give. A floor set by the "
                                          f"Compact: it can never be less than "
                                          f"{CONSULTATION_FLOOR_WD} working days."),
        "decision_wd": LimitWords("Time to decide", "Counted from when the consultation closes."),
        "notice_months": LimitWords("Shortest written notice",
                                    f"A floor set by the Compact. It can never be less than {NOTICE_FLOOR_MONTHS} "
                                    "calendar months. Shorter notice needs exceptional circumstances approved by "
                                    "the decision-maker on the case."),
        "notice_ack_wd": LimitWords("Time to acknowledge written notice", "The organisation acknowledges the notice."),
    },
    "Disputes": {
        "dispute_ack_wd": LimitWords("Time to acknowledge a dispute",
                                     "The organisation the dispute is about acknowledges it."),
        "informal_response_wd": LimitWords("Time to respond informally",
                                           "A written response at the informal stage."),
        "informal_extension_max_wd": LimitWords("Longest extension of the informal stage"),
        "escalation_months": LimitWords("Time to ask for the next stage",
                                        "Counted from a response or a review outcome."),
        "review_ack_wd": LimitWords("Time to assign a senior reviewer"),
        "review_outcome_wd": LimitWords("Time to give a senior review outcome"),
        "review_extension_max_wd": LimitWords("Longest extension of a senior review"),
        "mediation_agree_wd": LimitWords("Time to agree to mediation", "Both sides say whether they agree."),
        "mediation_session_wd": LimitWords("Time to hold mediation"),
        "mediation_outcome_wd": LimitWords("Time to write up mediation",
                                           "The written outcome, counted from the session."),
        "panel_referral_months": LimitWords("Time to refer to the Compact panel"),
        "panel_hearing_wd": LimitWords("Time to hold the panel hearing", "Counted from the referral."),
        "panel_papers_wd": LimitWords("Time before the hearing to share papers",
                                      "Papers reach the panel this many working days before the hearing."),
        "panel_findings_wd": LimitWords("Time to issue panel findings", "Counted from the hearing."),
        "findings_response_wd": LimitWords("Time to respond to panel findings",
                                           "The decision-maker's written response."),
        "dispute_pauses_notice": LimitWords("Does raising a dispute pause written notice?",
                                            "Yes if your funding code says that notice stops while a dispute "
                                            "is settled."),
    },
}
#: Limits that are a yes (1) or no (0), not a length of time, with what to say if neither is chosen.
YES_OR_NO_LIMITS = {"dispute_pauses_notice": "Select yes if raising a dispute pauses written notice"}


def limit_words(name: str) -> LimitWords:
    """How the page names a limit: from LIMIT_WORDS, or made from its name if it is new."""
    found = next((words[name] for words in LIMIT_WORDS.values() if name in words), None)
    return found or LimitWords(name.removesuffix("_wd").removesuffix("_months").replace("_", " ").capitalize())


def limit_unit(name: str) -> str:
    return "calendar months" if name.endswith("_months") else "working days"


def limit_groups() -> list[tuple[str, list[tuple[str, str | None]]]]:
    """(heading, [(limit name, its unit, or None for a yes-or-no limit)]) in the order the page
    shows them; every limit is in one."""
    names = [f.name for f in dc_fields(TimeLimits)]
    grouped = [(heading, [n for n in words if n in names]) for heading, words in LIMIT_WORDS.items()]
    others = [n for n in names if not any(n in words for words in LIMIT_WORDS.values())]
    grouped += [("Other time limits", others)] if others else []
    return [(heading, [(n, None if n in YES_OR_NO_LIMITS else limit_unit(n)) for n in group])
            for heading, group in grouped]


def limit_values(limits: TimeLimits) -> dict[str, str]:
    """The form's data for these limits (a yes-or-no limit above 1 reads as yes)."""
    return {name: str(min(value, 1) if name in YES_OR_NO_LIMITS else value) for name, value in vars(limits).items()}


def _check_limit(form, field) -> None:
    """One limit's box against workflows.limits' rules for it: a whole number from 0 to its
    ceiling, so that the page names each problem on its own box."""
    label, unit, text = limit_words(field.name).label, limit_unit(field.name), (field.data or "").strip()
    ceiling = MAX_MONTHS if field.name.endswith("_months") else MAX_WORKING_DAYS
    if not text:
        raise StopValidation(f"Enter the {label[0].lower()}{label[1:]}")
    if text.startswith("-") and _number(text[1:]) is not None:
        raise StopValidation(f"{label} must be 0 {unit} or more")
    if _number(text) is None:
        raise StopValidation(f"{label} must be a whole number of {unit}, like {getattr(DEFAULT_LIMITS, field.name, 5)}")
    if len(text) > len(str(ceiling)) or int(text) > ceiling:
        raise StopValidation(f"{label} must be {ceiling} {unit} or fewer")


def _check_yes_or_no(form, field) -> None:
    if field.data not in ("0", "1"):
        raise StopValidation(YES_OR_NO_LIMITS[field.name])


def _limit_field(name: str):
    words = limit_words(name)
    if name in YES_OR_NO_LIMITS:
        return RadioField(words.label, choices=_choices([("1", "Yes"), ("0", "No")]), widget=GovRadioInput(),
                          validate_choice=False, description=words.hint, validators=[_check_yes_or_no])
    return StringField(words.label, widget=GovTextInput(), description=words.hint, validators=[_check_limit])


class _TimeLimitsChecks(FlaskForm):
    def validate(self, extra_validators=None) -> bool:
        """Each box on its own, then the consultation rules that compare two of them."""
        valid = super().validate(extra_validators)
        shortest, usual = self.consultation_min_wd, self.consultation_wd
        if shortest.errors:
            return False
        notice = self.notice_months
        if not notice.errors and int(notice.data) < NOTICE_FLOOR_MONTHS:
            notice.errors = [f"{notice.label.text} must be at least {NOTICE_FLOOR_MONTHS} calendar months"]
            valid = False
        if int(shortest.data) < CONSULTATION_FLOOR_WD:
            shortest.errors = [f"{shortest.label.text} must be at least {CONSULTATION_FLOOR_WD} working days"]
        elif not usual.errors and int(usual.data) < int(shortest.data):
            usual.errors = [f"{usual.label.text} must be at least as long as the shortest consultation "
                            f"({int(shortest.data)} working days)"]
        return valid and not (shortest.errors or usual.errors)

    def limits(self) -> dict[str, int]:
        """The limits as numbers, once the form is valid."""
        return {f.name: int(self[f.name].data) for f in dc_fields(TimeLimits)}


#: Every time limit, each in a box of its own (a yes-or-no one as radios), in the order of
#: workflows.limits.TimeLimits. A limit left out of a submission keeps the value the form was
#: made with; one sent blank is refused.
TimeLimitsForm = type("TimeLimitsForm", (_TimeLimitsChecks,), {
    **{f.name: _limit_field(f.name) for f in dc_fields(TimeLimits)},
    "submit": SubmitField("Save time limits", widget=GovSubmitInput())})
