"""The daily jobs that end what has run its course: a duo whose follow-up is over (both
thanked), a hosting trajectory whose last night has passed."""

from datetime import timedelta

from sqlalchemy import select

from passerelle.duos import services as duos
from passerelle.duos.models import Duo, DuoStatus
from passerelle.extensions import db
from passerelle.hosting import services as hosting
from passerelle.hosting.models import TrajectoryStatus
from passerelle.reminders.jobs import DAILY
from passerelle.reminders.models import OutboxMessage
from tests.duos.factories import exchange_programme, participant
from tests.hosting.factories import FIRST, guest, host, hosting_programme
from tests.matching.factories import NOW, TODAY, coordinator_of


def _duo(programme, ends_on, suffix):
    ada = participant(programme, f"Ada{suffix} Local", {"fr": 4}, ["ar"], ["music"])
    farah = participant(programme, f"Farah{suffix} New", {"ar": 4}, ["fr"], ["music"],
                        newcomer=True)
    first, second = sorted((ada, farah), key=lambda user: user.id)
    duo = Duo(programme_id=programme.id, first_id=first.id, second_id=second.id,
              status=DuoStatus.active, proposed_at=NOW, started_on=ends_on - timedelta(90),
              ends_on=ends_on)
    db.session.add(duo)
    db.session.commit()
    return duo


def test_a_duo_ends_the_day_after_its_follow_up_and_both_are_thanked(app):
    programme = exchange_programme()
    over = _duo(programme, TODAY - timedelta(days=1), "1")
    last_day = _duo(programme, TODAY, "2")
    assert duos.end_followed(NOW) == 1
    assert (over.status, last_day.status) == (DuoStatus.ended, DuoStatus.active)
    thanks = list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "duo-ended")))
    assert sorted(m.recipient_id for m in thanks) == sorted([over.first_id, over.second_id])
    assert duos.end_followed(NOW) == 0  # once


def test_a_trajectory_ends_once_its_last_night_has_passed(app):
    programme = hosting_programme()
    coordinator = coordinator_of(programme.organisation)
    host(programme)
    guest(programme, last=FIRST + timedelta(days=20))
    [trajectory], _ = hosting.plan_programme(coordinator, programme, NOW)
    hosting.approve(coordinator, trajectory, NOW)
    assert hosting.end_past(NOW + timedelta(days=21)) == 0  # its last night is that day
    assert trajectory.status == TrajectoryStatus.approved
    assert hosting.end_past(NOW + timedelta(days=22)) == 1
    assert trajectory.status == TrajectoryStatus.ended


def test_the_dispatcher_runs_both_each_day():
    names = {name for name, _hour, _job in DAILY}
    assert {"duos-end-followed", "hosting-end-trajectories"} <= names
