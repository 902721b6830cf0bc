"""Two coordinators planning one hosting programme at once on PostgreSQL: the programme's
row lock makes the second wait and find nobody waiting, so no guest gets two trajectories
and no room is given twice for a night."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from passerelle.accounts.models import User
from passerelle.extensions import db
from passerelle.hosting import services
from passerelle.hosting.models import Trajectory
from passerelle.organisations.models import Programme
from tests.concurrency import at_once
from tests.hosting.factories import FIRST, guest, host, hosting_programme
from tests.matching.factories import NOW, coordinator_of


@pytest.fixture(autouse=True)
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks: concurrency is proven on PostgreSQL only")


def test_two_plans_at_once_make_one_trajectory(app):
    programme = hosting_programme()
    coordinators = [coordinator_of(programme.organisation).id for _ in range(2)]
    host(programme)
    guest(programme, last=FIRST + timedelta(days=20))
    def step(index):
        def read():
            return (db.session.get(User, coordinators[index]),
                    db.session.get(Programme, programme.id))
        return read, lambda user, found: services.plan_programme(user, found, NOW)

    outcomes = at_once(app, [step(0), step(1)])
    assert sorted(outcomes, key=str) == sorted(
        ["done", "No guest is waiting: a partner refers a person to this programme with the "
                 "nights they need a home for."], key=str)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Trajectory)) == 1
