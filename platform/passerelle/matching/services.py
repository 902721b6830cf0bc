"""Matching: who fits a need and why, batches of proposals, and each match's life.

proposed -> approved by a coordinator (or refused, with a reason) -> accepted (active) or
declined by the volunteer, or lapsed when they do not answer in time -> ended. Nobody is
active without both. Each decision is written to the audit log and announced through the
outbox in the same transaction. Approving and accepting lock the need's row and the
volunteer's profile row, so that two at once never overfill a need nor exceed a
volunteer's limit.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from passerelle.accounts.models import User
from passerelle.core import audit, decisions
from passerelle.core.errors import NOT_FOUND, DomainError, NotFound
from passerelle.core.time import add_months, as_utc, day_in_brussels
from passerelle.extensions import db
from passerelle.matching import (
    assignment,
    loading,
    messages,
    pairs,
    queries,
    reasons,
    rules,
    scoring,
)
from passerelle.matching.models import (
    BatchKind,
    BatchStatus,
    Exclusion,
    Match,
    MatchBatch,
    MatchingSettings,
    MatchStatus,
    Objective,
)
from passerelle.needs.models import Need, NeedStatus
from passerelle.organisations.models import Organisation, Programme, ProgrammeKind
from passerelle.programmes.reasons import localized_training_names
from passerelle.programmes.services import trainings_by_programme
from passerelle.volunteers.models import VolunteerProfile

TOP = 20
DEFAULT_ANSWER_DAYS = 7
MAX_ANSWER_DAYS = 60
DEFAULT_FOLLOW_UP_MONTHS = 6
S = MatchStatus

NO_PROGRAMME = _l("This need belongs to no programme: only a programme's volunteers can be "
                  "matched with it.")
NOT_OPEN = _l("This need is not open.")
FULL = _l("Every place of this need is taken or proposed.")
ALREADY = _l("This volunteer is already proposed or matched for this need.")
REASON_NEEDED = _l("Say why, in a few words.")


def _already(status: MatchStatus) -> DomainError:
    return DomainError(_l("This match is no longer waiting for that: it is %(status)s.",
                          status=status.label.lower()))


# Weights ----------------------------------------------------------------------------------

def settings_of(programme: Programme) -> MatchingSettings | None:
    return db.session.scalar(select(MatchingSettings).where(
        MatchingSettings.programme_id == programme.id))


def weights_of(programme: Programme) -> scoring.Weights:
    """The platform's defaults for the kind, with the coordinators' changes."""
    return _weights(programme, settings_of(programme))


def weights_by_programme(programmes: list[Programme]) -> dict[int, scoring.Weights]:
    chosen = {row.programme_id: row for row in db.session.scalars(select(MatchingSettings).where(
        MatchingSettings.programme_id.in_([p.id for p in programmes])))}
    return {p.id: _weights(p, chosen.get(p.id)) for p in programmes}


def _weights(programme: Programme, chosen: MatchingSettings | None) -> scoring.Weights:
    default = scoring.defaults_for(programme.kind)
    if chosen is None:
        return default
    points = {part: int(chosen.weights.get(part, default.of(part))) for part in scoring.PARTS}
    return scoring.Weights(points, frozenset(chosen.strong or ()))


def answer_days_of(programme: Programme) -> int:
    chosen = settings_of(programme)
    return chosen.answer_days if chosen is not None else DEFAULT_ANSWER_DAYS


def save_settings(coordinator: User, programme: Programme, points: dict[str, int],
                  strong: set[str], answer_days: int, now: datetime) -> None:
    for part, value in points.items():
        if part not in scoring.PARTS:
            raise DomainError(_l("Unknown part of the score."))
        if not 0 <= value <= scoring.MAX_WEIGHT:
            raise DomainError(_l("A weight is a whole number from 0 to %(max)s.",
                                 max=scoring.MAX_WEIGHT), field=part)
    if not set(strong) <= set(scoring.PARTS):
        raise DomainError(_l("Unknown part of the score."), field="strong")
    if not 1 <= answer_days <= MAX_ANSWER_DAYS:
        raise DomainError(_l("From 1 to %(max)s days.", max=MAX_ANSWER_DAYS),
                          field="answer_days")
    chosen = settings_of(programme) or MatchingSettings(programme_id=programme.id)
    chosen.weights = {part: int(points.get(part, 0)) for part in scoring.PARTS}
    chosen.strong = sorted(strong)
    chosen.answer_days = answer_days
    chosen.updated_by_id = coordinator.id
    chosen.updated_at = now
    db.session.add(chosen)
    db.session.commit()


def reset_settings(programme: Programme) -> None:
    chosen = settings_of(programme)
    if chosen is not None:
        db.session.delete(chosen)
        db.session.commit()


# Candidates -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ranked:
    volunteer: rules.Volunteer
    score: scoring.Score
    km: float | None


@dataclass
class Ranking:
    top: list[Ranked]
    eligible: int
    excluded: dict[str, list[tuple[rules.Volunteer, rules.Refusal]]] = field(
        default_factory=dict)

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(rule, how many it excluded), in the rules' order."""
        return [(rule.value, len(self.excluded[rule])) for rule in rules.Rule
                if self.excluded.get(rule)]


