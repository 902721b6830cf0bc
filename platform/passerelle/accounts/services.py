"""Account operations. Each one commits once, or raises DomainError and changes nothing."""

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from passerelle.accounts.models import User
from passerelle.core.errors import DomainError
from passerelle.core.i18n import UNKNOWN_LANGUAGE, is_locale
from passerelle.core.mail import send_mail
from passerelle.core.time import utcnow
from passerelle.core.tokens import make_token, read_token
from passerelle.extensions import db

EMAIL_TAKEN = _l("An account with this e-mail address already exists. Log in instead.")
WRONG_LOGIN = _l("This e-mail address and password do not match an account.")
BAD_LINK = _l("This link is invalid or has expired. Ask for a new one.")


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def load_session_user(session_id: str) -> User | None:
    """The user of a session id "user:version", if that session has not been ended."""
    user_id, _sep, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def _check_locale(locale: str) -> None:
    if not is_locale(locale):
        raise DomainError(UNKNOWN_LANGUAGE, field="locale")


def new_user(name: str, email: str, password: str, locale: str) -> User:
    """A user added to the session, not yet committed."""
    _check_locale(locale)
    if user_by_email(email):
        raise DomainError(EMAIL_TAKEN, field="email")
    user = User(name=name.strip(), email=email.strip().lower(), locale=locale,
                password_hash=generate_password_hash(password))
    db.session.add(user)
    return user


def register(name: str, email: str, password: str, locale: str) -> User:
    user = new_user(name, email, password, locale)
    db.session.commit()
    send_confirmation(user)
    return user


def authenticate(email: str, password: str) -> User:
    user = user_by_email(email)
    if user is None or not check_password_hash(user.password_hash, password):
        raise DomainError(WRONG_LOGIN, field="password")
    return user


def send_confirmation(user: User) -> None:
    token = make_token("confirm", {"u": user.id, "e": user.email})
    link = _external("accounts.confirm_email", token=token)
    _mail(user, _l("Confirm your e-mail address"), "accounts/mail/confirm.txt", link=link)


def confirm_email(token: str) -> User:
    payload = read_token("confirm", token)
    user = db.session.get(User, payload.get("u")) if payload else None
    if user is None or user.email != payload.get("e"):
        raise DomainError(BAD_LINK)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.commit()
    return user


def request_password_reset(email: str) -> None:
    """Send a reset link if the account exists; say nothing either way to the asker."""
    user = user_by_email(email)
    if user is None:
        return
    token = make_token("reset", {"u": user.id, "v": user.session_version})
    link = _external("accounts.reset_password", token=token)
    _mail(user, _l("Choose a new password"), "accounts/mail/reset.txt", link=link)


def reset_password(token: str, password: str) -> User:
    payload = read_token("reset", token, max_age=3600 * 2)
    user = db.session.get(User, payload.get("u")) if payload else None
    # The session version changes with the password, so a link works only once.
    if user is None or user.session_version != payload.get("v"):
        raise DomainError(BAD_LINK)
    _set_password(user, password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


def change_password(user: User, current: str, password: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise DomainError(_l("The current password is not right."), field="current")
    _set_password(user, password)
    db.session.commit()


def end_other_sessions(user: User) -> None:
    user.session_version += 1
    db.session.commit()


def update_account(user: User, name: str, email: str, locale: str) -> bool:
    """Save the account; returns True when the e-mail changed and must be confirmed again."""
    _check_locale(locale)
    email = email.strip().lower()
    changed_email = email != user.email
    if changed_email and user_by_email(email):
        raise DomainError(EMAIL_TAKEN, field="email")
    user.name, user.locale = name.strip(), locale
    if changed_email:
        user.email, user.email_confirmed_at = email, None
    db.session.commit()
    if changed_email:
        send_confirmation(user)
    return changed_email


def set_locale(user: User, locale: str) -> None:
    _check_locale(locale)
    user.locale = locale
    db.session.commit()


def create_admin(name: str, email: str, password: str) -> User:
    """Make an administrator, or raise an existing account to administrator."""
    user = user_by_email(email)
    if user is None:
        user = new_user(name, email, password, "fr")
    user.is_admin = True
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.session.commit()
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password)
    user.session_version += 1


def _external(endpoint: str, **values) -> str:
    base = current_app.config["PASSERELLE_BASE_URL"].rstrip("/")
    return base + url_for(endpoint, **values)


def _mail(user: User, subject, template: str, **context) -> None:
    """An e-mail to a person, in the language they chose."""
    with force_locale(user.locale):
        body = render_template(template, user=user, **context)
        send_mail(user.email, str(subject), body)


# Erasure (see privacy.services): the row stays, so that what hangs on it stays valid.

ERASED_DOMAIN = "erased.invalid"


def password_is_right(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def anonymise(user: User) -> None:
    """Remove the person's name, address and password; every session of theirs ends.
    Does not commit: the erasure commits once, with the rest."""
    user.name = ""
    user.email = f"erased-{user.id}@{ERASED_DOMAIN}"
    user.password_hash = "!"  # no password matches it
    user.email_confirmed_at = None
    user.is_admin = False
    user.session_version += 1
