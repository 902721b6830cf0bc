"""Erasing an account ends what brings the person together with others, as their own no
would: matches, language duos, stays still to come in their home, the trajectories they
accompany; the others are told, the guests' stays planned again. Refused while a guest is
in their home. The concerns they reported stay with the organisation."""

import html
import re
from datetime import time, timedelta

from sqlalchemy import func, select

from passerelle.accounts.models import User
from passerelle.core.audit import AuditEntry
from passerelle.core.time import today_in_brussels
from passerelle.duos import meetings
from passerelle.duos import services as duos
from passerelle.duos.models import DuoStatus
from passerelle.extensions import db
from passerelle.hosting import services as hosting
from passerelle.hosting.models import CompanionAnswer, Concern, StayStatus
from passerelle.matching import services as matching
from passerelle.matching.models import MatchStatus
from passerelle.needs.models import NeedStatus
from passerelle.privacy import services
from passerelle.programmes.models import Application, ApplicationStatus
from passerelle.reminders.models import OutboxMessage, Status
from passerelle.scheduling.models import Event, Occurrence
from passerelle.volunteers.models import VolunteerProfile
from tests.duos.factories import exchange_programme, participant
from tests.factories import PASSWORD, at
from tests.hosting.factories import FIRST, guest, host, hosting_programme
from tests.matching.factories import NOW, TODAY, apply, coordinator_of, need, open_programme
from tests.matching.factories import volunteer as make_volunteer
from tests.needs.factories import signed_in

LATER = NOW + timedelta(days=1)  # the day of the erasure in most tests


def _messages(kind, about=None, to=None):
    query = select(OutboxMessage).where(OutboxMessage.kind == kind)
    if about is not None:
        query = query.where(OutboxMessage.topic == about)
    if to is not None:
        query = query.where(OutboxMessage.recipient_id == to.id)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _erase(user, now=LATER):
    services.erase_account(user, PASSWORD, now)
    db.session.expire_all()


def _live(trajectory):
    return [s for s in trajectory.stays if s.status != StayStatus.cancelled]


def test_a_volunteer_s_matches_end_with_their_account(app):
    programme = open_programme()
    coordinator = coordinator_of(programme.organisation)
    proposer = coordinator_of(programme.organisation)
    ada = make_volunteer(programme, max_matches=4)
    waiting, asked, filled, said_no = (need(programme, title=title) for title in (
        "Waiting", "Asked", "Filled", "Said no"))
    no = matching.propose(coordinator, said_no, ada.id, NOW)
    matching.approve(coordinator, no, NOW)
    matching.decline(ada, no, "Not my neighbourhood", NOW)
    proposed = matching.propose(proposer, waiting, ada.id, NOW)  # the coordinator is told
    approved = matching.propose(coordinator, asked, ada.id, NOW)
    matching.approve(coordinator, approved, NOW)
    active = matching.propose(coordinator, filled, ada.id, NOW)
    matching.approve(coordinator, active, NOW)
    matching.accept(ada, active, NOW)
    assert filled.status == NeedStatus.filled
    ids = proposed.id, approved.id, active.id, no.id
    [announced] = _messages("match-proposed", about=f"match-{proposed.id}", to=coordinator)
    assert announced.status == Status.PENDING

    _erase(ada)
    proposed, approved, active, no = (db.session.get(type(proposed), i) for i in ids)
    assert proposed.status == MatchStatus.cancelled  # withdrawn: nobody had decided
    assert announced.status == Status.CANCELLED  # a proposal that no longer is
    assert approved.status == MatchStatus.declined and approved.reason == ""
    [told] = _messages("match-declined", about=f"match-{approved.id}", to=coordinator)
    assert told.status == Status.PENDING and "Asked" in told.subject
    assert active.status == MatchStatus.ended and active.ended_on == TODAY + timedelta(days=1)
    assert active.reason == "" and filled.status == NeedStatus.open  # its place opens again
    assert _messages("match-ended") == []  # the one it would tell is leaving
    assert no.reason == ""  # their own words go
    actions = dict(db.session.execute(select(AuditEntry.record_id, AuditEntry.action).where(
        AuditEntry.record_type == "match", AuditEntry.user_id == ada.id,
        AuditEntry.record_id.in_(ids[:3]), AuditEntry.action != "accepted")).all())
    assert actions == {proposed.id: "cancelled", approved.id: "declined", active.id: "ended"}


