"""Language duos: two participants of a language exchange programme, symmetric."""

import enum
from datetime import date, datetime

from flask_babel import lazy_pgettext
from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passerelle.accounts.models import User
from passerelle.core.i18n import translated
from passerelle.core.types import UTCDateTime, str_enum
from passerelle.extensions import db
from passerelle.organisations.models import Programme

REASON_MAX = 500


class DuoStatus(enum.StrEnum):
    proposed = "proposed"  # waits for a coordinator
    approved = "approved"  # waits for both participants
    refused = "refused"  # by a coordinator
    declined = "declined"  # by one of the two
    cancelled = "cancelled"  # a batch undone
    active = "active"  # both said yes
    ended = "ended"

    @property
    def label(self) -> str:
        return translated(DUO_LABELS)[self]


DUO_LABELS = {
    DuoStatus.proposed: lazy_pgettext("duo status", "Proposed, waiting for a coordinator"),
    DuoStatus.approved: lazy_pgettext("duo status", "Approved, waiting for both participants"),
    DuoStatus.refused: lazy_pgettext("duo status", "Refused by a coordinator"),
    DuoStatus.declined: lazy_pgettext("duo status", "Declined"),
    DuoStatus.cancelled: lazy_pgettext("duo status", "Withdrawn"),
    DuoStatus.active: lazy_pgettext("duo status", "Active"),
    DuoStatus.ended: lazy_pgettext("duo status", "Ended"),
}
LIVE = (DuoStatus.proposed, DuoStatus.approved, DuoStatus.active)
_LIVE_SQL = "status IN ('proposed', 'approved', 'active')"


class Duo(db.Model):
    """`first` has the lower user id: a duo is the same whichever way it is read."""

    __tablename__ = "duos"
    audit_type = "duo"
    __table_args__ = (
        Index("uq_duos_live", "programme_id", "first_id", "second_id", unique=True,
              sqlite_where=text(_LIVE_SQL), postgresql_where=text(_LIVE_SQL)),
        Index("ix_duos_programme_status", "programme_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    first_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                           index=True)
    status: Mapped[DuoStatus] = mapped_column(str_enum(DuoStatus, "duo_status", 16),
                                              default=DuoStatus.proposed)
    weight: Mapped[int] = mapped_column(Integer, default=0)
    # Why: {"interests": [...], "first_to_second": [...], "second_to_first": [...], "km": n}
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("match_batches.id", ondelete="SET NULL"), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_yes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    second_yes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")

    programme: Mapped[Programme] = relationship()
    first: Mapped[User] = relationship(foreign_keys=[first_id])
    second: Mapped[User] = relationship(foreign_keys=[second_id])

    def other(self, user_id: int) -> User:
        return self.second if user_id == self.first_id else self.first