def rank(need: Need, today: date, limit: int = TOP) -> Ranking:
    """The volunteers of the need's programme: the best `limit` who pass every rule, and
    the others grouped under the first rule they fail."""
    if need.programme is None:
        raise DomainError(NO_PROGRAMME)
    facts = loading.need_facts(need, today)
    weights = weights_of(need.programme)
    passed, excluded = [], defaultdict(list)
    for volunteer in loading.volunteers(need.programme, today).values():
        refusal = rules.check(volunteer, facts)
        if refusal is None:
            passed.append((volunteer, scoring.score(volunteer, facts, weights)))
        else:
            excluded[refusal.rule].append((volunteer, refusal))
    top = [Ranked(volunteer, score, rules.distance_km(volunteer, facts))
           for volunteer, score in scoring.ranked(passed)[:limit]]
    return Ranking(top, len(passed), dict(excluded))


def training_names(programme: Programme, locale: str) -> dict[str, str]:
    return localized_training_names(trainings_by_programme([programme.id]), locale)


def explain(refusal: rules.Refusal, programme: Programme, locale: str) -> str:
    return reasons.sentence(refusal, locale, training_names(programme, locale))


def check_pair(need: Need, user_id: int, today: date,
                ignore_match: int | None = None) -> rules.Volunteer:
    """The volunteer as the rules see them; a DomainError naming the first rule they fail."""
    facts = loading.need_facts(need, today)
    volunteer = loading.volunteers(need.programme, today, [user_id], ignore_match)[user_id]
    refusal = rules.check(volunteer, facts)
    if refusal is not None:
        raise DomainError(explain(refusal, need.programme, _locale()))
    return volunteer


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "fr")


# Proposals --------------------------------------------------------------------------------

def propose(actor: User, need: Need, user_id: int, now: datetime) -> Match:
    if need.programme is None:
        raise DomainError(NO_PROGRAMME)
    if need.status != NeedStatus.open:
        raise DomainError(NOT_OPEN)
    today = day_in_brussels(now)
    volunteer = check_pair(need, user_id, today)
    if loading.places_taken([need.id]).get(need.id, 0) >= need.people_needed:
        raise DomainError(FULL)
    facts = loading.need_facts(need, today)
    score = scoring.score(volunteer, facts, weights_of(need.programme))
    match = _new_match(need, user_id, score, actor, now)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(ALREADY) from None
    audit.log(actor, "proposed", match, now, subject=db.session.get(User, user_id))
    messages.proposed(match, actor, now)
    db.session.commit()
    return match


def _new_match(need: Need, user_id: int, score: scoring.Score, actor: User, now: datetime,
               batch: MatchBatch | None = None) -> Match:
    match = Match(need=need, user_id=user_id, programme_id=need.programme_id, batch=batch,
                  status=S.proposed, score=score.total,
                  parts=[[part.name, part.points, part.strong] for part in score.parts],
                  proposed_by_id=actor.id, proposed_at=now)
    db.session.add(match)
    return match


def approve(coordinator: User, match: Match, now: datetime) -> None:
    _approve(coordinator, match, now)
    db.session.commit()


