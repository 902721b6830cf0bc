"""What every template can use."""

from babel.dates import get_day_names
from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms import FieldList, FormField
from wtforms.csrf.core import CSRFTokenField

from passerelle.core.dates import format_day, format_locale, format_moment, format_span
from passerelle.core.i18n import LOCALE_NAMES, LOCALES
from passerelle.core.week import DAYS, PARTS, weekly_grid_options


def init_templating(app: Flask) -> None:
    @app.context_processor
    def globals_for_templates():
        return {
            "current_locale": str(get_locale()),
            "locales": LOCALES,
            "locale_names": LOCALE_NAMES,
        }

    # Macros imported from other templates see globals, not the context.
    app.jinja_env.globals["field_attrs"] = field_attrs
    app.jinja_env.globals["own_errors"] = own_errors
    app.jinja_env.globals["error_items"] = error_items
    app.jinja_env.globals["week_day_abbreviations"] = week_day_abbreviations
    app.jinja_env.globals.update(week_days=DAYS, week_parts=PARTS,
                                 weekly_grid_options=weekly_grid_options, nav_roles=nav_roles)

    def local_date(moment, format="medium"):
        return format_day(moment, str(get_locale()), format) if moment else ""

    def local_datetime(moment, format="medium"):
        return format_moment(moment, str(get_locale()), format) if moment else ""

    def local_span(start, end):
        return format_span(start, end, str(get_locale()))

    # Flask-Babel's own dateformat and datetimeformat too: British order, no seconds.
    app.jinja_env.filters.update(local_date=local_date, dateformat=local_date,
                                 local_datetime=local_datetime, datetimeformat=local_datetime,
                                 local_span=local_span, duration=duration)


def duration(minutes: int | None) -> str:
    """Minutes as people read a length: "45 min", "3 h", "3 h 30"."""
    if minutes is None:
        return ""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(minutes)d min", minutes=rest)
    if not rest:
        return _("%(hours)d h", hours=hours)
    return _("%(hours)d h %(minutes)02d", hours=hours, minutes=rest)


def field_attrs(field, autocomplete: str | None = None) -> dict:
    """Accessible attributes for a form input: invalid state, help and error text, required."""
    attrs = {"aria-invalid": "true" if field.errors else "false"}
    if field.description or field.errors:
        attrs["aria-describedby"] = f"{field.id}-help"
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    if field.flags.required:
        attrs["required"] = True
    return attrs


def own_errors(field_list) -> list:
    """A FieldList's own errors, without those of its entries (which are lists or dicts)."""
    return [error for error in field_list.errors if not isinstance(error, list | dict)]


def error_items(form) -> list[tuple[str | None, str, str]]:
    """(id to link to, label, message) for each error of a form, its own first, in the
    order of the fields; entries of a FieldList are walked into."""
    items = [(None, "", error) for error in getattr(form, "form_errors", [])]
    for field in form:
        items.extend(_field_errors(field))
    return items


def _field_errors(field) -> list:
    if isinstance(field, CSRFTokenField):
        return [(None, "", error) for error in field.errors]
    if isinstance(field, FormField):
        return [item for subfield in field for item in _field_errors(subfield)]
    if isinstance(field, FieldList):
        # The list's own errors point at its first input (the list has no element).
        first = next(iter(field), None)
        target = next(iter(first), first).id if first is not None else None
        items = [(target, field.label.text, error) for error in own_errors(field)]
        return items + [item for entry in field for item in _field_errors(entry)]
    return [(field.id, field.label.text, error) for error in field.errors]


def week_day_abbreviations() -> list[str]:
    """Monday to Sunday, abbreviated as the locale does ("lun.", "ma", "Mon")."""
    names = get_day_names("abbreviated", locale=format_locale(str(get_locale())))
    return [names[day] for day in range(7)]


def nav_roles():
    """What the signed-in person uses, for the navigation (read once per request)."""
    from flask_login import current_user
    from sqlalchemy.exc import SQLAlchemyError

    from passerelle.core.roles import Roles, roles_of
    from passerelle.extensions import db

    user = current_user._get_current_object()
    try:
        return roles_of(user)
    except SQLAlchemyError:
        # On an error page after a failed transaction: the page still shows, with the
        # navigation every signed-in person has.
        db.session.rollback()
        return Roles([], False, user.is_admin, True)
