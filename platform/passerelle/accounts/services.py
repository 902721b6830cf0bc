"""Account operations. Each one commits once, or raises DomainError and changes nothing
(a wrong password is the exception: its count is saved, then the error raised)."""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from passerelle.accounts import throttle
from passerelle.accounts.models import User, UserSession
from passerelle.accounts.twofactor.services import forget_devices, forget_enrolment
from passerelle.core.errors import DomainError
from passerelle.core.i18n import UNKNOWN_LANGUAGE, is_locale
from passerelle.core.time import as_utc, to_brussels
from passerelle.core.tokens import make_token, read_token
from passerelle.extensions import db
from passerelle.reminders import outbox
from passerelle.reminders.outbox import external_url

EMAIL_TAKEN = _l("An account with this e-mail address already exists. Log in instead.")
WRONG_LOGIN = _l("This e-mail address and password do not match an account.")
BAD_LINK = _l("This link is invalid or has expired. Ask for a new one.")
WRONG_CURRENT = _l("The current password is not right.")


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


# Sessions: one row per signed-in device; the Flask-Login id is "user id:row key".

def start_session(user: User, now: datetime, remember: bool = False) -> None:
    """Open a session for this device; the caller then passes the user to login_user."""
    _open_session(user, now, remember)
    db.session.commit()


def load_session_user(session_id: str, now: datetime) -> User | None:
    """The user of a session id "user:key", if that session is open and not expired."""
    user_id, _sep, key = session_id.partition(":")
    if not (user_id.isdigit() and key):
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.key == key))
    if row is None or str(row.user_id) != user_id or as_utc(row.expires_at) <= now:
        return None
    user = db.session.get(User, row.user_id)
    user.session_key = key
    return user


def end_session(user: User) -> None:
    """Log out this device: its session cookie and remember cookie stop working."""
    db.session.execute(delete(UserSession).where(UserSession.key == user.session_key))
    db.session.commit()


