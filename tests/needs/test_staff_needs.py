from datetime import date

import pytest
from sqlalchemy import func, select

from passerelle.core.languages import BIT
from passerelle.core.week import bit
from passerelle.needs.models import Need, NeedStatus, Urgency
from tests.factories import make_organisation
from tests.needs.factories import make_need, make_person, make_programme


@pytest.fixture
def organisation(db):
    return make_organisation(name="Exil")


@pytest.fixture
def programme(organisation):
    return make_programme(organisation, kind="sponsorship", name="Parrainage ados")


def need_form(programme, **fields):
    data = {
        "programme": str(programme.id), "title_en": "Sponsor for a teenager",
        "description_en": "Meet once a week.", "people_needed": "2",
        "languages": ["fr", "prs"], "skills": ["teacher"], "place": "Sint-Gillis",
        "starts_on": "2027-03-01", "ends_on": "2027-09-30", "schedule": ["2-1", "5-0"],
        "urgency": "high", "person": "",
    }
    data.update(fields)
    return data


def count_needs(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Need))


def test_staff_post_a_need_for_their_programme(client, db, login_as, organisation, programme):
    login_as("staff", organisation=organisation)
    person = make_person(organisation, first_name="Karim")
    response = client.post(f"/organisations/{organisation.slug}/needs/new",
                           data=need_form(programme, person=str(person.id)))
    assert response.status_code == 302
    need = db.session.scalar(select(Need))
    assert (need.programme_id, need.title_en, need.people_needed) == (
        programme.id, "Sponsor for a teenager", 2)
    assert need.languages == ["fr", "prs"] and need.language_mask == BIT["fr"] | BIT["prs"]
    assert need.skills == ["teacher"]
    assert (need.place_refnis, need.region) == ("21013", "brussels") and need.lat and need.lon
    assert (need.starts_on, need.ends_on) == (date(2027, 3, 1), date(2027, 9, 30))
    assert need.weekly_mask == bit(2, 1) | bit(5, 0)
    assert (need.urgency, need.status, need.person_id) == (
        Urgency.high, NeedStatus.open, person.id)
    page = client.get(f"/organisations/{organisation.slug}/needs").get_data(as_text=True)
    assert "Sponsor for a teenager" in page and "For a person we support" in page


def test_staff_edit_a_need_and_the_form_shows_what_was_saved(client, db, login_as,
                                                            organisation, programme):
    login_as("staff", organisation=organisation)
    need = make_need(programme, title="Old title", weekly_mask=bit(0, 2))
    url = f"/organisations/{organisation.slug}/needs/{need.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Old title"' in page
    assert 'value="0-2" id="schedule-0-2" aria-label="Monday evening" checked' in page
    response = client.post(url, data=need_form(programme, title_en="New title", status="filled"))
    assert response.status_code == 302
    db.session.refresh(need)
    assert (need.title_en, need.status) == ("New title", NeedStatus.filled)


def test_staff_close_a_need(client, db, login_as, organisation, programme):
    login_as("staff", organisation=organisation)
    need = make_need(programme)
    response = client.post(f"/organisations/{organisation.slug}/needs/{need.id}/close")
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.status == NeedStatus.closed


@pytest.mark.parametrize(("fields", "message"), [
    ({"ends_on": "2027-02-28"}, "The end date must not come before the start date."),
    ({"languages": ["fr", "klingon"]}, "Choose languages from the list."),
    ({"place": "9999"}, "We do not know this Belgian municipality"),
    ({"place": ""}, "This field is required."),
    ({"people_needed": "0"}, "Between 1 and 100."),
    ({"title_en": "x" * 201}, "At most 200 characters."),
    ({"description_nl": "x" * 2001}, "At most 2000 characters."),
    ({"title_en": ""}, "Give the title in at least one language."),
    ({"skills": ["juggling"]}, "Choose skills from the list."),
    ({"schedule": ["7-0"]}, "Choose moments from the grid."),
    ({"urgency": "panic"}, "Choose from the list."),
])
def test_bad_need_input_changes_nothing(client, db, login_as, organisation, programme,
                                        fields, message):
    login_as("staff", organisation=organisation)
    response = client.post(f"/organisations/{organisation.slug}/needs/new",
                           data=need_form(programme, **fields))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert count_needs(db) == 0
    kept = 'value="Sponsor for a teenager"' if "title_en" not in fields else "Meet once a week."
    assert kept in page


