"""Two-factor operations. Each one commits once, or raises DomainError and changes nothing
(except a wrong code, which is counted). The time is always an argument."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash

from passerelle.accounts.models import User
from passerelle.accounts.twofactor import codes
from passerelle.accounts.twofactor.models import RecoveryCode, TrustedDevice, TwoFactor
from passerelle.core import access, audit
from passerelle.core.errors import DomainError
from passerelle.extensions import db
from passerelle.reminders import outbox

WRONG_CODE = _l("This code is not right, or it was already used. Try the next code from "
                "your app.")
PAUSED = _l("Too many wrong codes. Wait 15 minutes before trying again.")
WRONG_PASSWORD = _l("The password is not right.")
NOT_ENABLED = _l("Two-step verification is not turned on for this account.")


def is_required(user: User) -> bool:
    """Staff, coordinators, network coordinators and administrators need a second factor;
    volunteers (no membership of any organisation) are never asked."""
    return user.is_admin or access.is_member_anywhere(user)


def settings_of(user: User) -> TwoFactor | None:
    return db.session.get(TwoFactor, user.id)


def is_enabled(user: User) -> bool:
    row = settings_of(user)
    return row is not None and row.enabled


def begin_enrolment(user: User) -> TwoFactor:
    """A secret to put in an authenticator app; not in force until a code from it is
    verified. Asking again keeps the same pending secret."""
    row = settings_of(user)
    if row is not None and row.enabled:
        raise DomainError(_l("Two-step verification is already turned on."))
    if row is None:
        row = TwoFactor(user_id=user.id, secret=codes.new_secret())
        db.session.add(row)
        db.session.commit()
    return row


def confirm_enrolment(user: User, code: str, now: datetime) -> list[str]:
    """Turn two-step verification on with a first code from the app. Returns the ten
    recovery codes, to show once: only their hashes are kept."""
    row = settings_of(user)
    if row is None or row.enabled:
        raise DomainError(_l("Start the set-up again."), field="code")
    _check_totp(row, code, now)
    row.enabled_at = now
    recovery = _replace_recovery_codes(user)
    db.session.commit()
    return recovery


def verify(user: User, code: str, now: datetime) -> None:
    """Check a code from the app, or a recovery code (which then never works again)."""
    row = _enabled_settings(user)
    if codes.is_totp_shape(codes.normalise(code)):
        _check_totp(row, code, now)
    else:
        _use_recovery_code(row, code, now)
    db.session.commit()


def new_recovery_codes(user: User, code: str, now: datetime) -> list[str]:
    """Ten fresh recovery codes in exchange for a code from the app; the old ones end."""
    row = _enabled_settings(user)
    _check_totp(row, code, now)
    recovery = _replace_recovery_codes(user)
    db.session.commit()
    return recovery


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def disable(user: User, password: str, code: str, now: datetime) -> None:
    """Turn two-step verification off: the password and a code (or a recovery code)."""
    if not check_password_hash(user.password_hash, password):
        raise DomainError(WRONG_PASSWORD, field="password")
    row = _enabled_settings(user)
    if codes.is_totp_shape(codes.normalise(code)):
        _check_totp(row, code, now)
    else:
        _use_recovery_code(row, code, now)
    forget_enrolment(user)
    _tell_turned_off(user, by_administrator=False)
    db.session.commit()


def reset_for(admin: User, user: User, now: datetime) -> None:
    """An administrator turns another person's second factor off (a lost phone); the
    person sets it up again at their next staff page. Written to the audit log."""
    if not admin.is_admin:
        raise DomainError(_l("Only an administrator can do this."))
    if settings_of(user) is None:
        raise DomainError(NOT_ENABLED, field="email")
    forget_enrolment(user)
    audit.log(admin, "2fa_reset", SimpleNamespace(audit_type="user", id=user.id), at=now)
    _tell_turned_off(user, by_administrator=True)
    db.session.commit()


# Trusted devices -----------------------------------------------------------------------

@dataclass(frozen=True)
class NewDevice:
    token: str
    expires_at: datetime


def trust_device(user: User, now: datetime, days: int) -> NewDevice:
    """Remember this device for `days`: the token goes into a cookie, its hash here."""
    token = codes.new_device_token()
    expires_at = now + timedelta(days=days)
    db.session.execute(delete(TrustedDevice).where(TrustedDevice.user_id == user.id,
                                                   TrustedDevice.expires_at <= now))
    db.session.add(TrustedDevice(user_id=user.id, token_hash=codes.digest(token),
                                 expires_at=expires_at, created_at=now))
    db.session.commit()
    return NewDevice(token, expires_at)


def is_trusted(user: User, token: str, now: datetime) -> bool:
    """The token of a device this person trusted, not yet expired nor forgotten, while
    two-step verification is still on."""
    device = db.session.scalar(select(TrustedDevice).where(
        TrustedDevice.token_hash == codes.digest(token)))
    return (device is not None and device.user_id == user.id and now < device.expires_at
            and is_enabled(user))


def forget_devices(user: User) -> None:
    """End the trust of every device of this person: for a password change, a "log out
    everywhere" or a reset. Does not commit: the caller's operation commits with it."""
    db.session.execute(delete(TrustedDevice).where(TrustedDevice.user_id == user.id))


def forget_devices_now(user: User) -> None:
    forget_devices(user)
    db.session.commit()


def trusted_devices_count(user: User, now: datetime) -> int:
    return db.session.scalar(select(func.count(TrustedDevice.id)).where(
        TrustedDevice.user_id == user.id, TrustedDevice.expires_at > now))


# ---------------------------------------------------------------------------------------

def _enabled_settings(user: User) -> TwoFactor:
    row = settings_of(user)
    if row is None or not row.enabled:
        raise DomainError(NOT_ENABLED, field="code")
    return row


def _check_totp(row: TwoFactor, code: str, now: datetime) -> None:
    if codes.paused(row.failed_codes, row.last_failed_at, now):
        raise DomainError(PAUSED, field="code")
    step = codes.matching_step(row.secret, code, now, row.last_step)
    if step is None:
        _count_failure(row, now)
    row.last_step, row.failed_codes, row.last_failed_at = step, 0, None


def _use_recovery_code(row: TwoFactor, code: str, now: datetime) -> None:
    if codes.paused(row.failed_codes, row.last_failed_at, now):
        raise DomainError(PAUSED, field="code")
    found = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == row.user_id, RecoveryCode.used_at.is_(None),
        RecoveryCode.code_hash == codes.digest(codes.normalise(code))))
    if found is None:
        _count_failure(row, now)
    found.used_at = now
    row.failed_codes, row.last_failed_at = 0, None


def _count_failure(row: TwoFactor, now: datetime):
    """Keep the count of wrong codes (so that every worker sees it), then refuse."""
    row.failed_codes += 1
    row.last_failed_at = now
    db.session.commit()
    raise DomainError(WRONG_CODE, field="code")


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    recovery = codes.new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=codes.digest(codes.normalise(c)))
                       for c in recovery)
    return recovery


def forget_enrolment(user: User) -> None:
    """The secret, the recovery codes and the trusted devices go. Does not commit."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    forget_devices(user)


def _tell_turned_off(user: User, by_administrator: bool) -> None:
    """The owner hears of it, in their language: if it was not them, they can act.
    Does not commit."""
    outbox.write("account-two-factor-off", user, _l("Two-step verification is turned off"),
                 "accounts/mail/two_factor_off.txt", about=f"user-{user.id}",
                 occurrence=outbox.each_time(), by_administrator=by_administrator)
