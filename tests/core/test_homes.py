"""After logging in, each person's home tells them what comes next, for each of their roles."""

import itertools
from datetime import date, timedelta

from passerelle.core.time import today_in_brussels, utcnow
from passerelle.data import places
from passerelle.extensions import db as _db
from passerelle.needs.models import MaterialPairing, PairingStatus
from passerelle.programmes import services, sessions, setup
from passerelle.programmes.models import TrainingRecord
from passerelle.volunteers import services as volunteers
from tests.factories import (
    at,
    make_membership,
    make_organisation,
    make_programme,
    make_user,
)
from tests.needs.factories import make_material_need, make_need, make_offer, make_person
from tests.needs.factories import make_programme as make_plain_programme

TODAY = date(2026, 6, 1)
NOW = at(TODAY)
_slugs = itertools.count()


def profile(user, place="1060", travel_km=10, languages=(("fr", 4),), birth_date=None):
    return volunteers.save_profile(user, volunteers.ProfileData(
        place=places.resolve(place) if place else None, travel_km=travel_km,
        languages=list(languages), grid=[(0, 2)], skills=[], sector=None, interests=[],
        birth_date=birth_date, max_matches=1))


def named_programme(organisation, name, **options):
    programme = make_programme(organisation, slug=f"home-programme-{next(_slugs)}", **options)
    programme.name_en = name
    _db.session.commit()
    return programme


