from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from passerelle.accounts import services as accounts
from passerelle.core.i18n import UNKNOWN_LANGUAGE, is_locale
from passerelle.core.web import safe_next
from passerelle.organisations import queries

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    return render_template("core/home.html", kinds=queries.programme_kinds_with_counts(),
                           organisation_count=queries.listed_organisation_count())


@bp.post("/language")
def set_language():
    """Remember the chosen interface language: in the session, and on the account."""
    back = safe_next(request.form.get("next")) or url_for("core.home")
    code = request.form.get("locale", "")
    if not FlaskForm().validate_on_submit():
        flash(_l("Your session has expired. Please try again."), "error")
    elif not is_locale(code):
        flash(UNKNOWN_LANGUAGE, "error")
    else:
        session["locale"] = code
        if current_user.is_authenticated:
            accounts.set_locale(current_user, code)
    return redirect(back)


@bp.app_errorhandler(404)
def not_found(error):
    return render_template("core/error.html", code=404,
                           message=_l("This page does not exist, or you may not see it.")), 404


@bp.app_errorhandler(429)
def too_many(error):
    message = _l("Too many attempts. Please wait a little and try again.")
    return render_template("core/error.html", code=429, message=message), 429


@bp.app_errorhandler(413)
def too_large(error):
    message = _l("What you sent is too large. Shorten it and try again.")
    return render_template("core/error.html", code=413, message=message), 413


@bp.app_errorhandler(500)
def server_error(error):
    return render_template("core/error.html", code=500,
                           message=_l("Something went wrong on our side. Nothing was saved.")), 500


@bp.app_errorhandler(400)
def bad_request(error):
    return render_template("core/error.html", code=400,
                           message=_l("Your session has expired. Please try again.")), 400
