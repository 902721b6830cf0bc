"""Staff's event pages: create, bad input beside its field, another organisation's 404,
a list whose queries do not grow with its occurrences."""

import re
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from passerelle.core.dates import format_day
from passerelle.core.time import BRUSSELS, utcnow
from passerelle.extensions import db
from passerelle.scheduling.models import Event, Occurrence
from tests.factories import make_organisation, make_programme


def _form(day, **fields):
    return {"kind": "session", "title_fr": "Café logement", "day": day.isoformat(),
            "start": "18:00", "minutes": "120", "roles-0-places": "2", "freq": "",
            "interval": "1", "nth": "", **fields}


def _next_week():
    return (utcnow().astimezone(BRUSSELS) + timedelta(days=7)).date()


def test_staff_create_a_weekly_event_and_see_it(client, login_as):
    organisation = make_organisation()
    programme = make_programme(organisation, interview=False, charter=False)
    login_as("staff", organisation=organisation)
    day = _next_week()
    response = client.post(f"/programmes/{programme.slug}/events", data=_form(
        day, freq="weekly", weekdays=[str(day.weekday())], count="4"))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert db.session.scalar(select(func.count(Occurrence.id))) == 4
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "4 times" in page
    listing = client.get(f"/programmes/{programme.slug}/events").get_data(as_text=True)
    assert "Café logement" in listing and "Places to fill this week" in listing
    occurrence = db.session.scalar(select(Occurrence).order_by(Occurrence.starts_at))
    detail = client.get(f"/occurrences/{occurrence.id}").get_data(as_text=True)
    assert "0 taken, 2 left" in detail


def test_end_before_start_is_shown_beside_the_field_and_nothing_made(client, login_as):
    organisation = make_organisation()
    programme = make_programme(organisation, interview=False, charter=False)
    login_as("staff", organisation=organisation)
    response = client.post(f"/programmes/{programme.slug}/events",
                           data=_form(_next_week(), minutes="", end="17:00"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The event must end after it starts." in page
    assert 'value="17:00"' in page
    assert db.session.scalar(select(Event.id)) is None


def test_another_organisations_staff_get_404(client, login_as):
    organisation = make_organisation()
    programme = make_programme(organisation, interview=False, charter=False)
    login_as("staff", organisation=make_organisation(slug="other", name="Other"))
    assert client.get(f"/programmes/{programme.slug}/events").status_code == 404


def test_the_list_asks_the_same_queries_for_more_occurrences(client, login_as,
                                                             count_queries):
    organisation = make_organisation()
    programme = make_programme(organisation, interview=False, charter=False)
    login_as("staff", organisation=organisation)
    day = _next_week()
    client.post(f"/programmes/{programme.slug}/events", data=_form(day))
    with count_queries() as few:
        client.get(f"/programmes/{programme.slug}/events")
    client.post(f"/programmes/{programme.slug}/events", data=_form(
        day, freq="weekly", weekdays=[str(day.weekday())], count="20"))
    with count_queries() as many:
        assert client.get(f"/programmes/{programme.slug}/events").status_code == 200
    assert many.count == few.count


def _weekly_from(programme, first_day, count, title="Housing café", city="Liège"):
    """A weekly series at 10:00 from `first_day` (Brussels), its rows made."""
    from passerelle.scheduling import services
    from tests.scheduling.factories import make_event

    start = datetime.combine(first_day, time(10, 0))
    event = make_event(programme, start=start, rule=f"FREQ=WEEKLY;COUNT={count}",
                       title=title, city=city)
    services.materialise(event, start.replace(tzinfo=BRUSSELS) - timedelta(hours=1))
    return event


def test_the_programme_page_lists_its_events_first_and_folds_the_rest(client, login_as):
    organisation = make_organisation()
    programme = make_programme(organisation, interview=False, charter=False)
    login_as("staff", organisation=organisation)
    today = utcnow().astimezone(BRUSSELS).date()
    cafe = _weekly_from(programme, today - timedelta(days=41), 20)
    later = _weekly_from(programme, today + timedelta(days=20), 3, title="Late café",
                         city="Namur")
    page = client.get(f"/programmes/{programme.slug}/events").get_data(as_text=True)
    events = page[page.index("Events and series"):page.index("Places to fill this week")]
    assert f'href="/events/{cafe.id}"' in events and f'href="/events/{later.id}"' in events
    assert "Housing café" in events and "Liège" in events and "Namur" in events
    assert "Every week on" in events and "20 times" in events and "next:" in events
    month = re.search(r'<details class="month-coverage">\s*<summary>([^<]*)</summary>', page)
    assert month and "(7)" in month.group(1)  # 5 cafés and 2 late ones in 31 days
    upcoming = page[page.index("<h2>Upcoming</h2>"):page.index('<details class="new-event"')]
    assert "Housing café" in upcoming and "Late café" not in upcoming  # 20 days ahead
    assert upcoming.count("/occurrences/") == 2
    assert '<details class="new-event">' in page  # closed


def test_a_refused_new_event_opens_its_form(client, login_as):
    organisation = make_organisation()
    programme = make_programme(organisation, interview=False, charter=False)
    login_as("staff", organisation=organisation)
    page = client.post(f"/programmes/{programme.slug}/events",
                       data=_form(_next_week(), minutes="", end="17:00")).get_data(as_text=True)
    form = page[page.index('<details class="new-event" open>'):]
    assert "The event must end after it starts." in form


def test_an_event_page_lists_the_next_20_and_counts_the_rest(client, login_as):
    organisation = make_organisation()
    programme = make_programme(organisation, interview=False, charter=False)
    login_as("staff", organisation=organisation)
    today = utcnow().astimezone(BRUSSELS).date()
    first = today - timedelta(days=55)  # 8 past, then 32 to come
    event = _weekly_from(programme, first, 40)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    coming = page[page.index("Next occurrences"):page.index("<details>")]
    assert coming.count("/occurrences/") == 20
    assert "12 more until " + format_day(first + timedelta(weeks=39), "en", "long") in coming
    past = page[page.index("<details>"):]
    assert "8 past occurrences" in past and past.count("/occurrences/") == 5


def test_an_occurrence_on_one_day_reads_its_day_once(client, login_as):
    from tests.scheduling.factories import make_event, occurrence_of

    organisation = make_organisation()
    programme = make_programme(organisation, interview=False, charter=False)
    login_as("staff", organisation=organisation)
    friday = occurrence_of(make_event(programme, start=datetime(2026, 12, 4, 10, 0)))
    night = occurrence_of(make_event(programme, start=datetime(2026, 12, 4, 22, 0),
                                     minutes=240, title="Night shelter"))
    page = client.get(f"/occurrences/{friday.id}").get_data(as_text=True)
    assert "<dd>Friday, 4 December 2026, 10:00–13:00</dd>" in page
    page = client.get(f"/occurrences/{night.id}").get_data(as_text=True)
    assert ("<dd>Friday, 4 December 2026, 22:00 – Saturday, 5 December 2026, 02:00</dd>"
            in page)
