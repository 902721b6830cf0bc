"""Training sessions: the sign-up confirmed with an .ics, and reminders the day before (at
the same Brussels time) and two hours before, written at sign-up, due in UTC."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from passerelle.core.errors import DomainError
from passerelle.core.time import BRUSSELS
from passerelle.extensions import db as _db
from passerelle.programmes import services, sessions
from passerelle.programmes.messages import about_session
from passerelle.reminders import outbox
from passerelle.reminders.models import OutboxMessage, Status
from passerelle.reminders.services import save_choices
from passerelle.scheduling.models import Signup
from tests.factories import make_organisation, make_programme, make_user

# Sunday 29 March 2026, just after the change to summer time (06:00 UTC).
SUNDAY = datetime(2026, 3, 29, 8, tzinfo=BRUSSELS)
SIGN_UP = datetime(2026, 3, 20, 9, tzinfo=UTC)
DAY_BEFORE, TWO_HOURS = "training-reminder-day-before", "training-reminder-two-hours"


@pytest.fixture
def programme(db):
    return make_programme(make_organisation(slug="cire", name="CIRÉ"), slug="transit",
                          kind="detention_visits", interview=False, charter=False,
                          trainings=["Visiting in detention"])


def add_session(programme, start=SUNDAY, capacity=5):
    occurrence = sessions.add_session(services.trainings_of(programme)[0], start,
                                      start + timedelta(hours=3), "Rue du Vivier 80, Ixelles",
                                      capacity, SIGN_UP)
    _db.session.commit()
    return sessions.session(occurrence.id)


def applicant(programme, email, locale="nl"):
    user = make_user(email=email, name="Jef Peeters", locale=locale)
    services.apply(user, programme, "", SIGN_UP - timedelta(days=30))
    return user


def rows_of(user, kind=None):
    query = select(OutboxMessage).where(OutboxMessage.recipient_id == user.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(_db.session.scalars(query.order_by(OutboxMessage.id)))


def as_utc(moment):
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def test_a_sign_up_is_confirmed_with_an_ics_and_reminded_at_brussels_times(app, smtp,
                                                                          programme):
    jef = applicant(programme, "jef@example.org")
    session = add_session(programme)
    sessions.sign_up(jef, session, SIGN_UP)

    due = {row.kind: as_utc(row.due_at) for row in rows_of(jef)
           if row.kind.startswith("training-")}
    assert due == {"training-signup": SIGN_UP,
                   # Saturday 08:00 Brussels, still winter time: 07:00 UTC, not 06:00.
                   DAY_BEFORE: datetime(2026, 3, 28, 7, tzinfo=UTC),
                   TWO_HOURS: datetime(2026, 3, 29, 4, tzinfo=UTC)}

    assert smtp.deliver(SIGN_UP).sent == 1  # the reminders wait for their time
    [confirmed] = smtp.messages_to("jef@example.org", deliver=False)
    assert confirmed["Subject"] == "Je bent ingeschreven: Visiting in detention"
    body = confirmed.get_body(("plain",)).get_content()
    assert "zondag 29 maart 2026, 08:00 (Brusselse tijd)" in body
    assert "Plaats: Rue du Vivier 80, Ixelles" in body
    assert "http://passerelle.test/applications/" in body
    [part] = [p for p in confirmed.iter_attachments()
              if p.get_content_type() == "text/calendar"]
    [event] = Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert str(event["uid"]) == f"session-{session.id}@passerelle.local"
    assert event["dtstart"].params["TZID"] == "Europe/Brussels"
    assert event.start.astimezone(UTC) == datetime(2026, 3, 29, 6, tzinfo=UTC)
    assert str(event["location"]) == "Rue du Vivier 80, Ixelles"
    assert str(event["summary"]) == "Vorming: Visiting in detention"


def test_each_reminder_is_sent_at_its_time_and_once(app, smtp, programme):
    jef = applicant(programme, "jef@example.org", locale="fr")
    sessions.sign_up(jef, add_session(programme), SIGN_UP)
    assert smtp.deliver(SIGN_UP).sent == 1  # the confirmation
    assert smtp.deliver(datetime(2026, 3, 28, 6, 59, tzinfo=UTC)).sent == 0
    assert smtp.deliver(datetime(2026, 3, 28, 7, tzinfo=UTC)).sent == 1
    assert smtp.deliver(datetime(2026, 3, 29, 4, tzinfo=UTC)).sent == 1
    assert smtp.deliver(datetime(2026, 3, 29, 5, tzinfo=UTC)).sent == 0
    _, tomorrow, soon = smtp.messages_to("jef@example.org", deliver=False)
    assert tomorrow["Subject"] == "Demain : Visiting in detention"
    assert "a lieu demain" in tomorrow.get_body(("plain",)).get_content()
    assert soon["Subject"] == "Dans deux heures : Visiting in detention"
    assert "dimanche 29 mars 2026, 08:00" in soon.get_body(("plain",)).get_content()
    assert "passerelle.ics" not in [p.get_filename() for p in tomorrow.iter_attachments()]


def test_a_sunday_session_after_the_autumn_change_is_reminded_on_summer_time(app,
                                                                            programme):
    jef = applicant(programme, "jef@example.org")
    sunday = datetime(2026, 10, 25, 8, tzinfo=BRUSSELS)  # winter time again: 07:00 UTC
    sessions.sign_up(jef, add_session(programme, sunday), datetime(2026, 10, 1, tzinfo=UTC))
    [row] = rows_of(jef, DAY_BEFORE)
    assert as_utc(row.due_at) == datetime(2026, 10, 24, 6, tzinfo=UTC)  # 25 hours before


def test_reminders_already_past_at_sign_up_are_not_written(app, programme):
    jef = applicant(programme, "jef@example.org")
    sessions.sign_up(jef, add_session(programme), SUNDAY - timedelta(hours=1))
    assert [row.kind for row in rows_of(jef) if row.kind.startswith("training-")] == [
        "training-signup"]


def test_each_reminder_can_be_turned_off(app, programme):
    jef, an = (applicant(programme, "jef@example.org"),
               applicant(programme, "an@example.org"))
    save_choices(jef, {"reminder-day-before": False})
    save_choices(an, {"reminder-two-hours": False, "trainings": False})
    session = add_session(programme)
    sessions.sign_up(jef, session, SIGN_UP)
    sessions.sign_up(an, session, SIGN_UP)
    assert {row.kind for row in rows_of(jef)} >= {"training-signup", TWO_HOURS}
    assert rows_of(jef, DAY_BEFORE) == []
    assert [row.kind for row in rows_of(an) if row.kind.startswith("training-")] == [
        DAY_BEFORE]


def test_withdrawing_gives_up_the_place_and_cancels_only_ones_own_reminders(app, smtp,
                                                                           programme):
    jef, an = (applicant(programme, "jef@example.org"),
               applicant(programme, "an@example.org"))
    session = add_session(programme)
    sessions.sign_up(jef, session, SIGN_UP)
    sessions.sign_up(an, session, SIGN_UP)
    services.withdraw(jef, services.application_of(jef, programme), "", SIGN_UP)

    assert {row.kind: row.status for row in rows_of(jef, DAY_BEFORE) + rows_of(
        jef, TWO_HOURS)} == {DAY_BEFORE: Status.CANCELLED, TWO_HOURS: Status.CANCELLED}
    assert {row.status for row in rows_of(an) if row.kind in (DAY_BEFORE, TWO_HOURS)} == {
        Status.PENDING}
    assert not sessions.is_signed_up(jef, session) and sessions.places_left(session) == 4
    smtp.deliver(SUNDAY)
    assert len(smtp.messages_to("an@example.org", deliver=False)) == 3
    # Not sent yet when he withdrew, the confirmation is cancelled too.
    assert smtp.messages_to("jef@example.org", deliver=False) == []


def test_a_session_cancelled_for_everyone_cancels_its_pending_reminders(app, programme):
    jef = applicant(programme, "jef@example.org")
    session = add_session(programme)
    sessions.sign_up(jef, session, SIGN_UP)
    outbox.cancel(about_session(session.id), (DAY_BEFORE, TWO_HOURS))
    _db.session.commit()
    assert {row.status for row in rows_of(jef) if row.kind in (DAY_BEFORE, TWO_HOURS)} == {
        Status.CANCELLED}


def test_a_refused_sign_up_writes_nothing(app, programme):
    jef, an = (applicant(programme, "jef@example.org"),
               applicant(programme, "an@example.org"))
    session = add_session(programme, capacity=1)
    sessions.sign_up(jef, session, SIGN_UP)
    before = {row.id for row in rows_of(jef)}
    with pytest.raises(DomainError):  # already signed up
        sessions.sign_up(jef, session, SIGN_UP)
    with pytest.raises(DomainError):  # full
        sessions.sign_up(an, session, SIGN_UP)
    with pytest.raises(DomainError):  # started
        sessions.sign_up(an, add_session(programme), SUNDAY + timedelta(minutes=1))
    _db.session.rollback()
    assert {row.id for row in rows_of(jef)} == before
    assert [row for row in rows_of(an) if row.kind.startswith("training-")] == []
    assert _db.session.scalar(select(Signup.id).where(
        Signup.user_id == an.id)) is None


def test_attendance_recorded_tells_the_volunteer_the_training_is_done(app, smtp, programme,
                                                                      login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    jef = applicant(programme, "jef@example.org")
    signup = sessions.sign_up(jef, add_session(programme), SIGN_UP)
    sessions.mark_attended(coordinator, signup, SUNDAY + timedelta(hours=3))
    kinds = [row.kind for row in rows_of(jef)]
    assert kinds.count("application-step") == 1 and kinds.count("application-active") == 1


def test_an_erased_volunteer_is_sent_nothing_more_about_applications_or_sessions(app,
                                                                                 programme):
    jef = applicant(programme, "jef@example.org")
    sessions.sign_up(jef, add_session(programme), SIGN_UP)
    services.forget_applicant(jef, SIGN_UP)
    _db.session.commit()
    assert {row.status for row in rows_of(jef)} == {Status.CANCELLED}
