"""The report settings pages: the per-cent target of each rated metric of the compliance
report, and whether its figures are published."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, StopValidation

from web.forms.inputs import choice_list, whole_number
from workflows.reporting.rates import TARGET_NAMES


def _percent(form, field) -> None:
    value = whole_number((field.data or "").strip())
    if value is None or value > 100:
        raise StopValidation(f"Enter the target for {field.label.text} as a whole number from 0 to 100")


class ReportTargetsForm(FlaskForm):
    submit = SubmitField("Save targets", widget=GovSubmitInput())

    def targets(self) -> dict[str, int]:
        return {key: int(self[key].data.strip()) for key in TARGET_NAMES}


for _key, _name in TARGET_NAMES.items():
    setattr(ReportTargetsForm, _key, StringField(_name, validators=[_percent], widget=GovTextInput(),
                                                 description="Per cent. At or above it: on target; up to 10 points "
                                                             "below: below target; further: well below target."))


class PublicFiguresForm(FlaskForm):
    """Whether the compliance figures are published at /public/compact-figures."""
    publish = RadioField("Publish the compliance figures on a public page?", widget=GovRadioInput(),
                         choices=choice_list([("yes", "Yes"), ("no", "No")]),
                         validators=[InputRequired("Select yes to publish the compliance figures")],
                         description="Anyone can then see them without signing in: every organisation's figures "
                                     "together, with counts from 1 to 4 shown as \"fewer than 5\", and no case "
                                     "references or organisation names.")
    submit = SubmitField("Save", widget=GovSubmitInput())
