from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField

from passerelle.core.forms import max_length, required


class DownloadForm(FlaskForm):
    """Only the CSRF token: a download is a POST, so no other site can start one."""


class EraseForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[required(), max_length(200)])
