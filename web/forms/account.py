"""The account pages' forms: security code, forgotten password, choosing and changing a
password, setting up an authenticator app, and the administrators' security settings. The
rules (lengths, matching, right codes) are casework's (casework.accounts, casework.second_factor)."""
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import HiddenField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from casework.administration import MIN_PASSWORD
from web.forms.inputs import choice_list, single_line


class CodeForm(FlaskForm):
    code = StringField("Security code", widget=GovTextInput(), validators=[
        InputRequired("Enter the security code from your authenticator app"), Length(max=40), single_line],
        description="The 6-digit code shown in your authenticator app, or one of your recovery codes.")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ForgottenPasswordForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(), validators=[
        InputRequired("Enter your email address"), Length(max=254, message="Email address must be 254 characters or fewer"),
        single_line])
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", widget=GovPasswordInput(),
                             description=f"At least {MIN_PASSWORD} characters. A few unrelated words make a good one.")
    confirm = PasswordField("Type the new password again", widget=GovPasswordInput())
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField("Current password", widget=GovPasswordInput(),
                                     validators=[InputRequired("Enter your current password")])
    submit = SubmitField("Change password", widget=GovSubmitInput())


class SetUpAppForm(FlaskForm):
    """The secret travels in the page (the QR code and the text show it anyway) until a code proves the app has it."""
    secret = HiddenField()
    password = PasswordField("Your password", widget=GovPasswordInput(),
                             description="You need to confirm it is you before you change your authenticator app.")
    code = StringField("Security code from the app", widget=GovTextInput(), validators=[
        InputRequired("Enter the 6-digit security code from your authenticator app"), Length(max=20), single_line])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SecuritySettingsForm(FlaskForm):
    vco_staff = RadioField("Do VCO staff need an authenticator app to sign in?", widget=GovRadioInput(),
                           choices=choice_list([("yes", "Yes"), ("no", "No")]),
                           validators=[InputRequired("Select yes if VCO staff need an authenticator app")],
                           description="Administrators and staff of councils and NHS bodies always need one.")
    submit = SubmitField("Save", widget=GovSubmitInput())


class EventFilterForm(FlaskForm):
    """The filters of the security events page: sent by GET, so no CSRF token."""

    class Meta:
        csrf = False

    kind = SelectField("What happened", widget=GovSelect(), validate_choice=False)
    account = StringField("Email address contains", widget=GovTextInput(), validators=[Length(max=254), single_line])
    submit = SubmitField("Filter", widget=GovSubmitInput())