def test_a_programme_of_another_organisation_is_refused(client, db, login_as, organisation,
                                                        programme):
    login_as("staff", organisation=organisation)
    foreign = make_programme(make_organisation(), kind="mentoring")
    page = client.post(f"/organisations/{organisation.slug}/needs/new",
                       data=need_form(foreign)).get_data(as_text=True)
    assert "Choose one of your organisation&#39;s programmes." in page  # escaped like any text
    assert count_needs(db) == 0


def test_a_person_of_another_organisation_is_refused(client, db, login_as, organisation,
                                                     programme):
    login_as("staff", organisation=organisation)
    stranger = make_person(make_organisation(), first_name="Omid")
    page = client.post(f"/organisations/{organisation.slug}/needs/new",
                       data=need_form(programme, person=str(stranger.id))).get_data(as_text=True)
    assert "Choose a person your organisation supports." in page
    assert "Omid" not in page
    assert count_needs(db) == 0


def test_bad_edit_leaves_the_need_as_it_was(client, db, login_as, organisation, programme):
    login_as("staff", organisation=organisation)
    need = make_need(programme, title="Kept", starts_on=date(2027, 1, 1))
    response = client.post(f"/organisations/{organisation.slug}/needs/{need.id}/edit",
                           data=need_form(programme, title_en="Changed", starts_on="2027-05-01",
                                          ends_on="2027-04-01", status="open"))
    assert "The end date must not come before the start date." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (need.title_en, need.starts_on) == ("Kept", date(2027, 1, 1))


def need_urls(organisation, need):
    base = f"/organisations/{organisation.slug}/needs"
    return [("get", base), ("get", f"{base}/new"), ("post", f"{base}/new"),
            ("get", f"{base}/{need.id}/edit"), ("post", f"{base}/{need.id}/edit"),
            ("post", f"{base}/{need.id}/close")]


@pytest.mark.parametrize("role", ["staff_elsewhere", "volunteer", "network_coordinator"])
def test_outsiders_get_404_and_change_nothing(client, db, login_as, organisation, programme,
                                              role):
    if role == "staff_elsewhere":
        login_as("staff", organisation=make_organisation())
    else:
        login_as(role)
    need = make_need(programme, title="Untouched")
    for method, url in need_urls(organisation, need):
        response = getattr(client, method)(url, data=need_form(programme))
        assert response.status_code == 404, url
    db.session.expire_all()
    assert count_needs(db) == 1 and need.status == NeedStatus.open


def test_a_need_of_another_organisation_is_404_even_for_staff(client, login_as, organisation,
                                                             programme):
    login_as("staff", organisation=organisation)
    other = make_organisation()
    foreign = make_need(make_programme(other))
    response = client.get(f"/organisations/{organisation.slug}/needs/{foreign.id}/edit")
    assert response.status_code == 404


def test_anonymous_people_are_sent_to_log_in(client, organisation, programme):
    need = make_need(programme)
    for method, url in need_urls(organisation, need):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/account/login" in response.location, url


def test_an_administrator_may_manage_needs(client, login_as, organisation, programme):
    login_as("admin")
    assert client.get(f"/organisations/{organisation.slug}/needs").status_code == 200


def test_a_need_says_what_matching_asks_for(client, db, login_as, organisation, programme):
    login_as("staff", organisation=organisation)
    url = f"/organisations/{organisation.slug}/needs/new"
    matching = {"language_level": "3", "day_parts": "1", "sector": "it",
                "interests": ["chess"], "centre": "caricole"}
    too_many = client.post(url, data=need_form(programme, **matching | {"day_parts": "3"}))
    text = too_many.get_data(as_text=True)
    assert too_many.status_code == 200 and "No more than the moments chosen" in text
    assert count_needs(db) == 0
    assert client.post(url, data=need_form(programme, **matching)).status_code == 302
    need = db.session.scalar(select(Need))
    assert (need.language_level, need.day_parts, need.sector, need.interests, need.centre) == (
        3, 1, "it", ["chess"], "caricole")
    form = client.get(f"/organisations/{organisation.slug}/needs/{need.id}/edit")
    assert 'value="caricole" selected' in form.get_data(as_text=True)
    page = client.get(f"/organisations/{organisation.slug}/needs").get_data(as_text=True)
    assert f"/needs/{need.id}/candidates" in page
