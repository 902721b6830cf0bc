"""The forms of visit rotas: the report after a visit."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from passerelle.core.forms import BaseForm, CheckboxesField, max_length, strip
from passerelle.scheduling.visits import THEMES


class ReportForm(BaseForm):
    people_met = IntegerField(_l("Number of people met"), validators=[
        InputRequired(_l("Say how many people you met (0 if none).")),
        NumberRange(0, 200, _l("Between 0 and 200."))])
    themes = CheckboxesField(_l("Themes"), THEMES, _l("Choose the themes from the list."))
    text = TextAreaField(_l("What you noticed (no names: this report is about conditions)"),
                         filters=[strip], validators=[Optional(), max_length(4000)])


class ActionForm(BaseForm):
    """A button."""
