"""Where the second factor is asked: the session flag, the trusted-device cookie, and the
decorator that staff pages wear (under @login_required)."""

from datetime import datetime
from functools import wraps

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from passerelle.accounts.twofactor import services
from passerelle.core.time import utcnow
from passerelle.core.tokens import make_token, read_token
from passerelle.core.web import safe_next
from passerelle.extensions import login_manager

SESSION_KEY = "second_factor"
COOKIE = "passerelle_device"
COOKIE_PURPOSE = "trusted-device"


def trust_days() -> int:
    return int(current_app.config["PASSERELLE_TRUSTED_DEVICE_DAYS"])


def verified_value(user, now: datetime) -> dict:
    """What the session holds once it passed the second factor. It names the login session
    (user id and session version), so that a flag left behind by a session ended elsewhere
    ("log out everywhere", a new password) does not carry over to the next login."""
    return {"user": user.get_id(), "at": int(now.timestamp())}


def mark_verified(user, now: datetime) -> None:
    session[SESSION_KEY] = verified_value(user, now)


def forget_session() -> None:
    """For logout: this session has not passed the second factor any more."""
    session.pop(SESSION_KEY, None)


def has_passed(user, now: datetime) -> bool:
    """This session passed the second factor, or comes from a device the person trusts
    (then the session is marked so that the cookie is read once)."""
    value = session.get(SESSION_KEY)
    if isinstance(value, dict) and value.get("user") == user.get_id():
        return True
    payload = read_token(COOKIE_PURPOSE, request.cookies.get(COOKIE, ""),
                         max_age=trust_days() * 24 * 3600)
    if (payload and payload.get("u") == user.id and isinstance(payload.get("t"), str)
            and services.is_trusted(user, payload["t"], now)):
        mark_verified(user, now)
        return True
    return False


def set_trust_cookie(response, user, device: services.NewDevice) -> None:
    response.set_cookie(
        COOKIE, make_token(COOKIE_PURPOSE, {"u": user.id, "t": device.token}),
        max_age=trust_days() * 24 * 3600, httponly=True, samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))


def _here() -> str | None:
    return safe_next(request.full_path.rstrip("?")) if request.method == "GET" else None


def second_factor_required(view):
    """Staff-type people (any membership, or an administrator) pass the second factor
    before this page: sent to set it up, or to give a code, and brought back after."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        user = current_user._get_current_object()
        if not services.is_required(user) or has_passed(user, utcnow()):
            return view(*args, **kwargs)
        if services.is_enabled(user):
            flash(_l("Enter a code from your authenticator app to see this page."), "info")
            return redirect(url_for("two_factor.verify", next=_here()))
        flash(_l("People who work for an organisation protect their account with "
                 "two-step verification. Set it up to see this page."), "info")
        return redirect(url_for("two_factor.setup", next=_here()))

    return wrapped


def after_login(user, target: str) -> str:
    """Where to go once the password is right: the code first, if two-step verification is
    on and this device is not trusted."""
    if services.is_enabled(user) and not has_passed(user, utcnow()):
        return url_for("two_factor.verify", next=target)
    return target