def test_a_participant_s_language_duos_end_with_their_account(app):
    active_in, approved_in, proposed_in, declined_in = (
        exchange_programme(slug=slug) for slug in ("active", "approved", "proposed", "no"))
    ada = participant(active_in, "Ada Local", {"fr": 4}, ["ar"])
    for programme in (approved_in, proposed_in, declined_in):
        apply(ada, programme)
    farah, bilal, chadi, dina = (participant(programme, name, {"ar": 4}, ["fr"])
                                 for programme, name in ((active_in, "Farah New"),
                                                         (approved_in, "Bilal New"),
                                                         (proposed_in, "Chadi New"),
                                                         (declined_in, "Dina New")))
    found = {}
    for programme in (active_in, approved_in, proposed_in, declined_in):
        coordinator = coordinator_of(programme.organisation)
        [found[programme.slug]] = duos.batch_duos(duos.run_batch(coordinator, programme, NOW))
        found[programme.slug, "coordinator"] = coordinator
        if programme is not proposed_in:
            duos.approve(coordinator, found[programme.slug], NOW)
    active, approved, proposed, declined = (found[s] for s in ("active", "approved",
                                                                "proposed", "no"))
    duos.accept(ada, active, NOW)
    duos.accept(farah, active, NOW)
    duos.decline(ada, declined, "Too far for me", NOW)
    # Weekly meetings planned for the active duo, beginning before the erasure.
    meetings.plan(found["active", "coordinator"], active, TODAY, time(18, 0), 60,
                  "Rue Haute 1", "Bruxelles", "FREQ=WEEKLY;COUNT=6", NOW)
    ids = active.id, approved.id, proposed.id, declined.id
    before = set(db.session.scalars(select(OutboxMessage.id)))

    _erase(ada)
    active, approved, proposed, declined = (db.session.get(type(active), i) for i in ids)
    assert proposed.status == DuoStatus.cancelled  # nobody was told of it
    assert _messages("duo-declined", about=f"duo-{proposed.id}") == []
    assert approved.status == DuoStatus.declined and approved.reason == ""
    [told] = _messages("duo-declined", about=f"duo-{approved.id}")
    assert told.recipient_id == bilal.id
    assert [m.status for m in _messages("duo-proposed", about=f"duo-{approved.id}",
                                        to=bilal)] == [Status.CANCELLED]
    assert [m.recipient_id for m in _messages("duo-decided", about=f"duo-{approved.id}")
            ] == [found["approved", "coordinator"].id]
    assert active.status == DuoStatus.ended and active.ends_on == TODAY + timedelta(days=1)
    held = list(db.session.scalars(select(Occurrence).join(Event).where(
        Event.duo_id == active.id).order_by(Occurrence.starts_at)))
    assert len(held) == 6 and not held[0].cancelled  # the first was before the erasure
    assert all(o.cancelled and o.sequence == 1 for o in held[1:])  # the rest: none left
    assert _messages("occurrence-cancelled") == []  # told once, by the duo's end
    assert all(m.status == Status.CANCELLED for m in _messages("occurrence-reminder")
               if m.topic != f"occurrence-{held[0].id}")
    assert [m.recipient_id for m in _messages("duo-ended")] == [farah.id]  # only the other
    assert declined.reason == ""
    told = {m.recipient_id for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.id.not_in(before)))}
    assert told == {bilal.id, farah.id, found["approved", "coordinator"].id}
    assert not told & {ada.id, chadi.id, dina.id}


