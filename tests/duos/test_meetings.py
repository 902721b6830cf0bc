"""A duo's follow-up meetings: its coordinator plans them from the duo's page, both
participants have them on their schedule and in their feed, a cancellation tells them, the
two cannot change them and are told to write to their coordinator."""

from datetime import datetime, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from passerelle.core.time import today_in_brussels
from passerelle.duos.models import Duo, DuoStatus
from passerelle.extensions import db
from passerelle.reminders.models import OutboxMessage
from passerelle.scheduling import calendars
from passerelle.scheduling.models import Event, EventKind, Occurrence, Signup, SignupStatus
from tests.duos.factories import exchange_programme, participant
from tests.factories import make_organisation
from tests.matching.factories import NOW
from tests.needs.factories import signed_in


def _active_duo(programme, suffix=""):
    ada = participant(programme, f"Ada{suffix} Local", {"fr": 4}, ["ar"], ["music"])
    farah = participant(programme, f"Farah{suffix} New", {"ar": 4}, ["fr"], ["music"],
                        newcomer=True)
    first, second = sorted((ada, farah), key=lambda user: user.id)
    today = today_in_brussels()
    duo = Duo(programme_id=programme.id, first_id=first.id, second_id=second.id,
              status=DuoStatus.active, proposed_at=NOW, started_on=today,
              ends_on=today + timedelta(days=90))
    db.session.add(duo)
    db.session.commit()
    return duo, ada, farah


def _form(day, **fields):
    return {"meeting-day": day.isoformat(), "meeting-start": "18:30", "meeting-minutes": "90",
            "meeting-address": "Rue Haute 10", "meeting-city": "Bruxelles", **fields}


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _monday_ahead():
    today = today_in_brussels()
    return today + timedelta(days=7 - today.weekday())


def test_a_repeating_meeting_is_on_both_schedules_and_feeds(app, client, login_as):
    programme = exchange_programme()
    duo, ada, farah = _active_duo(programme)
    login_as("coordinator", organisation=programme.organisation)
    monday = _monday_ahead()
    response = client.post(f"/duos/{duo.id}/meetings",
                           data=_form(monday, **{"meeting-freq": "weekly",
                                                 "meeting-interval": "2",
                                                 "meeting-count": "3"}))
    assert response.status_code == 302, response.get_data(as_text=True)
    event = db.session.scalar(select(Event))
    assert (event.kind, event.duo_id, event.programme_id) == (EventKind.duo, duo.id,
                                                             programme.id)
    starts = [o.starts_at.date() for o in db.session.scalars(
        select(Occurrence).order_by(Occurrence.starts_at))]
    assert starts == [monday, monday + timedelta(days=14), monday + timedelta(days=28)]
    held = db.session.scalars(select(Signup).where(Signup.status == SignupStatus.confirmed))
    assert sorted(s.user_id for s in held) == sorted([ada.id] * 3 + [farah.id] * 3)
    # The coordinator's page lists them, with a way to cancel each.
    page = _page(client, f"/duos/{duo.id}")
    assert page.count("Cancel this meeting") == 3 and "Rue Haute 10" in page
    for member in (ada, farah):
        as_member = signed_in(app, member)
        week = _page(as_member, f"/my/schedule?view=week&day={monday.isoformat()}")
        assert "18:30 – 20:00" in week and "Duo follow-up meeting" in week
        assert "To change a meeting, write to your coordinator" in week
        mine = _page(as_member, f"/duos/{duo.id}")
        assert "To change a meeting, write to your coordinator" in mine
        assert "Cancel this meeting" not in mine and "Plan the meeting" not in mine
        feed = calendars.feed_of(member, None, NOW)
        ics = as_member.get(f"/calendar/{calendars.feed_token(feed)}.ics").get_data()
        summaries = [str(e["summary"]) for e in Calendar.from_ical(ics).walk("VEVENT")]
        assert len(summaries) == 3 and all("Duo follow-up meeting" in s for s in summaries)
    # Each is told once, and reminded of each meeting.
    confirmed = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "signup-confirmed")).all()
    assert sorted(m.recipient_id for m in confirmed) == sorted([ada.id, farah.id])


def test_an_open_ended_repetition_stops_at_the_end_of_the_follow_up(client, login_as):
    programme = exchange_programme()
    duo, _ada, _farah = _active_duo(programme)
    login_as("coordinator", organisation=programme.organisation)
    monday = _monday_ahead()
    client.post(f"/duos/{duo.id}/meetings",
                data=_form(monday, **{"meeting-freq": "monthly", "meeting-nth": "1"}))
    starts = list(db.session.scalars(select(Occurrence.starts_at)))
    assert 1 <= len(starts) <= 4
    assert max(s.date() for s in starts) <= duo.ends_on
    assert all(s.date().weekday() == 0 and s.date().day <= 7 for s in starts)