def end_all_sessions(user: User) -> None:
    """Log out every device, and trust none of them for the second factor any more."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    forget_devices(user)
    db.session.commit()


def _open_session(user: User, now: datetime, remember: bool,
                  expires_at: datetime | None = None) -> None:
    config = current_app.config
    if expires_at is None:
        lasts = (config["REMEMBER_COOKIE_DURATION"] if remember
                 else timedelta(hours=int(config["PASSERELLE_SESSION_HOURS"])))
        expires_at = now + lasts
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.expires_at <= now))
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(key=key, user_id=user.id, created_at=now, expires_at=expires_at))
    user.session_key = key


# Signing up and in

def _check_locale(locale: str) -> None:
    if not is_locale(locale):
        raise DomainError(UNKNOWN_LANGUAGE, field="locale")


def new_user(name: str, email: str, password: str, locale: str,
             password_hash: str | None = None) -> User:
    """A user added to the session, not yet committed."""
    _check_locale(locale)
    if user_by_email(email):
        raise DomainError(EMAIL_TAKEN, field="email")
    user = User(name=name.strip(), email=email.strip().lower(), locale=locale,
                password_hash=password_hash or generate_password_hash(password))
    db.session.add(user)
    return user


def register(name: str, email: str, password: str, locale: str,
             after: str | None = None) -> None:
    """Create an unconfirmed account and mail its confirmation link. If the address has an
    account already, mail its owner instead: the asker sees the same answer either way.
    `after`, a path on this site, is where the confirmation link leads once logged in."""
    _check_locale(locale)
    password_hash = generate_password_hash(password)  # in both cases, so both take as long
    existing = user_by_email(email)
    if existing is None:
        user = new_user(name, email, password, locale, password_hash=password_hash)
        db.session.flush()  # its id, for the link
        send_confirmation(user, after=after)
    elif not existing.email_confirmed:
        send_confirmation(existing, after=after)
    else:
        _mail(existing, "account-signup-attempt",
              _l("Someone tried to sign up with your address"),
              "accounts/mail/signup_attempt.txt",
              login_link=external_url("accounts.login"),
              reset_link=external_url("accounts.forgot_password"))
    db.session.commit()


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def log_in(email: str, password: str, now: datetime, remember: bool = False) -> User:
    """Check the password (within the account's limits) and open a session."""
    user = user_by_email(email)
    if user is None:
        # Check a hash anyway, so that an unknown address answers as slowly as a known one.
        check_password_hash(_dummy_hash(), password)
        raise DomainError(WRONG_LOGIN, field="password")
    check_password(user, password, now, "password", WRONG_LOGIN)
    _open_session(user, now, remember)
    db.session.commit()
    return user


def check_password(user: User, password: str, now: datetime, field: str = "password",
                   wrong=None) -> None:
    """Refuse while the account must wait, without looking at the password. A wrong one
    is counted (in the database, so every worker sees it) and makes the account wait
    longer; from throttle.LOCK_AFTER on, the owner is mailed a link to unlock it."""
    wrong = wrong or WRONG_CURRENT
    if user.next_login_at is not None and now < as_utc(user.next_login_at):
        raise DomainError(_wait_message(user), field=field)
    if check_password_hash(user.password_hash, password):
        user.failed_logins, user.next_login_at = 0, None
        return
    user.failed_logins += 1
    next_at = throttle.next_attempt_at(user.failed_logins, now.replace(microsecond=0))
    user.next_login_at = next_at
    locked = throttle.is_locked(user.failed_logins)
    if locked:
        token = make_token("unlock", {"u": user.id, "t": next_at.isoformat()})
        _mail(user, "account-locked", _l("Your Passerelle account is locked"),
              "accounts/mail/locked.txt", link=external_url("accounts.unlock", token=token))
    db.session.commit()
    if locked:
        raise DomainError(_wait_message(user), field=field)
    raise DomainError(wrong, field=field)


def _wait_message(user: User):
    time = to_brussels(user.next_login_at).strftime("%H:%M:%S")
    if throttle.is_locked(user.failed_logins):
        return _l("After too many wrong passwords this account is locked until %(time)s. "
                  "We have sent its owner an e-mail with a link to unlock it.", time=time)
    return _l("Too many wrong passwords. Try again after %(time)s.", time=time)


def unlock(token: str) -> User:
    """The owner's link from the lock e-mail: the account may be tried again at once."""
    payload = read_token("unlock", token)
    user = db.session.get(User, payload.get("u")) if payload else None
    # Only the lock the link was sent for: a used link no longer matches.
    if (user is None or user.next_login_at is None
            or as_utc(user.next_login_at).isoformat() != payload.get("t")):
        raise DomainError(BAD_LINK)
    user.failed_logins, user.next_login_at = 0, None
    db.session.commit()
    return user


# Confirming addresses

def send_confirmation(user: User, email: str | None = None, after: str | None = None) -> None:
    """The link that confirms `email` (by default the account's address) for this user,
    then leads to `after` (checked again with safe_next when followed). Does not commit."""
    email = email or user.email
    token = make_token("confirm", {"u": user.id, "e": email})
    link = external_url("accounts.confirm_email", token=token, next=after)
    _mail(user, "account-confirm", _l("Confirm your e-mail address"),
          "accounts/mail/confirm.txt", to=email, link=link)


def confirm_email(token: str, now: datetime) -> User:
    """Confirm the account's address, or make a pending new address the account's."""
    payload = read_token("confirm", token)
    user = db.session.get(User, payload.get("u")) if payload else None
    email = payload.get("e") if payload else None
    if user is None or not email or email not in (user.email, user.pending_email):
        raise DomainError(BAD_LINK)
    if email == user.pending_email:
        # Only the owner of the new address learns that it is taken.
        if user_by_email(email) is not None:
            raise DomainError(_l("Another account uses this address already, so it cannot "
                                 "become yours. Keep your address or choose another one."))
        user.email, user.pending_email, user.email_confirmed_at = email, None, now
    elif user.email_confirmed_at is None:
        user.email_confirmed_at = now
    db.session.commit()
    return user


def require_confirmed_email(user: User) -> None:
    """For what others rely on: applying to a programme, offering goods."""
    if not user.email_confirmed:
        raise DomainError(_l("Confirm your e-mail address first: follow the link in the "
                             "e-mail we sent you. You can have it sent again from your "
                             "account page."))


# Passwords

def _fingerprint(user: User) -> str:
    """Changes with the password, so that a reset link works only once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(email: str) -> None:
    """Send a reset link if the account exists; say nothing either way to the asker."""
    user = user_by_email(email)
    if user is None:
        return
    link = external_url("accounts.reset_password", token=reset_token(user))
    _mail(user, "account-reset", _l("Choose a new password"), "accounts/mail/reset.txt",
          link=link)
    db.session.commit()


def reset_token(user: User) -> str:
    """The token of a reset link: it stops working once the password changes."""
    return make_token("reset", {"u": user.id, "p": _fingerprint(user)})


def reset_password(token: str, password: str, now: datetime) -> User:
    """A new password from the mailed link; every session of the account ends."""
    payload = read_token("reset", token, max_age=3600 * 2)
    user = db.session.get(User, payload.get("u")) if payload else None
    if user is None or payload.get("p") != _fingerprint(user):
        raise DomainError(BAD_LINK)
    user.password_hash = generate_password_hash(password)
    user.failed_logins, user.next_login_at = 0, None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now  # the link came to this address
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    forget_devices(user)
    _mail_password_changed(user)
    db.session.commit()
    return user


def change_password(user: User, current: str, password: str, now: datetime) -> None:
    """Every other device is logged out; this one carries on in a fresh session."""
    check_password(user, current, now, "current", WRONG_CURRENT)
    this_session = db.session.scalar(select(UserSession).where(
        UserSession.key == user.session_key))
    expires_at = this_session.expires_at if this_session else None
    user.password_hash = generate_password_hash(password)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    forget_devices(user)
    _open_session(user, now, remember=False, expires_at=expires_at)
    _mail_password_changed(user)
    db.session.commit()


def _mail_password_changed(user: User) -> None:
    _mail(user, "account-password-changed", _l("Your Passerelle password was changed"),
          "accounts/mail/password_changed.txt",
          reset_link=external_url("accounts.forgot_password"))


# The account page

def update_account(user: User, name: str, email: str, locale: str, current_password: str,
                   now: datetime) -> bool:
    """Save the account. A new e-mail address needs the current password and becomes the
    account's only once confirmed from the link sent to it; the old address is told.
    Returns True when a new address was asked for. Whether it is taken is not told here."""
    _check_locale(locale)
    email = email.strip().lower()
    new_email = email != user.email
    if new_email:
        if not current_password:
            raise DomainError(_l("Enter your current password to change your e-mail "
                                 "address."), field="current")
        check_password(user, current_password, now, "current", WRONG_CURRENT)
        user.pending_email = email
    user.name, user.locale = name.strip(), locale
    if new_email:
        send_confirmation(user, email)
        _mail(user, "account-email-change",
              _l("A new e-mail address was asked for your Passerelle account"),
              "accounts/mail/email_change_asked.txt", new_email=email,
              reset_link=external_url("accounts.forgot_password"))
    db.session.commit()
    return new_email


def set_locale(user: User, locale: str) -> None:
    _check_locale(locale)
    user.locale = locale
    db.session.commit()


def create_admin(name: str, email: str, password: str, now: datetime) -> User:
    """Make an administrator, or raise an existing account to administrator."""
    user = user_by_email(email)
    if user is None:
        user = new_user(name, email, password, "fr")
    user.is_admin = True
    user.email_confirmed_at = user.email_confirmed_at or now
    db.session.commit()
    return user


def _mail(user: User, kind: str, subject, template: str, to: str | None = None,
          **context) -> None:
    """A message to a person (at `to`, by default their address), in the language they
    chose, through the outbox: each of these is a new message. Does not commit."""
    outbox.write(kind, user, subject, template, about=f"user-{user.id}",
                 occurrence=outbox.each_time(), address=to, **context)


# Erasure (see privacy.services): the row stays, so that what hangs on it stays valid.

ERASED_DOMAIN = "erased.invalid"


def anonymise(user: User) -> None:
    """Remove the person's name, address and password; every session of theirs ends.
    Does not commit: the erasure commits once, with the rest."""
    user.name = ""
    user.email = f"erased-{user.id}@{ERASED_DOMAIN}"
    user.password_hash = "!"  # no password matches it
    user.email_confirmed_at = None
    user.is_admin = False
    user.pending_email, user.failed_logins, user.next_login_at = None, 0, None
    # Every device is logged out, and the second factor goes with the rest.
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    forget_enrolment(user)
