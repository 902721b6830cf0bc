"""Matching on the database: ranked candidates with reasons, and a match's whole life."""

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from passerelle.core.audit import AuditEntry
from passerelle.core.errors import DomainError
from passerelle.extensions import db
from passerelle.matching import queries, services
from passerelle.matching.models import Match, MatchStatus, Objective
from passerelle.needs.models import NeedStatus
from passerelle.programmes.models import Application, ApplicationStatus
from passerelle.reminders.models import OutboxMessage
from passerelle.volunteers.models import VolunteerProfile
from tests.matching.factories import (
    NOW,
    SAT_MORNING,
    TODAY,
    coordinator_of,
    need,
    open_programme,
    volunteer,
)
from tests.needs.factories import make_person


def _kinds(user) -> list[str]:
    return sorted(db.session.scalars(select(OutboxMessage.kind).where(
        OutboxMessage.recipient_id == user.id)))


def _audit(match) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.record_type == "match", AuditEntry.record_id == match.id)
        .order_by(AuditEntry.id)))


@pytest.fixture(autouse=True)
def english(app):
    """Services outside a request speak French by default: these tests read English."""
    with force_locale("en"):
        yield


@pytest.fixture
def programme(app):
    return open_programme()


def test_candidates_are_ranked_and_the_others_counted_under_their_first_rule(programme):
    wanted = need(programme)
    near = volunteer(programme, "Near", place="1060", languages={"fr": 4})
    also = volunteer(programme, "Also", place="1000", languages={"fr": 2})
    volunteer(programme, "Dari only", languages={"prs": 4})
    volunteer(programme, "In Ghent", place="9000")
    volunteer(programme, "Saturdays", availability=SAT_MORNING)
    volunteer(programme, "Submitted", status=ApplicationStatus.submitted)
    volunteer(programme, "Withdrawn", status=ApplicationStatus.withdrawn)  # not a candidate
    ranking = services.rank(wanted, TODAY)
    assert [r.volunteer.id for r in ranking.top] == [near.id, also.id]
    assert ranking.top[0].score.total > ranking.top[1].score.total
    assert ranking.counts == [("application", 1), ("language", 1), ("distance", 1),
                              ("availability", 1)]


def test_the_life_of_a_match_from_proposal_to_filled_and_open_again(programme):
    organisation = programme.organisation
    coordinator = coordinator_of(organisation)
    proposer = coordinator_of(organisation)
    wanted = need(programme)
    ada = volunteer(programme, "Ada")
    match = services.propose(proposer, wanted, ada.id, NOW)
    assert match.status == MatchStatus.proposed and match.score > 0
    # Counted as already matched, not as at their limit (which the match itself makes).
    assert services.rank(wanted, TODAY).counts == [("already", 1)]
    assert "match-proposed" in _kinds(coordinator)  # the other coordinators are told
    assert _kinds(ada) == []  # the volunteer hears of it once approved
    services.approve(coordinator, match, NOW)
    assert match.status == MatchStatus.approved
    assert match.answer_by == NOW + timedelta(days=7)
    assert _kinds(ada) == ["match-approved"]
    services.accept(ada, match, NOW + timedelta(days=1))
    assert match.status == MatchStatus.active and wanted.status == NeedStatus.filled
    assert "match-accepted" in _kinds(coordinator)
    services.end(coordinator, match, "Moved away", TODAY + timedelta(days=1),
                 NOW + timedelta(days=2))
    assert match.status == MatchStatus.ended and wanted.status == NeedStatus.open
    assert "match-ended" in _kinds(ada)
    assert _audit(match) == ["proposed", "approved", "accepted", "ended"]


def test_nobody_is_active_without_both_approval_and_acceptance(programme):
    coordinator = coordinator_of(programme.organisation)
    ada = volunteer(programme)
    match = services.propose(coordinator, need(programme), ada.id, NOW)
    with pytest.raises(DomainError, match="no longer waiting"):
        services.accept(ada, match, NOW)
    services.approve(coordinator, match, NOW)
    with pytest.raises(DomainError, match="no longer waiting"):
        services.approve(coordinator, match, NOW)  # a double click
    assert match.status == MatchStatus.approved


def test_a_refusal_needs_a_reason_and_tells_the_proposer(programme):
    coordinator, staff = coordinator_of(programme.organisation), coordinator_of(
        programme.organisation)
    match = services.propose(staff, need(programme), volunteer(programme).id, NOW)
    with pytest.raises(DomainError) as refused:
        services.refuse(coordinator, match, "  ", NOW)
    assert refused.value.field == "reason" and match.status == MatchStatus.proposed
    services.refuse(coordinator, match, "Known to the family already", NOW)
    assert match.status == MatchStatus.refused and "match-refused" in _kinds(staff)
    with pytest.raises(DomainError):
        services.approve(coordinator, match, NOW)


