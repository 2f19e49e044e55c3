"""Account forms. Field rules here are the first check; the services enforce them again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from techmarket.accounts.passwords import MAX_LENGTH
from techmarket.core.forms import SafeForm, strip
from techmarket.core.i18n import LANGUAGES
from techmarket.core.roles import ROLE_LABELS, SELF_SERVICE_ROLES, Role

LANGUAGE_CHOICES = [SelectChoice(code, name) for code, name in LANGUAGES.items()]


class RegisterForm(SafeForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                             description=_l("At least 10 characters, letters with digits or symbols."))
    confirm = PasswordField(_l("Repeat password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])
    language = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES, default="zh_Hans_CN")
    role = SelectField(_l("I am a"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in SELF_SERVICE_ROLES])


class LoginForm(SafeForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Remember me"))


class ForgotPasswordForm(SafeForm):
    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(SafeForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField(_l("Repeat new password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])


class ChangePasswordForm(SafeForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    confirm = PasswordField(_l("Repeat new password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])


class ProfileForm(SafeForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=100)])
    language = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)


class ResendConfirmationForm(SafeForm):
    """Just the CSRF token: a button."""


class UserRolesForm(SafeForm):
    roles = SelectMultipleField(_l("Roles"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role])


class UserActiveForm(SafeForm):
    active = BooleanField(_l("Active"))
