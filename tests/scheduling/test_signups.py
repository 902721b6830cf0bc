"""Sign-ups: places and the waitlist, the refusals with their reasons, whole series,
overlaps, cancelling and promoting with its message, check-in, no-shows and hours."""

import csv
import io
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from passerelle.core.errors import DomainError
from passerelle.extensions import db
from passerelle.programmes.models import ApplicationStatus
from passerelle.reminders.models import OutboxMessage, Status
from passerelle.scheduling import signups
from passerelle.scheduling.models import HOLDING, Occurrence, Signup, SignupStatus
from tests.factories import make_membership, make_organisation, make_user
from tests.matching.factories import NOW, apply, coordinator_of, open_programme, volunteer
from tests.scheduling.factories import TUESDAY, make_event, occurrence_of


def _messages(user, kind):
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient_id == user.id, OutboxMessage.kind == kind)).all()


def _series(programme, weeks=3, places=1, roles=None):
    """A weekly event with its occurrences written here (the events helper's services make
    them on main)."""
    event = make_event(programme, rule=f"FREQ=WEEKLY;COUNT={weeks}", places=places,
                       roles=roles)
    for n in range(weeks):
        start = (TUESDAY + timedelta(days=7 * n)).replace(tzinfo=NOW.tzinfo)
        db.session.add(Occurrence(event_id=event.id, original_at=start, starts_at=start,
                                  ends_at=start + timedelta(minutes=event.minutes)))
    db.session.commit()
    return event


def _sign_up(user, occurrence, now=NOW, **kw):
    with force_locale("en"):
        return signups.sign_up(user, occurrence, occurrence.event.roles[0], now, **kw)


def test_the_last_place_confirms_then_the_waitlist_numbers_in_order(app):
    programme = open_programme()
    occurrence = occurrence_of(make_event(programme, places=1))
    ada, bea, cleo = (volunteer(programme, name) for name in ("Ada", "Bea", "Cleo"))
    first = _sign_up(ada, occurrence)
    second = _sign_up(bea, occurrence, NOW + timedelta(minutes=1))
    third = _sign_up(cleo, occurrence, NOW + timedelta(minutes=2))
    assert first.status == SignupStatus.confirmed
    assert [second.status, third.status] == [SignupStatus.waitlisted] * 2
    assert [signups.waitlist_number(s) for s in (first, second, third)] == [None, 1, 2]
    mail = _messages(bea, "signup-confirmed")[0]
    assert "you are on the waitlist, number 1" in mail.body_text
    assert len(_messages(ada, "occurrence-reminder")) == 1
    assert _messages(bea, "occurrence-reminder") == []


def test_cancelling_promotes_the_first_waitlisted_and_tells_them(app):
    programme = open_programme()
    occurrence = occurrence_of(make_event(programme, places=1))
    ada, bea, cleo = (volunteer(programme, name) for name in ("Ada", "Bea", "Cleo"))
    held = _sign_up(ada, occurrence)
    _sign_up(cleo, occurrence, NOW + timedelta(minutes=2))
    waiting = _sign_up(bea, occurrence, NOW + timedelta(minutes=1))
    promoted = signups.cancel(ada, held, NOW + timedelta(hours=1))
    assert promoted.id == waiting.id and promoted.status == SignupStatus.confirmed
    assert held.status == SignupStatus.cancelled
    assert len(_messages(bea, "waitlist-promoted")) == 1
    assert len(_messages(bea, "occurrence-reminder")) == 1
    assert [m.status for m in _messages(ada, "occurrence-reminder")] == [Status.CANCELLED]
    assert _messages(cleo, "waitlist-promoted") == []


