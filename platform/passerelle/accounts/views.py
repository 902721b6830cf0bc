from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from passerelle.accounts import forms, services
from passerelle.accounts.twofactor import gate as two_factor
from passerelle.core.access import memberships_of
from passerelle.core.errors import DomainError
from passerelle.core.time import utcnow
from passerelle.core.web import form_error, safe_next
from passerelle.extensions import limiter, login_manager

bp = Blueprint("accounts", __name__, url_prefix="/account")

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str):
    return services.load_session_user(session_id, utcnow())


def sign_in(user, remember: bool = False) -> None:
    """Start a server-side session for this device, then the Flask-Login one."""
    services.start_session(user, utcnow(), remember)
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = forms.RegisterForm()
    # Where the person was going (say, applying to a programme): kept through the
    # confirmation mail's link, then the log-in.
    after = safe_next(request.args.get("next"))
    if request.method == "GET":
        form.locale.data = _request_locale()
    if form.validate_on_submit():
        try:
            services.register(form.name.data, form.email.data, form.password.data,
                              form.locale.data, after=after)
        except DomainError as error:
            form_error(form, error)
        else:
            # The same answer whether or not the address had an account already.
            # The mail is only in the outbox yet: say it is on its way, not that it left.
            flash(_l("Thank you! Your account is created. We are sending an e-mail to "
                     "%(email)s: follow the link in it to confirm your address, then log "
                     "in.", email=form.email.data), "success")
            return redirect(url_for("accounts.login", next=after))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per 10 minutes", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = forms.LoginForm()
    if form.validate_on_submit():
        try:
            user = services.log_in(form.email.data, form.password.data, utcnow(),
                                   remember=form.remember.data)
        except DomainError as error:
            form_error(form, error)
        else:
            login_user(user, remember=form.remember.data)
            flash(_l("You are logged in."), "success")
            return redirect(two_factor.after_login(
                user, safe_next(request.args.get("next")) or url_for("core.home")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.end_session(current_user)
    logout_user()
    two_factor.forget_session()
    flash(_l("You are logged out."), "success")
    return redirect(url_for("core.home"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    services.end_all_sessions(current_user)
    logout_user()
    two_factor.forget_session()
    flash(_l("You are logged out on every device."), "success")
    return redirect(url_for("accounts.login"))


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    try:
        services.confirm_email(token, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_l("Your e-mail address is confirmed. Thank you."), "success")
    after = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(after or url_for("accounts.account"))
    return redirect(url_for("accounts.login", next=after))


@bp.post("/confirm/again")
@login_required
@limiter.limit("5 per hour")
def resend_confirmation():
    services.send_confirmation(current_user)
    flash(_l("We sent you a new confirmation e-mail."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_l("If an account uses this address, we have sent it a link to choose a new "
                 "password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.get("/unlock/<token>")
def unlock(token: str):
    try:
        services.unlock(token)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_l("Your account is unlocked: you can log in again."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token: str):
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, utcnow())
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for("accounts.forgot_password"))
        logout_user()
        flash(_l("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", methods=["POST"])
def account():
    form = forms.AccountForm(obj=current_user)
    if form.validate_on_submit():
        try:
            new_email = services.update_account(current_user, form.name.data,
                                                form.email.data, form.locale.data,
                                                form.current.data, utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("Your account is saved."), "success")
            if new_email:
                flash(_l("We sent a link to %(email)s: your address changes once you follow "
                         "it.", email=form.email.data), "info")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form,
                           memberships=memberships_of(current_user))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = current_user._get_current_object()
            services.change_password(user, form.current.data, form.password.data, utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            # This device carries on in the fresh session the service opened.
            cookie = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE)
            remembered = cookie in request.cookies
            login_user(user, remember=remembered)
            flash(_l("Your password is changed. Other devices have been logged out."),
                  "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form)


def _request_locale() -> str:
    return str(get_locale())
