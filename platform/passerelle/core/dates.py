"""Dates and times as people in Belgium write them, in each interface language.

English follows the British (and Belgian) order: 1 December 2026, 01/12/2026, not
Babel's American default for "en". Times never show seconds."""

from datetime import date, datetime
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format

from passerelle.core.time import to_brussels

FORMAT_LOCALES = {"en": "en_GB"}


@cache  # parsing the name again for each date shown was half of the time a date took
def format_locale(locale: str) -> Locale:
    return Locale.parse(FORMAT_LOCALES.get(str(locale), str(locale)))


def format_day(day: date | datetime, locale: str, format: str = "medium") -> str:
    """A date; a datetime is taken as its day in Brussels."""
    if isinstance(day, datetime):
        day = to_brussels(day).date()
    return _format_date(day, str(locale), format)


@lru_cache(maxsize=4096)  # a list shows the same few days on every row
def _format_date(day: date, locale: str, format: str) -> str:
    return format_date(day, format, locale=format_locale(locale))


def format_moment(moment: datetime, locale: str, format: str = "medium") -> str:
    """An instant in Brussels time: the date in `format`, the time in hours and minutes."""
    where = format_locale(locale)
    local = to_brussels(moment)
    pattern = get_datetime_format(format, locale=where).replace("'", "")
    return (pattern.replace("{0}", format_time(local.time(), "short", locale=where))
            .replace("{1}", format_date(local.date(), format, locale=where)))


def format_span(start: datetime, end: datetime, locale: str) -> str:
    """From one instant to another in Brussels time: "Friday, 4 December 2026, 10:00–13:00"
    on one day, else both in full."""
    where = format_locale(locale)
    first, last = to_brussels(start), to_brussels(end)
    if first.date() != last.date():
        return f"{format_moment(start, locale, 'full')} – {format_moment(end, locale, 'full')}"
    times = (f"{format_time(first.time(), 'short', locale=where)}–"
             f"{format_time(last.time(), 'short', locale=where)}")
    pattern = get_datetime_format("full", locale=where).replace("'", "")
    return (pattern.replace("{0}", times)
            .replace("{1}", format_date(first.date(), "full", locale=where)))
