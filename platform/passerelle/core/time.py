"""Time: stored in UTC, shown and entered in Europe/Brussels."""

import calendar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored datetime as aware UTC (SQLite hands back naive values)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_brussels(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(BRUSSELS)


def today_in_brussels() -> date:
    return day_in_brussels(utcnow())


def day_in_brussels(moment: datetime) -> date:
    """The Brussels calendar day of an instant: what services call "today" for a `now`."""
    return as_utc(moment).astimezone(BRUSSELS).date()


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when that month is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