def test_signing_up_again_after_cancelling_writes_a_new_reminder(app):
    programme = open_programme()
    occurrence = occurrence_of(make_event(programme, places=2))
    ada = volunteer(programme, "Ada")
    signup = _sign_up(ada, occurrence)
    signups.cancel(ada, signup, NOW + timedelta(hours=1))
    again = _sign_up(ada, occurrence, NOW + timedelta(hours=2))
    assert again.id == signup.id  # the same row, taken again
    statuses = [m.status for m in _messages(ada, "occurrence-reminder")]
    assert statuses == [Status.CANCELLED, Status.PENDING]


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(places=st.integers(1, 3), actions=st.lists(st.sampled_from("sc"), max_size=8))
def test_a_role_never_holds_more_than_its_places(app, places, actions):
    from tests.core.world import empty_tables

    empty_tables()  # each example from nothing
    programme = open_programme()
    occurrence = occurrence_of(make_event(programme, places=places))
    people = [volunteer(programme, f"V{n}") for n in range(4)]
    now = NOW
    for n, action in enumerate(actions):
        now += timedelta(minutes=1)
        user = people[n % len(people)]
        mine = signups._existing(user, occurrence.id)
        if action == "s" and (mine is None or mine.status == SignupStatus.cancelled):
            _sign_up(user, occurrence, now)
        elif action == "c" and mine is not None and mine.status != SignupStatus.cancelled:
            signups.cancel(user, mine, now)
        held = signups._held(occurrence.id, occurrence.event.roles[0].id)
        waiting = db.session.scalar(select(Signup).where(
            Signup.occurrence_id == occurrence.id, Signup.status == SignupStatus.waitlisted))
        assert held <= places
        assert waiting is None or held == places  # nobody waits for a free place


def test_cancelled_and_started_occurrences_and_twice_are_refused(app):
    programme = open_programme()
    occurrence = occurrence_of(make_event(programme))
    ada = volunteer(programme, "Ada")
    with pytest.raises(DomainError, match="already started"):
        _sign_up(ada, occurrence, occurrence.starts_at)
    _sign_up(ada, occurrence)
    with pytest.raises(DomainError, match="already signed up"):
        _sign_up(ada, occurrence)
    occurrence.cancelled = True
    db.session.commit()
    with pytest.raises(DomainError, match="cancelled"):
        _sign_up(volunteer(programme, "Bea"), occurrence)


def test_a_waitlisted_person_signing_up_again_is_told_so(app):
    programme = open_programme()
    occurrence = occurrence_of(make_event(programme, places=1))
    _sign_up(volunteer(programme, "Ada"), occurrence)
    bea = volunteer(programme, "Bea")
    _sign_up(bea, occurrence)
    with pytest.raises(DomainError, match="already on the waitlist"):
        _sign_up(bea, occurrence)


def test_requirements_not_met_are_refused_with_the_rules_reason(app):
    programme = open_programme()
    occurrence = occurrence_of(make_event(programme, roles=[(1, None, "ar")]))
    suspended = volunteer(programme, "Sam", status=ApplicationStatus.suspended)
    with pytest.raises(DomainError, match=r"The application is not active \(Suspended\)"):
        _sign_up(suspended, occurrence)
    french = volunteer(programme, "Ada")
    with pytest.raises(DomainError, match="asks for Arabic"):
        _sign_up(french, occurrence)
    assert _sign_up(volunteer(programme, "Amal", languages={"ar": 4}), occurrence).status \
        == SignupStatus.confirmed


def test_a_visit_at_a_centre_asks_for_the_accreditation(app):
    programme = open_programme(slug="visits", kind="detention_visits")
    event = make_event(programme, kind="visit")
    event.centre = next(iter(__import__(
        "passerelle.programmes.models", fromlist=["x"]).DETENTION_CENTRES))
    db.session.commit()
    with pytest.raises(DomainError, match="Not accredited for"):
        _sign_up(volunteer(programme, "Ada"), occurrence_of(event))


def test_a_skill_the_profile_lacks_is_refused(app):
    programme = open_programme()
    occurrence = occurrence_of(make_event(programme, roles=[(1, "legal", None)]))
    with pytest.raises(DomainError, match="asks for"):
        _sign_up(volunteer(programme, "Ada"), occurrence)
    assert _sign_up(volunteer(programme, "Bea", skills=("legal",)), occurrence)


