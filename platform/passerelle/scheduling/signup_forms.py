"""Forms of sign-ups: a role and the whole series, a check-in row's minutes, the hours'
dates."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from passerelle.core.forms import BaseForm, required
from passerelle.scheduling.signups import OTHER_EVENT

NOT_ASSIGNABLE = _l("Choose a volunteer from the list.")


def _role_id(value):
    """The chosen role's id; 0 for anything else, then refused beside the field."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class RoleField(RadioField):
    """A role of the event (its choices are set by the view)."""

    def pre_validate(self, form):
        if self.data is not None and self.data not in {value for value, _ in self.choices}:
            raise ValidationError(OTHER_EVENT)


class SignupForm(BaseForm):
    role = RoleField(_l("Role"), coerce=_role_id, validators=[required()])
    whole_series = BooleanField(_l("Sign me up for the whole series"))


class PersonField(SelectField):
    """One of the volunteers the coordinator may assign (choices set by the view)."""

    def pre_validate(self, form):
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError(NOT_ASSIGNABLE)


class AssignForm(BaseForm):
    """A coordinator puts a volunteer on the occurrence, in a role."""

    person = PersonField(_l("Volunteer"), coerce=_role_id)
    role = RoleField(_l("Role"), coerce=_role_id, validators=[required()])


class MinutesForm(BaseForm):
    minutes = IntegerField(_l("Minutes volunteered"), validators=[
        required(), NumberRange(0, 1440, message=_l("Give the minutes volunteered, between "
                                                   "0 and 1440."))])


class HoursRangeForm(BaseForm):
    class Meta:
        csrf = False  # a GET of a download

    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To"), validators=[Optional()])