def _approve(coordinator: User, match: Match, now: datetime) -> None:
    """Checks again everything that may have changed since the proposal."""
    _lock(match)
    if match.status != S.proposed:
        raise _already(match.status)
    need = match.need
    if need.status != NeedStatus.open:
        raise DomainError(_l("This proposal can no longer be approved: %(reason)s",
                             reason=NOT_OPEN))
    try:
        check_pair(need, match.user_id, day_in_brussels(now), ignore_match=match.id)
    except DomainError as refused:
        raise DomainError(_l("This proposal can no longer be approved: %(reason)s",
                             reason=refused.message)) from None
    held = count_matches(Match.need_id == need.id, Match.status.in_((S.approved, S.active)),
                  Match.id != match.id)
    if held >= need.people_needed:
        raise DomainError(_l("This proposal can no longer be approved: %(reason)s",
                             reason=_l("every place of the need is approved or filled.")))
    match.status = S.approved
    match.decided_by_id = coordinator.id
    match.decided_at = now
    match.answer_by = now + timedelta(days=answer_days_of(match.programme))
    if match.batch is not None and match.batch.status == BatchStatus.open:
        match.batch.status = BatchStatus.decided
    audit.log(coordinator, "approved", match, now, subject=match.user)
    messages.approved(match, now)


def refuse(coordinator: User, match: Match, reason: str, now: datetime) -> None:
    reason = reason.strip()
    if not reason:
        raise DomainError(REASON_NEEDED, field="reason")
    _lock(match)
    if match.status != S.proposed:
        raise _already(match.status)
    match.status = S.refused
    match.reason = reason[:500]
    match.decided_by_id = coordinator.id
    match.decided_at = now
    audit.log(coordinator, "refused", match, now, subject=match.user)
    messages.refused(match, coordinator, now)
    db.session.commit()


def accept(volunteer: User, match: Match, now: datetime) -> None:
    _lock(match)
    if match.status != S.approved:
        raise _already(match.status)
    if as_utc(match.answer_by) < now:
        raise DomainError(_l("The time to answer has passed: the proposal has lapsed."))
    need = match.need
    active = count_matches(Match.need_id == need.id, Match.status == S.active)
    if active >= need.people_needed:
        raise DomainError(FULL)
    _check_limit(match)
    match.status = S.active
    match.answered_at = now
    if match.programme.kind == ProgrammeKind.mentoring:
        match.due_end_on = add_months(day_in_brussels(now), follow_up_months(match.programme))
    if active + 1 >= need.people_needed and need.status == NeedStatus.open:
        need.status = NeedStatus.filled
    audit.log(volunteer, "accepted", match, now)
    messages.accepted(match, now)
    db.session.commit()


def follow_up_months(programme: Programme) -> int:
    """A mentoring duo's length: the programme's fact (DUO for a JOB: six months), else 6."""
    months = (programme.facts or {}).get("follow_up_months")
    if isinstance(months, int) and not isinstance(months, bool) and months > 0:
        return months
    return DEFAULT_FOLLOW_UP_MONTHS


def _check_limit(match: Match) -> None:
    """The volunteer's active matches against their limit, read under the lock of their
    profile row: two acceptances at once on different needs wait for each other there.
    (Approval counts every live match; here only active ones, so that one of several
    proposals can still be accepted after the volunteer lowered their limit.)"""
    limit = db.session.scalar(select(VolunteerProfile.max_matches).where(
        VolunteerProfile.user_id == match.user_id))
    active = count_matches(Match.user_id == match.user_id, Match.status == S.active)
    if limit is not None and active >= limit:
        raise DomainError(_l("Already has %(current)s matches, their limit is %(max)s.",
                             current=active, max=limit))


def decline(volunteer: User, match: Match, reason: str, now: datetime) -> None:
    _lock(match)
    if match.status != S.approved:
        raise _already(match.status)
    _decline(volunteer, match, reason, now)
    db.session.commit()


def _decline(volunteer: User, match: Match, reason: str, now: datetime) -> None:
    """The volunteer's no to an approved match (locked and checked by the caller): the
    coordinators are told."""
    match.status = S.declined
    match.answered_at = now
    match.reason = reason.strip()[:500]
    audit.log(volunteer, "declined", match, now)
    messages.declined(match, now)


