"""Forms for signing in, passwords, the profile and inviting users."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, Optional, ValidationError

from consortium.auth.passwords import password_problem
from consortium.auth.services import find_user_by_email
from consortium.forms import Form, at_most, email_address, required
from consortium.i18n import language_choices


class SignInForm(Form):
    email = EmailField(_l("Email"), validators=[required(), at_most(254)])
    password = PasswordField(_l("Password"), validators=[required()])
    next = HiddenField()


class NewPasswordMixin:
    email_for_check: str | None = None

    def validate_password(self, field):
        problem = password_problem(field.data or "", self.email_for_check)
        if problem:
            raise ValidationError(problem)


class SetPasswordForm(NewPasswordMixin, Form):
    password = PasswordField(_l("New password"), validators=[required()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            required(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[required()])


class ForgotPasswordForm(Form):
    email = EmailField(_l("Email"), validators=[required(), email_address(), at_most(254)])


class ProfileForm(Form):
    name = StringField(_l("Name"), validators=[required(), at_most(200)])
    language = SelectField(_l("Language"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()


class InviteForm(Form):
    email = EmailField(_l("Email"), validators=[required(), email_address(), at_most(254)])
    name = StringField(_l("Name"), validators=[required(), at_most(200)])
    language = SelectField(_l("Language of the invitation and the pages"), validators=[Optional()])
    is_secretariat = BooleanField(_l("Member of the secretariat (manages everything)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()

    def validate_email(self, field):
        if find_user_by_email(field.data or ""):
            raise ValidationError(_l("A user with this email address already exists."))


class ConfirmForm(Form):
    """An empty form: a button that changes something, protected by its CSRF token."""
