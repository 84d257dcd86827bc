"""GOV.UK forms built from a transition's fields, so every action page asks exactly what the
workflow table says it needs. Values go to the engine as plain strings and lists; the engine
checks and parses them, and its problems come back onto the fields."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (GovCheckboxesInput, GovCheckboxInput, GovRadioInput,
                                                GovSubmitInput, GovTextArea, GovTextInput)
from wtforms import (BooleanField, HiddenField, RadioField, SelectMultipleField, StringField, SubmitField,
                     TextAreaField)

from casework.errors import InvalidInput
from workflows.definitions import Field
from workflows.fields import parse_fields
from web.forms.documents import file_fields
from web.forms.inputs import GovDate, GovTimeInput, choice_list, single_line

ACTION_ROWS = 5


class ActionForm(FlaskForm):
    case_version = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())


def build_form(fields: tuple[Field, ...], options: dict[str, list[tuple[str, str]]], submit: str,
               data: dict | None = None, documents_mb: int | None = None) -> ActionForm:
    """A form for these fields; `options` gives the choices of person fields and numbered items;
    with `documents_mb`, files (each under that many MB) may be attached too."""
    attrs = {"submit": SubmitField(submit, widget=GovSubmitInput())}
    if documents_mb:
        attrs.update(file_fields(documents_mb))
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
    if f.kind == "time":
        return StringField(label, widget=GovTimeInput(), description=f.hint, validators=[single_line])
    if f.kind == "choice":
        return RadioField(label, choices=choice_list(f.choices), widget=GovRadioInput(), validate_choice=False)
    if f.kind == "person":
        return RadioField(label, choices=choice_list(people), widget=GovRadioInput(), validate_choice=False)
    if f.kind == "multichoice":
        return SelectMultipleField(label, choices=choice_list(f.choices), widget=GovCheckboxesInput(),
                                   validate_choice=False)
    if f.kind == "confirm":
        return BooleanField(f.label, widget=GovCheckboxInput())
    if f.kind == "int":
        if people:
            return RadioField(label, choices=choice_list(people), widget=GovRadioInput(), validate_choice=False)
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
        elif f.kind == "time":
            typed = (form[f.name].data or "").strip()
            out[f.name] = _clock(typed) if typed else ""
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
    # isascii too: "¹" and "٣" are digits to str.isdigit but not to int()
    if not (t.isascii() and hours.isdigit() and (minutes.isdigit() or minutes == "")):
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
