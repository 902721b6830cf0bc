from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from passerelle.accounts import services as accounts
from passerelle.accounts.twofactor import gate as two_factor
from passerelle.accounts.twofactor import services as two_factor_settings
from passerelle.core import homes
from passerelle.core.errors import NOT_FOUND, NotFound
from passerelle.core.i18n import UNKNOWN_LANGUAGE, is_locale
from passerelle.core.roles import roles_of
from passerelle.core.security_headers import no_store
from passerelle.core.time import today_in_brussels, utcnow
from passerelle.core.web import safe_next
from passerelle.organisations import queries
from passerelle.reminders import services as outbox_services
from passerelle.volunteers.views import SECTION_NAMES

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    """The public page for visitors; for a signed-in person, a part for each role."""
    if not current_user.is_authenticated:
        return render_template("core/home.html", kinds=queries.programme_kinds_with_counts(),
                               organisation_count=queries.listed_organisation_count())
    user, now, today = current_user._get_current_object(), utcnow(), today_in_brussels()
    roles = roles_of(user)
    # Pages about an organisation's work ask for the second factor; so does this summary.
    verified = not (roles.memberships or roles.is_admin) or two_factor.has_passed(user, now)
    context = {"verified": verified,
               "two_factor_enabled": not verified and two_factor_settings.is_enabled(user)}
    if roles.volunteers:
        part = homes.volunteer_part(user, now, today, str(get_locale()))
        context["volunteer"] = part
        context["profile_missing"] = ", ".join(str(SECTION_NAMES[key])
                                               for key in part.profile_missing)
    if verified and roles.memberships:
        context["staff"] = homes.staff_part(user, roles.memberships)
    if verified and roles.coordinates:
        context["coordination"] = homes.coordinator_part(user, now, today)
    if verified and roles.is_admin:
        context["instance"] = queries.instance_counts()
        context["failed_messages"] = outbox_services.failed_count()
    # It names volunteers (for coordinators): no copy in the browser's cache.
    return no_store(lambda: render_template("core/personal_home.html", **context))()


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
    return render_template("core/error.html", code=404, message=NOT_FOUND), 404


@bp.app_errorhandler(NotFound)
def record_not_found(error):
    """A service's NotFound (a record that does not exist, or is not this person's)."""
    return render_template("core/error.html", code=404, message=error.message), 404


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
