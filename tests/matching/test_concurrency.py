"""Two decisions at once on PostgreSQL never overfill a need nor exceed a volunteer's limit.

Each decision runs in its own thread, app context, session and connection: a real
transaction of its own. Both load the match first, then wait at a barrier, so that both
have read it as still waiting before either writes; the row locks of services._lock are
what must make the second see the first.
"""

import threading
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from passerelle.accounts.models import User
from passerelle.core.errors import DomainError
from passerelle.extensions import db
from passerelle.matching import services
from passerelle.matching.models import Match, MatchStatus
from passerelle.needs.models import Need
from passerelle.volunteers.models import VolunteerProfile
from tests.matching.factories import NOW, coordinator_of, need, open_programme, volunteer

LATER = NOW + timedelta(hours=1)


@pytest.fixture(autouse=True)
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks (SELECT ... FOR UPDATE is ignored) and lets "
                    "one writer at a time: concurrency is proven on PostgreSQL only")


def at_once(app, decide, actor_ids: list[int], match_ids: list[int], now) -> list[str]:
    """`decide(actor, match, now)` for each pair at the same time; what each one gave:
    "done", or the DomainError's message (in English)."""
    barrier = threading.Barrier(len(match_ids))
    outcomes: list = [None] * len(match_ids)

    def one(index: int) -> None:
        with app.app_context(), force_locale("en"):
            try:
                actor = db.session.get(User, actor_ids[index])
                match = db.session.get(Match, match_ids[index])
                assert match.status in (MatchStatus.proposed, MatchStatus.approved)
                barrier.wait(timeout=30)  # both have read before either writes
                decide(actor, match, now)
                outcomes[index] = "done"
            except DomainError as refused:
                db.session.rollback()
                outcomes[index] = str(refused.message)
            except Exception as error:  # noqa: BLE001 - reported by the test's thread
                db.session.rollback()
                barrier.abort()
                outcomes[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(index,)) for index in range(len(match_ids))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a decision never finished"
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            raise outcome
    return outcomes


def _statuses(match_ids: list[int]) -> list[MatchStatus]:
    db.session.expire_all()
    return [db.session.get(Match, match_id).status for match_id in match_ids]


def _fewer_places(wanted: Need, places: int) -> None:
    """The organisation needs fewer people now: the proposals made before stay."""
    wanted.people_needed = places
    db.session.commit()


def test_two_approvals_at_once_for_the_last_place_approve_one(app):
    programme = open_programme()
    coordinator = coordinator_of(programme.organisation)
    wanted = need(programme, places_needed=2)
    ada, bea = volunteer(programme, "Ada"), volunteer(programme, "Bea")
    ids = [services.propose(coordinator, wanted, user.id, NOW).id for user in (ada, bea)]
    _fewer_places(wanted, 1)
    outcomes = at_once(app, services.approve, [coordinator.id] * 2, ids, NOW)
    assert sorted(outcomes) == sorted(
        ["done", "This proposal can no longer be approved: every place of the need is "
                 "approved or filled."])
    assert sorted(_statuses(ids)) == sorted([MatchStatus.approved, MatchStatus.proposed])


def test_two_acceptances_at_once_for_the_last_place_activate_one(app):
    programme = open_programme()
    coordinator = coordinator_of(programme.organisation)
    wanted = need(programme, places_needed=2)
    ada, bea = volunteer(programme, "Ada"), volunteer(programme, "Bea")
    ids = []
    for user in (ada, bea):
        match = services.propose(coordinator, wanted, user.id, NOW)
        services.approve(coordinator, match, NOW)
        ids.append(match.id)
    _fewer_places(wanted, 1)
    outcomes = at_once(app, services.accept, [ada.id, bea.id], ids, LATER)
    assert sorted(outcomes) == sorted(["done", "Every place of this need is taken or proposed."])
    assert sorted(_statuses(ids)) == sorted([MatchStatus.active, MatchStatus.approved])


def test_one_volunteer_accepting_two_needs_at_once_stays_within_their_limit(app):
    programme = open_programme()
    coordinator = coordinator_of(programme.organisation)
    ada = volunteer(programme, "Ada", max_matches=2)
    ids = []
    for title in ("First", "Second"):
        match = services.propose(coordinator, need(programme, title=title), ada.id, NOW)
        services.approve(coordinator, match, NOW)
        ids.append(match.id)
    # Ada lowers her limit while both proposals wait for her answer.
    profile = db.session.scalar(select(VolunteerProfile).where(
        VolunteerProfile.user_id == ada.id))
    profile.max_matches = 1
    db.session.commit()
    outcomes = at_once(app, services.accept, [ada.id] * 2, ids, LATER)
    assert sorted(outcomes) == sorted(
        ["done", "Already has 1 matches, their limit is 1."])
    assert sorted(_statuses(ids)) == sorted([MatchStatus.active, MatchStatus.approved])
