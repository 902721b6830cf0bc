"""Calendar feeds and the schedule pages, read back as a calendar program reads them."""

import itertools
import re
from datetime import date, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from passerelle.core.time import BRUSSELS, today_in_brussels
from passerelle.extensions import db
from passerelle.hosting.models import (
    CompanionAnswer,
    Concern,
    Stay,
    StayStatus,
    Trajectory,
    TrajectoryStatus,
)
from passerelle.reminders.models import OutboxMessage
from passerelle.scheduling import calendars
from passerelle.scheduling.models import EventRole, Signup, SignupStatus
from tests.factories import make_organisation, make_programme, make_user
from tests.hosting.factories import guest, hosting_programme
from tests.matching.factories import NOW, coordinator_of
from tests.scheduling.factories import make_event, occurrence_of

_slugs = itertools.count()


def _next(month: int) -> date:
    """The 15th of `month` next to come: always within the feed's twelve months."""
    today = today_in_brussels()
    day = date(today.year, month, 15)
    return day if day > today + timedelta(days=1) else date(today.year + 1, month, 15)


def _programme():
    return make_programme(make_organisation(), slug=f"p-{next(_slugs)}")


def _signed_up(user, programme, day: date, hour=18, status=SignupStatus.confirmed, **options):
    event = make_event(programme, start=datetime.combine(day, datetime.min.time()).replace(
        hour=hour), **options)
    occurrence = occurrence_of(event)
    role = db.session.scalar(select(EventRole).where(EventRole.event_id == event.id))
    db.session.add(Signup(occurrence_id=occurrence.id, role_id=role.id, user_id=user.id,
                          status=status, since=NOW))
    db.session.commit()
    return occurrence


def _stay(host, first: date, last: date, status=StayStatus.accepted):
    programme = hosting_programme(slug=f"h-{next(_slugs)}")
    programme.name_en = "Up together"
    person = guest(programme, first_name="Zainab-Guest", first=first, last=last)
    trajectory = Trajectory(programme=programme, person=person, first_night=first,
                            last_night=last, status=TrajectoryStatus.approved, created_at=NOW)
    stay = Stay(trajectory=trajectory, programme=programme, person=person, host_id=host.id,
                first_night=first, last_night=last, status=status)
    db.session.add_all([trajectory, stay])
    db.session.commit()
    return stay


def _accompanied(companion, first: date, answer=CompanionAnswer.accepted):
    """A stay whose first meeting the companion attends, on its first day."""
    stay = _stay(make_user(name="Hanne Host"), first, first + timedelta(days=6))
    stay.trajectory.companion_id, stay.trajectory.companion_answer = companion.id, answer
    stay.first_meeting, stay.meeting_with_id = True, companion.id
    db.session.commit()
    return stay


def _feed_url(user, programme=None):
    feed = calendars.feed_of(user, programme, NOW)
    return f"/calendar/{calendars.feed_token(feed)}.ics"


