"""The event form: what, where, when (a Brussels date and time), places, repetition."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import NumberRange, Optional

from passerelle.core.forms import (
    BaseForm,
    CheckboxesField,
    choices,
    max_length,
    required,
    strip,
)
from passerelle.programmes.models import DETENTION_CENTRES

KINDS = {"session": _l("Session"), "training": _l("Training"), "meeting": _l("Meeting"),
         "activity": _l("Activity"), "visit": _l("Detention visit"), "duo": _l("Duo meeting")}
WEEKDAYS = {str(i): name for i, name in enumerate((
    _l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
    _l("Saturday"), _l("Sunday")))}
FREQS = {"": _l("Once"), "weekly": _l("Every week (or every N weeks)"),
         "monthly": _l("Every month, on the nth weekday")}
NTHS = {"": "—", "1": _l("first"), "2": _l("second"), "3": _l("third"), "4": _l("fourth"),
        "-1": _l("last")}
SCOPES = {"this": _l("This occurrence"), "following": _l("This and the following ones"),
          "all": _l("All occurrences")}


class EventForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=choices(KINDS.items()), default="session")
    title_fr = StringField(_l("Title in French"), filters=[strip], validators=[max_length(200)])
    title_nl = StringField(_l("Title in Dutch"), filters=[strip], validators=[max_length(200)])
    title_en = StringField(_l("Title in English"), filters=[strip], validators=[max_length(200)])
    description = TextAreaField(_l("Description"), filters=[strip],
                                validators=[max_length(4000)])
    address = StringField(_l("Address"), filters=[strip], validators=[max_length(300)])
    city = StringField(_l("City"), filters=[strip], validators=[max_length(100)])
    centre = SelectField(_l("Detention centre (for a visit)"),
                         choices=choices([("", "—"), *DETENTION_CENTRES.items()]), default="")
    day = DateField(_l("Date"), validators=[required()])
    start = TimeField(_l("Start time"), validators=[required()])
    minutes = IntegerField(_l("Length in minutes"), validators=[Optional()])
    end = TimeField(_l("Or end time"), validators=[Optional()])
    roles = IntegerField(_l("Places"), default=2, validators=[
        required(), NumberRange(min=1, max=500, message=_l("Between 1 and 500."))])
    skill = StringField(_l("Skill asked (optional)"), filters=[strip],
                        validators=[max_length(40)])
    language = StringField(_l("Language asked (optional)"), filters=[strip],
                           validators=[max_length(8)])


class NewEventForm(EventForm):
    freq = SelectField(_l("Repeats"), choices=choices(FREQS.items()), default="")
    interval = IntegerField(_l("Every how many weeks"), default=1, validators=[
        Optional(), NumberRange(min=1, max=52, message=_l("Between 1 and 52."))])
    weekdays = CheckboxesField(_l("On"), WEEKDAYS, _l("Choose days of the week."))
    nth = SelectField(_l("Which one in the month"), choices=choices(NTHS.items()), default="")
    until = DateField(_l("Until"), validators=[Optional()])
    count = IntegerField(_l("Or this many times"), validators=[
        Optional(), NumberRange(min=1, max=500, message=_l("Between 1 and 500."))])


class EditForm(EventForm):
    scope = SelectField(_l("Change"), choices=choices(SCOPES.items()), default="this")


class CancelForm(BaseForm):
    scope = SelectField(_l("Cancel"), choices=choices(SCOPES.items()), default="this")
