"""What a programme asks of its volunteers, and each volunteer's way through screening."""

import enum
from datetime import date, datetime

from flask_babel import lazy_pgettext
from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passerelle.accounts.models import User
from passerelle.core.i18n import translated
from passerelle.core.types import UTCDateTime, str_enum
from passerelle.extensions import db
from passerelle.needs.models import Need
from passerelle.organisations.models import Programme, TextsMixin

# Places where a detention visitor can be accredited: Belgium's closed centres.
DETENTION_CENTRES = {
    "caricole": "Caricole (Steenokkerzeel)",
    "127bis": "127bis (Steenokkerzeel)",
    "merksplas": "Merksplas",
    "vottem": "Vottem",
    "holsbeek": "Holsbeek",
    "brugge": "Bruges / Brugge",
}


class Requirements(db.Model):
    """A programme's conditions before a volunteer is matched."""

    __tablename__ = "programme_requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), unique=True)
    interview: Mapped[bool] = mapped_column(default=False)
    charter: Mapped[bool] = mapped_column(default=False)
    minimum_age: Mapped[int | None] = mapped_column(SmallInteger)
    # Keys of DETENTION_CENTRES a visitor must be accredited for; empty: no accreditation.
    accreditation_places: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Belgium's extract of the criminal record, model 2 (work with minors): seen, not stored.
    good_conduct: Mapped[bool] = mapped_column(default=False, server_default=false())

    programme: Mapped[Programme] = relationship()


class Charter(TextsMixin, db.Model):
    """A programme's charter; each change is a new version that volunteers sign again."""

    __tablename__ = "charters"
    __table_args__ = (UniqueConstraint("programme_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(SmallInteger)
    body_fr: Mapped[str] = mapped_column(Text)
    body_nl: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    valid_months: Mapped[int | None] = mapped_column(SmallInteger)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Training(TextsMixin, db.Model):
    """A training a programme requires; training sessions are scheduled as events."""

    __tablename__ = "trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    valid_months: Mapped[int | None] = mapped_column(SmallInteger)

    programme: Mapped[Programme] = relationship()


class ApplicationStatus(enum.StrEnum):
    submitted = "submitted"
    interview_planned = "interview_planned"
    screened = "screened"
    refused = "refused"
    charter_signed = "charter_signed"
    trained = "trained"
    accredited = "accredited"
    conduct_seen = "conduct_seen"  # a coordinator saw the certificate of good conduct
    active = "active"
    withdrawn = "withdrawn"
    suspended = "suspended"

    @property
    def label(self) -> str:
        return translated(STATUS_LABELS)[self]


STATUS_LABELS = {
    ApplicationStatus.submitted: lazy_pgettext("application status", "Submitted"),
    ApplicationStatus.interview_planned: lazy_pgettext("application status", "Interview planned"),
    ApplicationStatus.screened: lazy_pgettext("application status", "Screened"),
    ApplicationStatus.refused: lazy_pgettext("application status", "Not retained"),
    ApplicationStatus.charter_signed: lazy_pgettext("application status", "Charter signed"),
    ApplicationStatus.trained: lazy_pgettext("application status", "Trainings done"),
    ApplicationStatus.accredited: lazy_pgettext("application status", "Accredited"),
    ApplicationStatus.conduct_seen: lazy_pgettext(
        "application status", "Certificate of good conduct seen"),
    ApplicationStatus.active: lazy_pgettext("application status", "Active"),
    ApplicationStatus.withdrawn: lazy_pgettext("application status", "Withdrawn"),
    ApplicationStatus.suspended: lazy_pgettext("application status", "Suspended"),
}


class Application(db.Model):
    """A volunteer's application to a programme, from submission to active."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("user_id", "programme_id"),
        # The coordinator's queue: one programme, one status, latest first.
        Index("ix_applications_programme_status_updated", "programme_id", "status", "updated_at"),
        # Its default order (applied on): the first page read in order from the index.
        Index("ix_applications_programme_created", "programme_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus, "application_status"), index=True)
    motivation: Mapped[str] = mapped_column(Text, default="")
    interview_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Seen by the programme's coordinators only.
    screening_note: Mapped[str] = mapped_column(Text, default="")
    # The public need whose "I can help" brought the volunteer here, if one did.
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"),
                                                index=True)
    # The certificate of good conduct a coordinator saw: its dates only, never the document.
    conduct_issued_on: Mapped[date | None] = mapped_column(Date)
    conduct_expires_on: Mapped[date | None] = mapped_column(Date)
    conduct_seen_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    conduct_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    programme: Mapped[Programme] = relationship()
    need: Mapped[Need | None] = relationship()
    steps: Mapped[list["ApplicationStep"]] = relationship(
        order_by="ApplicationStep.id", cascade="all, delete-orphan")


class ApplicationStep(db.Model):
    """Who moved an application to which status, when, and why."""

    __tablename__ = "application_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus, "application_status"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship()


class CharterSignature(db.Model):
    __tablename__ = "charter_signatures"
    __table_args__ = (UniqueConstraint("user_id", "charter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charters.id", ondelete="CASCADE"),
                                            index=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                       index=True)

    charter: Mapped[Charter] = relationship()


class TrainingRecord(db.Model):
    __tablename__ = "training_records"
    __table_args__ = (UniqueConstraint("user_id", "training_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"),
                                             index=True)
    completed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                       index=True)

    training: Mapped[Training] = relationship()


class Accreditation(db.Model):
    """A visitor accredited for one detention centre, for one programme."""

    __tablename__ = "accreditations"
    __table_args__ = (UniqueConstraint("user_id", "programme_id", "place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"),
                                              index=True)
    place: Mapped[str] = mapped_column(String(20))
    granted_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                      index=True)