def test_a_declined_or_lapsed_proposal_frees_the_place_for_the_next(programme):
    coordinator = coordinator_of(programme.organisation)
    wanted = need(programme)
    ada, bea = volunteer(programme, "Ada"), volunteer(programme, "Bea")
    first = services.propose(coordinator, wanted, ada.id, NOW)
    with pytest.raises(DomainError, match="taken or proposed"):
        services.propose(coordinator, wanted, bea.id, NOW)
    services.approve(coordinator, first, NOW)
    services.decline(ada, first, "Not this month", NOW)
    assert first.status == MatchStatus.declined and "match-declined" in _kinds(coordinator)
    second = services.propose(coordinator, wanted, bea.id, NOW)
    services.approve(coordinator, second, NOW)
    assert services.lapse_due(NOW + timedelta(days=6)) == 0
    assert services.lapse_due(NOW + timedelta(days=8)) == 1
    assert second.status == MatchStatus.lapsed
    assert "match-lapsed-volunteer" in _kinds(bea) and "match-lapsed" in _kinds(coordinator)
    with pytest.raises(DomainError):
        services.accept(bea, second, NOW + timedelta(days=8))


def test_an_answer_after_the_delay_is_refused_even_before_the_job_ran(programme):
    coordinator = coordinator_of(programme.organisation)
    ada = volunteer(programme)
    match = services.propose(coordinator, need(programme), ada.id, NOW)
    services.approve(coordinator, match, NOW)
    with pytest.raises(DomainError, match="lapsed"):
        services.accept(ada, match, NOW + timedelta(days=8))
    assert match.status == MatchStatus.approved


def test_a_proposal_that_became_invalid_cannot_be_approved_and_says_why(programme):
    coordinator = coordinator_of(programme.organisation)
    wanted = need(programme, places_needed=3)
    ada, bea, cem = (volunteer(programme, name) for name in ("Ada", "Bea", "Cem"))
    withdrew, far, closed = (services.propose(coordinator, wanted, user.id, NOW)
                             for user in (ada, bea, cem))
    application = db.session.scalar(select(Application).where(Application.user_id == ada.id))
    application.status = ApplicationStatus.withdrawn
    db.session.commit()
    with pytest.raises(DomainError, match="no longer be approved.*not active"):
        services.approve(coordinator, withdrew, NOW)
    wanted.weekly_mask = SAT_MORNING  # the need changed its schedule
    db.session.commit()
    with pytest.raises(DomainError, match="no longer be approved.*Free for 0 of the 1"):
        services.approve(coordinator, far, NOW)
    wanted.status = NeedStatus.closed
    db.session.commit()
    with pytest.raises(DomainError, match="no longer be approved.*not open"):
        services.approve(coordinator, closed, NOW)
    assert {m.status for m in (withdrew, far, closed)} == {MatchStatus.proposed}


def test_an_expired_charter_blocks_approval(app):
    from tests.factories import make_organisation, make_programme

    programme = make_programme(make_organisation(), slug="charter", interview=False)
    coordinator = coordinator_of(programme.organisation)
    ada = volunteer(programme)
    with pytest.raises(DomainError, match="charter is not signed"):
        services.propose(coordinator, need(programme), ada.id, NOW)


def test_the_volunteer_limit_counts_every_live_match(programme):
    coordinator = coordinator_of(programme.organisation)
    ada = volunteer(programme, max_matches=1)
    services.propose(coordinator, need(programme, title="First"), ada.id, NOW)
    with pytest.raises(DomainError, match="Already has 1 matches, their limit is 1"):
        services.propose(coordinator, need(programme, title="Second"), ada.id, NOW)


def test_accepting_stays_within_a_limit_lowered_after_the_approvals(programme):
    coordinator = coordinator_of(programme.organisation)
    ada = volunteer(programme, max_matches=2)
    first, second = (services.propose(coordinator, need(programme, title=title), ada.id, NOW)
                     for title in ("First", "Second"))
    services.approve(coordinator, first, NOW)
    services.approve(coordinator, second, NOW)
    profile = db.session.scalar(select(VolunteerProfile).where(
        VolunteerProfile.user_id == ada.id))
    profile.max_matches = 1
    db.session.commit()
    services.accept(ada, first, NOW)
    with pytest.raises(DomainError, match="Already has 1 matches, their limit is 1"):
        services.accept(ada, second, NOW)
    assert (first.status, second.status) == (MatchStatus.active, MatchStatus.approved)


def test_an_organisation_may_exclude_a_person_with_a_reason(programme):
    staff = coordinator_of(programme.organisation)
    wanted = need(programme)
    ada = volunteer(programme)
    with pytest.raises(DomainError):
        services.exclude(staff, programme.organisation, ada.id, "", NOW)
    services.exclude(staff, programme.organisation, ada.id, "Conflict with the family", NOW)
    ranking = services.rank(wanted, TODAY)
    assert ranking.top == [] and ranking.counts == [("excluded", 1)]
    with pytest.raises(DomainError, match="Excluded by the organisation: Conflict"):
        services.propose(staff, wanted, ada.id, NOW)


