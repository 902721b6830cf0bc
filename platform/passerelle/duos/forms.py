from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Optional

from passerelle.core.forms import BaseForm, max_length, required, strip
from passerelle.duos.models import REASON_MAX


class RefuseForm(BaseForm):
    """A coordinator refusing a proposed duo: the reason is required (kept for the audit)."""

    reason = TextAreaField(_l("Reason"), filters=[strip],
                           validators=[required(), max_length(REASON_MAX)])


class DeclineForm(BaseForm):
    reason = TextAreaField(_l("Why? (optional, told to the coordinators)"), filters=[strip],
                           validators=[Optional(), max_length(REASON_MAX)])


class ActionForm(BaseForm):
    """A button: running a batch, approving the ticked duos (repeated field `duo`)."""
