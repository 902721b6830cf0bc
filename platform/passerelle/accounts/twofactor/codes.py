"""The pure part of two-factor: TOTP steps, recovery codes, the pause after failed codes.
No Flask, no database: plain values and the time as arguments."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import pyotp

ISSUER = "Passerelle"
STEP_SECONDS = 30
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_LENGTH = 10
# After this many wrong codes in a row, codes are refused until the pause has passed.
MAX_FAILED_CODES = 5
FAILURE_PAUSE = timedelta(minutes=15)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def step_of(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step the code belongs to (this one, or one either side), if it is right and
    newer than the last code accepted; else None. A code never works twice."""
    code = normalise(code)
    if not is_totp_shape(code):
        return None
    totp, current = pyotp.TOTP(secret), step_of(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step if last_step is None or step > last_step else None
    return None


def normalise(code: str) -> str:
    """What was typed, without spaces, dashes and capitals."""
    return "".join(code.split()).replace("-", "").lower()


def is_totp_shape(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def new_recovery_codes() -> list[str]:
    """Ten codes such as "k7pqr-x3mwa", shown once to the person."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def digest(value: str) -> str:
    """The stored form of a recovery code or device token: both are long random strings,
    so a plain SHA-256 is enough (no slow hash needed)."""
    return hashlib.sha256(value.encode()).hexdigest()


def paused(failed_codes: int, last_failed_at: datetime | None, now: datetime) -> bool:
    """Too many wrong codes lately: refuse every code until the pause is over."""
    return (failed_codes >= MAX_FAILED_CODES and last_failed_at is not None
            and now < last_failed_at + FAILURE_PAUSE)


def new_device_token() -> str:
    return secrets.token_urlsafe(32)
