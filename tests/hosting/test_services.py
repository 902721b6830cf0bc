"""Trajectories from waiting to accepted, with the database: planning all waiting guests
together, approval, the hosts' answers, re-planning from a declined or refused stay, the
stays kept, concerns, and who may do what."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from passerelle.core.audit import AuditEntry
from passerelle.core.errors import DomainError, NotFound
from passerelle.extensions import db
from passerelle.hosting import loading, services
from passerelle.hosting.models import Concern, Stay, StayStatus, TrajectoryStatus
from passerelle.reminders.models import OutboxMessage
from tests.hosting.factories import FIRST, YEAR_LAST, guest, host, hosting_programme, partner_staff
from tests.matching.factories import NOW, coordinator_of


def _messages(kind):
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def _live(trajectory):
    return [s for s in trajectory.stays if s.status != StayStatus.cancelled]


def _nights(stays):
    return {s.first_night + timedelta(days=i) for s in stays for i in range(s.nights)}


def test_a_year_of_eight_week_stays_over_three_homes(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    hosts = [host(programme, name=f"Host {n}") for n in range(3)]
    person = guest(programme)
    [trajectory], figures = services.plan_programme(coordinator, programme, NOW)
    stays = _live(trajectory)
    assert trajectory.status == TrajectoryStatus.proposed
    assert figures.nights == 365 and figures.covered == 365 and trajectory.gaps == []
    assert all(s.nights <= 56 for s in stays)
    assert len(stays) == 7  # from home to home, never twice in a row in the same one
    assert all(a.host_id != b.host_id for a, b in zip(stays, stays[1:], strict=False))
    assert _nights(stays) == {FIRST + timedelta(days=i) for i in range(365)}
    assert {s.host_id for s in stays} <= {h.id for h in hosts}
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.record_type == "person", AuditEntry.record_id == person.id,
        AuditEntry.page == "hosting")) == 1


def test_nights_no_home_can_cover_are_gaps_with_their_dates(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    host(programme, name="Only host", free=((FIRST, FIRST + timedelta(days=55)),))
    guest(programme, last=FIRST + timedelta(days=69))  # 70 nights, one home free for 56
    [trajectory], figures = services.plan_programme(coordinator, programme, NOW)
    assert figures.covered == 56 and figures.upper_bound == 56
    assert trajectory.gaps == [[(FIRST + timedelta(days=56)).isoformat(),
                                (FIRST + timedelta(days=69)).isoformat()]]


def test_two_guests_never_get_one_room_the_same_night(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    host(programme, name="One room")
    guest(programme, first_name="Amal", last=FIRST + timedelta(days=27))
    guest(programme, first_name="Bilal", last=FIRST + timedelta(days=27))
    trajectories, figures = services.plan_programme(coordinator, programme, NOW)
    stays = [s for t in trajectories for s in _live(t)]
    assert figures.covered == 28  # one household a night in one room
    assert len(_nights(stays)) == sum(s.nights for s in stays)


def test_a_host_who_cannot_welcome_the_household_is_not_planned(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    host(programme, name="Women only", guest_kinds=["single_woman"])
    guest(programme, guest_kind="family_with_children", last=FIRST + timedelta(days=9))
    [trajectory], figures = services.plan_programme(coordinator, programme, NOW)
    assert figures.covered == 0 and _live(trajectory) == []


def test_approval_asks_each_host_who_accepts_or_declines(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    hosts = [host(programme, name=f"Host {n}") for n in range(4)]
    guest(programme, last=FIRST + timedelta(days=111))  # 112 nights: two stays of 56
    [trajectory], _ = services.plan_programme(coordinator, programme, NOW)
    assert services.approve(coordinator, trajectory, NOW) == 2
    first, second = _live(trajectory)
    assert first.status == second.status == StayStatus.asked
    assert first.meeting_with_id == coordinator.id
    assert len(_messages("stay-asked")) == 2
    by_id = {h.id: h for h in hosts}
    services.answer(by_id[first.host_id], first, True, "", NOW)
    assert first.status == StayStatus.accepted
    new = services.answer(by_id[second.host_id], second, False, "Away", NOW)
    db.session.refresh(trajectory)
    assert second.status == StayStatus.declined
    assert first.status == StayStatus.accepted  # kept as it was
    assert [(s.first_night, s.last_night) for s in new] == [
        (second.first_night, second.last_night)]
    assert new[0].host_id not in {first.host_id, second.host_id}
    assert new[0].status == StayStatus.proposed
    assert len(_messages("stay-replanned")) == 1
    assert len(_messages("stay-answered")) == 2


def test_the_guest_may_refuse_a_host_through_their_organisation(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    host(programme, name="Host A")
    host(programme, name="Host B")
    person = guest(programme, last=FIRST + timedelta(days=20))
    [trajectory], _ = services.plan_programme(coordinator, programme, NOW)
    services.approve(coordinator, trajectory, NOW)
    [stay] = _live(trajectory)
    refused_host = stay.host_id
    new = services.refuse_for_guest(partner_staff(person), stay, "", NOW)
    assert stay.status == StayStatus.refused
    assert [s.host_id for s in new] != [refused_host] and len(new) == 1
    assert len(_messages("stay-withdrawn")) == 1
    with pytest.raises(NotFound):  # the host does not speak for the guest
        services.refuse_for_guest(stay.host, new[0], "", NOW)


def test_a_second_plan_leaves_the_rooms_already_held(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    host(programme, name="One room")
    guest(programme, first_name="Amal", last=FIRST + timedelta(days=13))
    services.plan_programme(coordinator, programme, NOW)
    guest(programme, first_name="Bilal", last=FIRST + timedelta(days=13))
    [second], figures = services.plan_programme(coordinator, programme, NOW)
    assert second.person.first_name == "Bilal" and figures.covered == 0
    with pytest.raises(DomainError):  # nobody is waiting any more
        services.plan_programme(coordinator, programme, NOW)


def test_only_the_programme_s_own_coordinators_plan_and_approve(app):
    programme = hosting_programme()
    host(programme)
    person = guest(programme, last=FIRST + timedelta(days=9))
    other = coordinator_of(hosting_programme(slug="elsewhere").organisation)
    with pytest.raises(NotFound):
        services.plan_programme(other, programme, NOW)
    with pytest.raises(NotFound):
        services.plan_programme(partner_staff(person), programme, NOW)
    [trajectory], _ = services.plan_programme(coordinator_of(programme.organisation),
                                              programme, NOW)
    with pytest.raises(NotFound):
        services.approve(other, trajectory, NOW)
    [stay] = _live(trajectory)
    with pytest.raises(NotFound):  # not asked yet: the host does not see it
        services.answer(stay.host, stay, True, "", NOW)


def test_a_concern_reaches_the_coordinators_at_once(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    the_host = host(programme)
    guest(programme, last=FIRST + timedelta(days=9))
    [trajectory], _ = services.plan_programme(coordinator, programme, NOW)
    services.approve(coordinator, trajectory, NOW)
    [stay] = _live(trajectory)
    with pytest.raises(DomainError) as refused:
        services.report_concern(the_host, stay, "   ", NOW)
    assert refused.value.field == "body"
    assert db.session.scalar(select(func.count()).select_from(Concern)) == 0
    services.report_concern(the_host, stay, "The guest seems unwell.", NOW)
    [message] = _messages("stay-concern")
    assert message.recipient_id == coordinator.id
    assert "unwell" not in message.body_text  # the note stays on the platform


def test_withdrawing_frees_the_rooms_and_tells_the_hosts_asked(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    host(programme)
    guest(programme, last=YEAR_LAST - timedelta(days=300))
    [trajectory], _ = services.plan_programme(coordinator, programme, NOW)
    asked = services.approve(coordinator, trajectory, NOW)
    services.withdraw(coordinator, trajectory, NOW)
    assert trajectory.status == TrajectoryStatus.cancelled
    assert all(s.status == StayStatus.cancelled for s in trajectory.stays)
    assert db.session.scalar(select(func.count()).select_from(Stay).where(
        Stay.status.in_([StayStatus.asked, StayStatus.accepted]))) == 0
    assert asked >= 1 and len(_messages("stay-withdrawn")) == asked


def test_tremplin_s_immersion_is_one_week_whatever_the_nights_asked(app):
    programme = hosting_programme(slug="tremplin")
    programme.facts = {**programme.facts, "immersion_weeks": 1}
    db.session.commit()
    coordinator = coordinator_of(programme.organisation)
    host(programme)
    guest(programme, first_name="Immersion", phase="immersion")
    guest(programme, first_name="Months", phase="stays", last=FIRST + timedelta(days=89))
    trajectories, figures = services.plan_programme(coordinator, programme, NOW)
    by_name = {t.person.first_name: t for t in trajectories}
    week = by_name["Immersion"]
    assert (week.first_night, week.last_night) == (FIRST, FIRST + timedelta(days=6))
    assert by_name["Months"].last_night == FIRST + timedelta(days=89)
    assert figures.nights == 7 + 90


def test_companions_who_share_a_language_come_first_then_the_nearest(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    host(programme)
    far = host(programme, name="Far French", place="Liège", accompaniment_only=True)
    near = host(programme, name="Near French", place="1060", accompaniment_only=True)
    dutch = host(programme, name="Near Dutch", place="1060", languages={"nl": 4},
                 accompaniment_only=True)
    guest(programme, last=FIRST + timedelta(days=9), place="1060")
    [trajectory], _ = services.plan_programme(coordinator, programme, NOW)
    found = loading.companions(programme, trajectory.person, NOW.date())
    assert [c.id for c in found] == [near.id, far.id, dutch.id]
    assert [c.common_language for c in found] == [True, True, False]
    with pytest.raises(DomainError):  # a host with a room is not a companion
        services.set_companion(coordinator, trajectory, trajectory.stays[0].host_id, NOW)
    services.set_companion(coordinator, trajectory, near.id, NOW)
    assert trajectory.companion_id == near.id
    services.approve(coordinator, trajectory, NOW)
    assert trajectory.stays[0].meeting_with_id == near.id  # the buddy at the first meeting


def test_a_decline_re_plans_from_the_trajectory_when_the_guest_s_dates_were_cleared(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    hosts = {h.id: h for h in (host(programme, name=f"Host {n}") for n in range(2))}
    person = guest(programme, last=FIRST + timedelta(days=20))
    [trajectory], _ = services.plan_programme(coordinator, programme, NOW)
    services.approve(coordinator, trajectory, NOW)
    [stay] = _live(trajectory)
    person.housing_from = person.housing_until = None  # the partner cleared them since
    db.session.commit()
    [new] = services.answer(hosts[stay.host_id], stay, False, "\r\n", NOW)
    assert (new.first_night, new.last_night) == (stay.first_night, stay.last_night)


def test_the_guest_s_organisation_hears_of_the_homes_asked_and_accepted(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    hosts = {h.id: h for h in (host(programme, name=f"Host {n}") for n in range(2))}
    person = guest(programme, last=FIRST + timedelta(days=111))
    paula = partner_staff(person)
    [trajectory], _ = services.plan_programme(coordinator, programme, NOW)
    assert _messages("stay-guest-asked") == []  # a plan is not yet a decision
    services.approve(coordinator, trajectory, NOW)
    [asked] = _messages("stay-guest-asked")
    assert asked.recipient_id == paula.id and "Zainab" in asked.subject
    first, second = _live(trajectory)
    services.answer(hosts[first.host_id], first, True, "", NOW)
    services.answer(hosts[second.host_id], second, False, "Away", NOW)
    [accepted] = _messages("stay-guest-accepted")  # the decline is re-planned, not told
    assert accepted.recipient_id == paula.id
    assert "Zainab" in accepted.body_text and first.first_night.strftime("%Y") in accepted.body_text
    assert "Host 0" not in accepted.body_text and "Host 1" not in accepted.body_text


def test_a_guest_of_the_programme_s_own_organisation_tells_nobody_twice(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    host(programme)
    guest(programme, last=FIRST + timedelta(days=20), partner=programme.organisation)
    [trajectory], _ = services.plan_programme(coordinator, programme, NOW)
    services.approve(coordinator, trajectory, NOW)
    assert _messages("stay-guest-asked") == []
