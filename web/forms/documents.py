"""The GOV.UK file upload that every form taking documents shares (an action's page, the
documents section's own page), and the form for withdrawing a document."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import MultipleFileField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from web.forms.inputs import single_line

TYPES_HINT = ("PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument (ODT, ODS), PNG, JPG, CSV or text "
              "files, each smaller than {mb}MB. You can select more than one.")


def file_fields(max_mb: int, *, required: bool = False) -> dict:
    """The file upload and its description, to add to a form class (required: on the
    documents page, whose only question it is)."""
    suffix = "" if required else " (optional)"
    describe = [InputRequired("Enter a short description of the files"), single_line] if required else [single_line]
    return {"documents": MultipleFileField("Files" if required else "Attach files (optional)", widget=GovFileInput(multiple=True),
                                           description=TYPES_HINT.format(mb=max_mb)),
            "documents_description": StringField(f"Describe the files{suffix}", widget=GovTextInput(),
                                                 validators=describe + [Length(max=500, message=(
                                                     "The description must be 500 characters or fewer"))],
                                                 description="For example, “Monitoring returns for April to June”")}


def add_documents_form(max_mb: int) -> FlaskForm:
    attrs = {**file_fields(max_mb, required=True), "submit": SubmitField("Add the files", widget=GovSubmitInput())}
    return type("AddDocumentsForm", (FlaskForm,), attrs)()


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Why are you withdrawing this document?", widget=GovTextArea(),
                           validators=[InputRequired("Enter why you are withdrawing this document"),
                                       Length(max=2000, message="The reason must be 2,000 characters or fewer")],
                           description="Everyone who can see the case will see this reason in its timeline.")
    submit = SubmitField("Withdraw the document", widget=GovSubmitInput())
