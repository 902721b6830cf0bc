"""What every template can use."""

from babel.dates import format_skeleton, get_datetime_format
from flask import Flask
from flask_babel import format_date, format_datetime, get_locale

from passerelle.core.i18n import LOCALE_NAMES, LOCALES
from passerelle.core.time import as_utc, to_brussels
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
    app.jinja_env.globals.update(week_days=DAYS, week_parts=PARTS,
                                 weekly_grid_options=weekly_grid_options, nav_roles=nav_roles)

    @app.template_filter("local_date")
    def local_date(moment, format="medium"):
        return format_date(to_brussels(moment).date(), format) if moment else ""

    @app.template_filter("format_day")
    def format_day(day, format="medium"):
        """A whole-day date (a date, not an instant)."""
        return format_date(day, format) if day else ""

    @app.template_filter("local_moment")
    def local_moment(moment):
        """A moment to come, as a person reads it: "vrijdag 4 december 2026 om 18:30"."""
        if not moment:
            return ""
        local, locale = to_brussels(moment), str(get_locale())
        # The locale's way of joining a date and a time ("{1} 'à' {0}"), without seconds.
        joined = get_datetime_format("long", locale=locale).replace("'", "")
        return joined.format(format_skeleton("Hm", local, locale=locale),
                             format_date(local.date(), "full"))

    @app.template_filter("local_datetime")
    def local_datetime(moment, format="medium"):
        # Flask-Babel converts from UTC to Europe/Brussels itself (BABEL_DEFAULT_TIMEZONE).
        return format_datetime(as_utc(moment), format) if moment else ""


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
