from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, Length, ValidationError
from zxcvbn import zxcvbn

from passerelle.accounts.models import EMAIL_MAX, NAME_MAX
from passerelle.core.forms import (
    BaseForm,
    email_address,
    locale_field,
    max_length,
    normalise_email,
    required,
    strip,
)

PASSWORD_MIN = 10
PASSWORD_MAX = 128
PASSWORD_MIN_SCORE = 3  # zxcvbn's scale, 0 to 4: 3 is "safely unguessable" online


def hard_to_guess(form, field) -> None:
    """Refuse common and easily guessed passwords (zxcvbn works offline), including ones
    made of the person's own name or address."""
    if not field.data or not PASSWORD_MIN <= len(field.data) <= PASSWORD_MAX:
        return  # the length check speaks for these
    own = [form[name].data for name in ("name", "email") if name in form and form[name].data]
    if zxcvbn(field.data, user_inputs=own)["score"] < PASSWORD_MIN_SCORE:
        raise ValidationError(_l("This password is too easy to guess. Choose a longer one, "
                                 "for instance a few words that do not go together."))


def new_password_fields():
    password = PasswordField(
        _l("Password"),
        validators=[required(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX, message=_l(
            "The password must be between %(min)d and %(max)d characters long.",
            min=PASSWORD_MIN, max=PASSWORD_MAX)), hard_to_guess],
        description=_l("At least %(min)d characters.", min=PASSWORD_MIN),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[required(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    return password, confirm


def email_field():
    return EmailField(_l("E-mail address"), filters=[normalise_email],
                      validators=[required(), max_length(EMAIL_MAX), email_address()])


def name_field():
    return StringField(_l("Name"), filters=[strip],
                       validators=[required(), max_length(NAME_MAX)])


class RegisterForm(BaseForm):
    name = name_field()
    email = email_field()
    password, confirm = new_password_fields()
    locale = locale_field(_l("Preferred language"))


class LoginForm(BaseForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[required(), max_length(PASSWORD_MAX)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotPasswordForm(BaseForm):
    email = email_field()


class ResetPasswordForm(BaseForm):
    password, confirm = new_password_fields()


class ChangePasswordForm(BaseForm):
    current = PasswordField(_l("Current password"),
                            validators=[required(), max_length(PASSWORD_MAX)])
    password, confirm = new_password_fields()


class AccountForm(BaseForm):
    name = name_field()
    email = email_field()
    locale = locale_field(_l("Preferred language"))
    current = PasswordField(_l("Current password"), validators=[max_length(PASSWORD_MAX)],
                            description=_l("Needed only to change the e-mail address."))


class AcceptInvitationForm(BaseForm):
    """For an invited person who has no account yet."""

    name = name_field()
    password, confirm = new_password_fields()
    locale = locale_field(_l("Preferred language"))
