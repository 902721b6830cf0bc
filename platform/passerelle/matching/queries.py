"""Read-only queries of matching for the pages and the person's own data: matches of a
need, a programme or a volunteer, a batch's rows, what waits for an answer. Nothing here
writes; services.py holds the operations."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from passerelle.accounts.models import User
from passerelle.extensions import db
from passerelle.matching import reasons
from passerelle.matching.models import BatchKind, Match, MatchBatch, MatchStatus
from passerelle.needs.models import Need, NeedStatus
from passerelle.organisations.models import Programme

ENDING_DAYS = 30
S = MatchStatus


def batch_matches(batch: MatchBatch) -> list[Match]:
    return list(db.session.scalars(select(Match).where(Match.batch_id == batch.id)
                                   .order_by(Match.need_id, Match.score.desc())))


def matches_of_need(need: Need) -> list[Match]:
    return list(db.session.scalars(select(Match).where(Match.need_id == need.id)
                                   .options(selectinload(Match.user))
                                   .order_by(Match.proposed_at.desc(), Match.id.desc())))


def matches_of_programme(programme: Programme, status: str, limit: int = 200) -> list[Match]:
    return list(db.session.scalars(select(Match).where(
        Match.programme_id == programme.id, Match.status == status)
        .options(selectinload(Match.user), selectinload(Match.need))
        .order_by(Match.proposed_at.desc(), Match.id.desc()).limit(limit)))


@dataclass(frozen=True)
class Ending:
    overdue: list[Match]  # active past their end of follow-up
    soon: list[Match]  # ending within ENDING_DAYS


def duos_ending(programme: Programme, today: date, days: int = ENDING_DAYS) -> Ending:
    """The programme's active duos whose follow-up ends within `days` or has passed, the
    soonest first (ix_matches_programme_status, then due_end_on)."""
    found = list(db.session.scalars(select(Match).where(
        Match.programme_id == programme.id, Match.status == S.active,
        Match.due_end_on.is_not(None), Match.due_end_on <= today + timedelta(days=days))
        .options(selectinload(Match.user), selectinload(Match.need))
        .order_by(Match.due_end_on, Match.id)))
    return Ending([m for m in found if m.due_end_on < today],
                  [m for m in found if m.due_end_on >= today])


def status_counts(programme: Programme) -> dict[str, int]:
    counts = dict(db.session.execute(select(Match.status, func.count()).where(
        Match.programme_id == programme.id).group_by(Match.status)).all())
    return {str(status): counts.get(status, 0) for status in MatchStatus}


def recent_batches(programme: Programme, limit: int = 10) -> list[MatchBatch]:
    """The programme's batches of matches: not its duo batches."""
    return list(db.session.scalars(select(MatchBatch).where(
        MatchBatch.programme_id == programme.id, MatchBatch.kind == BatchKind.matches)
        .order_by(MatchBatch.created_at.desc(), MatchBatch.id.desc()).limit(limit)))


def open_needs_of(programme: Programme, limit: int = 20) -> list[Need]:
    return list(db.session.scalars(select(Need).where(
        Need.programme_id == programme.id, Need.status == NeedStatus.open)
        .order_by(Need.id).limit(limit)))


@dataclass(frozen=True)
class BatchRow:
    match: Match
    need_title: str
    volunteer: str
    parts: list[tuple[str, int, bool]]


def batch_rows(batch: MatchBatch, locale: str) -> list[BatchRow]:
    found = list(db.session.scalars(select(Match).where(Match.batch_id == batch.id)
                                    .options(selectinload(Match.user), selectinload(Match.need))
                                    .order_by(Match.need_id, Match.score.desc(), Match.id)))
    return [BatchRow(match, match.need.text("title", locale), match.user.name,
                     [(reasons.part_title(name), points, strong)
                      for name, points, strong in match.parts]) for match in found]


@dataclass(frozen=True)
class UncoveredRow:
    need: Need
    why: str


def uncovered_rows(batch: MatchBatch, locale: str) -> list[UncoveredRow]:
    ids = [need_id for need_id, _rule in batch.uncovered]
    needs = {need.id: need for need in db.session.scalars(select(Need).where(Need.id.in_(ids)))}
    rows = []
    for need_id, rule in batch.uncovered:
        if need_id not in needs:
            continue
        why = (str(_l("Most of the programme's volunteers are excluded by: %(rule)s.",
                      rule=reasons.rule_title(rule))) if rule else
               str(_l("Its candidates were given to needs where they scored more, or are at "
                      "their limit.")))
        rows.append(UncoveredRow(needs[need_id], why))
    return rows


def answers_waiting(user: User) -> list[Match]:
    """The proposals approved for this volunteer that wait for their answer."""
    return list(db.session.scalars(select(Match).where(
        Match.user_id == user.id, Match.status == S.approved)
        .options(selectinload(Match.need), selectinload(Match.programme))
        .order_by(Match.answer_by, Match.id)))


def proposals_waiting(organisation_ids) -> list[tuple[Programme, int]]:
    """By programme of these organisations: the proposals waiting for a coordinator."""
    rows = db.session.execute(select(Programme, func.count(Match.id)).join(
        Match, Match.programme_id == Programme.id).where(
        Programme.organisation_id.in_(list(organisation_ids)), Match.status == S.proposed)
        .group_by(Programme.id).order_by(Programme.id)).all()
    return [(programme, count) for programme, count in rows]


def matches_of(user: User) -> list[Match]:
    """Every match of this volunteer, whatever became of it, oldest first (for their own
    data): with its need and programme, in a fixed number of queries."""
    return list(db.session.scalars(select(Match).where(Match.user_id == user.id)
                                   .options(selectinload(Match.need),
                                            selectinload(Match.programme)
                                            .selectinload(Programme.organisation))
                                   .order_by(Match.proposed_at, Match.id)))
