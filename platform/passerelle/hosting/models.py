"""A guest's trajectory of stays home to home, each stay, and the concerns raised on one.

A trajectory is proposed by the planner (matching.trajectories) for a person helped who is
referred to a housing hosting programme; a coordinator approves it; then each host accepts
or declines their stay, and the guest (through the referring organisation) may refuse one.
Stays have fixed dates: first and last night, both included.
"""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passerelle.accounts.models import User
from passerelle.core.i18n import translated
from passerelle.core.types import UTCDateTime, str_enum
from passerelle.extensions import db
from passerelle.needs.models import Person
from passerelle.organisations.models import Programme

REASON_MAX = 500
CONCERN_MAX = 4000


class TrajectoryStatus(enum.StrEnum):
    proposed = "proposed"  # planned, waiting for a coordinator
    approved = "approved"  # the hosts are asked, stay by stay
    cancelled = "cancelled"  # withdrawn by a coordinator, or replaced by a new plan
    ended = "ended"

    @property
    def label(self) -> str:
        return translated(TRAJECTORY_LABELS)[self]


TRAJECTORY_LABELS = {
    TrajectoryStatus.proposed: lazy_pgettext(
        "trajectory status", "Proposed, waiting for a coordinator"),
    TrajectoryStatus.approved: lazy_pgettext("trajectory status", "Approved"),
    TrajectoryStatus.cancelled: lazy_pgettext("trajectory status", "Withdrawn"),
    TrajectoryStatus.ended: lazy_pgettext("trajectory status", "Ended"),
}


class StayStatus(enum.StrEnum):
    proposed = "proposed"  # part of a trajectory not yet approved
    asked = "asked"  # approved: waiting for the host's answer
    accepted = "accepted"  # by the host
    declined = "declined"  # by the host
    refused = "refused"  # by the guest, through the referring organisation
    cancelled = "cancelled"  # the trajectory was withdrawn or re-planned

    @property
    def label(self) -> str:
        return translated(STAY_LABELS)[self]


STAY_LABELS = {
    StayStatus.proposed: lazy_pgettext("stay status", "Proposed"),
    StayStatus.asked: lazy_pgettext("stay status", "Waiting for the host"),
    StayStatus.accepted: lazy_pgettext("stay status", "Accepted by the host"),
    StayStatus.declined: lazy_pgettext("stay status", "Declined by the host"),
    StayStatus.refused: lazy_pgettext("stay status", "Refused by the guest"),
    StayStatus.cancelled: lazy_pgettext("stay status", "Withdrawn"),
}
# A stay that holds its room and its nights.
HOLDING = (StayStatus.proposed, StayStatus.asked, StayStatus.accepted)


class Phase(enum.StrEnum):
    """Tremplin pour la vie: a week's immersion for asylum seekers in large reception
    centres, or stays of a few months for recognised refugees leaving the network."""

    immersion = "immersion"
    stays = "stays"

    @property
    def label(self) -> str:
        return translated(PHASE_LABELS)[self]


PHASE_LABELS = {
    Phase.immersion: _l("Immersion week (asylum seeker in a large reception centre)"),
    Phase.stays: _l("Stays of a few months (recognised refugee leaving the reception network)"),
}


class CompanionAnswer(enum.StrEnum):
    asked = "asked"  # chosen by a coordinator, waiting for the companion's answer
    accepted = "accepted"
    declined = "declined"  # the companion was cleared from the trajectory
    withdrawn = "withdrawn"  # accepted, then could no longer accompany; cleared as well

    @property
    def label(self) -> str:
        return translated(COMPANION_LABELS)[self]


COMPANION_LABELS = {
    CompanionAnswer.asked: lazy_pgettext(
        "companion answer", "Asked, waiting for the companion's answer"),
    CompanionAnswer.accepted: lazy_pgettext("companion answer", "Accepted by the companion"),
    CompanionAnswer.declined: lazy_pgettext("companion answer", "Declined by the companion asked"),
    CompanionAnswer.withdrawn: lazy_pgettext(
        "companion answer", "Withdrawn by the companion after accepting"),
}
SAID_NO = (CompanionAnswer.declined, CompanionAnswer.withdrawn)  # and cleared from it


class Trajectory(db.Model):
    __tablename__ = "trajectories"
    audit_type = "trajectory"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    first_night: Mapped[date] = mapped_column(Date)
    last_night: Mapped[date] = mapped_column(Date)
    status: Mapped[TrajectoryStatus] = mapped_column(
        str_enum(TrajectoryStatus, "trajectory_status", 16), default=TrajectoryStatus.proposed)
    # The nights no stay covers when it was planned: [["first", "last"], ...].
    gaps: Mapped[list] = mapped_column(JSON, default=list)
    # A volunteer who accompanies the guest without hosting, for the whole trajectory.
    companion_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The companion's answer (None: nobody was ever asked); a decline clears companion_id.
    companion_answer: Mapped[CompanionAnswer | None] = mapped_column(
        str_enum(CompanionAnswer, "companion_answer", 16))
    companion_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    companion_reason: Mapped[str] = mapped_column(String(REASON_MAX), default="",
                                                  server_default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    programme: Mapped[Programme] = relationship()
    person: Mapped[Person] = relationship()
    companion: Mapped[User | None] = relationship(foreign_keys=[companion_id])
    stays: Mapped[list["Stay"]] = relationship(back_populates="trajectory",
                                               order_by="Stay.first_night")


class Stay(db.Model):
    __tablename__ = "stays"
    audit_type = "stay"
    __table_args__ = (Index("ix_stays_host_status", "host_id", "status"),
                      Index("ix_stays_programme_status", "programme_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectories.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    first_night: Mapped[date] = mapped_column(Date)
    last_night: Mapped[date] = mapped_column(Date)
    status: Mapped[StayStatus] = mapped_column(str_enum(StayStatus, "stay_status", 16),
                                               default=StayStatus.proposed)
    distance_km: Mapped[int | None]
    # The first stay in a home starts with a meeting a coordinator or a buddy attends.
    first_meeting: Mapped[bool] = mapped_column(default=False)
    meeting_with_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")

    trajectory: Mapped[Trajectory] = relationship(back_populates="stays")
    programme: Mapped[Programme] = relationship()
    person: Mapped[Person] = relationship()
    host: Mapped[User] = relationship(foreign_keys=[host_id])
    meeting_with: Mapped[User | None] = relationship(foreign_keys=[meeting_with_id])

    @property
    def nights(self) -> int:
        return (self.last_night - self.first_night).days + 1


class Concern(db.Model):
    """A private note to the coordinators about a stay, from its host or the guest's
    organisation; announced to the coordinators at once."""

    __tablename__ = "stay_concerns"
    audit_type = "concern"

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("stays.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    stay: Mapped[Stay] = relationship()
    author: Mapped[User | None] = relationship()
