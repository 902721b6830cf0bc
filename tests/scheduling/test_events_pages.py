"""Staff's event pages: create, bad input beside its field, another organisation's 404,
a list whose queries do not grow with its occurrences."""

from datetime import timedelta

from sqlalchemy import func, select

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
