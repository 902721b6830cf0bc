"""Trainings are given in sessions, events of kind training: volunteers sign up through
scheduling/signups.py like for any event (a place or the waitlist), and being checked in
counts as the training done."""

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from passerelle.core.errors import DomainError
from passerelle.core.time import BRUSSELS, utcnow
from passerelle.extensions import db as _db
from passerelle.programmes import services, sessions, setup
from passerelle.programmes.models import (
    Application,
    TrainingRecord,
)
from passerelle.scheduling import signups
from passerelle.scheduling.models import Occurrence, Signup, SignupStatus
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


def sign_up(user, session, now=None):
    occurrence = _db.session.get(Occurrence, session.id)
    return signups.sign_up(user, occurrence, occurrence.event.roles[0], now or utcnow())


def applicant(programme, **fields):
    user = make_user(**fields)
    services.apply(user, programme, "", utcnow() - timedelta(days=30))
    return user


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


def test_volunteer_signs_up_from_the_applications_page_and_comes_back_to_it(client, db,
                                                                            login_as, transit):
    session = add_session(training_of(transit), capacity=1)
    volunteer = login_as()
    services.apply(volunteer, transit, "", utcnow())
    page = client.get("/applications/").get_data(as_text=True)
    assert "Sign up (1 place left)" in page
    assert f'action="/occurrences/{session.id}/signup"' in page
    response = client.post(f"/occurrences/{session.id}/signup",
                           data={"role": session.role_id, "next": "/applications/"})
    assert response.status_code == 302 and response.location.endswith("/applications/")
    page = client.get("/applications/").get_data(as_text=True)
    assert "You are signed up." in page and "Cancel my sign-up" in page
    again = client.post(f"/occurrences/{session.id}/signup", follow_redirects=True,
                        data={"role": session.role_id, "next": "/applications/"})
    assert "You are already signed up for this occurrence." in again.get_data(as_text=True)
    assert count(db, Signup) == 1


def test_a_full_session_offers_the_waitlist_and_a_cancel_promotes(client, db, login_as,
                                                                   transit, smtp):
    session = add_session(training_of(transit), capacity=1)
    first = applicant(transit, email="first@example.org")
    held = sign_up(first, session)
    volunteer = login_as(email="second@example.org")
    services.apply(volunteer, transit, "", utcnow())
    assert "Full: join the waitlist" in client.get("/applications/").get_data(as_text=True)
    client.post(f"/occurrences/{session.id}/signup",
                data={"role": session.role_id, "next": "/applications/"})
    mine = signups._existing(volunteer, session.id)
    assert mine.status == SignupStatus.waitlisted
    assert "You are on the waitlist, number 1." in client.get("/applications/").get_data(
        as_text=True)
    assert sessions.all_sessions(training_of(transit))[0].signups == [held]

    promoted = signups.cancel(first, held, utcnow())
    assert promoted.id == mine.id and promoted.status == SignupStatus.confirmed
    assert "You are signed up." in client.get("/applications/").get_data(as_text=True)
    smtp.deliver(utcnow())
    subjects = [m["Subject"] for m in smtp.messages_to("second@example.org", deliver=False)]
    assert "A place for you: Visiting in detention" in subjects


def test_a_place_given_up_by_withdrawing_goes_to_the_waitlist(db, transit):
    session = add_session(training_of(transit), capacity=1)
    first, second = applicant(transit), applicant(transit)
    held = sign_up(first, session)
    waiting = sign_up(second, session)
    services.withdraw(first, services.application_of(first, transit), "", utcnow())
    _db.session.expire_all()
    assert _db.session.get(Signup, held.id).status == SignupStatus.cancelled
    assert _db.session.get(Signup, waiting.id).status == SignupStatus.confirmed


def test_the_volunteer_cancels_their_place_from_the_applications_page(client, db, login_as,
                                                                      transit):
    session = add_session(training_of(transit))
    volunteer = login_as()
    services.apply(volunteer, transit, "", utcnow())
    signup = sign_up(volunteer, session)
    response = client.post(f"/signups/{signup.id}/cancel", data={"next": "/applications/"})
    assert response.location.endswith("/applications/")
    _db.session.expire_all()
    assert _db.session.get(Signup, signup.id).status == SignupStatus.cancelled
    assert "Sign up (2 places left)" in client.get("/applications/").get_data(as_text=True)


