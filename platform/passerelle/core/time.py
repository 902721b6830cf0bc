"""Time: stored in UTC, shown and entered in Europe/Brussels."""

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
    return utcnow().astimezone(BRUSSELS).date()
