from flask_babel import lazy_gettext as _l
from wtforms import PasswordField

from passerelle.core.forms import BaseForm, max_length, required


class DownloadForm(BaseForm):
    """Only the CSRF token: a download is a POST, so no other site can start one."""


class EraseForm(BaseForm):
    password = PasswordField(_l("Your password"), validators=[required(), max_length(200)])
