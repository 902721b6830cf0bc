"""A housing-café session in Liège in a real Chromium on a 360-px phone: Ada takes its
only place, Ben lands on the waitlist, Ada cancels, Ben is promoted and told, and Ben's
private calendar feed shows the session. Screenshots go to tests/browser/artefacts/."""

from datetime import datetime, timedelta
from urllib.parse import urlparse

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.test_matching_journey import PHONE, fits, log_in

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
