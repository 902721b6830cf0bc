from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField

from passerelle.accounts.forms import PASSWORD_MAX, email_field
from passerelle.core.forms import BaseForm, max_length, required, strip


def code_field(label):
    return StringField(label, filters=[strip], validators=[required(), max_length(20)])


class SetupForm(BaseForm):
    code = code_field(_l("The 6-digit code your app shows"))
    trust = BooleanField()


class VerifyForm(BaseForm):
    code = code_field(_l("The 6-digit code from your app, or a recovery code"))
    trust = BooleanField()


class NewRecoveryCodesForm(BaseForm):
    code = code_field(_l("The 6-digit code your app shows"))


class DisableForm(BaseForm):
    password = PasswordField(_l("Password"), validators=[required(), max_length(PASSWORD_MAX)])
    code = code_field(_l("The 6-digit code from your app, or a recovery code"))


class ResetForm(BaseForm):
    email = email_field()
