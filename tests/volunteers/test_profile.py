from datetime import date

import pytest
from sqlalchemy import select

from passerelle.core.languages import BIT
from passerelle.core.week import bit
from passerelle.volunteers.models import FreePeriod, HostingOffer, VolunteerProfile


def profile_form(**fields):
    data = {
        "place": "Sint-Gillis", "travel_km": "20",
        "languages-0-code": "nl", "languages-0-level": "4",
        "languages-1-code": "ti", "languages-1-level": "2",
        "languages-2-code": "", "languages-2-level": "3",
        "availability": ["0-2", "5-0"], "skills": ["interpreter"], "sector": "health",
        "interests": ["music"], "birth_date": "1958-04-02", "max_matches": "2",
    }
    data.update(fields)
    return data


def saved_profile(db):
    db.session.expire_all()
    return db.session.scalar(select(VolunteerProfile))


def test_a_volunteer_fills_in_the_profile(client, db, login_as):
    login_as()
    response = client.post("/profile/", data=profile_form())
    assert response.status_code == 302
    profile = saved_profile(db)
    assert (profile.place_refnis, profile.region, profile.travel_km) == ("21013", "brussels", 20)
    assert [(s.code, s.level) for s in profile.languages] == [("nl", 4), ("ti", 2)]
    assert profile.language_mask == BIT["nl"] | BIT["ti"]
    assert profile.availability_mask == bit(0, 2) | bit(5, 0)
    assert (profile.skills, profile.sector, profile.interests) == (
        ["interpreter"], "health", ["music"])
    assert profile.birth_date == date(1958, 4, 2) and profile.max_matches == 2
    page = client.get("/profile/").get_data(as_text=True)
    assert "100% complete" in page
    assert 'value="1060 Saint-Gilles"' in page or 'value="1060 Sint-Gillis"' in page
    assert 'value="0-2" id="availability-0-2" aria-label="Monday evening" checked' in page


def test_an_empty_profile_shows_what_is_missing(client, login_as):
    login_as()
    page = client.get("/profile/").get_data(as_text=True)
    assert "0% complete" in page and "where you live" in page


@pytest.mark.parametrize(("fields", "message"), [
    ({"place": "9999"}, "We do not know this Belgian municipality"),
    ({"languages-0-code": "xx"}, "Choose a language from the list."),
    ({"languages-1-code": "nl"}, "Each language only once, please."),
    ({"availability": ["9-9"]}, "Choose moments from the grid."),
    ({"travel_km": "-5"}, "Between 0 and 300."),
    ({"birth_date": "2999-01-01"}, "Enter a date of birth in the past."),
    ({"sector": "piracy"}, "Choose a sector from the list."),
])
def test_bad_profile_input_changes_nothing(client, db, login_as, fields, message):
    login_as()
    response = client.post("/profile/", data=profile_form(**fields))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert db.session.scalar(select(VolunteerProfile)) is None
    if "place" not in fields:
        assert 'value="Sint-Gillis"' in page


def hosting_form(**fields):
    data = {"rooms": "1", "beds": "2", "guest_kinds": ["single_woman", "family_with_children"],
            "notes": "Ground floor.",
            "periods-0-starts_on": "2027-01-04", "periods-0-ends_on": "2027-02-28",
            "periods-1-starts_on": "2027-04-01", "periods-1-ends_on": "2027-04-30",
            "periods-2-starts_on": "", "periods-2-ends_on": ""}
    data.update(fields)
    return data


def test_a_host_offers_a_room_with_free_periods(client, db, login_as):
    login_as()
    assert client.post("/profile/hosting", data=hosting_form()).status_code == 302
    offer = db.session.scalar(select(HostingOffer))
    assert (offer.rooms, offer.beds, offer.accompaniment_only) == (1, 2, False)
    assert [(p.starts_on, p.ends_on) for p in offer.free_periods] == [
        (date(2027, 1, 4), date(2027, 2, 28)), (date(2027, 4, 1), date(2027, 4, 30))]
    page = client.get("/profile/hosting").get_data(as_text=True)
    assert 'value="2027-04-30"' in page


def test_accompaniment_only_needs_no_room(client, db, login_as):
    login_as()
    response = client.post("/profile/hosting", data=hosting_form(
        accompaniment_only="y", rooms="0", beds="0"))
    assert response.status_code == 302
    offer = db.session.scalar(select(HostingOffer))
    assert offer.accompaniment_only and offer.free_periods == []


@pytest.mark.parametrize(("fields", "message"), [
    ({"periods-1-starts_on": "2027-02-01"}, "Two periods overlap"),
    ({"periods-0-ends_on": "2027-01-04"}, "a stay lasts at least one night"),
    ({"periods-0-ends_on": "2027-01-01"}, "a stay lasts at least one night"),
    ({"periods-0-ends_on": ""}, "Give both the first and the last day."),
    ({"rooms": "0"}, "Give at least one room and one bed"),
    ({"guest_kinds": ["dragon"]}, "Choose from the list."),
])
def test_bad_hosting_input_changes_nothing(client, db, login_as, fields, message):
    login_as()
    page = client.post("/profile/hosting", data=hosting_form(**fields)).get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(FreePeriod)) is None
    assert "Ground floor." in page
