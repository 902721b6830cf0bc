"""Matches between volunteers and needs, the batches that propose them, each programme's
weights, and the people an organisation will not propose."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passerelle.accounts.models import User
from passerelle.core.i18n import translated
from passerelle.core.types import UTCDateTime, str_enum
from passerelle.extensions import db
from passerelle.needs.models import Need
from passerelle.organisations.models import Organisation, Programme

REASON_MAX = 500


class MatchStatus(enum.StrEnum):
    proposed = "proposed"  # waits for a coordinator
    approved = "approved"  # waits for the volunteer
    refused = "refused"  # by a coordinator
    declined = "declined"  # by the volunteer
    lapsed = "lapsed"  # the volunteer did not answer in time
    cancelled = "cancelled"  # withdrawn before approval (a batch undone)
    active = "active"
    ended = "ended"

    @property
    def label(self) -> str:
        return translated(STATUS_LABELS)[self]


STATUS_LABELS = {
    MatchStatus.proposed: lazy_pgettext("match status", "Proposed, waiting for a coordinator"),
    MatchStatus.approved: lazy_pgettext("match status", "Approved, waiting for the volunteer"),
    MatchStatus.refused: lazy_pgettext("match status", "Refused by a coordinator"),
    MatchStatus.declined: lazy_pgettext("match status", "Declined by the volunteer"),
    MatchStatus.lapsed: lazy_pgettext("match status", "Lapsed without an answer"),
    MatchStatus.cancelled: lazy_pgettext("match status", "Withdrawn"),
    MatchStatus.active: lazy_pgettext("match status", "Active"),
    MatchStatus.ended: lazy_pgettext("match status", "Ended"),
}
# A live match holds a place: it counts towards the volunteer's limit and the need's places.
LIVE = (MatchStatus.proposed, MatchStatus.approved, MatchStatus.active)
# What the volunteer sees: from the coordinator's approval on.
SEEN_BY_VOLUNTEER = (MatchStatus.approved, MatchStatus.declined, MatchStatus.lapsed,
                     MatchStatus.active, MatchStatus.ended)
_LIVE_SQL = "status IN ('proposed', 'approved', 'active')"


class BatchStatus(enum.StrEnum):
    open = "open"  # proposals waiting; may be undone
    decided = "decided"  # some proposals were approved: no longer one unit
    undone = "undone"


class BatchKind(enum.StrEnum):
    """What a batch proposes: the one way to tell a batch of language duos (duos/) from a
    batch of matches, whatever became of its rows since."""

    matches = "matches"  # volunteers for needs (matching/services.run_batch)
    duos = "duos"  # language duos (duos/services.run_batch)


class Objective(enum.StrEnum):
    score = "score"  # the best total score
    places = "places"  # as many places as possible, then the best score

    @property
    def label(self) -> str:
        return translated(OBJECTIVE_LABELS)[self]


OBJECTIVE_LABELS = {
    Objective.score: _l("The best total score"),
    Objective.places: _l("Fill as many places as possible first, then the best score"),
}


class MatchBatch(db.Model):
    """One run of "propose matches for all open needs" (or of "propose duos", kind duos):
    its proposals are one unit."""

    __tablename__ = "match_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[BatchKind] = mapped_column(str_enum(BatchKind, "batch_kind", 16),
                                            default=BatchKind.matches,
                                            server_default=BatchKind.matches.value)
    objective: Mapped[Objective] = mapped_column(str_enum(Objective, "match_objective", 16))
    status: Mapped[BatchStatus] = mapped_column(str_enum(BatchStatus, "batch_status", 16),
                                                default=BatchStatus.open)
    total: Mapped[int] = mapped_column(Integer, default=0)
    greedy_total: Mapped[int] = mapped_column(Integer, default=0)
    greedy_places: Mapped[int] = mapped_column(Integer, default=0)
    pairs_considered: Mapped[int] = mapped_column(Integer, default=0)
    # [[need id, rule code or "" when it had candidates but no place was left], ...]
    uncovered: Mapped[list] = mapped_column(JSON, default=list)

    programme: Mapped[Programme] = relationship()


class Match(db.Model):
    """A volunteer for a need, from proposal to its end, with the score it was proposed at."""

    __tablename__ = "matches"
    audit_type = "match"
    __table_args__ = (
        # One live match per volunteer and need: a double click proposes once.
        Index("uq_matches_live", "need_id", "user_id", unique=True,
              sqlite_where=text(_LIVE_SQL), postgresql_where=text(_LIVE_SQL)),
        Index("ix_matches_need_status", "need_id", "status"),
        Index("ix_matches_user_status", "user_id", "status"),
        Index("ix_matches_programme_status", "programme_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("match_batches.id", ondelete="SET NULL"), index=True)
    status: Mapped[MatchStatus] = mapped_column(str_enum(MatchStatus, "match_status", 16),
                                                default=MatchStatus.proposed)
    score: Mapped[int] = mapped_column(Integer, default=0)
    # [[part, points, strong], ...] as scoring gave them when proposed.
    parts: Mapped[list] = mapped_column(JSON, default=list)
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer_by: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_on: Mapped[date | None] = mapped_column(Date)
    # A mentoring duo's end of follow-up, set when it becomes active.
    due_end_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Why it was refused, declined or ended.
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")

    need: Mapped[Need] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    programme: Mapped[Programme] = relationship()
    batch: Mapped[MatchBatch | None] = relationship()

    @property
    def is_live(self) -> bool:
        return self.status in LIVE


class MatchingSettings(db.Model):
    """A programme's departures from the platform's matching defaults."""

    __tablename__ = "matching_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), unique=True)
    # part -> weight (0-100), and the parts in the strong tier.
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    strong: Mapped[list] = mapped_column(JSON, default=list)
    answer_days: Mapped[int] = mapped_column(SmallInteger, default=7)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Exclusion(db.Model):
    """An organisation will not have this person proposed for its needs, and says why."""

    __tablename__ = "match_exclusions"
    audit_type = "exclusion"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
