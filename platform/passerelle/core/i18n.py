"""Interface languages and how the one for a request is chosen."""

from flask import has_request_context, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape

LOCALES = ("fr", "nl", "en")
DEFAULT_LOCALE = "fr"
LOCALE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}


def is_locale(code: str | None) -> bool:
    return code in LOCALES


def select_locale() -> str:
    """The person's choice, else the browser's, else French (also outside a request)."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if current_user and current_user.is_authenticated and is_locale(current_user.locale):
        return current_user.locale
    if is_locale(session.get("locale")):
        return session["locale"]
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def treat_lazy_strings_as_text() -> None:
    """Make every translated lazy string plain text, escaped when it meets HTML.

    Flask-Babel's LazyString.__html__ returns the raw text, so Jinja, markupsafe, WTForms
    and the session (flash messages) all trusted a lazy string as markup, with whatever a
    person typed into its %(...)s parameters. As text, it is escaped like any str; outside
    HTML (mail, logs) str() is unchanged."""
    LazyString.__html__ = _escaped


def _escaped(lazy: LazyString) -> Markup:
    return escape(str(lazy))


_TRANSLATED: dict[tuple[int, str], tuple[dict, dict]] = {}


def translated(labels: dict) -> dict:
    """A module's dict of lazy strings as plain text in the current language, made once per
    language: the catalogues do not change while the process runs, and a lazy string looks
    itself up through Flask-Babel's request context each time it is shown (7 µs; a list of
    50 rows showed hundreds). Only for dicts that live as long as the process."""
    key = (id(labels), str(get_locale()))
    found = _TRANSLATED.get(key)
    if found is None or found[0] is not labels:
        found = _TRANSLATED[key] = (labels, {name: str(text) for name, text in labels.items()})
    return found[1]


def localized(values: dict, locale: str) -> str:
    """Pick a text in the locale from {'fr': ..., 'nl': ..., 'en': ...}, falling back in order."""
    for code in (locale, "en", "fr", "nl"):
        if values.get(code):
            return values[code]
    return ""


UNKNOWN_LANGUAGE = _l("This language is not available. Choose French, Dutch or English.")