def test_the_stays_to_come_in_a_host_s_home_are_declined_and_planned_again(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    hanne = host(programme, name="Hanne Host")
    first = guest(programme, first_name="Amal", last=FIRST + timedelta(days=13))
    second = guest(programme, first_name="Bilal", first=FIRST + timedelta(days=20),
                   last=FIRST + timedelta(days=33))
    third = guest(programme, first_name="Chadi", first=FIRST + timedelta(days=40),
                  last=FIRST + timedelta(days=50))
    trajectories = {t.person_id: t for t in hosting.plan_programme(coordinator, programme,
                                                                    NOW)[0]}
    said_no, accepted, proposed = (_live(trajectories[p.id])[0] for p in (first, second, third))
    assert {said_no.host_id, accepted.host_id, proposed.host_id} == {hanne.id}
    for person in (first, second):  # the third waits for approval
        hosting.approve(coordinator, trajectories[person.id], NOW)
    hosting.answer(hanne, accepted, True, "Happy to", NOW)
    hosting.answer(hanne, said_no, False, "Away that fortnight", NOW)
    hosting.report_concern(hanne, accepted, "The heating is broken.", NOW)
    other = host(programme, name="Olga Other")  # a home to plan in now
    ids = said_no.id, accepted.id, proposed.id
    assert "safeguarding" in signed_in(app, hanne).get("/account/erase").get_data(as_text=True)

    _erase(hanne, NOW + timedelta(hours=1))
    said_no, accepted, proposed = (db.session.get(type(accepted), i) for i in ids)
    assert said_no.reason == ""  # their words on a past answer go too
    assert accepted.status == StayStatus.declined and accepted.reason == ""
    assert accepted.answered_by_id == hanne.id
    [answered] = _messages("stay-answered", about=f"stay-{accepted.id}", to=coordinator)[1:]
    assert "cannot welcome Bilal" in answered.body_text
    assert proposed.status == StayStatus.cancelled
    for stay in (accepted, proposed):  # planned again in the other home, from its first night
        [new] = [s for s in stay.trajectory.stays if s.status == StayStatus.proposed]
        assert (new.host_id, new.status) == (other.id, StayStatus.proposed)
        assert (new.first_night, new.last_night) == (stay.first_night, stay.last_night)
        assert len(_messages("stay-replanned", about=f"trajectory-{stay.trajectory_id}")) == 1
    # The concern is the organisation's safeguarding record: it stays.
    assert db.session.scalar(select(Concern.body)) == "The heating is broken."


def test_a_host_with_a_guest_at_home_is_asked_to_end_the_stay_first(app):
    today = today_in_brussels()
    start, last = today - timedelta(days=2), today + timedelta(days=5)
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    hanne = host(programme, name="Hanne Host", free=((start, today + timedelta(days=60)),))
    guest(programme, first=start, last=last)
    [trajectory], _ = hosting.plan_programme(coordinator, programme, at(start))
    hosting.approve(coordinator, trajectory, at(start))
    [stay] = _live(trajectory)
    hosting.answer(hanne, stay, True, "", at(start))
    outbox = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    browser = signed_in(app, hanne)

    page = browser.post("/account/erase", data={"password": PASSWORD})
    assert page.status_code == 200
    beside = re.search(r'<div id="password-help">(.*?)</div>', page.get_data(as_text=True),
                       re.S)
    assert beside and html.unescape(beside.group(1)).count('class="error"') == 1
    assert (f"You are hosting a guest until {last.day} {last:%B} {last.year}: ask the "
            "programme's coordinators to end the stay first; then you can erase your "
            "account.") in html.unescape(beside.group(1))
    db.session.expire_all()
    assert db.session.get(User, hanne.id).name == "Hanne Host"
    assert db.session.get(type(stay), stay.id).status == StayStatus.accepted
    assert db.session.scalar(select(VolunteerProfile.id).where(
        VolunteerProfile.user_id == hanne.id)) is not None
    assert db.session.scalar(select(Application.status).where(
        Application.user_id == hanne.id)) == ApplicationStatus.active
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == outbox
    assert browser.get("/account/").status_code == 200  # still signed in


def test_a_companion_s_trajectories_go_back_to_the_coordinator(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    for name in ("Anna Host", "Bert Host", "Carl Host"):
        host(programme, name=name)
    cora = host(programme, name="Cora Companion", accompaniment_only=True)
    people = [guest(programme, first_name=name, first=FIRST + timedelta(days=20 * n),
                    last=FIRST + timedelta(days=20 * n + 13))
              for n, name in enumerate(("Amal", "Bilal", "Chadi"))]
    trajectories = {t.person_id: t for t in hosting.plan_programme(coordinator, programme,
                                                                    NOW)[0]}
    accepted, asked, said_no = (trajectories[p.id] for p in people)
    for trajectory in trajectories.values():
        hosting.set_companion(coordinator, trajectory, cora.id, NOW)
        hosting.approve(coordinator, trajectory, NOW)
    hosting.answer_companion(cora, accepted, True, "", NOW)
    hosting.answer_companion(cora, said_no, False, "Too far from home", NOW)
    assert {s.meeting_with_id for s in _live(accepted)} == {cora.id}
    ids = accepted.id, asked.id, said_no.id

    _erase(cora, NOW + timedelta(hours=1))
    accepted, asked, said_no = (db.session.get(type(accepted), i) for i in ids)
    for trajectory, answer in ((accepted, CompanionAnswer.withdrawn),
                               (asked, CompanionAnswer.declined)):
        assert trajectory.companion_id is None
        assert trajectory.companion_answer == answer
        assert {s.meeting_with_id for s in _live(trajectory)} == {coordinator.id}
    assert said_no.companion_reason == ""
    yes, quit_ = _messages("stay-companion-answered", about=f"trajectory-{accepted.id}",
                           to=coordinator)
    assert "accepted to accompany Amal" in yes.body_text
    assert "had accepted but can no longer accompany Amal" in quit_.body_text
    [declined] = _messages("stay-companion-answered", about=f"trajectory-{asked.id}",
                           to=coordinator)
    assert "cannot accompany Bilal" in declined.body_text
    assert "Their reason" not in declined.body_text + quit_.body_text
    assert [m.status for m in _messages("stay-companion-asked", about=f"trajectory-{asked.id}")
            ] == [Status.CANCELLED]
    assert dict(db.session.execute(select(AuditEntry.record_id, AuditEntry.action).where(
        AuditEntry.record_type == "trajectory", AuditEntry.user_id == cora.id,
        AuditEntry.action.in_(("companion_no", "companion_quit")),
        AuditEntry.record_id != said_no.id)).all()) == {
        accepted.id: "companion_quit", asked.id: "companion_no"}
