"""Two decisions at once on PostgreSQL never overfill a need nor exceed a volunteer's limit.

Each decision runs in its own thread, app context, session and connection: a real
transaction of its own. Both load the match first, then wait at a barrier, so that both
have read it as still waiting before either writes; the row locks of services._lock are
what must make the second see the first.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from passerelle.accounts.models import User
from passerelle.extensions import db
from passerelle.matching import services
from passerelle.matching.models import Match, MatchStatus
from passerelle.needs.models import Need
from passerelle.volunteers.models import VolunteerProfile
from tests.concurrency import at_once
from tests.matching.factories import NOW, coordinator_of, need, open_programme, volunteer

LATER = NOW + timedelta(hours=1)


@pytest.fixture(autouse=True)
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks (SELECT ... FOR UPDATE is ignored) and lets "
                    "one writer at a time: concurrency is proven on PostgreSQL only")


def decisions_at_once(app, decide, actor_ids: list[int], match_ids: list[int],
                      now) -> list[str]:
    """`decide(actor, match, now)` for each pair at the same time; what each one gave:
    "done", or the DomainError's message (in English)."""
    def step(actor_id, match_id):
        def read():
            actor, match = db.session.get(User, actor_id), db.session.get(Match, match_id)
            assert match.status in (MatchStatus.proposed, MatchStatus.approved)
            return actor, match
        return read, lambda actor, match: decide(actor, match, now)

    return at_once(app, [step(a, m) for a, m in zip(actor_ids, match_ids, strict=True)])


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
    outcomes = decisions_at_once(app, services.approve, [coordinator.id] * 2, ids, NOW)
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
    outcomes = decisions_at_once(app, services.accept, [ada.id, bea.id], ids, LATER)
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
    outcomes = decisions_at_once(app, services.accept, [ada.id] * 2, ids, LATER)
    assert sorted(outcomes) == sorted(
        ["done", "Already has 1 matches, their limit is 1."])
    assert sorted(_statuses(ids)) == sorted([MatchStatus.active, MatchStatus.approved])


def test_two_contacts_at_once_for_one_sponsor_stay_within_their_limit(app):
    """matching/pool.py takes the same locks before it makes an active match: two staff
    recording a contact for the same sponsor with two families at once make one."""
    from passerelle.matching import pool
    from tests.factories import make_membership, make_user
    from tests.needs.factories import make_person

    programme = open_programme()  # no charter published: nothing to sign
    staff = []
    for name in ("Sam", "Sara"):
        user = make_user(name=name)
        make_membership(user, programme.organisation, "staff")
        staff.append(user.id)
    ada = volunteer(programme, "Ada")
    families = [need(programme, person_id=make_person(programme.organisation, name).id).id
                for name in ("Amina", "Bilal")]
    def step(index):
        def read():
            return (db.session.get(User, staff[index]),
                    db.session.get(Need, families[index]).programme)
        return read, lambda actor, programme: pool.add_contact(
            actor, programme, families[index], ada.id, NOW)

    outcomes = at_once(app, [step(0), step(1)])
    assert sorted(outcomes) == ["Already has 1 matches, their limit is 1.", "done"]
    db.session.expire_all()
    assert len(db.session.scalars(select(Match).where(
        Match.user_id == ada.id, Match.status == MatchStatus.active)).all()) == 1