def test_bad_input_is_shown_beside_the_field_and_plans_nothing(client, login_as):
    programme = exchange_programme()
    duo, _ada, _farah = _active_duo(programme)
    login_as("coordinator", organisation=programme.organisation)
    past = today_in_brussels() - timedelta(days=3)
    response = client.post(f"/duos/{duo.id}/meetings", data=_form(past, **{
        "meeting-city": "Liège"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose a moment in the future." in page
    assert 'value="Liège"' in page
    response = client.post(f"/duos/{duo.id}/meetings", data=_form(
        _monday_ahead(), **{"meeting-freq": "monthly"}))
    assert "Choose which one in the month." in response.get_data(as_text=True)
    assert db.session.scalar(select(Event)) is None


def test_others_get_404_on_the_meeting_form_and_members_cannot_plan(app, client, login_as):
    programme = exchange_programme()
    duo, ada, _farah = _active_duo(programme)
    login_as("coordinator", organisation=make_organisation(slug="elsewhere"))
    data = _form(_monday_ahead())
    assert client.post(f"/duos/{duo.id}/meetings", data=data).status_code == 404
    assert signed_in(app, ada).post(f"/duos/{duo.id}/meetings", data=data).status_code == 404
    assert db.session.scalar(select(Event)) is None


def test_cancelling_a_meeting_tells_both_participants(app, client, login_as):
    programme = exchange_programme()
    duo, ada, farah = _active_duo(programme)
    login_as("coordinator", organisation=programme.organisation)
    client.post(f"/duos/{duo.id}/meetings", data=_form(_monday_ahead()))
    occurrence = db.session.scalar(select(Occurrence))
    url = f"/duos/{duo.id}/meetings/{occurrence.id}/cancel"
    assert signed_in(app, ada).post(url).status_code == 404  # members do not change them
    assert client.post(url).status_code == 302
    db.session.refresh(occurrence)
    assert occurrence.cancelled
    told = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "occurrence-cancelled")).all()
    assert sorted(m.recipient_id for m in told) == sorted([ada.id, farah.id])
    page = _page(client, f"/duos/{duo.id}")
    assert "Cancelled" in page and "Cancel this meeting" not in page
    # An occurrence of another duo is not this duo's.
    other, _a, _f = _active_duo(programme, suffix="2")
    assert client.post(f"/duos/{other.id}/meetings/{occurrence.id}/cancel").status_code == 404


def test_the_duo_page_asks_the_same_queries_for_one_meeting_or_many(client, login_as,
                                                                     count_queries):
    programme = exchange_programme()
    duo, _ada, _farah = _active_duo(programme)
    login_as("coordinator", organisation=programme.organisation)
    client.post(f"/duos/{duo.id}/meetings", data=_form(_monday_ahead()))

    def queries() -> int:
        with count_queries() as counted:
            assert client.get(f"/duos/{duo.id}").status_code == 200
        return counted.count

    one = queries()
    client.post(f"/duos/{duo.id}/meetings", data=_form(
        _monday_ahead() + timedelta(days=1), **{"meeting-freq": "weekly",
                                                "meeting-count": "5"}))
    assert queries() == one


def test_occurrences_made_later_give_both_participants_their_place(app):
    from passerelle.core.time import utcnow
    from passerelle.duos import meetings
    from passerelle.scheduling import jobs
    from tests.matching.factories import coordinator_of

    programme = exchange_programme()
    duo, ada, farah = _active_duo(programme)
    duo.ends_on = today_in_brussels() + timedelta(days=700)
    db.session.commit()
    now, monday = utcnow(), _monday_ahead()
    rule = meetings.rule_of("weekly", monday, 1, "", None, None, duo.ends_on)
    meetings.plan(coordinator_of(programme.organisation), duo, monday,
                  datetime.min.time().replace(hour=18), 60, "", "", rule, now)
    before = db.session.scalar(select(func.count()).select_from(Occurrence))
    assert jobs.extend_series(now + timedelta(days=60)) > 0
    after = db.session.scalar(select(func.count()).select_from(Occurrence))
    held = db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.status == SignupStatus.confirmed))
    assert after > before and held == 2 * after
    assert {s.user_id for s in db.session.scalars(select(Signup))} == {ada.id, farah.id}


def test_a_participant_cannot_give_up_a_meeting_on_its_page(app, client, login_as):
    programme = exchange_programme()
    duo, ada, _farah = _active_duo(programme)
    login_as("coordinator", organisation=programme.organisation)
    client.post(f"/duos/{duo.id}/meetings", data=_form(_monday_ahead()))
    occurrence = db.session.scalar(select(Occurrence))
    mine = db.session.scalar(select(Signup).where(Signup.user_id == ada.id))
    as_ada = signed_in(app, ada)
    page = _page(as_ada, f"/occurrences/{occurrence.id}")
    assert "write to your coordinator" in page and "Cancel my sign-up" not in page
    response = as_ada.post(f"/signups/{mine.id}/cancel", follow_redirects=True)
    assert "write to your coordinator" in response.get_data(as_text=True)
    db.session.refresh(mine)
    assert mine.status == SignupStatus.confirmed
