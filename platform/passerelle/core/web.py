"""Small helpers for views."""

from urllib.parse import urlsplit

from flask import flash
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField

from passerelle.core.errors import DomainError, NotFound
from passerelle.core.templating import own_errors
from passerelle.extensions import db


def form_error(form: FlaskForm, error: DomainError) -> None:
    """Show a domain error beside its field, or above the form when it has none. A field
    in rows is named by its path: "roles.1.places" (the second row's places)."""
    field, lists = _field(form, error.field) if error.field else (None, [])
    if field is not None:
        field.errors = [*field.errors, error.message]
        for rows in lists:  # so that the form counts it among its errors
            rows.errors = [*own_errors(rows), *(entry.errors for entry in rows.entries)]
    else:
        form.form_errors.append(error.message)


def _field(form, path: str):
    """The field at `path`, and the FieldLists on the way (None if there is no such)."""
    field, lists = form, []
    for part in path.split("."):
        if isinstance(field, FieldList):
            index = int(part) if part.isdigit() else len(field.entries)
            if index >= len(field.entries):
                return None, []
            lists.append(field)
            field = field.entries[index]
        elif isinstance(field, FormField):
            field = field.form._fields.get(part)
        else:
            field = getattr(field, part, None)
        if field is None:
            return None, []
    return field, lists


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


def submit(form: FlaskForm, operation) -> bool:
    """Validate a form, then run its operation: True once done. False when the form does
    not validate or a rule refused it (rolled back, the message beside its field): the
    caller shows the form again, with what was typed. NotFound goes on up, to become a
    404."""
    if not form.validate_on_submit():
        return False
    try:
        operation()
    except NotFound:
        raise
    except DomainError as error:
        db.session.rollback()
        form_error(form, error)
        return False
    return True
