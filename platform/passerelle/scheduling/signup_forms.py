"""Forms of sign-ups: a role and the whole series, a check-in row's minutes, the hours'
dates."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, RadioField
from wtforms.validators import NumberRange, Optional

from passerelle.core.forms import BaseForm, required


class SignupForm(BaseForm):
    role = RadioField(_l("Role"), coerce=int, validators=[required()],
                      validate_choice=True)
    whole_series = BooleanField(_l("Sign me up for the whole series"))


class MinutesForm(BaseForm):
    minutes = IntegerField(_l("Minutes volunteered"), validators=[
        required(), NumberRange(0, 1440, message=_l("Give the minutes volunteered, between "
                                                   "0 and 1440."))])


class HoursRangeForm(BaseForm):
    class Meta:
        csrf = False  # a GET of a download

    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To"), validators=[Optional()])
