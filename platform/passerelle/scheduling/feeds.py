"""Calendar feeds as iCalendar text: a person's schedule, or a programme's, in one file.

Pure: plain items in, text out (no Flask, no database). The VEVENTs are made by
reminders.calendars.vevent, the same builder as the single .ics attached to mail.

A stay is all-day: DTSTART;VALUE=DATE is its first night, DTEND;VALUE=DATE the morning
after its last night (RFC 5545's DTEND is exclusive), so a calendar shows every night
of the stay and the day the guest leaves is free.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from icalendar import Event

from passerelle.core.time import BRUSSELS
from passerelle.reminders import calendars
from passerelle.reminders.calendars import CalendarEvent

TIMEZONE = "Europe/Brussels"


@dataclass(frozen=True)
class Item:
    """One dated item of a feed, its texts already in the reader's language. Timed items
    have aware `start` and `end`; all-day ones `first_day` and `day_after` instead."""

    uid: str
    summary: str
    stamp: datetime  # aware: when this version was made
    start: datetime | None = None
    end: datetime | None = None
    first_day: date | None = None
    day_after: date | None = None  # exclusive
    description: str | None = None
    location: str | None = None
    url: str | None = None
    sequence: int = 0
    cancelled: bool = False
    # "occurrence", "duo" (a duo's meeting), "stay" or "meeting" (a stay's first meeting,
    # for its companion), for the pages
    kind: str = ""

    @property
    def all_day(self) -> bool:
        return self.start is None

    @property
    def local_day(self) -> date:
        return self.first_day if self.all_day else self.start.astimezone(BRUSSELS).date()


def _all_day(item: Item) -> Event:
    component = Event()
    component.add("uid", item.uid)
    component.add("dtstamp", item.stamp.astimezone(UTC))
    component.add("dtstart", item.first_day)
    component.add("dtend", item.day_after)
    component.add("sequence", item.sequence)
    component.add("summary", item.summary)
    for field in ("location", "description", "url"):
        if getattr(item, field):
            component.add(field, getattr(item, field))
    component.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    component.add("transp", "TRANSPARENT")
    return component


def _component(item: Item) -> Event:
    if item.all_day:
        return _all_day(item)
    return calendars.vevent(CalendarEvent(
        uid=item.uid, start=item.start, end=item.end, summary=item.summary, stamp=item.stamp,
        sequence=item.sequence, location=item.location, description=item.description,
        url=item.url, cancelled=item.cancelled))


def _years(items: list[Item]) -> tuple[int, int]:
    years = [y for item in items for y in (
        (item.first_day.year, item.day_after.year) if item.all_day
        else (item.start.astimezone(BRUSSELS).year, item.end.astimezone(BRUSSELS).year))]
    return min(years), max(years)


def calendar(items: list[Item], name: str) -> str:
    """One VCALENDAR (METHOD:PUBLISH) named `name`, with the Europe/Brussels VTIMEZONE
    holding the rules of the years the timed items span."""
    cal = calendars.new_calendar()
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TIMEZONE)
    for item in items:
        cal.add_component(_component(item))
    if any(not item.all_day for item in items):
        first, last = _years([item for item in items if not item.all_day])
        calendars.add_timezone(cal, first, last)
    return cal.to_ical().decode()