def end(coordinator: User, match: Match, reason: str, on: date, now: datetime) -> None:
    reason = reason.strip()
    if not reason:
        raise DomainError(REASON_NEEDED, field="reason")
    _lock(match)
    if match.status != S.active:
        raise _already(match.status)
    if on > day_in_brussels(now):
        raise DomainError(_l("A match ends today or on a past day."), field="on")
    _end(match, reason, on)
    audit.log(coordinator, "ended", match, now, subject=match.user)
    messages.ended(match, now)
    db.session.commit()


def _end(match: Match, reason: str, on: date) -> None:
    """An active match (locked and checked by the caller) ends on `on`: its need's place
    opens again. The caller logs and tells."""
    match.status = S.ended
    match.ended_on = on
    match.reason = reason[:500]
    need = match.need
    if need.status == NeedStatus.filled:
        need.status = NeedStatus.open  # a place is free again


def forget_volunteer(user: User, now: datetime) -> None:
    """A volunteer erasing their account gives up their matches: a proposal still waiting
    for a coordinator is withdrawn (nobody was told of it), an approved one declined (the
    coordinators told, as for any no), an active one ended today (the need's place open
    again). The reasons they gave for a no are cleared; a coordinator's, for a refusal or
    an end, stay with the organisation. Does not commit: the erasure (privacy.services)
    commits once."""
    for match in queries.matches_of(user):
        if match.is_live:
            _lock(match)
        if match.status == S.proposed:
            match.status = S.cancelled
            messages.withdrawn(match)
            audit.log(user, "cancelled", match, now)
        elif match.status == S.approved:
            _decline(user, match, "", now)
        elif match.status == S.active:
            _end(match, "", day_in_brussels(now))
            audit.log(user, "ended", match, now)  # not told: they are leaving
        elif match.status == S.declined:
            match.reason = ""  # theirs: only the volunteer declines


def lapse_due(now: datetime) -> int:
    """Approved proposals not answered in time lapse; each told to both sides."""
    due = list(db.session.scalars(select(Match).where(
        Match.status == S.approved, Match.answer_by < now).order_by(Match.id)))
    for match in due:
        match.status = S.lapsed
        audit.log(None, "lapsed", match, now, subject=match.user)
        messages.lapsed(match, now)
    db.session.commit()
    return len(due)


def _lock(match: Match) -> None:
    """The need's row, then the volunteer's profile row (in this order everywhere, so that
    two transactions never wait for each other), then the match itself, read afresh."""
    lock_need_and_volunteer(match.need_id, match.user_id)
    db.session.refresh(match, with_for_update=True)


def lock_need_and_volunteer(need_id: int, user_id: int) -> None:
    """The first two locks of _lock, for a match about to be made (matching/pool.py)."""
    db.session.execute(select(Need.id).where(Need.id == need_id).with_for_update())
    db.session.execute(select(VolunteerProfile.id).where(
        VolunteerProfile.user_id == user_id).with_for_update())


def count_matches(*where) -> int:
    return db.session.scalar(select(func.count()).select_from(Match).where(*where))


# Exclusions ---------------------------------------------------------------------------------

def exclude(staff: User, organisation: Organisation, user_id: int, reason: str,
            now: datetime) -> Exclusion:
    reason = reason.strip()
    if not reason:
        raise DomainError(REASON_NEEDED, field="reason")
    found = db.session.scalar(select(Exclusion).where(
        Exclusion.organisation_id == organisation.id, Exclusion.user_id == user_id))
    if found is not None:
        raise DomainError(_l("This person is already excluded from your needs."))
    exclusion = Exclusion(organisation_id=organisation.id, user_id=user_id, reason=reason[:500],
                          created_by_id=staff.id, created_at=now)
    db.session.add(exclusion)
    db.session.flush()
    audit.log(staff, "excluded", exclusion, now, subject=db.session.get(User, user_id))
    db.session.commit()
    return exclusion


def lift_exclusion(staff: User, exclusion: Exclusion, now: datetime) -> None:
    audit.log(staff, "deleted", exclusion, now, subject=db.session.get(User, exclusion.user_id))
    db.session.delete(exclusion)
    db.session.commit()


# Batches ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Instance:
    """What the exact assignment solves, and what explains the needs left uncovered."""

    capacities: dict[int, int]
    places: dict[int, int]
    edges: list[tuple[int, int, int]]
    scores: dict[tuple[int, int], scoring.Score]
    # need -> the rule that excluded most of the programme's volunteers, when none passed
    blocked: dict[int, str]


