"""Dated items in mail: when a reminder is due, and the .ics attached. Pure: plain values
in, plain values out (no Flask, no database)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event

from passerelle.core.time import BRUSSELS

PRODID = "-//Passerelle//Passerelle//FR"


# When reminders are due -------------------------------------------------------------------

def same_time_day_before(start: datetime) -> datetime:
    """The same Brussels wall-clock time on the day before, in UTC: across a change of
    daylight-saving time this is 23 or 25 hours before, not 24. A time that does not exist
    that day (the spring gap) takes the offset before the gap; a time that occurs twice
    (the autumn overlap), the first one, as everywhere on the platform."""
    local = start.astimezone(BRUSSELS)
    wall = time(local.hour, local.minute, local.second, local.microsecond)  # fold 0
    return datetime.combine(local.date() - timedelta(days=1), wall, BRUSSELS).astimezone(UTC)


# .ics ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CalendarEvent:
    """One dated item, its texts already in the recipient's language."""

    uid: str  # stable across updates: "interview-12@passerelle.example"
    start: datetime  # aware
    end: datetime  # aware
    summary: str
    stamp: datetime  # when this version was made (DTSTAMP), aware
    sequence: int = 0  # raised each time the item changes
    location: str | None = None
    description: str | None = None
    url: str | None = None
    cancelled: bool = False


def vevent(event: CalendarEvent) -> Event:
    """The one way to make a VEVENT: in Brussels time, with its UID, SEQUENCE and STATUS."""
    component = Event()
    component.add("uid", event.uid)
    component.add("dtstamp", event.stamp.astimezone(UTC))
    component.add("dtstart", event.start.astimezone(BRUSSELS))
    component.add("dtend", event.end.astimezone(BRUSSELS))
    component.add("sequence", event.sequence)
    component.add("summary", event.summary)
    if event.location:
        component.add("location", event.location)
    if event.description:
        component.add("description", event.description)
    if event.url:
        component.add("url", event.url)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return component


def new_calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    return calendar


def add_timezone(calendar: Calendar, first_year: int, last_year: int) -> None:
    """The Europe/Brussels VTIMEZONE, with the rules of these years only (not 1970-2038)."""
    calendar.add_missing_timezones(first_date=date(first_year, 1, 1),
                                   last_date=date(last_year, 12, 31))


def ics(event: CalendarEvent) -> str:
    """An iCalendar file (METHOD:PUBLISH) holding the event in Brussels time, with its
    Europe/Brussels VTIMEZONE. Calendar programs replace an earlier copy with the same UID
    and a lower SEQUENCE."""
    calendar = new_calendar()
    calendar.add_component(vevent(event))
    add_timezone(calendar, event.start.astimezone(BRUSSELS).year,
                 event.end.astimezone(BRUSSELS).year)
    return calendar.to_ical().decode()
