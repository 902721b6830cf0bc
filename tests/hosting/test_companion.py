"""The companion of a trajectory: asked when chosen, told when replaced, accepts or declines
on their page; once accepted, the stays' first meetings are in their schedule and feed,
without a word about the guest."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import select

from passerelle.core.audit import AuditEntry
from passerelle.core.errors import DomainError, NotFound
from passerelle.core.time import today_in_brussels, utcnow
from passerelle.extensions import db
from passerelle.hosting import services
from passerelle.hosting.models import CompanionAnswer, StayStatus, Trajectory
from passerelle.reminders.models import OutboxMessage, Status
from passerelle.scheduling import calendars
from tests.hosting.factories import FIRST, guest, host, hosting_programme
from tests.matching.factories import NOW, coordinator_of
from tests.needs.factories import signed_in


def _messages(kind, to=None):
    query = select(OutboxMessage).where(OutboxMessage.kind == kind)
    if to is not None:
        query = query.where(OutboxMessage.recipient_id == to.id)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _live(trajectory):
    return [s for s in trajectory.stays if s.status != StayStatus.cancelled]


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _planned(nights=112, first=FIRST, now=NOW):
    """A programme with three homes and two companions, a guest planned over two stays."""
    programme = hosting_programme()
    programme.name_en = "Up together"
    coordinator = coordinator_of(programme.organisation)
    hosts = {h.id: h for h in (host(programme, name=f"{n} Host-Surname", place="1060")
                               for n in ("Anna", "Bert", "Carl"))}
    cora = host(programme, name="Cora Companion", accompaniment_only=True)
    dirk = host(programme, name="Dirk Companion", accompaniment_only=True)
    guest(programme, first_name="Zainab", first=first, last=first + timedelta(days=nights - 1))
    [trajectory], _ = services.plan_programme(coordinator, programme, now)
    return programme, coordinator, hosts, cora, dirk, trajectory


def test_choosing_a_companion_asks_them_with_the_first_name_and_dates_only(app):
    _programme, coordinator, hosts, cora, _dirk, trajectory = _planned()
    services.set_companion(coordinator, trajectory, cora.id, NOW)
    assert trajectory.companion_answer == CompanionAnswer.asked
    [asked] = _messages("stay-companion-asked")
    assert asked.recipient_id == cora.id and "Up together" in asked.subject
    body = asked.body_text
    assert "Zainab" in body and f"/trajectories/{trajectory.id}/accompany" in body
    assert "2 December 2026" in body and "23 March 2027" in body  # the trajectory's nights
    assert "Host-Surname" not in body
    services.set_companion(coordinator, trajectory, cora.id, NOW)  # the same: nothing new
    assert len(_messages("stay-companion-asked")) == 1


def test_changing_the_companion_tells_the_one_chosen_before(app):
    _programme, coordinator, _hosts, cora, dirk, trajectory = _planned()
    services.set_companion(coordinator, trajectory, cora.id, NOW)
    services.approve(coordinator, trajectory, NOW)
    assert {s.meeting_with_id for s in _live(trajectory)} == {cora.id}
    services.set_companion(coordinator, trajectory, dirk.id, NOW)
    [ask] = _messages("stay-companion-asked", to=cora)
    assert ask.status == Status.CANCELLED  # not yet sent: it never goes
    [removed] = _messages("stay-companion-removed", to=cora)
    assert "Zainab" not in removed.body_text
    assert len(_messages("stay-companion-asked", to=dirk)) == 1
    assert {s.meeting_with_id for s in _live(trajectory)} == {dirk.id}
    services.set_companion(coordinator, trajectory, None, NOW)
    assert len(_messages("stay-companion-removed", to=dirk)) == 1
    assert trajectory.companion_answer is None
    assert {s.meeting_with_id for s in _live(trajectory)} == {coordinator.id}
    with pytest.raises(NotFound):  # no longer asked: nothing to answer
        services.answer_companion(dirk, trajectory, True, "", NOW)


def test_a_companion_chosen_after_approval_attends_the_first_meetings(app):
    _programme, coordinator, _hosts, cora, _dirk, trajectory = _planned()
    services.approve(coordinator, trajectory, NOW)
    assert {s.meeting_with_id for s in _live(trajectory)} == {coordinator.id}
    services.set_companion(coordinator, trajectory, cora.id, NOW)
    assert {s.meeting_with_id for s in _live(trajectory)} == {cora.id}


def test_only_the_companion_asked_answers_and_only_once(app):
    _programme, coordinator, hosts, cora, dirk, trajectory = _planned()
    services.set_companion(coordinator, trajectory, cora.id, NOW)
    for other in (dirk, coordinator, *hosts.values()):
        with pytest.raises(NotFound):
            services.answer_companion(other, trajectory, True, "", NOW)
    services.answer_companion(cora, trajectory, True, "", NOW)
    [told] = _messages("stay-companion-answered")
    assert told.recipient_id == coordinator.id and "Cora Companion" in told.body_text
    for accept in (True, False):
        with pytest.raises(DomainError):
            services.answer_companion(cora, trajectory, accept, "Changed my mind", NOW)
    db.session.rollback()
    assert trajectory.companion_answer == CompanionAnswer.accepted
    assert trajectory.companion_id == cora.id and trajectory.companion_reason == ""
    assert len(_messages("stay-companion-answered")) == 1


def test_withdrawing_the_trajectory_tells_the_companion(app):
    _programme, coordinator, _hosts, cora, dirk, trajectory = _planned()
    services.set_companion(coordinator, trajectory, cora.id, NOW)
    services.withdraw(coordinator, trajectory, NOW)
    assert len(_messages("stay-companion-removed", to=cora)) == 1
    with pytest.raises(NotFound):
        services.answer_companion(cora, trajectory, True, "", NOW)
    with pytest.raises(DomainError):  # nobody is asked for a withdrawn trajectory
        services.set_companion(coordinator, trajectory, dirk.id, NOW)
    db.session.rollback()
    assert _messages("stay-companion-asked", to=dirk) == []


def _events(client, user):
    feed = calendars.feed_of(user, None, utcnow())
    response = client.get(f"/calendar/{calendars.feed_token(feed)}.ics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    events = {str(e["uid"]): e for e in Calendar.from_ical(response.get_data()).walk("VEVENT")}
    return text, events


def test_a_companion_accepts_and_has_the_first_meetings_on_their_schedule(app, client,
                                                                          login_as):
    first = today_in_brussels() + timedelta(days=3)
    programme, coordinator, hosts, cora, dirk, trajectory = _planned(first=first, now=utcnow())
    coordinator_client = signed_in(app, coordinator)
    response = coordinator_client.post(f"/trajectories/{trajectory.id}/companion",
                                       data={"companion": str(cora.id)})
    assert response.status_code == 302
    assert coordinator_client.post(f"/trajectories/{trajectory.id}/approve").status_code == 302
    as_cora = signed_in(app, cora)
    mine = _page(as_cora, "/my/stays")
    assert "Zainab" in mine and "Asked, waiting for the companion" in mine
    page = _page(as_cora, f"/trajectories/{trajectory.id}/accompany")
    assert "Accompany Zainab" in page and "Accept to accompany" in page
    assert "Anna" not in page  # the homes only once accepted
    assert "First meeting" not in _page(as_cora, f"/my/schedule?day={first.isoformat()}")
    response = as_cora.post(f"/trajectories/{trajectory.id}/accompany/accept")
    assert response.status_code == 302
    db.session.expire_all()
    assert trajectory.companion_answer == CompanionAnswer.accepted
    assert [m.recipient_id for m in _messages("stay-companion-answered")] == [coordinator.id]
    stays = _live(trajectory)
    page = _page(as_cora, f"/trajectories/{trajectory.id}/accompany")
    names = {h.id: h.name.split(" ")[0] for h in hosts.values()}
    for stay in stays:
        assert names[stay.host_id] in page
        day = stay.first_night
        assert f"First meeting: {day.day} {day:%B %Y}" in page
    assert "Host-Surname" not in page and "1060" in page
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.record_type == "person", AuditEntry.record_id == trajectory.person_id,
        AuditEntry.user_id == cora.id, AuditEntry.page == "accompany")) is not None
    week = _page(as_cora, f"/my/schedule?day={first.isoformat()}")
    assert "First meeting of a stay, Up together" in week and "Zainab" not in week
    text, events = _events(as_cora, cora)
    assert "Zainab" not in text and "Host-Surname" not in text and "Anna" not in text
    assert set(events) == {f"meeting-{s.id}@passerelle" for s in stays}
    for stay in stays:
        event = events[f"meeting-{stay.id}@passerelle"]
        assert str(event["summary"]) == "First meeting of a stay, Up together"
        assert event["dtstart"].dt == stay.first_night
        assert event["dtend"].dt == stay.first_night + timedelta(days=1)
    # Answering again changes nothing, and says why.
    again = as_cora.post(f"/trajectories/{trajectory.id}/accompany/decline",
                         data={"decline-reason": "Too late"})
    assert again.status_code == 302
    assert "You have already answered" in _page(as_cora, again.headers["Location"])
    db.session.expire_all()
    assert trajectory.companion_answer == CompanionAnswer.accepted
    # Nobody else reads or answers.
    as_dirk = signed_in(app, dirk)
    assert as_dirk.get(f"/trajectories/{trajectory.id}/accompany").status_code == 404
    assert as_dirk.post(f"/trajectories/{trajectory.id}/accompany/accept").status_code == 404
    assert "First meeting" not in _events(as_dirk, dirk)[0]
    coordinator_page = _page(coordinator_client, f"/trajectories/{trajectory.id}")
    assert "Accepted by the companion" in coordinator_page


def test_a_companion_declines_and_the_coordinator_attends_again(app):
    first = today_in_brussels() + timedelta(days=3)
    _programme, coordinator, _hosts, cora, _dirk, trajectory = _planned(first=first,
                                                                        now=utcnow())
    services.set_companion(coordinator, trajectory, cora.id, utcnow())
    services.approve(coordinator, trajectory, utcnow())
    as_cora = signed_in(app, cora)
    response = as_cora.post(f"/trajectories/{trajectory.id}/accompany/decline",
                            data={"decline-reason": "Away in January"})
    assert response.status_code == 302
    db.session.expire_all()
    trajectory = db.session.get(Trajectory, trajectory.id)
    assert trajectory.companion_id is None
    assert trajectory.companion_answer == CompanionAnswer.declined
    assert trajectory.companion_reason == "Away in January"
    assert {s.meeting_with_id for s in _live(trajectory)} == {coordinator.id}
    [told] = _messages("stay-companion-answered")
    assert told.recipient_id == coordinator.id and "Away in January" in told.body_text
    page = _page(signed_in(app, coordinator), f"/trajectories/{trajectory.id}")
    assert "Declined by the companion asked" in page and "Away in January" in page
    # No longer theirs: the page and a second answer are 404, nothing in the schedule.
    assert as_cora.get(f"/trajectories/{trajectory.id}/accompany").status_code == 404
    assert as_cora.post(f"/trajectories/{trajectory.id}/accompany/accept").status_code == 404
    assert "Zainab" not in _page(as_cora, "/my/stays")
    assert "First meeting" not in _events(as_cora, cora)[0]
    assert len(_messages("stay-companion-answered")) == 1


def test_a_decline_reason_too_long_is_shown_beside_the_field(app):
    _programme, coordinator, _hosts, cora, _dirk, trajectory = _planned()
    services.set_companion(coordinator, trajectory, cora.id, NOW)
    as_cora = signed_in(app, cora)
    response = as_cora.post(f"/trajectories/{trajectory.id}/accompany/decline",
                            data={"decline-reason": "x" * 501})
    assert response.status_code == 200 and "x" * 501 in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Trajectory, trajectory.id).companion_answer == CompanionAnswer.asked


def _accepted(app, first=None):
    """Cora chosen, the trajectory approved, Cora accepted on her page."""
    first = first or today_in_brussels() + timedelta(days=3)
    programme, coordinator, hosts, cora, dirk, trajectory = _planned(first=first, now=utcnow())
    services.set_companion(coordinator, trajectory, cora.id, utcnow())
    services.approve(coordinator, trajectory, utcnow())
    as_cora = signed_in(app, cora)
    assert as_cora.post(f"/trajectories/{trajectory.id}/accompany/accept").status_code == 302
    db.session.expire_all()
    return coordinator, cora, dirk, db.session.get(Trajectory, trajectory.id), as_cora


def test_an_accepted_companion_withdraws_and_the_coordinator_attends_again(app):
    coordinator, cora, dirk, trajectory, as_cora = _accepted(app)
    assert {s.meeting_with_id for s in _live(trajectory)} == {cora.id}
    url = f"/trajectories/{trajectory.id}/accompany/withdraw"
    assert url in _page(as_cora, f"/trajectories/{trajectory.id}/accompany")
    # Nobody else withdraws her: 404, and nothing changes.
    assert signed_in(app, dirk).post(url, data={"withdraw-reason": "x"}).status_code == 404
    assert signed_in(app, coordinator).post(url, data={"withdraw-reason": "x"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Trajectory, trajectory.id).companion_id == cora.id
    response = as_cora.post(url, data={"withdraw-reason": "Moving to Liège"})
    assert response.status_code == 302 and response.location.endswith("/my/stays")
    db.session.expire_all()
    trajectory = db.session.get(Trajectory, trajectory.id)
    assert trajectory.companion_id is None
    assert trajectory.companion_answer == CompanionAnswer.withdrawn
    assert trajectory.companion_reason == "Moving to Liège"
    page = _page(signed_in(app, coordinator), f"/trajectories/{trajectory.id}")
    assert "Withdrawn by the companion after accepting" in page and "Moving to Liège" in page
    assert {s.meeting_with_id for s in _live(trajectory)} == {coordinator.id}
    accepted, withdrew = _messages("stay-companion-answered")
    assert withdrew.recipient_id == coordinator.id
    assert "A companion can no longer accompany: Zainab" in withdrew.subject
    assert "Cora Companion had accepted but can no longer accompany Zainab" in \
        withdrew.body_text and "Moving to Liège" in withdrew.body_text
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.user_id == cora.id, AuditEntry.action == "companion_quit",
        AuditEntry.record_id == trajectory.id)) is not None
    # No longer hers: the page and the form are 404, nothing in her schedule.
    assert as_cora.get(f"/trajectories/{trajectory.id}/accompany").status_code == 404
    assert as_cora.post(url, data={"withdraw-reason": ""}).status_code == 404
    assert "First meeting" not in _events(as_cora, cora)[0]
    assert len(_messages("stay-companion-answered")) == 2


def test_withdrawing_needs_the_csrf_token(app):
    _coordinator, cora, _dirk, trajectory, as_cora = _accepted(app)
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/trajectories/{trajectory.id}/accompany/withdraw"
    assert as_cora.post(url, data={"withdraw-reason": "x"}).status_code == 400
    assert as_cora.post(url, data={"withdraw-reason": "x",
                                   "withdraw-csrf_token": "IjAwMDAi.aaaa.bbbb"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Trajectory, trajectory.id).companion_id == cora.id
    assert len(_messages("stay-companion-answered")) == 1
    page = _page(as_cora, f"/trajectories/{trajectory.id}/accompany")
    token = page.split('id="withdraw-csrf_token" name="withdraw-csrf_token" type="hidden" '
                       'value="')[1].split('"')[0]
    response = as_cora.post(url, data={"withdraw-reason": "", "withdraw-csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Trajectory, trajectory.id).companion_id is None


def test_a_companion_withdraws_only_after_accepting_and_before_the_end(app):
    _programme, coordinator, _hosts, cora, _dirk, trajectory = _planned(nights=14)
    services.set_companion(coordinator, trajectory, cora.id, NOW)
    with force_locale("en"), pytest.raises(DomainError, match="you may decline instead"):
        services.withdraw_companion(cora, trajectory, "", NOW)  # asked, not accepted
    db.session.rollback()
    services.answer_companion(cora, trajectory, True, "", NOW)
    assert services.companion_may_withdraw(trajectory, trajectory.last_night)
    after = NOW + timedelta(days=(trajectory.last_night - NOW.date()).days + 1)
    assert not services.companion_may_withdraw(trajectory, after.date())
    with force_locale("en"), pytest.raises(DomainError, match="This trajectory has ended"):
        services.withdraw_companion(cora, trajectory, "Too late", after)
    db.session.rollback()
    assert trajectory.companion_id == cora.id
    assert trajectory.companion_answer == CompanionAnswer.accepted
    assert len(_messages("stay-companion-answered")) == 1


def test_a_withdrawal_reason_too_long_is_shown_beside_the_field(app):
    _coordinator, cora, _dirk, trajectory, as_cora = _accepted(app)
    response = as_cora.post(f"/trajectories/{trajectory.id}/accompany/withdraw",
                            data={"withdraw-reason": "x" * 501})
    assert response.status_code == 200 and "x" * 501 in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Trajectory, trajectory.id).companion_id == cora.id
