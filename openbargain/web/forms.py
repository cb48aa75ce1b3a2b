"""WTForms forms: shape, lengths and types only; the rules live in the services."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from openbargain.models import Standing
from openbargain.models.chapter import OFFICE_MAX, SLUG_MAX
from openbargain.models.user import EMAIL_MAX, NAME_MAX
from openbargain.services.accounts import PASSWORD_MAX
from openbargain.services.errors import DomainError

STANDING_CHOICES = [SelectChoice(s.value, s.value.replace("_", " ")) for s in Standing]


def apply_errors(form: FlaskForm, exc: DomainError) -> None:
    """Puts a service's field errors on the form's fields, so they show beside each input."""
    for name, messages in exc.errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + messages
        else:
            form.form_errors.extend(messages)
    if not exc.errors:
        form.form_errors.append(exc.message)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    remember = BooleanField("Keep me logged in on this device")


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)])


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=PASSWORD_MAX)],
                             description="At least 10 characters.")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=PASSWORD_MAX)],
                                 description="At least 10 characters. Every other session is logged out.")


class ActionForm(FlaskForm):
    """A button that changes state: nothing but the CSRF token."""


class RosterUploadForm(FlaskForm):
    roster = FileField("Roster file (CSV)", validators=[FileRequired("Choose a CSV file.")],
                       description="Columns: name, email, standing; optional roles (member, elected, steering) and office.")


class RosterConfirmForm(FlaskForm):
    csv_text = HiddenField(validators=[DataRequired()])


class MembershipForm(FlaskForm):
    standing = SelectField("Standing", choices=STANDING_CHOICES)
    is_elected = BooleanField("Elected")
    is_steering = BooleanField("Steering committee")
    office = StringField("Office", validators=[Optional(), Length(max=OFFICE_MAX)],
                         description='For an elected, e.g. "State Assembly, District 36".')


class ChapterForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=160)])
    slug = StringField("Address", validators=[DataRequired(), Length(max=SLUG_MAX)],
                       description="Lowercase letters, digits and hyphens: the chapter lives at /c/<address>/.")
    timezone = StringField("Time zone", default="UTC", validators=[DataRequired(), Length(max=64)],
                           description="e.g. America/New_York")
    steering_name = StringField("First steering member's name", validators=[DataRequired(), Length(max=NAME_MAX)])
    steering_email = EmailField("First steering member's email",
                                validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)])