def page_of(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# Volunteers ---------------------------------------------------------------------------

def test_visitor_sees_the_public_home(client, db):
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert "Help refugees in Belgium" in page and "My applications" not in page
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_volunteer_sees_the_interview_date_as_next_step_until_it_happened(client, db,
                                                                         login_as):
    volunteer = login_as()
    programme = named_programme(make_organisation(), "Sponsorship in Schaerbeek")
    application = services.apply(volunteer, programme, "", NOW)
    page = page_of(client)
    assert "Sponsorship in Schaerbeek" in page
    assert "The coordinators will plan an interview with you." in page

    coming = utcnow() + timedelta(days=3)
    services.plan_interview(make_user(), application, coming, NOW)
    page = page_of(client)
    assert "An interview with the coordinators" in page
    assert f'datetime="{coming.isoformat()}"' in page

    services.plan_interview(make_user(), application, utcnow() - timedelta(hours=1), NOW)
    page = page_of(client)
    assert "An interview with the coordinators" not in page
    assert "Interview done: the coordinators will tell you the outcome." in page


def test_volunteer_sees_what_is_left_to_do_and_the_next_training_session(client, db,
                                                                         login_as):
    volunteer = login_as()
    programme = named_programme(make_organisation(), "Visits", kind="detention_visits",
                                interview=False, charter=False, trainings=["Visiting well"])
    training = services.trainings_of(programme)[0]
    start = utcnow() + timedelta(days=9)
    sessions.add_session(training, start, start + timedelta(hours=2), "Ixelles", 5, utcnow())
    db.session.commit()
    services.apply(volunteer, programme, "", NOW)
    page = page_of(client)
    assert "Training still to do: Visiting well." in page
    assert f'datetime="{start.isoformat()}"' in page
    assert "Choose a training session" in page
    assert "Your profile is 0% complete." in page


def test_the_next_step_names_the_training_in_the_volunteers_language(client, db, login_as):
    volunteer = login_as(locale="nl")
    programme = make_programme(make_organisation(), slug="visits", kind="detention_visits",
                               interview=False, charter=False)
    setup.add_training(programme, {"name_fr": "Visiter", "name_nl": "Bezoeken",
                                   "name_en": "Visiting"}, None)
    services.apply(volunteer, programme, "", NOW)
    page = page_of(client)
    assert "Bezoeken" in page and "Visiting" not in page


def test_active_volunteer_is_told_they_are_ready(client, db, login_as):
    volunteer = login_as()
    programme = named_programme(make_organisation(), "Language café", kind="language_exchange",
                                interview=False, charter=False)
    application = services.apply(volunteer, programme, "", NOW)
    services.refresh_status(application, utcnow())
    assert "You are ready: the coordinators can match you." in page_of(client)


def test_programmes_that_fit_are_near_enough_of_a_kind_and_in_a_language(client, db,
                                                                         login_as):
    volunteer = login_as()
    profile(volunteer, place="1060", travel_km=10, languages=[("fr", 4), ("en", 3)])
    organisation = make_organisation()
    make_plain_programme(organisation, name="Brussels sponsorship", cities=["21004"])
    make_plain_programme(organisation, name="Anywhere mentoring", kind="mentoring")
    make_plain_programme(organisation, name="Liège drop-in", kind="housing_search_support",
                         cities=["62063"])
    make_plain_programme(organisation, name="Arabic families", cities=["21004"],
                         facts={"family_languages": ["ar"]})
    make_plain_programme(organisation, name="Advice desk", kind="information")
    make_plain_programme(organisation, name="A room at home", kind="housing_hosting")
    make_plain_programme(organisation, name="Paris visits", kind="detention_visits",
                         cities=["Paris"])
    applied = make_plain_programme(organisation, name="Already applied", kind="activities")
    services.apply(volunteer, applied, "", NOW)
    page = page_of(client)
    fitting = page[page.index("Programmes that fit your profile"):]
    assert "Brussels sponsorship" in fitting and "Anywhere mentoring" in fitting
    for other in ("Liège drop-in", "Arabic families", "Advice desk", "A room at home",
                  "Paris visits", "Already applied"):
        assert other not in fitting, other

    volunteers.save_hosting(volunteer, volunteers.HostingData(
        accompaniment_only=True, rooms=0, beds=0, guest_kinds=[], notes="", periods=[]))
    assert "A room at home" in page_of(client)


def test_volunteer_navigation_has_no_coordination(client, db, login_as):
    login_as()
    page = page_of(client)
    assert "My applications" in page and "Coordination" not in page


# Staff ----------------------------------------------------------------------------------

def test_staff_home_counts_the_people_waiting_but_never_names_them(client, db, login_as):
    organisation = make_organisation(name="Maison Ouverte")
    login_as("staff", organisation=organisation)
    make_person(organisation, first_name="Zainab")
    make_person(organisation, first_name="Samir")
    programme = make_plain_programme(organisation)
    make_need(programme, title="A sponsor for a family")
    need = make_material_need(organisation, "A table")
    offer = make_offer(make_user(), "A wooden table")
    db.session.add(MaterialPairing(offer=offer, need=need, status=PairingStatus.proposed,
                                   created_at=utcnow()))
    db.session.commit()
    page = page_of(client)
    assert "Maison Ouverte" in page
    assert "1 open need" in page and "2 people waiting" in page
    assert "1 pairing to confirm" in page
    assert "Zainab" not in page and "Samir" not in page and "A sponsor for a family" not in page
    # Neither "My applications" nor "Coordination": staff reach their organisation in one tap.
    assert "My applications" not in page and "Coordination" not in page
    assert f'href="/organisations/{organisation.slug}/needs">Maison Ouverte</a>' in page


def test_staff_home_shows_nothing_of_the_organisation_before_the_second_factor(client, db,
                                                                               login_as):
    organisation = make_organisation(name="Maison Ouverte")
    login_as("staff", organisation=organisation, second_factor=False)
    make_person(organisation)
    page = page_of(client)
    assert "people waiting" not in page and "person waiting" not in page
    assert "Continue with two-step verification" in page


def test_staff_home_counts_only_their_own_organisation(client, db, login_as):
    mine, other = make_organisation(name="Mine"), make_organisation(name="Other")
    login_as("staff", organisation=mine)
    make_person(other)
    make_need(make_plain_programme(other))
    page = page_of(client)
    assert "0 people waiting" in page and "0 open needs" in page


# Coordinators ---------------------------------------------------------------------------

def coordinated_world(coordinator_org, today):
    """Applications at several steps, an interview coming, a charter and a training ending."""
    programme = named_programme(coordinator_org, "Visits", kind="detention_visits",
                                trainings=["Visiting well"])
    waiting = make_user(name="Wim Waiting")
    services.apply(waiting, programme, "", NOW)
    interviewed = make_user(name="Ines Interview")
    application = services.apply(interviewed, programme, "", NOW)
    services.plan_interview(make_user(), application, utcnow() + timedelta(days=2), NOW)
    ending = make_user(name="Eva Ending")
    application = services.apply(ending, programme, "", NOW)
    services.sign_charter(ending, application, 1, at(today - timedelta(days=365 - 10)))
    training = services.trainings_of(programme)[0]
    _db.session.add(TrainingRecord(user_id=ending.id, training=training,
                                  completed_on=today - timedelta(days=700),
                                  expires_on=today + timedelta(days=20)))
    later = make_user(name="Lea Later")
    application = services.apply(later, programme, "", NOW)
    services.sign_charter(later, application, 1, at(today - timedelta(days=200)))
    _db.session.commit()
    return programme


def test_coordinator_sees_waiting_steps_interviews_and_what_expires_soon(client, db, login_as):
    organisation = make_organisation()
    login_as("coordinator", organisation=organisation)
    coordinated_world(organisation, today_in_brussels())
    page = page_of(client)
    section = page[page.index('id="coordination"'):]
    assert "Submitted: <strong>1</strong>" in section
    assert "Interview planned: <strong>1</strong>" in section
    assert "Charter signed: <strong>2</strong>" in section
    interviews = section[section.index("Interviews coming"):section.index("Charters and")]
    assert "Ines Interview" in interviews and "Wim Waiting" not in interviews
    expiring = section[section.index("Charters and"):]
    assert expiring.count("Eva Ending") == 2  # the charter and the training
    assert "Visiting well" in expiring and "Lea Later" not in expiring
    assert "Coordination</a>" in page


def test_coordinator_home_leaves_out_other_organisations(client, db, login_as):
    login_as("coordinator", organisation=make_organisation())
    coordinated_world(make_organisation(), today_in_brussels())
    page = page_of(client)
    assert "Ines Interview" not in page and "Eva Ending" not in page
    assert "Submitted: <strong>0</strong>" in page


def test_network_coordinator_sees_the_members_applications(client, db, login_as):
    network = make_organisation(kind="network")
    member = make_organisation()
    from passerelle.organisations.models import NetworkMembership
    db.session.add(NetworkMembership(network=network, member=member))
    db.session.commit()
    login_as("network_coordinator", organisation=network)
    coordinated_world(member, today_in_brussels())
    assert "Ines Interview" in page_of(client)


def test_staff_member_without_coordination_sees_no_coordination_part(client, db, login_as):
    organisation = make_organisation()
    login_as("staff", organisation=organisation)
    coordinated_world(organisation, today_in_brussels())
    page = page_of(client)
    assert "Ines Interview" not in page and "Interviews coming" not in page


# Administrators and people with several roles -------------------------------------------

def test_administrator_sees_organisations_and_accounts(client, db, login_as):
    login_as("admin")
    make_organisation(name="Without Coordinator")
    coordinated = make_organisation(name="Has One")
    make_membership(make_user(), coordinated, "coordinator")
    make_user(confirmed=False)
    page = page_of(client)
    assert "2 listed organisations" in page
    assert "3 accounts" in page and "1 address not confirmed" in page
    assert "1 organisation without a coordinator" in page
    assert "Without Coordinator</a>" in page and "Has One</a>" not in page


def test_a_person_with_several_roles_sees_each_part(client, db, login_as):
    organisation = make_organisation(name="Maison Ouverte")
    person = login_as("coordinator", organisation=organisation)
    coordinated_world(organisation, today_in_brussels())
    services.apply(person, named_programme(make_organisation(), "Elsewhere sponsorship"), "",
                   NOW)
    page = page_of(client)
    assert 'id="my-applications"' in page and "Elsewhere sponsorship" in page
    assert 'id="organisation-work"' in page and 'id="coordination"' in page
    assert "My applications</a>" in page and "Coordination</a>" in page


# Queries --------------------------------------------------------------------------------

def _volunteer_home_queries(client, login_as, count_queries, how_many: int) -> int:
    volunteer = login_as()
    profile(volunteer)
    for n in range(how_many):
        programme = make_programme(make_organisation(), slug=f"visits-{next(_slugs)}",
                                   kind="detention_visits", places=["caricole"],
                                   trainings=[f"Training {n}"])
        training = services.trainings_of(programme)[0]
        start = utcnow() + timedelta(days=7)
        sessions.add_session(training, start, start + timedelta(hours=2), "Ixelles", 3, utcnow())
        _db.session.commit()
        application = services.apply(volunteer, programme, "", NOW)
        if n % 2:
            services.plan_interview(make_user(), application, utcnow() + timedelta(days=1), NOW)
    with count_queries() as queries:
        page_of(client)
    return queries.count


def test_volunteer_home_does_not_query_per_application(client, login_as, count_queries, db):
    one = _volunteer_home_queries(client, login_as, count_queries, 1)
    six = _volunteer_home_queries(client, login_as, count_queries, 6)
    assert six == one


def _staff_home_queries(client, login_as, count_queries, how_many: int) -> int:
    organisations = [make_organisation() for _ in range(how_many)]
    user = login_as("coordinator", organisation=organisations[0])
    for organisation in organisations[1:]:
        make_membership(user, organisation, "staff")
    for organisation in organisations:
        for _ in range(how_many):
            make_person(organisation)
            make_need(make_plain_programme(organisation))
        coordinated_world(organisation, today_in_brussels())
    with count_queries() as queries:
        page_of(client)
    return queries.count


def test_staff_and_coordinator_home_does_not_query_per_organisation_or_row(
        client, login_as, count_queries, db):
    one = _staff_home_queries(client, login_as, count_queries, 1)
    three = _staff_home_queries(client, login_as, count_queries, 3)
    assert three == one


def test_administrator_home_runs_a_fixed_number_of_queries(client, login_as, count_queries,
                                                           db):
    login_as("admin")

    def count():
        with count_queries() as queries:
            page_of(client)
        return queries.count

    few = count()
    for _ in range(15):
        make_organisation()
        make_user()
    assert count() == few


def test_a_signed_in_home_is_not_stored_and_escapes_names(client, db, login_as):
    login_as(name="<b>Ada</b>")
    response = client.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "<b>Ada</b>" not in page and "&lt;b&gt;Ada&lt;/b&gt;" in page
    assert "no-store" not in client.get("/organisations/").headers.get("Cache-Control", "")
