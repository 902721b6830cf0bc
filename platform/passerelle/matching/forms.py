from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from passerelle.core.forms import BaseForm, choices, max_length, required, strip
from passerelle.matching import scoring
from passerelle.matching.models import OBJECTIVE_LABELS, REASON_MAX, Objective
from passerelle.matching.reasons import PART_TITLES
from passerelle.matching.services import MAX_ANSWER_DAYS


class ProposeForm(BaseForm):
    volunteer = IntegerField(widget=HiddenInput(), validators=[InputRequired(message=_l(
        "Choose a volunteer from the list."))])


class ReasonForm(BaseForm):
    """Refusing a proposal, excluding a person: the reason is required."""

    reason = TextAreaField(_l("Reason"), filters=[strip],
                           validators=[required(), max_length(REASON_MAX)])


class ExcludeForm(ReasonForm):
    volunteer = IntegerField(widget=HiddenInput(), validators=[InputRequired(message=_l(
        "Choose a volunteer from the list."))])


class DeclineForm(BaseForm):
    reason = TextAreaField(_l("Why? (optional, told to the coordinators)"), filters=[strip],
                           validators=[Optional(), max_length(REASON_MAX)])


class EndForm(ReasonForm):
    on = DateField(_l("Ended on"), validators=[InputRequired(message=_l("Enter a date."))])


class BatchForm(BaseForm):
    objective = RadioField(_l("What counts first"), default=Objective.score.value,
                           choices=choices((key.value, label)
                                           for key, label in OBJECTIVE_LABELS.items()))


def _pick(label, message):
    """A select whose choices the view fills; the service checks the value chosen."""
    return SelectField(label, validate_choice=False, validators=[InputRequired(message=message)])


class ContactForm(BaseForm):
    """A sponsorship pool's staff record a contact between a sponsor and a family."""

    family = _pick(_l("Family"), _l("Choose a family from the list."))
    sponsor = _pick(_l("Sponsor"), _l("Choose a sponsor from the list."))


class MetForm(BaseForm):
    """A sponsor says they met a family of the pool."""

    family = _pick(_l("The family you met"), _l("Choose a family from the list."))


class ApproveBatchForm(BaseForm):
    """The chosen proposals come as the repeated field `match`."""


def _weight(part: str):
    return IntegerField(PART_TITLES[part], validators=[
        InputRequired(message=_l("Enter a whole number from 0 to %(max)s.",
                                 max=scoring.MAX_WEIGHT)),
        NumberRange(0, scoring.MAX_WEIGHT, message=_l(
            "Enter a whole number from 0 to %(max)s.", max=scoring.MAX_WEIGHT))])


class WeightsForm(BaseForm):
    answer_days = IntegerField(
        _l("Days the volunteer has to answer a proposal"), validators=[
            InputRequired(message=_l("From 1 to %(max)s days.", max=MAX_ANSWER_DAYS)),
            NumberRange(1, MAX_ANSWER_DAYS, message=_l("From 1 to %(max)s days.",
                                                       max=MAX_ANSWER_DAYS))])

    def parts(self):
        return [(getattr(self, f"w_{part}"), getattr(self, f"s_{part}"))
                for part in scoring.PARTS]


for _part in scoring.PARTS:
    setattr(WeightsForm, f"w_{_part}", _weight(_part))
    setattr(WeightsForm, f"s_{_part}", BooleanField(_l("Strong preference")))
