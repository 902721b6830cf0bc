from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import Optional

from passerelle.core.forms import BaseForm, max_length, required, strip
from passerelle.hosting.models import CONCERN_MAX, REASON_MAX


class ReasonForm(BaseForm):
    """Declining a stay, refusing a host for the guest: a reason may be given."""

    reason = TextAreaField(_l("Why? (optional, told to the coordinators)"), filters=[strip],
                           validators=[Optional(), max_length(REASON_MAX)])


class ConcernForm(BaseForm):
    body = TextAreaField(_l("What worries you"), filters=[strip],
                         validators=[required(), max_length(CONCERN_MAX)],
                         description=_l("Only the programme's coordinators read it."))


class CompanionForm(BaseForm):
    companion = SelectField(
        _l("Accompanied by"), default="", validate_choice=False,
        description=_l("Volunteers who accompany without hosting: those who share a "
                       "language with the guest first, then the nearest."))

    def __init__(self, *args, companions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.companion.choices = [("", _l("Nobody"))] + [
            (str(c.id), _l("%(name)s, %(km)s km", name=c.name, km=c.km) if c.common_language
             else _l("%(name)s, %(km)s km, no common language", name=c.name, km=c.km))
            for c in companions]
