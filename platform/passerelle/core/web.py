"""Small helpers for views."""

from urllib.parse import urlsplit

from flask import flash
from flask_wtf import FlaskForm

from passerelle.core.errors import DomainError, NotFound


def form_error(form: FlaskForm, error: DomainError) -> None:
    """Show a domain error beside its field, or above the form when it has none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def safe_next(target: str | None) -> str | None:
    """A redirect target only if it stays on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def act(operation, done_message) -> bool:
    """Run a one-button operation: flash its result, or why it was refused.
    NotFound goes on up, to become a 404."""
    try:
        operation()
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return False
    flash(done_message, "success")
    return True