def test_changing_the_weights_changes_the_ranking(programme):
    coordinator = coordinator_of(programme.organisation)
    wanted = need(programme, languages=("fr",))
    speaker = volunteer(programme, "Speaker", place="1000", languages={"fr": 4})
    neighbour = volunteer(programme, "Neighbour", place="1060", languages={"fr": 2})
    assert services.rank(wanted, TODAY).top[0].volunteer.id == speaker.id
    weights = {part: 0 for part in services.scoring.PARTS} | {"distance": 100}
    services.save_settings(coordinator, programme, weights, set(), 10, NOW)
    assert services.rank(wanted, TODAY).top[0].volunteer.id == neighbour.id
    assert services.answer_days_of(programme) == 10
    with pytest.raises(DomainError) as wrong:
        services.save_settings(coordinator, programme, weights | {"distance": 101}, set(), 10,
                               NOW)
    assert wrong.value.field == "distance"
    assert services.weights_of(programme).of("distance") == 100


def test_the_person_helped_counts_in_the_rules_and_the_score(programme):
    person = make_person(programme.organisation, languages=["ti"], no_outside_contact=True,
                         waiting_since=date(2026, 6, 1))
    wanted = need(programme, languages=(), person_id=person.id)
    tigrinya = volunteer(programme, "Tigrinya", languages={"ti": 4, "fr": 3})
    volunteer(programme, "French only", languages={"fr": 4})
    ranking = services.rank(wanted, TODAY)
    assert [r.volunteer.id for r in ranking.top] == [tigrinya.id]
    parts = {part.name for part in ranking.top[0].score.parts}
    assert {"languages", "isolation", "waiting"} <= parts


# Batches ------------------------------------------------------------------------------------

def test_a_batch_proposes_the_best_overall_assignment_not_first_come(programme):
    """Ada fits both needs, Bea only the first: greedy gives Ada the first (her best score)
    and leaves the second uncovered; the optimum covers both."""
    coordinator = coordinator_of(programme.organisation)
    first = need(programme, title="First", languages=("fr",))
    second = need(programme, title="Second", languages=("nl",))
    ada = volunteer(programme, "Ada", languages={"fr": 4, "nl": 2})
    bea = volunteer(programme, "Bea", languages={"fr": 2})
    batch = services.run_batch(coordinator, programme, Objective.score, NOW)
    pairs = {(m.user_id, m.need_id) for m in queries.batch_matches(batch)}
    assert pairs == {(ada.id, second.id), (bea.id, first.id)}
    assert batch.total >= batch.greedy_total and batch.uncovered == []
    assert all(m.status == MatchStatus.proposed for m in queries.batch_matches(batch))


def test_a_batch_can_be_undone_until_one_of_its_proposals_is_approved(programme):
    coordinator = coordinator_of(programme.organisation)
    need(programme, title="First")
    need(programme, title="Second")
    volunteer(programme, "Ada")
    volunteer(programme, "Bea")
    batch = services.run_batch(coordinator, programme, Objective.score, NOW)
    assert services.undo_batch(coordinator, batch, NOW) == 2
    assert {m.status for m in queries.batch_matches(batch)} == {MatchStatus.cancelled}
    again = services.run_batch(coordinator, programme, Objective.score, NOW)
    matches = queries.batch_matches(again)
    done, failed = services.approve_batch(coordinator, again, [matches[0].id], NOW)
    assert (done, failed) == (1, [])
    with pytest.raises(DomainError, match="no longer be undone"):
        services.undo_batch(coordinator, again, NOW)


def test_a_batch_names_why_a_need_stays_uncovered(programme):
    coordinator = coordinator_of(programme.organisation)
    need(programme, title="French")
    dari = need(programme, title="Dari", languages=("prs",))
    volunteer(programme, "Ada")
    batch = services.run_batch(coordinator, programme, Objective.score, NOW)
    assert batch.uncovered == [[dari.id, "language"]]


def test_a_batch_without_open_needs_or_eligible_volunteers_says_so(programme):
    coordinator = coordinator_of(programme.organisation)
    with pytest.raises(DomainError, match="no open need"):
        services.run_batch(coordinator, programme, Objective.score, NOW)
    need(programme)
    volunteer(programme, languages={"prs": 4})
    with pytest.raises(DomainError, match="No volunteer"):
        services.run_batch(coordinator, programme, Objective.score, NOW)
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0


def test_the_batch_command_exports_an_instance_any_solver_can_check(app, programme, tmp_path):
    import json

    first = need(programme, title="First")
    ada, bea = volunteer(programme, "Ada", max_matches=2), volunteer(programme, "Bea")
    target = tmp_path / "batch.json"
    result = app.test_cli_runner().invoke(args=["matching", "batch", programme.slug,
                                                "--export", str(target)])
    assert result.exit_code == 0, result.output
    exported = json.loads(target.read_text())
    assert exported["volunteers"] == {str(ada.id): 2, str(bea.id): 1}
    assert exported["needs"] == {str(first.id): 1}
    assert {(v, n) for v, n, _score in exported["edges"]} == {
        (str(ada.id), str(first.id)), (str(bea.id), str(first.id))}
    assert len(exported["proposed"]) == 1
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0  # records nothing