def test_whole_series_makes_a_row_on_each_future_occurrence_waitlisted_where_full(app):
    programme = open_programme()
    event = _series(programme, weeks=3, places=1)
    first, second, third = db.session.scalars(select(Occurrence).where(
        Occurrence.event_id == event.id).order_by(Occurrence.starts_at)).all()
    _sign_up(volunteer(programme, "Bea"), third)  # the third is full
    ada = volunteer(programme, "Ada")
    _sign_up(ada, first, whole_series=True)
    mine = {s.occurrence_id: s.status for s in db.session.scalars(
        select(Signup).where(Signup.user_id == ada.id))}
    assert mine == {first.id: SignupStatus.confirmed, second.id: SignupStatus.confirmed,
                    third.id: SignupStatus.waitlisted}
    assert len(_messages(ada, "occurrence-reminder")) == 2
    later = TUESDAY + timedelta(days=21)
    start = later.replace(tzinfo=NOW.tzinfo)
    fourth = Occurrence(event_id=event.id, original_at=start, starts_at=start,
                        ends_at=start + timedelta(minutes=180))
    db.session.add(fourth)
    db.session.commit()
    assert signups.extend_series(event, [fourth], NOW) == 1
    assert signups._existing(ada, fourth.id).status == SignupStatus.confirmed
    assert signups._existing(volunteer(programme, "Cleo"), fourth.id) is None


def test_overlapping_sign_ups_are_listed(app):
    programme = open_programme()
    one = occurrence_of(make_event(programme, title="Café"))
    other = occurrence_of(make_event(programme, title="Lessons",
                                     start=TUESDAY + timedelta(hours=2)))
    apart = occurrence_of(make_event(programme, title="Later",
                                     start=TUESDAY + timedelta(hours=3)))
    ada = volunteer(programme, "Ada")
    mine = _sign_up(ada, one)
    assert [s.id for s in signups.overlaps(ada, other)] == [mine.id]
    assert signups.overlaps(ada, apart) == []


def test_assign_refuses_a_full_role(app):
    programme = open_programme()
    coordinator = coordinator_of(programme.organisation)
    occurrence = occurrence_of(make_event(programme, places=1))
    role = occurrence.event.roles[0]
    with force_locale("en"):
        signups.assign(coordinator, occurrence, role, volunteer(programme, "Ada"), NOW)
        with pytest.raises(DomainError, match="Every place"):
            signups.assign(coordinator, occurrence, role, volunteer(programme, "Bea"), NOW)


def test_check_in_from_the_day_no_show_and_hours(app):
    programme = open_programme()
    coordinator = coordinator_of(programme.organisation)
    occurrence = occurrence_of(make_event(programme))
    ada = volunteer(programme, "Ada")
    mine = _sign_up(ada, occurrence)
    day_before = occurrence.starts_at - timedelta(days=1)
    with force_locale("en"), pytest.raises(DomainError, match="Check-in opens"):
        signups.check_in(coordinator, mine, day_before)
    morning = occurrence.starts_at - timedelta(hours=13)  # 01:00 the same day
    assert signups.check_in(coordinator, mine, morning).checked_in_at is not None
    with force_locale("en"), pytest.raises(DomainError, match="between 0 and 1440"):
        signups.record_hours(coordinator, mine, 2000)
    signups.record_hours(coordinator, mine, 150)
    rows = signups.hours_of(ada)
    assert [(r.day, r.minutes) for r in rows] == [(date(2026, 12, 8), 150)]
    bea = volunteer(programme, "Bea")
    hers = _sign_up(bea, occurrence)
    assert signups.no_show(coordinator, hers, morning).no_show
    assert signups.hours_of(bea) == []


def test_hours_csv_holds_only_the_organisations_programmes(app):
    programme = open_programme()
    elsewhere = open_programme(make_organisation(name="Other"), slug="other")
    coordinator = coordinator_of(programme.organisation)
    ours = occurrence_of(make_event(programme, title="Ours"))
    theirs = occurrence_of(make_event(elsewhere, title="Theirs"))
    ada = volunteer(programme, "Ada")
    apply(ada, elsewhere)
    for occurrence in (ours, theirs):
        signups.record_hours(coordinator, _sign_up(ada, occurrence), 90)
    text = signups.hours_csv(programme.organisation, date(2026, 12, 1), date(2026, 12, 31),
                             "en")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["date", "programme", "event", "volunteer", "email", "minutes"]
    assert rows[1:] == [["2026-12-08", programme.text("name", "en"), "Ours", "Ada",
                         ada.email, "90"]]
    assert len(list(csv.reader(io.StringIO(signups.hours_csv(
        programme.organisation, date(2026, 12, 9), date(2026, 12, 31)))))) == 1


def test_holding_is_the_models(app):
    assert SignupStatus.confirmed in HOLDING and SignupStatus.waitlisted not in HOLDING
    assert make_user and make_membership  # factories used by the pages' tests
