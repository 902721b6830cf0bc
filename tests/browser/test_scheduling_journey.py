"""A housing-café session in Liège in a real Chromium on a 360-px phone: Ada takes its
only place, Ben lands on the waitlist, Ada cancels, Ben is promoted and told, and Ben's
private calendar feed shows the session. Screenshots go to tests/browser/artefacts/."""

from datetime import datetime, timedelta
from urllib.parse import urlparse

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.test_matching_journey import ARTEFACTS, PHONE, fits, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world(live_server):
    from passerelle.core.time import to_brussels, utcnow
    from tests.factories import make_organisation
    from tests.matching.factories import open_programme, volunteer
    from tests.scheduling.factories import make_event, occurrence_of

    with live_server.app.app_context():
        programme = open_programme(make_organisation(name="Caritas International"),
                                   kind="housing_search_support", slug="housing-cafes")
        start = to_brussels(utcnow() + timedelta(days=7)).replace(
            hour=14, minute=0, second=0, microsecond=0, tzinfo=None)
        event = make_event(programme, start=datetime(start.year, start.month, start.day, 14),
                           places=1, city="Liège", title="Housing café")
        live_server.occurrence = occurrence_of(event).id
        ada = volunteer(programme, name="Ada Peeters", place="4000")
        ben = volunteer(programme, name="Ben Dupont", place="4000")
        live_server.people = {"ada": ada.email, "ben": ben.email}
    return live_server


def _page(browser, world, who):
    page = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    log_in(page, world, world.people[who])
    page.goto(f"{world.url}/occurrences/{world.occurrence}")
    return page


def test_a_waitlisted_volunteer_is_promoted_and_sees_the_session_in_their_feed(browser, world):
    ada = _page(browser, world, "ada")
    fits(ada, "café-occurrence")
    ada.get_by_role("button", name="Sign up").click()
    expect(ada.get_by_text("You are signed up.").first).to_be_visible()

    ben = _page(browser, world, "ben")
    ben.get_by_role("button", name="Sign up").click()
    expect(ben.get_by_text("You are on the waitlist, number 1.", exact=True)).to_be_visible()
    fits(ben, "café-waitlist")

    ada.get_by_role("button", name="Cancel my sign-up").click()
    expect(ada.get_by_role("button", name="Sign up")).to_be_visible()

    with world.app.app_context():
        from sqlalchemy import select

        from passerelle.extensions import db
        from passerelle.reminders.models import OutboxMessage
        told = db.session.scalars(select(OutboxMessage.to_address).where(
            OutboxMessage.kind == "waitlist-promoted")).all()
    assert told == [world.people["ben"]]
    ben.reload()
    expect(ben.get_by_text("You are signed up.").first).to_be_visible()
    ben.goto(world.url + "/my/schedule?view=week")
    fits(ben, "café-schedule")
    ben.goto(world.url + "/my/calendar")
    fits(ben, "café-calendar")
    feed = ben.locator("input[readonly]").first.input_value()
    response = ben.request.get(world.url + urlparse(feed).path)
    assert response.ok
    events = [c for c in Calendar.from_ical(response.body()).walk("VEVENT")]
    assert len(events) == 1 and str(events[0]["summary"]).startswith("Housing café")
    assert events[0]["dtstart"].dt.hour == 14  # Brussels time, with its TZID
    assert str(events[0]["dtstart"].params["TZID"]) == "Europe/Brussels"


@pytest.fixture
def busy_month(live_server):
    """Ada's month: two sessions, one with a long title, on the same day, and a stay she
    hosts over three nights."""
    from datetime import date

    from sqlalchemy import select

    from passerelle.core.time import today_in_brussels
    from passerelle.extensions import db
    from passerelle.hosting.models import Stay, StayStatus, Trajectory, TrajectoryStatus
    from passerelle.scheduling.models import EventRole, Signup, SignupStatus
    from tests.factories import make_organisation
    from tests.hosting.factories import guest, hosting_programme
    from tests.matching.factories import NOW, open_programme, volunteer
    from tests.scheduling.factories import make_event, occurrence_of

    with live_server.app.app_context():
        programme = open_programme(make_organisation(name="Caritas International"),
                                   kind="housing_search_support", slug="housing-cafes")
        ada = volunteer(programme, name="Ada Peeters", place="4000")
        month = today_in_brussels().replace(day=1)
        for day, hour, title in ((12, 9, "Housing café"), (12, 18, "Welcome evening for the "
                                 "hosts and the guests of the Liège housing programme"),
                                 (27, 14, "Housing café")):
            event = make_event(programme, start=datetime(month.year, month.month, day, hour),
                               title=title)
            role = db.session.scalar(select(EventRole).where(EventRole.event_id == event.id))
            db.session.add(Signup(occurrence_id=occurrence_of(event).id, role_id=role.id,
                                  user_id=ada.id, status=SignupStatus.confirmed, since=NOW))
        hosting = hosting_programme(slug="up-together")
        first, last = date(month.year, month.month, 18), date(month.year, month.month, 20)
        person = guest(hosting, first_name="Zainab", first=first, last=last)
        trajectory = Trajectory(programme=hosting, person=person, first_night=first,
                                last_night=last, status=TrajectoryStatus.approved,
                                created_at=NOW)
        db.session.add_all([trajectory, Stay(
            trajectory=trajectory, programme=hosting, person=person, host_id=ada.id,
            first_night=first, last_night=last, status=StayStatus.accepted)])
        db.session.commit()
        live_server.ada = ada.email
    return live_server


def test_the_month_on_a_phone_is_a_list_of_busy_days_without_sideways_scrolling(
        browser, busy_month):
    page = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    log_in(page, busy_month, busy_month.ada)
    page.goto(busy_month.url + "/my/schedule?view=month")
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "scheduling-month-360.png"), full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    shown = page.locator(".month-day:visible")
    # The 12th, the three nights of the stay, the 27th; today's too, when it has nothing.
    assert shown.count() in (5, 6)
    expect(page.locator(".month-head")).to_be_hidden()
    wide = browser.new_context(viewport={"width": 1200, "height": 900},
                               locale="en-GB").new_page()
    log_in(wide, busy_month, busy_month.ada)
    wide.goto(busy_month.url + "/my/schedule?view=month")
    columns = wide.evaluate("getComputedStyle(document.querySelector('.month-grid'))"
                            ".gridTemplateColumns.split(' ').length")
    assert columns == 7
    first = wide.locator(".month-day time").first.get_attribute("datetime")
    assert datetime.fromisoformat(first).weekday() == 0  # Monday
    assert wide.evaluate("document.scrollingElement.scrollWidth") <= 1200
    wide.screenshot(path=str(ARTEFACTS / "scheduling-month-1200.png"), full_page=True)