def test_signing_up_needs_an_application(db, transit):
    session = add_session(training_of(transit))
    with pytest.raises(DomainError) as refused:
        sign_up(make_user(), session)
    with force_locale("en"):
        assert str(refused.value.message) == "Apply to the programme first."
    assert count(db, Signup) == 0


def test_an_outsider_cannot_sign_up_for_a_programmes_session(client, db, login_as, transit):
    session = add_session(training_of(transit))
    other = make_programme(make_organisation(), slug="other", trainings=["Other"])
    services.apply(login_as(), other, "", utcnow())
    response = client.post(f"/occurrences/{session.id}/signup",
                           data={"role": session.role_id, "next": "/applications/"})
    assert response.status_code == 404
    assert count(db, Signup) == 0


def test_being_checked_in_counts_as_the_training_done(app, client, db, login_as, transit):
    session = add_session(training_of(transit), days_from_now=-1)
    volunteer = make_user()
    application = services.apply(volunteer, transit, "", utcnow() - timedelta(days=3))
    signup = sign_up(volunteer, session, session.starts_at - timedelta(days=1))
    login_as("coordinator", organisation=transit.organisation)
    page = client.get(f"/programmes/transit/trainings/{session.training_id}")
    assert f"/occurrences/{session.id}/attendance" in page.get_data(as_text=True)
    client.post(f"/occurrences/{session.id}/attendance",
                data={"signup": signup.id, "action": "check_in"})
    db.session.expire_all()
    assert db.session.get(Signup, signup.id).checked_in_at is not None
    record = db.session.scalar(select(TrainingRecord))
    assert record.user_id == volunteer.id
    # On the session's day in Brussels.
    assert record.completed_on == session.starts_at.astimezone(BRUSSELS).date()
    assert db.session.get(Application, application.id).status == "active"


def test_check_in_before_the_sessions_day_records_nothing(db, transit):
    session = add_session(training_of(transit))
    volunteer = applicant(transit)
    signup = sign_up(volunteer, session)
    with pytest.raises(DomainError):
        signups.check_in(make_user(), signup, utcnow())
    assert count(db, TrainingRecord) == 0 and signup.checked_in_at is None


def test_check_in_of_a_closed_application_records_nothing(db, transit):
    session = add_session(training_of(transit), days_from_now=-1)
    volunteer = make_user()
    application = services.apply(volunteer, transit, "", utcnow() - timedelta(days=3))
    signup = sign_up(volunteer, session, session.starts_at - timedelta(days=1))
    services.suspend(make_user(), application, "Not coming", utcnow())
    with pytest.raises(DomainError) as refused:
        signups.check_in(make_user(), signup, utcnow())
    assert refused.value.message is services.NOT_OPEN
    _db.session.expire_all()
    assert count(db, TrainingRecord) == 0
    assert _db.session.get(Signup, signup.id).checked_in_at is None


def test_only_the_programme_coordinators_see_the_sessions(client, db, login_as, transit):
    login_as("staff", organisation=transit.organisation)
    assert client.get(f"/programmes/transit/trainings/{training_of(transit).id}"
                      ).status_code == 404


def test_only_the_programme_coordinators_take_a_sessions_attendance(client, db, login_as,
                                                                    transit):
    session = add_session(training_of(transit))
    login_as("staff", organisation=transit.organisation)
    assert client.get(f"/occurrences/{session.id}/attendance").status_code == 404
    login_as("coordinator", organisation=transit.organisation)
    assert client.get(f"/occurrences/{session.id}/attendance").status_code == 200


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
    with pytest.raises(DomainError) as refused:
        sign_up(volunteer, session)
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


def test_a_no_show_after_a_check_in_at_a_training_is_refused_and_keeps_the_record(db, transit):
    session = add_session(training_of(transit), days_from_now=-1)
    volunteer = make_user()
    services.apply(volunteer, transit, "", utcnow() - timedelta(days=3))
    signup = sign_up(volunteer, session, session.starts_at - timedelta(days=1))
    coordinator = make_user()
    signups.check_in(coordinator, signup, utcnow())
    with pytest.raises(DomainError) as refused:
        signups.no_show(coordinator, signup, utcnow())
    assert refused.value.message is signups.TRAINING_RECORDED
    _db.session.expire_all()
    assert count(db, TrainingRecord) == 1
    assert _db.session.get(Signup, signup.id).checked_in_at is not None
