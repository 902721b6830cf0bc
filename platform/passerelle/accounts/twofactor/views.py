"""Pages under /account/two-factor: set up, verify, recovery codes, turn off, and an
administrator's reset of another person's second factor."""

import segno
from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from passerelle.accounts.services import user_by_email
from passerelle.accounts.twofactor import codes, forms, gate, services
from passerelle.core.errors import DomainError
from passerelle.core.time import utcnow
from passerelle.core.web import form_error, safe_next
from passerelle.extensions import limiter

bp = Blueprint("two_factor", __name__, url_prefix="/account/two-factor")

CODE_LIMIT = "20 per 10 minutes"


@bp.after_request
def no_store(response):
    # Secrets and recovery codes must not stay in a browser's or a proxy's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _me():
    return current_user._get_current_object()


def _next() -> str:
    return safe_next(request.args.get("next")) or url_for("core.home")


def _trust_label(form) -> None:
    form.trust.label.text = _("Do not ask again on this device for %(days)d days",
                              days=gate.trust_days())


@bp.get("/")
@login_required
def overview():
    user, now = _me(), utcnow()
    return _render_overview(user, now)


def _render_overview(user, now, **forms_shown):
    # Two forms on one page: prefixes keep their fields' ids apart.
    context = {"codes_form": forms.NewRecoveryCodesForm(prefix="codes", formdata=None),
               "disable_form": forms.DisableForm(prefix="off", formdata=None)} | forms_shown
    return render_template(
        "accounts/two_factor.html", enabled=services.is_enabled(user),
        required=services.is_required(user), codes_left=services.recovery_codes_left(user),
        devices=services.trusted_devices_count(user, now), **context)


@bp.route("/setup", methods=["GET", "POST"])
@login_required
@limiter.limit(CODE_LIMIT, methods=["POST"])
def setup():
    user, now = _me(), utcnow()
    if services.is_enabled(user):
        flash(_l("Two-step verification is already turned on."), "info")
        return redirect(url_for("two_factor.overview"))
    row = services.begin_enrolment(user)
    form = forms.SetupForm()
    _trust_label(form)
    if form.validate_on_submit():
        try:
            recovery = services.confirm_enrolment(user, form.code.data, now)
        except DomainError as error:
            form_error(form, error)
        else:
            gate.mark_verified(user, now)
            response = make_response(render_template(
                "accounts/two_factor_codes.html", codes=recovery, next=_next(), first=True))
            if form.trust.data:
                gate.set_trust_cookie(response, user, services.trust_device(
                    user, now, gate.trust_days()))
            return response
    uri = codes.provisioning_uri(row.secret, user.email)
    # An image, not markup in the page: nothing is marked safe (CSP allows data: images).
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return render_template("accounts/two_factor_setup.html", form=form, qr=qr,
                           secret=" ".join(row.secret[i:i + 4]
                                           for i in range(0, len(row.secret), 4)))


@bp.route("/verify", methods=["GET", "POST"])
@login_required
@limiter.limit(CODE_LIMIT, methods=["POST"])
def verify():
    user, now = _me(), utcnow()
    if not services.is_enabled(user):
        return redirect(url_for("two_factor.setup", next=request.args.get("next")))
    if gate.has_passed(user, now):
        return redirect(_next())
    form = forms.VerifyForm()
    _trust_label(form)
    if form.validate_on_submit():
        try:
            services.verify(user, form.code.data, now)
        except DomainError as error:
            form_error(form, error)
        else:
            gate.mark_verified(user, now)
            left = services.recovery_codes_left(user)
            if left < codes.RECOVERY_CODES and not codes.is_totp_shape(
                    codes.normalise(form.code.data)):
                flash(_l("You used a recovery code. Recovery codes left: %(left)d. Make new "
                         "ones on the two-step verification page.", left=left), "info")
            response = redirect(_next())
            if form.trust.data:
                gate.set_trust_cookie(response, user, services.trust_device(
                    user, now, gate.trust_days()))
            return response
    return render_template("accounts/two_factor_verify.html", form=form)


@bp.post("/recovery-codes")
@login_required
@gate.second_factor_required
@limiter.limit(CODE_LIMIT)
def recovery_codes():
    user, now = _me(), utcnow()
    form = forms.NewRecoveryCodesForm(prefix="codes")
    if form.validate_on_submit():
        try:
            recovery = services.new_recovery_codes(user, form.code.data, now)
        except DomainError as error:
            form_error(form, error)
        else:
            return render_template("accounts/two_factor_codes.html", codes=recovery,
                                   next=url_for("two_factor.overview"), first=False)
    return _render_overview(user, now, codes_form=form)


@bp.post("/disable")
@login_required
@limiter.limit(CODE_LIMIT)
def disable():
    user, now = _me(), utcnow()
    form = forms.DisableForm(prefix="off")
    if form.validate_on_submit():
        try:
            services.disable(user, form.password.data, form.code.data, now)
        except DomainError as error:
            form_error(form, error)
        else:
            gate.forget_session()
            flash(_l("Two-step verification is turned off."), "success")
            return redirect(url_for("two_factor.overview"))
    return _render_overview(user, now, disable_form=form)


@bp.post("/forget-devices")
@login_required
def forget_devices():
    services.forget_devices_now(_me())
    flash(_l("No device is trusted any more: your code will be asked for at the next "
             "login."), "success")
    return redirect(url_for("two_factor.overview"))


@bp.route("/reset", methods=["GET", "POST"])
@login_required
@gate.second_factor_required
def reset():
    """For administrators only; anyone else gets a 404."""
    admin = _me()
    if not admin.is_admin:
        abort(404)
    form = forms.ResetForm()
    if form.validate_on_submit():
        person = user_by_email(form.email.data)
        try:
            if person is None:
                raise DomainError(_l("No account uses this e-mail address."), field="email")
            services.reset_for(admin, person, utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("Two-step verification of %(email)s is reset. They will be asked to "
                     "set it up again.", email=person.email), "success")
            return redirect(url_for("two_factor.reset"))
    return render_template("accounts/two_factor_reset.html", form=form)