def _events(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    return calendar, {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_keeps_its_uids_raises_sequence_and_marks_cancelled(client, db):
    user, programme = make_user(), _programme()
    kept = _signed_up(user, programme, _next(1))
    changed = _signed_up(user, programme, _next(7))
    url = _feed_url(user)
    calendar, first = _events(client, url)
    assert calendar["method"] == "PUBLISH" and calendar["x-wr-timezone"] == "Europe/Brussels"
    changed.sequence, changed.cancelled = 1, True
    db.session.commit()
    _calendar, second = _events(client, url)
    assert set(first) == set(second) and len(first) == 2
    uid = f"occurrence-{changed.id}@passerelle"
    assert (first[uid]["sequence"], second[uid]["sequence"]) == (0, 1)
    assert (first[uid]["status"], second[uid]["status"]) == ("CONFIRMED", "CANCELLED")
    assert second[f"occurrence-{kept.id}@passerelle"]["status"] == "CONFIRMED"


def test_six_in_the_evening_reads_six_in_winter_and_in_summer(client, db):
    user, programme = make_user(), _programme()
    _signed_up(user, programme, _next(1))
    _signed_up(user, programme, _next(7))
    calendar, events = _events(client, _feed_url(user))
    zones = [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")]
    assert zones == ["Europe/Brussels"]
    for event in events.values():
        start = event["dtstart"]
        assert str(start.params["TZID"]) == "Europe/Brussels"
        assert (start.dt.hour, start.dt.minute) == (18, 0)
    offsets = {e["dtstart"].dt.utcoffset() for e in events.values()}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}  # winter and summer time


def test_only_holding_signups_are_in_the_feed(client, db):
    user, programme = make_user(), _programme()
    _signed_up(user, programme, _next(1), status=SignupStatus.waitlisted)
    _signed_up(user, programme, _next(1), status=SignupStatus.cancelled, hour=10)
    held = _signed_up(user, programme, _next(7), status=SignupStatus.asked)
    _calendar, events = _events(client, _feed_url(user))
    assert list(events) == [f"occurrence-{held.id}@passerelle"]


def test_a_stay_is_all_day_without_the_guest(client, db):
    host = make_user()
    first = today_in_brussels() + timedelta(days=10)
    stay = _stay(host, first, first + timedelta(days=6))
    _stay(host, first, first + timedelta(days=6), status=StayStatus.declined)
    response = client.get(_feed_url(host))
    assert "Zainab-Guest" not in response.get_data(as_text=True)
    _calendar, events = _events(client, _feed_url(host))
    assert list(events) == [f"stay-{stay.id}@passerelle"]
    event = events[f"stay-{stay.id}@passerelle"]
    assert event["dtstart"].dt == first and event["dtend"].dt == first + timedelta(days=7)
    assert event["dtstart"].params["VALUE"] == "DATE"
    assert str(event["summary"]) == "Stay, Up together"


def test_a_companion_s_first_meetings_are_all_day_without_the_guest(client, db,
                                                                   count_queries):
    companion = make_user()
    first = today_in_brussels() + timedelta(days=10)
    meeting = _accompanied(companion, first)
    _accompanied(companion, first, answer=CompanionAnswer.asked)  # not yet accepted
    url = _feed_url(companion)

    def queries() -> int:
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return counted.count

    few = queries()
    text = client.get(url).get_data(as_text=True)
    assert "Zainab-Guest" not in text and "Hanne" not in text
    _calendar, events = _events(client, url)
    assert list(events) == [f"meeting-{meeting.id}@passerelle"]
    event = events[f"meeting-{meeting.id}@passerelle"]
    assert event["dtstart"].dt == first and event["dtend"].dt == first + timedelta(days=1)
    assert str(event["summary"]) == "First meeting of a stay, Up together"
    for days in (20, 40, 60):
        _accompanied(companion, first + timedelta(days=days))
    assert queries() == few
    assert len(_events(client, url)[1]) == 4


def test_a_reset_token_and_a_forged_one_are_404(client, db):
    user = make_user()
    feed = calendars.feed_of(user, None, NOW)
    old = _feed_url(user)
    assert client.get(old).status_code == 200
    calendars.reset(feed, NOW)
    assert client.get(old).status_code == 404
    assert client.get(_feed_url(user)).status_code == 200
    assert client.get(f"/calendar/{feed.id}.{'0' * 32}.ics").status_code == 404
    assert client.get(f"/calendar/{feed.id + 1}.{old.split('.')[1]}.ics").status_code == 404
    assert client.get("/calendar/nothing.ics").status_code == 404


def test_resetting_from_the_page_needs_the_box_ticked(client, db, login_as):
    user = login_as()
    page = client.get("/my/calendar").get_data(as_text=True)
    old = _feed_url(user)
    assert old in page and "webcal://" in page
    feed = calendars.feed_of(user, None, NOW)
    client.post("/my/calendar/reset", data={"feed": feed.id})
    assert client.get(old).status_code == 200
    client.post("/my/calendar/reset", data={"feed": feed.id, "confirm": "yes"})
    assert client.get(old).status_code == 404
    other = calendars.feed_of(make_user(), None, NOW)
    assert client.post("/my/calendar/reset", data={"feed": other.id,
                                                   "confirm": "yes"}).status_code == 404


def test_staff_get_a_feed_per_programme_with_counts_and_no_names(client, db, login_as):
    organisation = make_organisation()
    staff = login_as("staff", organisation=organisation)
    programme = make_programme(organisation, slug="cafes")
    volunteer = make_user(name="Vera-Secret-Volunteer")
    _signed_up(volunteer, programme, _next(1), places=3)
    page = client.get("/my/calendar").get_data(as_text=True)
    url = _feed_url(staff, programme)
    assert url in page
    body = client.get(url).get_data(as_text=True)
    assert "Vera-Secret-Volunteer" not in body
    _calendar, events = _events(client, url)
    assert [str(e["description"]) for e in events.values()] == ["Volunteer: 1 of 3 places taken"]


def test_the_programme_feed_gives_a_line_per_role(client, db, login_as):
    organisation = make_organisation()
    staff = login_as("staff", organisation=organisation)
    programme = make_programme(organisation, slug="cafes")
    occurrence = _signed_up(make_user(), programme, _next(1),
                            roles=[(3, None, None), (1, None, "ar")])
    interpreter = db.session.scalar(select(EventRole).where(
        EventRole.event_id == occurrence.event_id, EventRole.language == "ar"))
    db.session.add(Signup(occurrence_id=occurrence.id, role_id=interpreter.id,
                          user_id=make_user().id, status=SignupStatus.confirmed, since=NOW))
    db.session.commit()
    _calendar, events = _events(client, _feed_url(staff, programme))
    assert [str(e["description"]) for e in events.values()] == [
        "Volunteer: 1 of 3 places taken\nVolunteer (Arabic): 1 of 1 places taken"]


def test_the_ics_of_an_occurrence_is_for_those_who_may_see_it(client, db, login_as):
    user = login_as()
    occurrence = _signed_up(user, _programme(), _next(1))
    hidden = occurrence_of(make_event(_programme()))
    _calendar, events = _events(client, f"/occurrences/{occurrence.id}.ics")
    assert list(events) == [f"occurrence-{occurrence.id}@passerelle"]
    assert client.get(f"/occurrences/{hidden.id}.ics").status_code == 404


def test_week_and_month_list_the_right_items(client, db, login_as):
    user = login_as()
    programme = _programme()
    monday = date(2027, 3, 1)
    _signed_up(user, programme, monday + timedelta(days=2), title="Wednesday café")
    _signed_up(user, programme, monday + timedelta(days=9), title="Next week café")
    _stay(user, monday + timedelta(days=5), monday + timedelta(days=6))
    week = client.get("/my/schedule?view=week&day=2027-03-03").get_data(as_text=True)
    assert "Wednesday café" in week and "Next week café" not in week
    assert "18:00 – 21:00" in week and week.count("Stay, Up together") == 2  # two nights
    assert "day=2027-02-22" in week and "day=2027-03-08" in week
    month = client.get("/my/schedule?view=month&day=2027-03-20").get_data(as_text=True)
    assert "Wednesday café" in month and "Next week café" in month
    assert "day=2027-02-01" in month and "day=2027-04-01" in month
    assert "Wednesday café" not in client.get("/my/schedule?view=month&day=2027-04-02").get_data(
        as_text=True)
    today = client.get("/my/schedule").get_data(as_text=True)
    assert 'aria-current="date"' in today


def test_the_feed_asks_the_same_queries_for_one_item_or_many(client, db, count_queries):
    user, programme = make_user(), _programme()
    _signed_up(user, programme, _next(1))
    _stay(user, today_in_brussels() + timedelta(days=3), today_in_brussels() + timedelta(days=5))
    url = _feed_url(user)

    def queries() -> int:
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return counted.count

    few = queries()
    for hour in range(8, 14):
        _signed_up(user, _programme(), _next(7), hour=hour)
    _stay(user, today_in_brussels() + timedelta(days=20),
          today_in_brussels() + timedelta(days=25))
    assert queries() == few


def test_a_feed_only_covers_a_month_back_to_a_year_ahead(db):
    user, programme = make_user(), _programme()
    now = datetime(2027, 1, 10, 12, tzinfo=BRUSSELS)
    _signed_up(user, programme, date(2026, 11, 30))
    inside = _signed_up(user, programme, date(2027, 12, 30))
    _signed_up(user, programme, date(2028, 2, 1))
    start, end = calendars.window(now)
    items = calendars.items_of(user, start, end, "en", now)
    assert [i.uid for i in items] == [f"occurrence-{inside.id}@passerelle"]


def test_the_month_is_a_grid_of_whole_weeks_from_monday(client, db, login_as):
    user = login_as()
    _signed_up(user, _programme(), date(2027, 3, 31), title="Last of March")
    _signed_up(user, _programme(), date(2027, 4, 14), title="Mid April")
    page = client.get("/my/schedule?view=month&day=2027-04-20").get_data(as_text=True)
    shown = re.findall(r'<li class="month-day([^"]*)"[^>]*>\s*<h3><time datetime="([\d-]+)"',
                       page)
    days = [date.fromisoformat(day) for _classes, day in shown]
    assert days[0] == date(2027, 3, 29) and days[0].weekday() == 0  # April 1st is a Thursday
    assert days[-1] == date(2027, 5, 2) and len(days) == 35
    outside = [day for classes, day in shown if "outside" in classes]
    assert outside == ["2027-03-29", "2027-03-30", "2027-03-31", "2027-05-01", "2027-05-02"]
    assert "Last of March" in page and "Mid April" in page  # the first week's days too
    assert "day=2027-03-01" in page and "day=2027-05-01" in page
    assert "Nothing this month." not in page
    assert "Nothing this month." in client.get(
        "/my/schedule?view=month&day=2027-06-01").get_data(as_text=True)


def test_a_host_asks_the_coordinators_for_a_change_from_the_schedule(client, db, login_as):
    host = login_as()
    first = today_in_brussels() + timedelta(days=3)
    stay = _stay(host, first, first + timedelta(days=1))
    coordinator = coordinator_of(stay.programme.organisation)
    week = client.get(f"/my/schedule?day={first.isoformat()}").get_data(as_text=True)
    assert "A change goes through the programme&#39;s coordinators." in week
    assert f'/stays/{stay.id}#concern">Ask the coordinators for a change' in week
    assert "Zainab-Guest" not in week
    assert 'id="concern"' in client.get(f"/stays/{stay.id}").get_data(as_text=True)
    response = client.post(f"/stays/{stay.id}/concern",
                           data={"concern-body": "Could the stay end a night earlier?"})
    assert response.status_code == 302
    [told] = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "stay-concern")).all()
    assert told.recipient_id == coordinator.id  # the mail points to the page, no text
    [concern] = db.session.scalars(select(Concern)).all()
    assert concern.body == "Could the stay end a night earlier?" and concern.author_id == host.id
    # The feed has the stay's dates and how to change it, never the guest.
    feed = client.get(_feed_url(host)).get_data(as_text=True)
    assert "Zainab-Guest" not in feed and "coordinators" in feed


def test_only_the_host_asks_for_a_change_of_a_stay(app, client, db, login_as):
    host = make_user()
    first = today_in_brussels() + timedelta(days=3)
    stay = _stay(host, first, first + timedelta(days=1))
    login_as()
    assert client.get(f"/stays/{stay.id}").status_code == 404
    assert client.post(f"/stays/{stay.id}/concern",
                       data={"concern-body": "Change it"}).status_code == 404
    assert db.session.scalar(select(OutboxMessage)) is None


def test_the_schedule_pages_ask_the_same_queries_for_one_item_or_many(client, db, login_as,
                                                                       count_queries):
    user = login_as()
    _signed_up(user, _programme(), date(2027, 3, 3))
    _stay(user, date(2027, 3, 5), date(2027, 3, 6))

    def queries() -> list[int]:
        counts = []
        for view in ("week", "month"):
            with count_queries() as counted:
                assert client.get(f"/my/schedule?view={view}&day=2027-03-03").status_code == 200
            counts.append(counted.count)
        return counts

    few = queries()
    for hour in range(8, 14):
        _signed_up(user, _programme(), date(2027, 3, 4), hour=hour)
    _stay(user, date(2027, 3, 1), date(2027, 3, 2))
    assert queries() == few
