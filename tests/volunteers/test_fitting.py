"""After saving a profile or a hosting offer, the volunteer sees the programmes it fits."""

from passerelle.programmes import fit
from passerelle.programmes.models import Application
from tests.factories import make_organisation
from tests.needs.factories import make_need, make_programme
from tests.volunteers.test_profile import hosting_form, profile_form

BRUSSELS, GENT = "21004", "44021"  # Sint-Gillis, where the profile lives, is 2 km from Brussels


def saved(client, url, data):
    response = client.post(url, data=data)
    assert response.status_code == 302
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_saved_profile_shows_the_programmes_it_fits_by_kind_place_and_language(
        client, db, login_as):
    organisation = make_organisation()
    make_programme(organisation, name="Visits in Brussels", kind="detention_visits",
                   cities=[BRUSSELS])
    make_programme(organisation, name="Duos anywhere", kind="language_exchange")
    make_programme(organisation, name="Hosts in Brussels", kind="housing_hosting",
                   cities=[BRUSSELS])
    make_programme(organisation, name="Sponsors speaking Tigrinya",
                   facts={"family_languages": ["ti", "ar"]})
    make_need(make_programme(organisation, name="Mentors, Dutch needed", kind="mentoring"),
              languages=["nl"])
    make_programme(organisation, name="Sponsors in Gent", cities=[GENT])
    make_programme(organisation, name="Advice desk", kind="information")
    make_programme(organisation, name="Sponsors speaking Pashto",
                   facts={"family_languages": ["ps"]})
    make_need(make_programme(organisation, name="Mentors, Arabic needed", kind="mentoring"),
              languages=["ar"])
    make_programme(organisation, name="Hidden sponsors", is_listed=False)
    login_as()
    page = saved(client, "/profile/", profile_form())  # Sint-Gillis, 20 km, nl and ti
    assert "Your profile is saved." in page and "Programmes your profile fits" in page
    for name in ("Visits in Brussels", "Duos anywhere", "Sponsors speaking Tigrinya",
                 "Mentors, Dutch needed"):
        assert name in page, name
    # Housing hosting waits for a hosting offer (a room, or accompaniment only).
    for name in ("Hosts in Brussels", "Sponsors in Gent", "Advice desk", "Sponsors speaking Pashto",
                 "Mentors, Arabic needed", "Hidden sponsors", "No programme fits yet"):
        assert name not in page, name


def test_a_wider_travel_distance_reaches_a_farther_programme(client, db, login_as):
    make_programme(make_organisation(), name="Sponsors in Gent", cities=[GENT])
    login_as()
    assert "Sponsors in Gent" not in saved(client, "/profile/", profile_form())
    assert "Sponsors in Gent" in saved(client, "/profile/", profile_form(travel_km="80"))


def test_a_saved_hosting_offer_shows_only_housing_hosting_programmes(client, db, login_as):
    organisation = make_organisation()
    make_programme(organisation, name="Hosts in Brussels", kind="housing_hosting",
                   cities=[BRUSSELS])
    make_programme(organisation, name="Hosts in Gent", kind="housing_hosting", cities=[GENT])
    make_programme(organisation, name="Duos anywhere", kind="language_exchange")
    login_as()
    saved(client, "/profile/", profile_form())
    page = saved(client, "/profile/hosting", hosting_form())
    assert "Your hosting offer is saved." in page
    assert "Programmes your hosting offer fits" in page and "Hosts in Brussels" in page
    assert "Hosts in Gent" not in page and "Duos anywhere" not in page


def test_when_no_programme_fits_none_is_shown(client, db, login_as):
    organisation = make_organisation()
    make_programme(organisation, name="Sponsors in Gent", cities=[GENT])
    make_programme(organisation, name="Advice desk", kind="information")
    login_as()
    page = saved(client, "/profile/", profile_form())
    assert "No programme fits yet." in page
    assert "Sponsors in Gent" not in page and "Advice desk" not in page


def test_a_programme_already_applied_to_is_not_offered_again(client, db, login_as):
    programme = make_programme(make_organisation(), name="Duos anywhere",
                               kind="language_exchange")
    volunteer = login_as()
    db.session.add(Application(user=volunteer, programme=programme, status="submitted",
                               created_at=programme.organisation.created_at,
                               updated_at=programme.organisation.created_at))
    db.session.commit()
    assert "Duos anywhere" not in saved(client, "/profile/", profile_form())


def test_the_page_runs_the_same_queries_for_few_or_many_programmes(client, db, login_as,
                                                                     count_queries):
    login_as()
    saved(client, "/profile/", profile_form())

    def queries_with(how_many):
        organisation = make_organisation()
        for n in range(how_many):
            make_need(make_programme(organisation, name=f"Duos {n}", kind="language_exchange",
                                     cities=[BRUSSELS]), languages=["nl"])
        with count_queries() as queries:
            page = client.get("/profile/programmes").get_data(as_text=True)
        assert "Duos 0" in page
        return queries.count

    assert queries_with(1) == queries_with(5)


def test_a_volunteer_without_a_place_fits_only_programmes_that_name_none():
    volunteer = fit.Volunteer(hosting=False, point=None, travel_km=50,
                              languages=frozenset({"fr"}))
    anywhere = fit.Candidate(id=1, kind="mentoring", points=(), placed=False,
                             languages=frozenset())
    in_brussels = fit.Candidate(id=2, kind="mentoring", points=((50.85, 4.35),), placed=True,
                                languages=frozenset())
    abroad = fit.Candidate(id=3, kind="mentoring", points=(), placed=True,
                           languages=frozenset())
    assert fit.fitting(volunteer, [anywhere, in_brussels, abroad]) == [1]
    placed = fit.Volunteer(hosting=False, point=(50.83, 4.34), travel_km=5,
                           languages=frozenset({"fr"}))
    assert fit.fitting(placed, [anywhere, in_brussels, abroad]) == [1, 2]