def instance(programme: Programme, today: date) -> Instance:
    """Every open need of the programme with places left, every volunteer who may take
    more, and each allowed pair with its score."""
    needs = list(db.session.scalars(loading.needs_with_facts(select(Need).where(
        Need.programme_id == programme.id, Need.status == NeedStatus.open).order_by(Need.id))))
    taken = loading.places_taken([need.id for need in needs])
    places = {need.id: need.people_needed - taken.get(need.id, 0) for need in needs}
    places = {key: value for key, value in places.items() if value > 0}
    pool = loading.volunteers(programme, today)
    found = pairs.allowed(list(pool.values()),
                          [loading.need_facts(need, today) for need in needs if need.id in places],
                          weights_of(programme))
    capacities = {volunteer.id: max(volunteer.max_matches - volunteer.current, 0)
                  for volunteer in pool.values()}
    return Instance(capacities, places, found.edges, found.scores, found.blocked)


def run_batch(coordinator: User, programme: Programme, objective: Objective,
              now: datetime) -> MatchBatch:
    problem = instance(programme, day_in_brussels(now))
    if not problem.places:
        raise DomainError(_l("This programme has no open need with a place left."))
    if not problem.edges:
        raise DomainError(_l("No volunteer of this programme passes the rules for any of its "
                             "open needs: the needs' pages say why."))
    best = assignment.optimal(problem.capacities, problem.places, problem.edges,
                              cardinality_first=objective == Objective.places)
    greedy = assignment.greedy(problem.capacities, problem.places, problem.edges)
    filled = Counter(need_id for _v, need_id in best.pairs)
    uncovered = [[need_id, problem.blocked.get(need_id, "")]
                 for need_id, count in sorted(problem.places.items()) if filled[need_id] < count]
    batch = MatchBatch(programme_id=programme.id, kind=BatchKind.matches,
                       created_by_id=coordinator.id, created_at=now,
                       objective=objective, total=best.total, greedy_total=greedy.total,
                       greedy_places=len(greedy.pairs), pairs_considered=best.considered,
                       uncovered=uncovered)
    db.session.add(batch)
    needs = {need.id: need for need in db.session.scalars(
        select(Need).where(Need.id.in_(list(problem.places))))}
    created = []
    for user_id, need_id in best.pairs:
        created.append(_new_match(needs[need_id], user_id, problem.scores[user_id, need_id],
                                  coordinator, now, batch))
    db.session.flush()
    users = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_([match.user_id for match in created])))}
    for match in created:
        audit.log(coordinator, "proposed", match, now, subject=users[match.user_id])
    if created:
        messages.batch_proposed(batch, len(created), coordinator, now)
    db.session.commit()
    return batch


def approve_batch(coordinator: User, batch: MatchBatch, match_ids: list[int],
                  now: datetime) -> tuple[int, list[tuple[Match, str]]]:
    """Approves the chosen proposals of the batch; returns how many, and those that could
    not be with the reason."""
    _of_matches(batch)
    chosen = [match for match in queries.batch_matches(batch) if match.id in set(match_ids)]
    if not chosen:
        raise DomainError(_l("Choose at least one proposal."))
    done, failed = decisions.each(chosen, lambda match: _approve(coordinator, match, now))
    db.session.commit()
    return done, failed


def _of_matches(batch: MatchBatch) -> None:
    """A batch of duos is decided and undone by duos/services, never here."""
    if batch.kind != BatchKind.matches:
        raise NotFound(NOT_FOUND)


def undo_batch(coordinator: User, batch: MatchBatch, now: datetime) -> int:
    _of_matches(batch)
    db.session.refresh(batch, with_for_update=True)
    if batch.status != BatchStatus.open:
        raise DomainError(_l("Proposals of this batch were approved: it can no longer be "
                             "undone as a whole. Refuse the others one by one."))
    count = db.session.execute(update(Match).where(
        Match.batch_id == batch.id, Match.status == S.proposed).values(
        status=S.cancelled, decided_by_id=coordinator.id, decided_at=now)).rowcount
    batch.status = BatchStatus.undone
    db.session.commit()
    return count
