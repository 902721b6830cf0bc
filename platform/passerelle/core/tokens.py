"""Signed, expiring tokens for links sent by e-mail."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"passerelle-{purpose}")


def make_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int | None = None) -> dict | None:
    """The payload, or None when the token is forged, for another purpose or too old."""
    if max_age is None:
        max_age = current_app.config["PASSERELLE_TOKEN_MAX_AGE"]
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except BadSignature:
        return None
    return payload if isinstance(payload, dict) else None
