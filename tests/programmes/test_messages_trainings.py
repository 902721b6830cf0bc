"""Training sessions' messages are any event's (scheduling/signup_messages.py): the sign-up
confirmed with the training's name, place and an .ics, a place from the waitlist, and the reminder
the day before at the same Brussels time, written at sign-up, due in UTC."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from passerelle.core.errors import DomainError
from passerelle.core.time import BRUSSELS
from passerelle.extensions import db as _db
from passerelle.programmes import services, sessions
from passerelle.reminders import outbox
from passerelle.reminders.models import OutboxMessage, Status
from passerelle.reminders.services import save_choices
from passerelle.scheduling import services as events
from passerelle.scheduling import signups
from passerelle.scheduling.models import Occurrence, Signup
from tests.factories import make_organisation, make_programme, make_user

# Sunday 29 March 2026, just after the change to summer time (06:00 UTC).
SUNDAY = datetime(2026, 3, 29, 8, tzinfo=BRUSSELS)
SIGN_UP = datetime(2026, 3, 20, 9, tzinfo=UTC)
CONFIRMED, REMINDER = "signup-confirmed", "occurrence-reminder"


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
    return occurrence


def sign_up(user, occurrence, now=SIGN_UP):
    return signups.sign_up(user, occurrence, occurrence.event.roles[0], now)


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


def test_a_sign_up_is_confirmed_with_the_training_and_reminded_at_brussels_time(app, smtp,
                                                                               programme):
    jef = applicant(programme, "jef@example.org")
    occurrence = add_session(programme)
    sign_up(jef, occurrence)

    due = {row.kind: as_utc(row.due_at) for row in rows_of(jef)
           if row.kind in (CONFIRMED, REMINDER)}
    # Saturday 08:00 Brussels, still winter time: 07:00 UTC, not 06:00.
    assert due == {CONFIRMED: SIGN_UP, REMINDER: datetime(2026, 3, 28, 7, tzinfo=UTC)}

    assert smtp.deliver(SIGN_UP).sent == 1  # the reminder waits for its time
    [confirmed] = smtp.messages_to("jef@example.org", deliver=False)
    assert confirmed["Subject"] == "Ingeschreven: Visiting in detention"
    body = confirmed.get_body(("plain",)).get_content()
    assert "Visiting in detention" in body
    assert "zondag 29 maart 2026, 08:00 (Brusselse tijd)" in body
    # The session has an address and no city: no dangling comma.
    assert "Plaats: Rue du Vivier 80, Ixelles" in body.splitlines()
    [part] = [p for p in confirmed.iter_attachments()
              if p.get_content_type() == "text/calendar"]
    [event] = Calendar.from_ical(part.get_content()).walk("VEVENT")
    # The UID of the person's calendar feed: the same entry, not a second one.
    assert str(event["uid"]) == f"occurrence-{occurrence.id}@passerelle"
    assert event["dtstart"].params["TZID"] == "Europe/Brussels"
    assert event.start.astimezone(UTC) == datetime(2026, 3, 29, 6, tzinfo=UTC)
    assert str(event["location"]) == "Rue du Vivier 80, Ixelles"
    assert str(event["summary"]).startswith("Visiting in detention, ")


def test_the_reminder_is_sent_at_its_time_and_once(app, smtp, programme):
    jef = applicant(programme, "jef@example.org", locale="fr")
    sign_up(jef, add_session(programme))
    assert smtp.deliver(SIGN_UP).sent == 1  # the confirmation
    assert smtp.deliver(datetime(2026, 3, 28, 6, 59, tzinfo=UTC)).sent == 0
    assert smtp.deliver(datetime(2026, 3, 28, 7, tzinfo=UTC)).sent == 1
    assert smtp.deliver(datetime(2026, 3, 29, 5, tzinfo=UTC)).sent == 0
    _, tomorrow = smtp.messages_to("jef@example.org", deliver=False)
    assert tomorrow["Subject"] == "Demain : Visiting in detention"
    assert "demain" in tomorrow.get_body(("plain",)).get_content()


def test_a_sunday_session_after_the_autumn_change_is_reminded_on_summer_time(app,
                                                                            programme):
    jef = applicant(programme, "jef@example.org")
    sunday = datetime(2026, 10, 25, 8, tzinfo=BRUSSELS)  # winter time again: 07:00 UTC
    sign_up(jef, add_session(programme, sunday), datetime(2026, 10, 1, tzinfo=UTC))
    [row] = rows_of(jef, REMINDER)
    assert as_utc(row.due_at) == datetime(2026, 10, 24, 6, tzinfo=UTC)  # 25 hours before


def test_a_reminder_already_past_at_sign_up_is_not_written(app, programme):
    jef = applicant(programme, "jef@example.org")
    sign_up(jef, add_session(programme), SUNDAY - timedelta(hours=1))
    assert [row.kind for row in rows_of(jef)] == [CONFIRMED]


def test_the_confirmation_and_the_reminder_can_each_be_turned_off(app, programme):
    jef, an = (applicant(programme, "jef@example.org"),
               applicant(programme, "an@example.org"))
    save_choices(jef, {"event-reminder": False})
    save_choices(an, {"events": False})
    occurrence = add_session(programme)
    sign_up(jef, occurrence)
    sign_up(an, occurrence)
    assert [row.kind for row in rows_of(jef)] == [CONFIRMED]
    assert [row.kind for row in rows_of(an)] == [REMINDER]


def test_withdrawing_gives_up_the_place_and_cancels_only_ones_own_messages(app, smtp,
                                                                          programme):
    jef, an = (applicant(programme, "jef@example.org"),
               applicant(programme, "an@example.org"))
    occurrence = add_session(programme)
    sign_up(jef, occurrence)
    sign_up(an, occurrence)
    services.withdraw(jef, services.application_of(jef, programme), "", SIGN_UP)

    assert {row.status for row in rows_of(jef, REMINDER)} == {Status.CANCELLED}
    assert {row.status for row in rows_of(an, REMINDER)} == {Status.PENDING}
    offer = sessions.all_sessions(services.trainings_of(programme)[0])[0]
    assert [signup.user_id for signup in offer.signups] == [an.id]
    smtp.deliver(SUNDAY)
    assert len(smtp.messages_to("an@example.org", deliver=False)) == 2
    # Not sent yet when he withdrew, the confirmation is cancelled too.
    assert smtp.messages_to("jef@example.org", deliver=False) == []


def test_a_session_cancelled_for_everyone_cancels_its_pending_reminders(app, programme,
                                                                        login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    jef = applicant(programme, "jef@example.org")
    occurrence = add_session(programme)
    sign_up(jef, occurrence)
    events.cancel(coordinator, occurrence, "this", SIGN_UP)
    assert {row.status for row in rows_of(jef, REMINDER)} == {Status.CANCELLED}


def test_a_refused_sign_up_writes_nothing(app, programme):
    jef, an = (applicant(programme, "jef@example.org"),
               applicant(programme, "an@example.org"))
    occurrence = add_session(programme, capacity=1)
    sign_up(jef, occurrence)
    before = {row.id for row in rows_of(jef)}
    with pytest.raises(DomainError):  # already signed up
        sign_up(jef, occurrence)
    with pytest.raises(DomainError):  # started
        sign_up(an, add_session(programme), SUNDAY + timedelta(minutes=1))
    outsider = make_user()
    with pytest.raises(DomainError):  # no application
        sign_up(outsider, occurrence)
    _db.session.rollback()
    assert {row.id for row in rows_of(jef)} == before
    assert rows_of(an) == [] and rows_of(outsider) == []
    assert _db.session.scalar(select(Signup.id).where(
        Signup.user_id.in_([an.id, outsider.id]))) is None


def test_a_full_session_waitlists_and_the_place_freed_is_told(app, smtp, programme):
    jef, an = (applicant(programme, "jef@example.org", locale="en"),
               applicant(programme, "an@example.org", locale="en"))
    occurrence = add_session(programme, capacity=1)
    held = sign_up(jef, occurrence)
    waiting = sign_up(an, occurrence)
    assert waiting.status == "waitlisted" and rows_of(an, REMINDER) == []
    signups.cancel(jef, held, SIGN_UP + timedelta(hours=1))
    kinds = [row.kind for row in rows_of(an)]
    assert kinds == [CONFIRMED, "waitlist-promoted", REMINDER]
    smtp.deliver(SIGN_UP + timedelta(hours=1))
    first, promoted = smtp.messages_to("an@example.org", deliver=False)
    assert first["Subject"] == "On the waitlist: Visiting in detention"
    assert promoted["Subject"] == "A place for you: Visiting in detention"
    assert "adds it to your calendar" in promoted.get_body(("plain",)).get_content()
    assert "adds it to your calendar" not in first.get_body(("plain",)).get_content()
    assert [p.get_content_type() for p in first.iter_attachments()] == []
    assert "text/calendar" in [p.get_content_type() for p in promoted.iter_attachments()]


def test_check_in_tells_the_volunteer_the_training_is_done(app, smtp, programme,
                                                           login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    jef = applicant(programme, "jef@example.org")
    signup = sign_up(jef, add_session(programme))
    signups.check_in(coordinator, signup, SUNDAY + timedelta(hours=3))
    kinds = [row.kind for row in rows_of(jef)]
    assert kinds.count("application-step") == 1 and kinds.count("application-active") == 1


def test_an_erased_volunteer_is_sent_nothing_more_about_applications_or_sessions(app,
                                                                                 programme):
    jef = applicant(programme, "jef@example.org")
    sign_up(jef, add_session(programme))
    services.forget_applicant(jef, SIGN_UP)
    _db.session.commit()
    assert {row.status for row in rows_of(jef)} == {Status.CANCELLED}


def test_a_reminder_written_before_sessions_were_events_is_cancelled_with_the_place(
        app, programme):
    """Pending rows of the former training messages are about "session-<occurrence id>"."""
    jef = applicant(programme, "jef@example.org")
    occurrence = add_session(programme)
    signup = sign_up(jef, occurrence)
    old = outbox.write("training-reminder-day-before", jef, "Tomorrow",
                       "scheduling/signups/mail/reminder.txt",
                       about=f"session-{occurrence.id}", occurrence="old", now=SIGN_UP,
                       due_at=SUNDAY - timedelta(days=1), signup=signup, event=occurrence.event,
                       event_title="x", programme_name="y", start=occurrence.starts_at,
                       link="z")
    _db.session.commit()
    signups.cancel(jef, _db.session.get(Signup, signup.id), SIGN_UP)
    assert _db.session.get(OutboxMessage, old.id).status == Status.CANCELLED
    assert _db.session.get(Occurrence, occurrence.id).cancelled is False
