"""When a reminder the day before is due, and the .ics attached to dated messages (pure)."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from passerelle.core.time import BRUSSELS
from passerelle.reminders.calendars import (
    CalendarEvent,
    ics,
    same_time_day_before,
)


@pytest.mark.parametrize(("session", "day_before_utc"), [
    # Just after the spring change (CEST from 29 March 2026): the Saturday is still CET.
    (datetime(2026, 3, 29, 8, tzinfo=BRUSSELS), datetime(2026, 3, 28, 7, tzinfo=UTC)),
    # Just after the autumn change (CET from 25 October 2026): the Saturday is CEST.
    (datetime(2026, 10, 25, 8, tzinfo=BRUSSELS), datetime(2026, 10, 24, 6, tzinfo=UTC)),
    # An ordinary week: 24 hours.
    (datetime(2026, 5, 10, 18, 30, tzinfo=BRUSSELS), datetime(2026, 5, 9, 16, 30, tzinfo=UTC)),
    # The Monday after the spring change, at 02:30: that Sunday has no 02:30; the offset
    # before the gap is taken (01:30 UTC, which is 03:30 summer time).
    (datetime(2026, 3, 30, 2, 30, tzinfo=BRUSSELS), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
    # The Monday after the autumn change, at 02:30: that Sunday has it twice; the first.
    (datetime(2026, 10, 26, 2, 30, tzinfo=BRUSSELS), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
])
def test_the_day_before_reminder_keeps_the_brussels_time(session, day_before_utc):
    assert same_time_day_before(session) == day_before_utc


def test_sunday_session_after_the_spring_change_is_not_reminded_24_hours_before():
    session = datetime(2026, 3, 29, 8, tzinfo=BRUSSELS)  # 06:00 UTC
    due = same_time_day_before(session)
    assert due == datetime(2026, 3, 28, 7, tzinfo=UTC)  # 23 hours before
    assert due.astimezone(BRUSSELS).strftime("%A %H:%M") == "Saturday 08:00"


# Sessions between 2024 and 2030, at any quarter hour of Brussels time that exists.
sessions = st.datetimes(min_value=datetime(2024, 1, 2), max_value=datetime(2030, 12, 30),
                        timezones=st.just(BRUSSELS)).map(
    lambda d: d.replace(minute=d.minute // 15 * 15, second=0, microsecond=0, fold=0))


@given(sessions)
def test_the_day_before_is_the_previous_calendar_day_at_the_same_wall_clock(session):
    session = session.astimezone(UTC).astimezone(BRUSSELS)  # a real instant
    before = same_time_day_before(session).astimezone(BRUSSELS)
    assert before.date() == session.date() - timedelta(days=1)
    assert timedelta(hours=23) <= session - before <= timedelta(hours=25)
    if (before.hour, before.minute) != (session.hour, session.minute):
        # Only in the spring gap: one hour later on the clock, the same instant as before it.
        assert before.month == 3 and before.hour == session.hour + 1


def _event(**changes):
    values = dict(uid="interview-12@passerelle.local",
                  start=datetime(2026, 3, 29, 8, tzinfo=BRUSSELS),
                  end=datetime(2026, 3, 29, 9, tzinfo=BRUSSELS), summary="Entretien — Exil",
                  stamp=datetime(2026, 3, 1, 12, tzinfo=UTC), sequence=0,
                  location="Rue de l'Aurore 1, 1000 Bruxelles", description="Ligne 1\nLigne 2")
    return CalendarEvent(**values | changes)


def test_the_ics_parses_back_with_its_times_in_brussels_and_utc():
    parsed = Calendar.from_ical(ics(_event()))
    assert (str(parsed["version"]), str(parsed["method"])) == ("2.0", "PUBLISH")
    assert "Passerelle" in str(parsed["prodid"])
    [event] = parsed.walk("VEVENT")
    assert str(event["uid"]) == "interview-12@passerelle.local"
    assert event["dtstart"].params["TZID"] == "Europe/Brussels"
    assert event.start.astimezone(UTC) == datetime(2026, 3, 29, 6, tzinfo=UTC)
    assert event.end.astimezone(UTC) == datetime(2026, 3, 29, 7, tzinfo=UTC)
    assert event["dtstamp"].dt == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert (int(event["sequence"]), str(event["status"])) == (0, "CONFIRMED")
    assert str(event["summary"]) == "Entretien — Exil"
    assert str(event["location"]) == "Rue de l'Aurore 1, 1000 Bruxelles"
    assert str(event["description"]) == "Ligne 1\nLigne 2"
    [zone] = parsed.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Brussels"
    assert parsed.get_missing_tzids() == set()


def test_the_ics_holds_only_the_time_zone_rules_of_its_year():
    text = ics(_event())
    assert len(text) < 1500
    assert "2026" in text and "2025" not in text and "2030" not in text


def test_a_changed_item_keeps_its_uid_with_a_higher_sequence_and_can_be_cancelled():
    moved = _event(start=datetime(2026, 4, 2, 14, tzinfo=BRUSSELS),
                   end=datetime(2026, 4, 2, 15, tzinfo=BRUSSELS), sequence=1, cancelled=True,
                   location=None, description=None)
    [event] = Calendar.from_ical(ics(moved)).walk("VEVENT")
    assert str(event["uid"]) == "interview-12@passerelle.local"
    assert int(event["sequence"]) == 1 and str(event["status"]) == "CANCELLED"
    assert event.start.astimezone(UTC) == datetime(2026, 4, 2, 12, tzinfo=UTC)
    assert "location" not in event
