"""Staff's events: creation, occurrence rows, edits and cancellations that keep sign-ups,
the messages they write, coverage."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from passerelle.core.errors import DomainError
from passerelle.core.time import BRUSSELS
from passerelle.reminders import outbox
from passerelle.reminders.models import OutboxMessage
from passerelle.scheduling import recurrence, services
from passerelle.scheduling.models import Event, EventKind, Occurrence, Signup, SignupStatus
from passerelle.scheduling.services import EventData
from tests.factories import make_membership, make_organisation, make_programme, make_user

NOW = datetime(2026, 10, 1, 8, 0, tzinfo=BRUSSELS)
WEEKLY_TUESDAY = recurrence.build_rule("WEEKLY", weekdays=[1], until=date(2027, 4, 27))


@pytest.fixture
def world(db):
    organisation = make_organisation()
    programme = make_programme(organisation, interview=False, charter=False)
    staff = make_user(email="staff@example.org", name="Sam Staff")
    make_membership(staff, organisation, "staff")
    return programme, staff


def data(day=date(2026, 10, 6), start=time(18, 0), minutes=120, rule=services.SAME,
         **fields):
    return EventData(kind=EventKind.session, day=day, start=start, minutes=minutes,
                     title_fr="Café logement", rule=rule, **fields)


def rows(event):
    return services.occurrences_of(event)


def local(moment):
    return moment.astimezone(BRUSSELS).replace(tzinfo=None)


def sign_up(occurrence, user, status=SignupStatus.confirmed, db=None):
    from passerelle.extensions import db as _db

    role = occurrence.event.roles[0]
    signup = Signup(occurrence_id=occurrence.id, role_id=role.id, user_id=user.id,
                    status=status, since=NOW)
    _db.session.add(signup)
    _db.session.commit()
    return signup


def test_a_single_event_has_one_occurrence_and_titles_copied(world):
    programme, staff = world
    event = services.create_event(staff, programme, data(), NOW)
    assert (event.title_fr, event.title_nl, event.title_en) == ("Café logement",) * 3
    [only] = rows(event)
    assert local(only.starts_at) == datetime(2026, 10, 6, 18, 0)
    assert only.ends_at - only.starts_at == timedelta(minutes=120)


def test_a_weekly_tuesday_stays_at_18_local_across_dst(world):
    programme, staff = world
    event = services.create_event(staff, programme, data(rule=WEEKLY_TUESDAY), NOW)
    found = rows(event)
    assert len(found) == 30  # 6 October 2026 to 27 April 2027
    assert {local(o.starts_at).time() for o in found} == {time(18, 0)}
    assert {local(o.starts_at).weekday() for o in found} == {1}
    offsets = {o.starts_at.astimezone(BRUSSELS).utcoffset() for o in found}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}


def test_materialise_is_idempotent_and_reaches_twelve_months(world, db):
    programme, staff = world
    event = services.create_event(staff, programme, data(rule="FREQ=WEEKLY;BYDAY=TU"), NOW)
    first = len(rows(event))
    assert services.materialise(event, NOW) == []
    assert len(rows(event)) == first
    assert 52 <= first <= 53
    assert event.materialised_until >= NOW + timedelta(days=364)
    later = services.materialise(event, NOW + timedelta(days=31))
    assert len(later) in (4, 5)


def test_a_time_in_the_spring_gap_is_accepted_as_the_time_it_became(world):
    programme, staff = world
    event = services.create_event(staff, programme, data(day=date(2027, 3, 28),
                                                         start=time(2, 30)), NOW)
    assert local(rows(event)[0].starts_at) == datetime(2027, 3, 28, 3, 30)


@pytest.mark.parametrize("fields, name", [
    ({"minutes": 0}, "end"),
    ({"minutes": None, "end": time(17, 0)}, "end"),
    ({"day": date(2026, 9, 1)}, "day"),
    ({"rule": "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2"}, "freq"),
    ({"roles": [(0, None, None)]}, "roles"),
])
def test_bad_input_changes_nothing(world, db, fields, name):
    programme, staff = world
    with pytest.raises(DomainError) as raised:
        services.create_event(staff, programme, data(**fields), NOW)
    assert raised.value.field == name
    db.session.rollback()
    assert db.session.scalar(select(Event.id)) is None


def test_another_organisations_staff_may_not_create(world, db):
    from passerelle.core.errors import NotFound

    programme, _ = world
    other = make_user(email="other@example.org")
    make_membership(other, make_organisation(slug="other", name="Other"), "staff")
    with pytest.raises(NotFound):
        services.create_event(other, programme, data(), NOW)


def weekly(world):
    programme, staff = world
    event = services.create_event(staff, programme, data(rule=WEEKLY_TUESDAY), NOW)
    return event, rows(event), staff


def test_edit_this_overrides_one_and_keeps_its_signups(world, db):
    event, found, staff = weekly(world)
    volunteer = make_user(email="v@example.org")
    third = found[2]
    signup = sign_up(third, volunteer)
    services.edit(staff, third, "this", data(day=date(2026, 10, 21), start=time(19, 0)), NOW)
    db.session.refresh(third)
    assert third.overridden and third.sequence == 1
    assert local(third.starts_at) == datetime(2026, 10, 21, 19, 0)
    assert db.session.get(Signup, signup.id).occurrence_id == third.id
    moved = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "occurrence-moved")).all()
    assert [m.recipient_id for m in moved] == [volunteer.id]
    assert "Wednesday" in moved[0].body_text or "21" in moved[0].body_text
    # The next change of the series leaves the overridden row where it is.
    services.edit(staff, found[0], "all", data(day=date(2026, 10, 6), start=time(17, 0)), NOW)
    db.session.refresh(third)
    assert local(third.starts_at) == datetime(2026, 10, 21, 19, 0)
    assert {local(o.starts_at).time() for o in rows(event) if not o.overridden} == {time(17)}


def test_edit_following_splits_and_moves_rows_with_their_signups(world, db):
    event, found, staff = weekly(world)
    volunteer = make_user(email="v@example.org")
    tenth, twelfth = found[9], found[11]
    signups = [sign_up(tenth, volunteer), sign_up(twelfth, volunteer)]
    before_ids = {o.id for o in found}
    services.edit(staff, tenth, "following", data(day=tenth.starts_at.date() + timedelta(
        days=1), start=time(18, 30), minutes=90), NOW)
    fresh = db.session.scalar(select(Event).where(Event.split_from_id == event.id))
    moved_rows = rows(fresh)
    assert len(rows(event)) == 9 and len(moved_rows) == 21
    assert {o.id for o in rows(event) + moved_rows} == before_ids  # rows kept, none made
    # The rule's UNTIL is kept: a Wednesday after the last Tuesday falls out, cancelled.
    kept = [o for o in moved_rows if not o.cancelled]
    assert len(kept) == 20 and moved_rows[-1].cancelled
    assert {local(o.starts_at).weekday() for o in kept} == {2}
    assert {local(o.starts_at).time() for o in kept} == {time(18, 30)}
    assert all(o.sequence == 1 for o in moved_rows)
    for signup in signups:
        db.session.refresh(signup)
        assert signup.role_id == fresh.roles[0].id
        assert db.session.get(Occurrence, signup.occurrence_id).event_id == fresh.id
    assert services.materialise(event, NOW) == []


def test_edit_all_retimes_in_place_and_lower_capacity_is_refused(world, db):
    event, found, staff = weekly(world)
    first, second = make_user(email="a@example.org"), make_user(email="b@example.org")
    sign_up(found[4], first)
    sign_up(found[4], second)
    with pytest.raises(DomainError) as raised:
        services.edit(staff, found[0], "all", data(start=time(19, 0),
                                                   roles=[(1, None, None)]), NOW)
    assert "2" in str(raised.value.message) and raised.value.field == "roles.0.places"
    db.session.rollback()
    assert {local(o.starts_at).time() for o in rows(event)} == {time(18, 0)}
    assert event.roles[0].places == 1 or db.session.get(Event, event.id).roles[0].places == 1
    ids = [o.id for o in found]
    services.edit(staff, found[0], "all", data(start=time(19, 0), roles=[(3, None, None)]),
                  NOW)
    assert [o.id for o in rows(event)] == ids
    assert {local(o.starts_at).time() for o in rows(event)} == {time(19, 0)}
    assert db.session.scalar(select(Signup.occurrence_id).where(
        Signup.user_id == first.id)) == found[4].id


def test_cancel_this_writes_messages_and_cancels_reminders(world, db):
    event, found, staff = weekly(world)
    volunteer = make_user(email="v@example.org")
    target = found[3]
    sign_up(target, volunteer)
    outbox.write("occurrence-moved", volunteer, "a reminder stand-in", "scheduling/mail/"
                 "cancelled.txt", about=f"occurrence-{target.id}", occurrence="x", now=NOW,
                 title="t", occurrence_row=target)
    db.session.execute(OutboxMessage.__table__.update().values(kind="occurrence-reminder"))
    db.session.commit()
    services.cancel(staff, target, "this", NOW)
    db.session.refresh(target)
    assert target.cancelled and target.sequence == 1
    kinds = {m.kind: m.status for m in db.session.scalars(select(OutboxMessage))}
    assert kinds["occurrence-reminder"] == "cancelled"
    assert kinds["occurrence-cancelled"] == "pending"
    db.session.refresh(event)
    assert local(target.original_at).isoformat() in event.exdates
    assert services.materialise(event, NOW) == []


def test_cancel_following_ends_the_rule_and_all_cancels_the_rest(world, db):
    event, found, staff = weekly(world)
    services.cancel(staff, found[5], "following", NOW)
    assert [o.cancelled for o in rows(event)] == [False] * 5 + [True] * 25
    services.cancel(staff, found[0], "all", NOW)
    assert all(o.cancelled for o in rows(event))
    assert services.materialise(event, NOW) == []


def test_coverage_names_what_is_missing(world, db):
    programme, staff = world
    event = services.create_event(staff, programme, data(rule=WEEKLY_TUESDAY,
                                                         roles=[(2, None, None)]), NOW)
    found = rows(event)
    sign_up(found[0], make_user(email="v@example.org"))
    week = services.coverage(programme, NOW, 7)
    assert [(r.occurrence.id, r.missing) for r in week] == [(found[0].id, 1)]
    month = services.coverage(programme, NOW, 31)
    assert len(month) == 4 and month[1].missing == 2


def test_a_moved_occurrence_is_reminded_at_its_new_time_not_the_old(world, db):
    from passerelle.scheduling import signups
    from passerelle.scheduling.models import EventRole
    from tests.matching.factories import apply

    event, found, staff = weekly(world)
    volunteer = make_user(email="v@example.org")
    apply(volunteer, event.programme)
    target = found[2]
    signups.sign_up(volunteer, target, db.session.get(EventRole, event.roles[0].id), NOW)
    services.edit(staff, target, "this", data(day=date(2026, 10, 21), start=time(19, 0)), NOW)
    reminders = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "occurrence-reminder").order_by(OutboxMessage.id)).all()
    assert [m.status for m in reminders] == ["cancelled", "pending"]
    assert local(reminders[1].due_at) == datetime(2026, 10, 20, 19, 0)


def test_a_move_past_the_series_end_is_refused_beside_the_end(world, db):
    event, found, staff = weekly(world)
    last = found[-1]  # Tuesday 27 April, the UNTIL's day
    with pytest.raises(DomainError) as raised:
        services.edit(staff, last, "all", data(day=date(2027, 4, 28)), NOW)
    assert raised.value.field == "until"
    db.session.rollback()
    assert not any(o.cancelled for o in rows(event))


def test_a_new_rule_must_keep_the_occurrence_edited(world, db):
    event, found, staff = weekly(world)
    thursdays = recurrence.build_rule("WEEKLY", weekdays=[3], until=date(2027, 4, 27))
    with pytest.raises(DomainError) as raised:
        services.edit(staff, found[3], "following", data(day=date(2026, 10, 27),
                                                         rule=thursdays), NOW)
    assert raised.value.field == "weekdays"
    db.session.rollback()
    assert db.session.scalar(select(Event).where(Event.split_from_id == event.id)) is None
    services.edit(staff, found[3], "following", data(day=date(2026, 10, 29), rule=thursdays),
                  NOW)
    fresh = db.session.scalar(select(Event).where(Event.split_from_id == event.id))
    assert {local(o.starts_at).weekday() for o in rows(fresh) if not o.cancelled} == {3}
    assert len(rows(event)) == 3
