from datetime import date, timedelta

from sqlalchemy import func, select

from passerelle.core.audit import AuditEntry
from passerelle.core.time import today_in_brussels as today
from passerelle.needs.models import NeedStatus
from tests.factories import make_organisation
from tests.needs.factories import make_need, make_person, make_programme


def test_the_public_page_lists_open_needs_without_personal_data(client, db):
    organisation = make_organisation(name="Exil")
    programme = make_programme(organisation, kind="sponsorship", name="Parrainage ados")
    person = make_person(organisation, first_name="Zainab", needs="Trauma follow-up")
    make_need(programme, title="Sponsor for a teenager", person_id=person.id,
              description="Meet once a week.", languages=["prs"], people_needed=2)
    response = client.get("/help")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sponsor for a teenager" in page and "Meet once a week." in page
    assert "Exil" in page and "Parrainage ados" in page and "Sponsorship" in page
    assert "Dari" in page and "1060 Saint-Gilles" in page
    assert "Zainab" not in page and "Trauma" not in page
    assert f"/supported/{person.id}" not in page
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_closed_past_and_unlisted_needs_are_not_shown(client, db):
    programme = make_programme(make_organisation())
    hidden = make_programme(make_organisation(), is_listed=False)
    make_need(programme, title="Still open")
    make_need(programme, title="Already closed", status=NeedStatus.closed)
    make_need(programme, title="Already filled", status=NeedStatus.filled)
    make_need(programme, title="Already over", ends_on=today() - timedelta(days=1))
    make_need(hidden, title="Unlisted programme")
    page = client.get("/help").get_data(as_text=True)
    assert "Still open" in page
    for title in ("Already closed", "Already filled", "Already over", "Unlisted programme"):
        assert title not in page


def test_filter_by_programme_kind(client, db):
    organisation = make_organisation()
    make_need(make_programme(organisation, kind="mentoring"), title="Mentor wanted")
    make_need(make_programme(organisation, kind="housing_hosting"), title="Host wanted")
    page = client.get("/help?kind=mentoring").get_data(as_text=True)
    assert "Mentor wanted" in page and "Host wanted" not in page


def test_filter_by_place_shows_the_nearest_first(client, db):
    programme = make_programme(make_organisation())
    make_need(programme, title="In Liège", place="Liège")
    make_need(programme, title="In Leuven", place="Leuven", urgency="high")
    make_need(programme, title="In Ixelles", place="Ixelles")
    page = client.get("/help?place=1060&within=50").get_data(as_text=True)
    assert "In Liège" not in page
    assert page.index("In Ixelles") < page.index("In Leuven")
    assert "km away" in page
    page = client.get("/help?place=1060&within=5").get_data(as_text=True)
    assert "In Ixelles" in page and "In Leuven" not in page


def test_bad_filters_get_a_message(client, db):
    make_need(make_programme(make_organisation()), title="Anything")
    for query, message in (("kind=teleportation", "Choose a programme kind from the list."),
                           ("place=Atlantis", "We do not know this Belgian municipality"),
                           ("within=9000", "Choose a distance from the list.")):
        response = client.get(f"/help?{query}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page and "Anything" not in page


def test_staff_find_their_organisation_pages_from_the_public_page(client, login_as):
    organisation = make_organisation(name="Exil")
    login_as("staff", organisation=organisation)
    page = client.get("/help").get_data(as_text=True)
    assert f"/organisations/{organisation.slug}/needs" in page
    assert f"/organisations/{organisation.slug}/supported" in page


def test_a_need_that_ends_today_is_still_shown(client, db):
    make_need(make_programme(make_organisation()), title="Last day", ends_on=today())
    assert "Last day" in client.get("/help").get_data(as_text=True)


def test_dates_are_shown_in_the_reader_s_language(client, db):
    make_need(make_programme(make_organisation()), title="Dated",
              starts_on=date(2099, 3, 1), ends_on=date(2099, 3, 31))
    page = client.get("/help").get_data(as_text=True)
    assert "from 1 Mar 2099" in page and "until 31 Mar 2099" in page
