"""Two answers at once on PostgreSQL: both participants accepting make the duo active (no
yes is lost), one accepting while the other declines leaves it declined, and two
approvals sharing a person approve one. Each decision runs in its own thread, session and
transaction; both read the duo first and wait at a barrier, so only the locks of
duos.services._lock can make the second see the first."""

import pytest

from passerelle.accounts.models import User
from passerelle.duos import services
from passerelle.duos.models import Duo, DuoStatus
from passerelle.extensions import db
from passerelle.matching.models import BatchKind, MatchBatch, Objective
from tests.concurrency import at_once
from tests.duos.factories import exchange_programme, participant
from tests.matching.factories import NOW, coordinator_of


@pytest.fixture(autouse=True)
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks: concurrency is proven on PostgreSQL only")


def decisions_at_once(app, decisions) -> list[str]:
    """Each (decide, actor id, duo id) at the same time: "done" or the refusal's message."""
    def step(decide, actor_id, duo_id):
        def read():
            actor, duo = db.session.get(User, actor_id), db.session.get(Duo, duo_id)
            assert duo.status in (DuoStatus.proposed, DuoStatus.approved)
            return actor, duo
        return read, decide

    return at_once(app, [step(*decision) for decision in decisions])


def _approved_duo():
    programme = exchange_programme()
    ada = participant(programme, "Ada", {"fr": 4}, ["ar"])
    farah = participant(programme, "Farah", {"ar": 4}, ["fr"])
    coordinator = coordinator_of(programme.organisation)
    [duo] = services.batch_duos(services.run_batch(coordinator, programme, NOW))
    services.approve(coordinator, duo, NOW)
    return ada, farah, duo.id


def _status(duo_id):
    db.session.expire_all()
    return db.session.get(Duo, duo_id)


def test_both_accepting_at_once_make_the_duo_active(app):
    ada, farah, duo_id = _approved_duo()
    accept = lambda user, duo: services.accept(user, duo, NOW)  # noqa: E731
    both = [(accept, ada.id, duo_id), (accept, farah.id, duo_id)]
    assert decisions_at_once(app, both) == ["done"] * 2
    duo = _status(duo_id)
    assert duo.status == DuoStatus.active and duo.first_yes_at and duo.second_yes_at


def test_one_accepting_while_the_other_declines_leaves_it_declined(app):
    ada, farah, duo_id = _approved_duo()
    outcomes = decisions_at_once(app, [
        (lambda u, d: services.accept(u, d, NOW), ada.id, duo_id),
        (lambda u, d: services.decline(u, d, "", NOW), farah.id, duo_id)])
    assert outcomes[1] == "done" and outcomes[0] in (
        "done", "This duo is no longer waiting for that: it is declined.")
    assert _status(duo_id).status == DuoStatus.declined


def test_two_approvals_sharing_a_person_approve_one(app):
    programme = exchange_programme()
    ada = participant(programme, "Ada", {"fr": 4}, ["ar"])
    farah = participant(programme, "Farah", {"ar": 4}, ["fr"])
    hana = participant(programme, "Hana", {"ar": 4}, ["fr"])
    coordinator = coordinator_of(programme.organisation)
    batch = MatchBatch(programme_id=programme.id, kind=BatchKind.duos, created_at=NOW,
                       objective=Objective.score)
    db.session.add(batch)
    db.session.flush()
    duos = [Duo(programme_id=programme.id, first_id=ada.id, second_id=other.id, weight=10,
                reasons={}, batch_id=batch.id, proposed_at=NOW) for other in (farah, hana)]
    db.session.add_all(duos)
    db.session.commit()
    approve = lambda user, duo: services.approve(user, duo, NOW)  # noqa: E731
    outcomes = decisions_at_once(app, [(approve, coordinator.id, duo.id) for duo in duos])
    assert sorted(outcomes) == ["This duo can no longer be approved: one of the two is "
                                "already in another duo.", "done"]
    assert sorted(_status(d.id).status for d in duos) == [DuoStatus.approved, DuoStatus.proposed]
