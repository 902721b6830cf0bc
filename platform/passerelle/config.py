"""Configuration: defaults, then `instance/config.py`, then the environment."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = ROOT / "instance"


class Defaults:
    # No default: see secret_key() below.
    SECRET_KEY = None
    SECRET_KEY_FILE = str(INSTANCE / "secret_key")
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE / 'passerelle.sqlite'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Secure cookies and HSTS: on in production (PASSERELLE_ENV=production), see below.
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    HSTS_ENABLED = False
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    # A signed-in session without "keep me signed in" ends on the server after this.
    PASSERELLE_SESSION_HOURS = 12
    # Proxies in front of the app whose X-Forwarded-For and -Proto are trusted (ProxyFix).
    PASSERELLE_PROXY_COUNT = 0
    # Seconds the exact trajectory planner may take while a coordinator waits; past them
    # its best plan so far is kept (never worse than the heuristic's), marked not proved.
    PASSERELLE_PLAN_SECONDS = 10
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Mail: with no MAIL_SERVER, messages are written as .eml files into MAIL_DIR.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    # "" (plain, a local relay), "starttls" (usually port 587) or "tls" (usually port 465).
    MAIL_SECURITY = ""
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_DEFAULT_SENDER = "Passerelle <no-reply@passerelle.local>"
    MAIL_DIR = str(INSTANCE / "mail")
    # The right-hand side of every Message-ID: the left is the message's outbox key.
    MAIL_MESSAGE_ID_DOMAIN = "passerelle.local"
    # The dispatcher (`flask reminders run`): how often it looks for due messages, and
    # how many it claims at a time.
    REMINDERS_INTERVAL_SECONDS = 30
    REMINDERS_BATCH = 100
    # On SQLite, the file a running dispatcher holds locked (PostgreSQL: an advisory lock).
    REMINDERS_LOCK_FILE = str(INSTANCE / "dispatcher.lock")
    PASSERELLE_BASE_URL = "http://127.0.0.1:5000"
    PASSERELLE_TOKEN_MAX_AGE = 3 * 24 * 3600
    PASSERELLE_INVITATION_DAYS = 14
    # How long "trust this device" spares staff the second factor.
    PASSERELLE_TRUSTED_DEVICE_DAYS = 30
    # Whom people write to about their data, on the privacy page: the platform's operator.
    PASSERELLE_PRIVACY_CONTACT = ""


ENV_STRINGS = (
    "SECRET_KEY", "MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER",
    "MAIL_DIR", "MAIL_SECURITY", "MAIL_MESSAGE_ID_DOMAIN", "RATELIMIT_STORAGE_URI",
    "REMINDERS_LOCK_FILE",
)
ENV_INTS = ("MAIL_PORT", "PASSERELLE_PROXY_COUNT", "PASSERELLE_SESSION_HOURS",
            "PASSERELLE_TRUSTED_DEVICE_DAYS", "REMINDERS_INTERVAL_SECONDS", "REMINDERS_BATCH")
ENV_BOOLS = ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "HSTS_ENABLED")
# What production turns on unless the environment sets it to false (behind HTTPS only).
PRODUCTION_ON = ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE", "HSTS_ENABLED")


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
    if environ.get("PASSERELLE_ENV") == "production":
        found.update(dict.fromkeys(PRODUCTION_ON, True))
    for key in ENV_BOOLS:
        if key in environ:
            found[key] = environ[key].lower() in ("1", "true", "yes", "on")
    for key, value in environ.items():
        if key.startswith("PASSERELLE_") and key not in found:
            found[key] = value
    return found


PUBLISHED_KEYS = {"dev-only-change-me"}  # the default of earlier versions


def secret_key(config) -> str:
    """The key that signs sessions and e-mailed links.

    Development and tests (PASSERELLE_ENV=development, debug or testing) get a random
    key made once into instance/secret_key. Anywhere else, and always when
    PASSERELLE_ENV=production, a real SECRET_KEY must be set: a guessable key lets
    anyone forge a session cookie or a password-reset link.
    """
    key = config.get("SECRET_KEY")
    environment = config.get("PASSERELLE_ENV", "")
    development = environment != "production" and (
        environment == "development" or config.get("DEBUG") or config.get("TESTING"))
    if key and (key not in PUBLISHED_KEYS or development):
        return key
    if not development:
        raise RuntimeError(
            "SECRET_KEY is not set (or is the published default). Set SECRET_KEY in the "
            "environment or in instance/config.py to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`. For development, "
            "set PASSERELLE_ENV=development to use a key generated into instance/.")
    path = Path(config["SECRET_KEY_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", opener=lambda name, flags: os.open(name, flags, 0o600)) as file:
            file.write(secrets.token_hex(32))
    except FileExistsError:
        pass  # made by an earlier run: keep it, so sessions survive a restart
    return path.read_text().strip()


MAIL_SECURITIES = ("", "starttls", "tls")


def check_mail_security(config) -> None:
    """A misspelt MAIL_SECURITY must not quietly send passwords and mail in clear."""
    value = config.get("MAIL_SECURITY", "")
    if value not in MAIL_SECURITIES:
        raise RuntimeError(
            f"MAIL_SECURITY is {value!r}: it must be empty (plain SMTP, for a local relay), "
            "'starttls' (usually port 587) or 'tls' (usually port 465).")
