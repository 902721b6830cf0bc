"""Sign-ups at the same time on PostgreSQL for the last place: one gets it, the others wait.

Each runs in its own thread and transaction (tests/concurrency.py): all read the
occurrence first, then sign up at once; the lock on the occurrence's row is what makes
each one count the places the others took."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from passerelle.accounts.models import User
from passerelle.extensions import db
from passerelle.scheduling import signups
from passerelle.scheduling.models import Occurrence, Signup, SignupStatus
from tests.concurrency import at_once
from tests.matching.factories import NOW, open_programme, volunteer
from tests.scheduling.factories import make_event, occurrence_of


@pytest.fixture(autouse=True)
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks: concurrency is proven on PostgreSQL only")


def test_four_sign_ups_at_once_for_two_places_confirm_two(app):
    programme = open_programme()
    occurrence_id = occurrence_of(make_event(programme, places=2)).id
    ids = [volunteer(programme, f"V{n}").id for n in range(4)]

    def step(user_id):
        def read():
            occurrence = db.session.get(Occurrence, occurrence_id)
            return db.session.get(User, user_id), occurrence, occurrence.event.roles[0]

        def act(user, occurrence, role):
            with force_locale("en"):
                signups.sign_up(user, occurrence, role, NOW)
        return read, act

    assert at_once(app, [step(user_id) for user_id in ids]) == ["done"] * 4
    db.session.expire_all()
    statuses = sorted(db.session.scalars(select(Signup.status).where(
        Signup.occurrence_id == occurrence_id)))
    assert statuses == sorted([SignupStatus.confirmed] * 2 + [SignupStatus.waitlisted] * 2)
