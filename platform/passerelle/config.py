"""Configuration: defaults, then `instance/config.py`, then the environment."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = ROOT / "instance"


class Defaults:
    SECRET_KEY = "dev-only-change-me"
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE / 'passerelle.sqlite'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Mail: with no MAIL_SERVER, messages are written as .eml files into MAIL_DIR.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_DEFAULT_SENDER = "Passerelle <no-reply@passerelle.local>"
    MAIL_DIR = str(INSTANCE / "mail")
    PASSERELLE_BASE_URL = "http://127.0.0.1:5000"
    PASSERELLE_TOKEN_MAX_AGE = 3 * 24 * 3600
    PASSERELLE_INVITATION_DAYS = 14
    # Whom people write to about their data, on the privacy page: the platform's operator.
    PASSERELLE_PRIVACY_CONTACT = ""


ENV_STRINGS = (
    "SECRET_KEY", "MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER",
    "MAIL_DIR", "RATELIMIT_STORAGE_URI",
)
ENV_INTS = ("MAIL_PORT",)
ENV_BOOLS = ("MAIL_USE_TLS",)


def from_environment(environ=os.environ) -> dict:
    """Settings found in the environment: DATABASE_URL, SECRET_KEY, MAIL_*, PASSERELLE_*."""
    found: dict = {}
    if environ.get("DATABASE_URL"):
        found["SQLALCHEMY_DATABASE_URI"] = environ["DATABASE_URL"]
    for key in ENV_STRINGS:
        if key in environ:
            found[key] = environ[key]
    for key in ENV_INTS:
        if key in environ:
            found[key] = int(environ[key])
    for key in ENV_BOOLS:
        if key in environ:
            found[key] = environ[key].lower() in ("1", "true", "yes", "on")
    for key, value in environ.items():
        if key.startswith("PASSERELLE_"):
            found[key] = value
    return found
