"""Services take the time they act at from their caller; only views and jobs read the clock.
Each writes the instant it is given, even one far from the real clock."""

from datetime import UTC, date, datetime, timedelta

import pytest

from passerelle.core.errors import DomainError
from passerelle.core.time import as_utc
from passerelle.needs import people
from passerelle.programmes import services, sessions, setup
from passerelle.scheduling import signups
from passerelle.scheduling.models import Occurrence
from tests.factories import at, make_organisation, make_programme, make_user
from tests.needs.factories import make_person

LONG_AGO = datetime(2019, 3, 4, 9, 30, tzinfo=UTC)


def test_an_application_and_its_steps_are_dated_with_the_time_given(db):
    programme = make_programme(make_organisation(), interview=False)
    volunteer = make_user()
    application = services.apply(volunteer, programme, "", LONG_AGO)
    services.sign_charter(volunteer, application, 1, LONG_AGO + timedelta(days=1))
    assert as_utc(application.created_at) == LONG_AGO
    assert [as_utc(step.at) for step in application.steps] == [
        LONG_AGO, LONG_AGO + timedelta(days=1), LONG_AGO + timedelta(days=1)]
    assert as_utc(application.updated_at) == LONG_AGO + timedelta(days=1)
    services.withdraw(volunteer, application, "", LONG_AGO + timedelta(days=2))
    assert as_utc(application.steps[-1].at) == LONG_AGO + timedelta(days=2)


def test_a_programme_and_its_charter_are_dated_with_the_time_given(db):
    programme = make_programme(make_organisation(), charter=False)
    charter = setup.publish_charter(programme, {"body_fr": "a", "body_nl": "b", "body_en": "c"},
                                    None, LONG_AGO)
    assert as_utc(charter.published_at) == LONG_AGO


def test_a_training_session_is_judged_by_the_time_given(db):
    programme = make_programme(make_organisation(), interview=False, charter=False,
                               trainings=["Visiting"])
    training = services.trainings_of(programme)[0]
    starts = LONG_AGO + timedelta(days=7)
    session = sessions.schedule(training, starts, starts + timedelta(hours=2), "Ixelles", 2,
                                LONG_AGO)
    volunteer = make_user()
    services.apply(volunteer, programme, "", LONG_AGO)
    occurrence = db.session.get(Occurrence, session.id)
    role = occurrence.event.roles[0]
    signup = signups.sign_up(volunteer, occurrence, role, LONG_AGO + timedelta(days=1))
    assert as_utc(signup.since) == LONG_AGO + timedelta(days=1)
    latecomer = make_user()
    services.apply(latecomer, programme, "", LONG_AGO)
    with pytest.raises(DomainError):  # started at the time given
        signups.sign_up(latecomer, occurrence, role, starts + timedelta(minutes=1))


def test_the_purge_deletes_by_the_day_of_the_time_given(db):
    organisation = make_organisation()
    make_person(organisation, delete_after=date(2019, 3, 3))
    make_person(organisation, first_name="Omid", delete_after=date(2019, 3, 4))
    assert people.delete_expired(at(date(2019, 3, 4))) == 1
    assert people.delete_expired(at(date(2019, 3, 5))) == 1
