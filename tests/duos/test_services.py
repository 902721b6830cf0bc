"""Language duos with the database: the batch proposes the matcher's optimal duos, approval
asks both participants, both yes make it active with its follow-up's end, one no declines
it, and who may do what."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from passerelle.core.audit import AuditEntry
from passerelle.core.errors import DomainError, NotFound
from passerelle.duos import loading, services
from passerelle.duos.models import Duo, DuoStatus
from passerelle.extensions import db
from passerelle.matching import duos
from passerelle.programmes.models import ApplicationStatus
from passerelle.reminders.models import OutboxMessage
from tests.duos.factories import exchange_programme, participant
from tests.factories import make_organisation
from tests.matching.factories import NOW, TODAY, coordinator_of


def _messages(kind):
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def _population(programme):
    """Locals speaking French or Dutch who practise Arabic or Tigrinya, newcomers the other
    way round, with interests that make some duos better than others."""
    return [
        participant(programme, "Ada Local", {"fr": 4}, ["ar"], ["music", "cooking"]),
        participant(programme, "Bram Local", {"nl": 4, "fr": 2}, ["ar", "ti"], ["football"]),
        participant(programme, "Cleo Local", {"fr": 4}, ["ti"], ["cooking"], place="1000"),
        participant(programme, "Dawit New", {"ti": 4, "ar": 3}, ["fr"], ["cooking", "music"],
                    newcomer=True),
        participant(programme, "Eyerus New", {"ti": 4}, ["fr", "nl"], ["football"],
                    newcomer=True, place="1000"),
        participant(programme, "Farah New", {"ar": 4}, ["fr"], ["music"], newcomer=True),
        # Speaks only at a basic level: helps nobody practise.
        participant(programme, "Gil Basic", {"ar": 1}, ["fr"], ["music"]),
    ]


def _best_by_hand(edges) -> int:
    """The heaviest set of disjoint duos, trying every one (a few people only)."""
    if not edges:
        return 0
    (a, b), w = next(iter(edges.items()))
    rest = {pair: v for pair, v in edges.items() if pair != (a, b)}
    without_a_b = {pair: v for pair, v in rest.items() if not {a, b} & set(pair)}
    return max(_best_by_hand(rest), w + _best_by_hand(without_a_b))


def _batch(programme):
    coordinator = coordinator_of(programme.organisation)
    return coordinator, services.run_batch(coordinator, programme, NOW)


def test_the_batch_proposes_the_optimal_duos_of_the_matcher(app):
    programme = exchange_programme()
    people = _population(programme)
    waiting = loading.waiting(programme, TODAY)
    assert set(waiting) == {p.id for p in people}
    assert waiting[people[-1].id].speaks == frozenset()  # level 1 is not enough
    edges = duos.best(list(waiting.values()), True, services.MAX_KM, 10).edges
    expected = duos.propose(waiting, edges)
    _, batch = _batch(programme)
    rows = services.batch_duos(batch)
    assert sorted((d.first_id, d.second_id) for d in rows) == expected
    assert batch.total == duos.total(expected, edges) == sum(d.weight for d in rows)
    assert all(d.status == DuoStatus.proposed and d.first_id < d.second_id for d in rows)
    every = duos.best(list(waiting.values()), True, services.MAX_KM, None).edges
    assert batch.total == _best_by_hand(every) == 78  # 25 + 28 + 25: nothing lost to k_best
    ada, farah = people[0].id, people[5].id
    # Ada and Dawit share two interests, but three duos of one shared interest are worth more.
    assert expected == [(ada, farah), (people[1].id, people[4].id), (people[2].id, people[3].id)]
    [duo] = [d for d in rows if (d.first_id, d.second_id) == (ada, farah)]
    assert duo.reasons["interests"] == ["music"]
    assert duo.reasons["first_to_second"] == ["fr"] and duo.reasons["second_to_first"] == ["ar"]
    assert _messages("duo-proposed") == []  # nobody is told before a coordinator approves
    # Those proposed wait no more: a second batch has nobody new to pair.
    assert not {p for pair in expected for p in pair} & set(loading.waiting(programme, TODAY))


def test_two_newcomers_pair_only_when_the_programme_allows_it(app):
    for allowed in (True, False):
        programme = exchange_programme(slug=f"lc-{allowed}", newcomer_duos_allowed=allowed)
        participant(programme, f"Hana {allowed}", {"ar": 4}, ["ti"], newcomer=True)
        participant(programme, f"Isaias {allowed}", {"ti": 4}, ["ar"], newcomer=True)
        coordinator = coordinator_of(programme.organisation)
        if allowed:
            batch = services.run_batch(coordinator, programme, NOW)
            assert len(services.batch_duos(batch)) == 1
        else:
            with pytest.raises(DomainError):
                services.run_batch(coordinator, programme, NOW)


def test_approval_asks_both_and_two_yes_make_the_duo_active(app):
    programme = exchange_programme(follow_up_months=3)
    ada = participant(programme, "Ada Local", {"fr": 4}, ["ar"], ["music"])
    farah = participant(programme, "Farah New", {"ar": 4}, ["fr"], ["music"], newcomer=True)
    coordinator, batch = _batch(programme)
    [duo] = services.batch_duos(batch)
    done, failed = services.approve_batch(coordinator, batch, [duo.id], NOW)
    assert (done, failed) == (1, [])
    assert duo.status == DuoStatus.approved
    assert sorted(m.recipient_id for m in _messages("duo-proposed")) == sorted([ada.id, farah.id])
    assert "Farah" in next(m.body_text for m in _messages("duo-proposed")
                           if m.recipient_id == ada.id)
    services.accept(ada, duo, NOW)
    assert duo.status == DuoStatus.approved and duo.first_yes_at is not None
    with pytest.raises(DomainError):
        services.accept(ada, duo, NOW)  # once is enough
    services.accept(farah, duo, NOW)
    assert duo.status == DuoStatus.active
    assert (duo.started_on, duo.ends_on) == (TODAY, date(2027, 3, 1))
    assert len(_messages("duo-active")) == 2 and len(_messages("duo-decided")) == 1
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.record_type == "duo", AuditEntry.record_id == duo.id)).all()
    assert sorted(actions) == ["accepted", "accepted", "approved", "proposed"]


def test_the_follow_up_lasts_three_months_when_the_programme_says_nothing(app):
    programme = exchange_programme()
    ada = participant(programme, "Ada", {"fr": 4}, ["ar"])
    farah = participant(programme, "Farah", {"ar": 4}, ["fr"])
    coordinator, batch = _batch(programme)
    [duo] = services.batch_duos(batch)
    services.approve(coordinator, duo, NOW)
    services.accept(farah, duo, NOW)
    services.accept(ada, duo, NOW)
    assert duo.ends_on == date(2027, 3, 1)


def test_one_declining_ends_the_duo_and_both_wait_again(app):
    programme = exchange_programme()
    ada = participant(programme, "Ada", {"fr": 4}, ["ar"])
    farah = participant(programme, "Farah", {"ar": 4}, ["fr"])
    coordinator, batch = _batch(programme)
    [duo] = services.batch_duos(batch)
    services.approve(coordinator, duo, NOW)
    services.decline(farah, duo, "Not now", NOW)
    assert duo.status == DuoStatus.declined and duo.reason == "Not now"
    assert [m.recipient_id for m in _messages("duo-declined")] == [ada.id]
    assert [m.recipient_id for m in _messages("duo-decided")] == [coordinator.id]
    assert [m.status for m in _messages("duo-proposed")] == ["cancelled"] * 2
    with pytest.raises(DomainError):
        services.accept(ada, duo, NOW)
    assert set(loading.waiting(programme, TODAY)) == {ada.id, farah.id}


def test_refusing_needs_a_reason_and_changes_nothing_without_one(app):
    programme = exchange_programme()
    participant(programme, "Ada", {"fr": 4}, ["ar"])
    participant(programme, "Farah", {"ar": 4}, ["fr"])
    coordinator, batch = _batch(programme)
    [duo] = services.batch_duos(batch)
    with pytest.raises(DomainError) as refused:
        services.refuse(coordinator, duo, "  ", NOW)
    assert refused.value.field == "reason" and duo.status == DuoStatus.proposed
    services.refuse(coordinator, duo, "They already know each other", NOW)
    assert duo.status == DuoStatus.refused
    with pytest.raises(DomainError):
        services.approve(coordinator, duo, NOW)


def test_approval_checks_again_that_both_still_take_part(app):
    programme = exchange_programme()
    ada = participant(programme, "Ada", {"fr": 4}, ["ar"])
    participant(programme, "Farah", {"ar": 4}, ["fr"])
    coordinator, batch = _batch(programme)
    [duo] = services.batch_duos(batch)
    from passerelle.programmes.models import Application

    application = db.session.scalar(select(Application).where(Application.user_id == ada.id))
    application.status = ApplicationStatus.withdrawn
    db.session.commit()
    done, failed = services.approve_batch(coordinator, batch, [duo.id], NOW)
    assert done == 0 and len(failed) == 1 and duo.status == DuoStatus.proposed


def test_outsiders_may_not_run_decide_or_answer(app):
    programme = exchange_programme()
    ada = participant(programme, "Ada", {"fr": 4}, ["ar"])
    farah = participant(programme, "Farah", {"ar": 4}, ["fr"])
    outsider = participant(exchange_programme(slug="elsewhere"), "Olga", {"fr": 4}, ["ar"])
    other_coordinator = coordinator_of(make_organisation(name="Other organisation"))
    with pytest.raises(NotFound):
        services.run_batch(other_coordinator, programme, NOW)
    with pytest.raises(NotFound):
        services.run_batch(ada, programme, NOW)
    coordinator, batch = _batch(programme)
    [duo] = services.batch_duos(batch)
    with pytest.raises(NotFound):  # not approved yet: the participants do not see it
        services.accept(ada, duo, NOW)
    for who in (other_coordinator, ada, outsider):
        with pytest.raises(NotFound):
            services.approve(who, duo, NOW)
        with pytest.raises(NotFound):
            services.approve_batch(who, batch, [duo.id], NOW)
    services.approve(coordinator, duo, NOW)
    for who in (other_coordinator, outsider, coordinator):
        with pytest.raises(NotFound):
            services.accept(who, duo, NOW)
        with pytest.raises(NotFound):
            services.decline(who, duo, "", NOW)
    assert duo.status == DuoStatus.approved and duo.first_yes_at is None
    assert db.session.get(Duo, duo.id).second_yes_at is None
    assert farah.id in (duo.first_id, duo.second_id)


def test_the_duos_command_exports_the_matchers_batch_and_records_nothing(app, tmp_path):
    import json

    programme = exchange_programme()
    people = _population(programme)
    target = tmp_path / "duos.json"
    result = app.test_cli_runner().invoke(args=["matching", "duos", programme.slug,
                                                "--export", str(target)])
    assert result.exit_code == 0, result.output
    exported = json.loads(target.read_text())
    waiting = loading.waiting(programme, TODAY)
    edges = duos.best(list(waiting.values()), True, services.MAX_KM, 10).edges
    assert exported == duos.export(waiting, edges, duos.propose(waiting, edges))
    assert set(exported) == {"people", "edges", "proposed"}
    assert exported["people"] == [str(p.id) for p in people]
    assert all(isinstance(w, int) for _a, _b, w in exported["edges"])
    assert len(exported["proposed"]) == 3
    assert db.session.scalar(select(Duo.id)) is None  # records nothing
    missing = app.test_cli_runner().invoke(args=["matching", "duos", "nowhere", "--export",
                                                 str(target)])
    assert missing.exit_code != 0


# A batch as a whole -------------------------------------------------------------------------

def _three_duos(programme):
    """Three pairs that can only pair with each other (each speaks what the other
    practises), so the batch proposes exactly these three duos."""
    people = [participant(programme, "Ada", {"fr": 4}, ["ar"]),
              participant(programme, "Farah", {"ar": 4}, ["fr"]),
              participant(programme, "Bram", {"nl": 4}, ["ti"]),
              participant(programme, "Dawit", {"ti": 4}, ["nl"]),
              participant(programme, "Eve", {"en": 4}, ["es"]),
              participant(programme, "Sol", {"es": 4}, ["en"])]
    coordinator, batch = _batch(programme)
    by_pair = {frozenset((duo.first_id, duo.second_id)): duo for duo in services.batch_duos(batch)}
    pairs = [frozenset((people[i].id, people[i + 1].id)) for i in (0, 2, 4)]
    assert set(by_pair) == set(pairs)
    return coordinator, batch, people, [by_pair[pair] for pair in pairs]


def _audit(duo) -> list[str]:
    return sorted(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.record_type == "duo", AuditEntry.record_id == duo.id)))


def test_a_stale_duo_is_skipped_with_its_reason_and_the_others_are_approved(app):
    programme = exchange_programme()
    coordinator, batch, people, (taken, refused, fine) = _three_duos(programme)
    # Meanwhile Ada entered another duo, and another coordinator refused Bram and Dawit's.
    gil = participant(programme, "Gil", {"ar": 4}, ["fr"])
    ada = people[0]
    db.session.add(Duo(programme_id=programme.id, first_id=min(ada.id, gil.id),
                       second_id=max(ada.id, gil.id), status=DuoStatus.approved,
                       proposed_at=NOW, proposed_by_id=coordinator.id))
    db.session.commit()
    services.refuse(coordinator_of(programme.organisation), refused, "Neighbours", NOW)
    with force_locale("en"):
        done, failed = services.approve_batch(coordinator, batch,
                                              [taken.id, refused.id, fine.id], NOW)
        failed = [(duo, str(reason)) for duo, reason in failed]
    assert done == 1 and fine.status == DuoStatus.approved
    assert {duo.id: reason for duo, reason in failed} == {
        taken.id: "This duo can no longer be approved: one of the two is already in "
                  "another duo.",
        refused.id: "This duo is no longer waiting for that: it is refused by a coordinator.",
    }
    db.session.expire_all()
    assert db.session.get(Duo, taken.id).status == DuoStatus.proposed
    assert db.session.get(Duo, refused.id).status == DuoStatus.refused
    assert db.session.get(Duo, fine.id).status == DuoStatus.approved
    asked = {m.recipient_id for m in _messages("duo-proposed")}
    assert asked == {people[4].id, people[5].id}  # only the approved duo's two are asked
    assert _audit(taken) == ["proposed"] and _audit(fine) == ["approved", "proposed"]


def test_undoing_a_batch_withdraws_the_proposed_duos_and_keeps_the_approved(app):
    programme = exchange_programme()
    coordinator, batch, people, (approved, refused, proposed) = _three_duos(programme)
    services.approve(coordinator, approved, NOW)
    services.refuse(coordinator, refused, "Neighbours", NOW)
    assert services.undo_batch(coordinator, batch, NOW) == (1, 1)
    db.session.expire_all()
    assert [db.session.get(Duo, duo.id).status for duo in (approved, refused, proposed)] == [
        DuoStatus.approved, DuoStatus.refused, DuoStatus.cancelled]
    assert db.session.get(Duo, proposed.id).decided_by_id == coordinator.id
    assert _audit(proposed) == ["cancelled", "proposed"]
    assert batch.status == "undone"
    assert {people[4].id, people[5].id} <= set(loading.waiting(programme, TODAY))
    assert services.recent_batches(programme) == [batch]  # still listed, as undone
    # Twice: a clear message, nothing changed.
    with pytest.raises(DomainError) as refused:
        services.undo_batch(coordinator, batch, NOW)
    assert refused.value.message == services.ALREADY_UNDONE
    assert db.session.get(Duo, approved.id).status == DuoStatus.approved
    assert len(_audit(proposed)) == 2


def test_a_batch_nobody_decided_is_undone_whole_and_only_by_its_coordinators(app):
    programme = exchange_programme()
    coordinator, batch, people, duos_ = _three_duos(programme)
    outsiders = [coordinator_of(make_organisation(name="Other organisation")), people[0]]
    for who in outsiders:
        with pytest.raises(NotFound):
            services.undo_batch(who, batch, NOW)
    db.session.expire_all()
    assert {db.session.get(Duo, duo.id).status for duo in duos_} == {DuoStatus.proposed}
    assert services.undo_batch(coordinator, batch, NOW) == (3, 0)
    assert {duo.status for duo in services.batch_duos(batch)} == {DuoStatus.cancelled}
    assert _messages("duo-proposed") == []  # nobody had been told, nobody is
    with pytest.raises(DomainError):  # a withdrawn duo is not approved
        services.approve(coordinator, duos_[0], NOW)
