"""Trainings are given in sessions: volunteers sign up, attending counts as done."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from passerelle.core.time import utcnow
from passerelle.extensions import db as _db
from passerelle.programmes import services, sessions, setup
from passerelle.programmes.models import (
    Application,
    TrainingRecord,
)
from passerelle.scheduling.models import Occurrence, Signup
from tests.factories import make_organisation, make_programme, make_user

TODAY = date(2026, 6, 1)


@pytest.fixture
def transit(db):
    organisation = make_organisation(slug="cire", name="CIRÉ")
    return make_programme(organisation, slug="transit", kind="detention_visits",
                          interview=False, charter=False, trainings=["Visiting in detention"])


def training_of(programme):
    return services.trainings_of(programme)[0]


def add_session(training, days_from_now=7, capacity=2):
    start = utcnow() + timedelta(days=days_from_now)
    occurrence = sessions.add_session(training, start, start + timedelta(hours=3),
                                      "Rue du Vivier 80", capacity, utcnow())
    _db.session.commit()
    return sessions.session(occurrence.id)


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_coordinator_schedules_a_session_from_the_page(client, db, login_as, transit):
    login_as("coordinator", organisation=transit.organisation)
    training = training_of(transit)
    url = f"/programmes/transit/trainings/{training.id}"
    day = (utcnow() + timedelta(days=10)).date().isoformat()
    response = client.post(url, data={"day": day, "start": "09:30", "end": "12:30",
                                      "place": "Rue du Vivier 80, Ixelles", "capacity": "12"})
    assert response.status_code == 302
    session = sessions.session(db.session.scalar(select(Occurrence.id)))
    assert session.capacity == 12 and session.ends_at - session.starts_at == timedelta(hours=3)
    assert "Rue du Vivier 80, Ixelles" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(("fields", "message"), [
    ({"end": "08:00"}, "The session must end after it starts."),
    ({"day": "2020-01-01"}, "Choose a moment in the future."),
    ({"capacity": "0"}, "Between 1 and 500."),
    ({"place": ""}, "This field is required."),
])
def test_bad_session_input_changes_nothing(client, db, login_as, transit, fields, message):
    login_as("coordinator", organisation=transit.organisation)
    day = (utcnow() + timedelta(days=10)).date().isoformat()
    data = {"day": day, "start": "09:30", "end": "12:30", "place": "Ixelles",
            "capacity": "12"} | fields
    page = client.post(f"/programmes/transit/trainings/{training_of(transit).id}",
                       data=data).get_data(as_text=True)
    assert message in page
    assert count(db, Occurrence) == 0


def test_volunteer_signs_up_until_the_session_is_full(client, db, login_as, transit):
    session = add_session(training_of(transit), capacity=1)
    volunteer = login_as()
    services.apply(volunteer, transit, "", utcnow())
    page = client.get("/applications/").get_data(as_text=True)
    assert "Sign up (1 place left)" in page
    client.post(f"/training-sessions/{session.id}/sign-up")
    assert "You are signed up." in client.get("/applications/").get_data(as_text=True)
    again = client.post(f"/training-sessions/{session.id}/sign-up", follow_redirects=True)
    assert "You are already signed up for this session." in again.get_data(as_text=True)
    latecomer = make_user()
    services.apply(latecomer, transit, "", utcnow())
    with pytest.raises(services.DomainError):
        sessions.sign_up(latecomer, session, utcnow())
    assert count(db, Signup) == 1


def test_signing_up_needs_an_application(db, transit):
    session = add_session(training_of(transit))
    with pytest.raises(services.DomainError):
        sessions.sign_up(make_user(), session, utcnow())
    assert count(db, Signup) == 0


def test_attending_counts_as_the_training_done(app, client, db, login_as, transit):
    session = add_session(training_of(transit), days_from_now=-1)
    volunteer = make_user()
    application = services.apply(volunteer, transit, "", utcnow())
    signup = sessions.sign_up(volunteer, session, session.starts_at - timedelta(days=1))
    login_as("coordinator", organisation=transit.organisation)
    client.post(f"/training-signups/{signup.id}/attended")
    db.session.expire_all()
    assert db.session.scalar(select(Signup)).checked_in_at is not None
    assert db.session.scalar(select(TrainingRecord)).user_id == volunteer.id
    assert db.session.get(Application, application.id).status == "active"


def test_attendance_before_the_session_is_refused(db, transit):
    session = add_session(training_of(transit))
    volunteer = make_user()
    services.apply(volunteer, transit, "", utcnow())
    signup = sessions.sign_up(volunteer, session, utcnow())
    with pytest.raises(services.DomainError):
        sessions.mark_attended(make_user(), signup, utcnow())
    assert count(db, TrainingRecord) == 0 and signup.checked_in_at is None


def test_only_the_programme_coordinators_see_the_sessions(client, db, login_as, transit):
    login_as("staff", organisation=transit.organisation)
    assert client.get(f"/programmes/transit/trainings/{training_of(transit).id}"
                      ).status_code == 404


@pytest.mark.parametrize("close", ["withdraw", "suspend", "refuse"])
def test_a_closed_application_takes_no_training_place(db, transit, close):
    session = add_session(training_of(transit))
    volunteer, coordinator = make_user(), make_user()
    application = services.apply(volunteer, transit, "", utcnow())
    if close == "withdraw":
        services.withdraw(volunteer, application, "", utcnow())
    elif close == "suspend":
        services.suspend(coordinator, application, "Not coming to visits", utcnow())
    else:
        services.record_screening(coordinator, application, False, "Not retained", utcnow())
    with pytest.raises(services.DomainError) as refused:
        sessions.sign_up(volunteer, session, utcnow())
    assert refused.value.message is services.NOT_OPEN
    assert count(db, Signup) == 0


@pytest.mark.parametrize(("locale", "sentence"), [
    ("fr", "Visiter en détention"), ("nl", "Bezoeken in detentie"),
    ("en", "Visiting in detention")])
def test_the_training_still_to_do_is_named_in_the_readers_language(client, db, login_as,
                                                                   locale, sentence):
    organisation = make_organisation()
    programme = make_programme(organisation, slug="jrs-visits", kind="detention_visits",
                               interview=False, charter=False)
    setup.add_training(programme, {"name_fr": "Visiter en détention",
                                   "name_nl": "Bezoeken in detentie",
                                   "name_en": "Visiting in detention"}, 24)
    services.apply(login_as(locale=locale), programme, "", utcnow())
    page = client.get("/applications/").get_data(as_text=True)
    assert sentence in page
    others = {"fr", "nl", "en"} - {locale}
    names = {"fr": "Visiter en détention", "nl": "Bezoeken in detentie",
             "en": "Visiting in detention"}
    assert not any(names[other] in page for other in others)
