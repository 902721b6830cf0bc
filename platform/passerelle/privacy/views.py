import io

from flask import Blueprint, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from passerelle.accounts.twofactor.gate import second_factor_required
from passerelle.core.errors import DomainError
from passerelle.core.time import to_brussels, utcnow
from passerelle.core.web import form_error
from passerelle.extensions import limiter
from passerelle.organisations import queries
from passerelle.privacy import forms, services

bp = Blueprint("privacy", __name__)


def _user():
    return current_user._get_current_object()


@bp.get("/privacy")
def notice():
    return render_template("privacy/notice.html",
                           contact=current_app.config["PASSERELLE_PRIVACY_CONTACT"])


@bp.route("/account/data", methods=["GET", "POST"])
@login_required
def my_data():
    form = forms.DownloadForm()
    if form.validate_on_submit():
        now = utcnow()
        return _zip(services.account_archive(_user(), now, str(get_locale())),
                    f"passerelle-my-data-{to_brussels(now).date().isoformat()}.zip")
    return render_template("privacy/my_data.html", form=form)


@bp.route("/account/erase", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def erase_account():
    form = forms.EraseForm()
    if form.validate_on_submit():
        try:
            services.erase_account(_user(), form.password.data, utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            logout_user()
            flash(_l("Your account and your personal data are erased. Goodbye, and thank "
                     "you."), "success")
            return redirect(url_for("core.home"))
    return render_template("privacy/erase.html", form=form,
                           sole=queries.sole_coordinator_of(current_user))


@bp.post("/supported/<int:person_id>/export")
@login_required
@second_factor_required
def export_person(person_id: int):
    now = utcnow()
    data = services.person_archive(_user(), person_id, now, str(get_locale()))
    return _zip(data, f"passerelle-record-{person_id}-{to_brussels(now).date().isoformat()}.zip")


def _zip(data: bytes, name: str):
    response = send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                         download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response
