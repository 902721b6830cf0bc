from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import NumberRange, Optional

from passerelle.core.forms import BaseForm, choices, max_length, required, strip
from passerelle.duos.models import REASON_MAX
from passerelle.scheduling.forms import FREQS, NTHS


class RefuseForm(BaseForm):
    """A coordinator refusing a proposed duo: the reason is required (kept for the audit)."""

    reason = TextAreaField(_l("Reason"), filters=[strip],
                           validators=[required(), max_length(REASON_MAX)])


class DeclineForm(BaseForm):
    reason = TextAreaField(_l("Why? (optional, told to the coordinators)"), filters=[strip],
                           validators=[Optional(), max_length(REASON_MAX)])


class ActionForm(BaseForm):
    """A button: running a batch, approving the ticked duos (repeated field `duo`)."""


class MeetingForm(BaseForm):
    """A duo's follow-up meeting, once or repeating on the day of the week of its date."""

    day = DateField(_l("Date"), validators=[required()])
    start = TimeField(_l("Start time"), validators=[required()])
    minutes = IntegerField(_l("Length in minutes"), default=60, validators=[
        required(), NumberRange(min=15, max=600, message=_l("Between 15 and 600."))])
    address = StringField(_l("Address"), filters=[strip], validators=[max_length(300)])
    city = StringField(_l("City"), filters=[strip], validators=[max_length(100)])
    freq = SelectField(_l("Repeats"), choices=choices(FREQS.items()), default="")
    interval = IntegerField(_l("Every how many weeks"), default=1, validators=[
        Optional(), NumberRange(min=1, max=52, message=_l("Between 1 and 52."))])
    nth = SelectField(_l("Which one in the month"), choices=choices(NTHS.items()), default="")
    until = DateField(_l("Until"), validators=[Optional()])
    count = IntegerField(_l("Or this many times"), validators=[
        Optional(), NumberRange(min=1, max=100, message=_l("Between 1 and 100."))])
