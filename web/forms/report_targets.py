"""The report targets page: the per-cent target of each rated metric of the compliance report."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import StopValidation

from web.forms.inputs import whole_number
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
