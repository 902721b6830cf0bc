"""Events of a programme, their occurrences, who comes, visit reports, calendar feeds.

An `Event` is what staff define once: a housing-café session, a training session, a
meeting, an activity, a detention visiting slot, a duo's follow-up meeting. One that
recurs keeps its RRULE with its local wall-clock start (Europe/Brussels), and its
occurrences are rows keyed by their original start, so that sign-ups, moves and
cancellations attach to them (scheduling/recurrence.py expands the rule).
"""

import enum
from datetime import date, datetime

from flask_babel import lazy_pgettext
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passerelle.accounts.models import User
from passerelle.core.i18n import translated
from passerelle.core.types import UTCDateTime, str_enum
from passerelle.extensions import db
from passerelle.organisations.models import Programme, TextsMixin


class EventKind(enum.StrEnum):
    session = "session"    # a drop-in or shift: the housing-cafés
    training = "training"  # a session of one of the programme's trainings
    meeting = "meeting"    # a sponsors' group, the hosts' exchange meeting
    activity = "activity"  # a workshop, an evening
    visit = "visit"        # a detention visiting slot, visited in pairs
    duo = "duo"            # a duo's follow-up meeting


class Event(TextsMixin, db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, "event_kind", 16))
    title_fr: Mapped[str] = mapped_column(String(200))
    title_nl: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    # A detention centre (programmes.models.DETENTION_CENTRES) for a visiting slot.
    centre: Mapped[str | None] = mapped_column(String(20))
    # The first occurrence's start as a Brussels wall-clock time (naive), and its length.
    starts_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    minutes: Mapped[int] = mapped_column(SmallInteger)
    # RRULE without "RRULE:"; None for a single occurrence.
    rule: Mapped[str | None] = mapped_column(String(300))
    # Original starts (Brussels wall clock, ISO) taken out of the rule (EXDATE).
    exdates: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Occurrence rows exist up to here (open-ended series: kept 12 months ahead).
    materialised_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    training_id: Mapped[int | None] = mapped_column(
        ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    match_id: Mapped[int | None] = mapped_column(
        ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    duo_id: Mapped[int | None] = mapped_column(ForeignKey("duos.id", ondelete="CASCADE"),
                                               index=True)
    # The series this one was split from ("this and following").
    split_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    programme: Mapped[Programme] = relationship()
    roles: Mapped[list["EventRole"]] = relationship(
        cascade="all, delete-orphan", order_by="EventRole.id", back_populates="event")


class EventRole(db.Model):
    """Places for one role at each occurrence: 2 volunteers, 1 interpreter in Arabic."""

    __tablename__ = "event_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    places: Mapped[int] = mapped_column(SmallInteger)
    skill: Mapped[str | None] = mapped_column(String(40))  # core.skills code
    language: Mapped[str | None] = mapped_column(String(8))  # core.languages code

    event: Mapped[Event] = relationship(back_populates="roles")


class Occurrence(db.Model):
    __tablename__ = "occurrences"
    __table_args__ = (UniqueConstraint("event_id", "original_at"),
                      Index("ix_occurrences_starts_at", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    # The start the rule gives it: the key it keeps when moved (RECURRENCE-ID).
    original_at: Mapped[datetime] = mapped_column(UTCDateTime())
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Moved or changed on its own ("this occurrence"): a change of the series leaves it.
    overridden: Mapped[bool] = mapped_column(default=False)
    cancelled: Mapped[bool] = mapped_column(default=False)
    # Raised at each change, for calendars (SEQUENCE).
    sequence: Mapped[int] = mapped_column(SmallInteger, default=0)

    event: Mapped[Event] = relationship()


class SignupStatus(enum.StrEnum):
    proposed = "proposed"      # a visit pair proposed by the platform, for the coordinator
    asked = "asked"            # approved by the coordinator, for the visitor to confirm
    confirmed = "confirmed"    # has a place
    waitlisted = "waitlisted"  # first come, first promoted
    cancelled = "cancelled"    # by the person or the coordinator

    @property
    def label(self) -> str:
        return translated(SIGNUP_LABELS)[self]


SIGNUP_LABELS = {
    SignupStatus.proposed: lazy_pgettext("signup status", "Proposed"),
    SignupStatus.asked: lazy_pgettext("signup status", "Asked to confirm"),
    SignupStatus.confirmed: lazy_pgettext("signup status", "Has a place"),
    SignupStatus.waitlisted: lazy_pgettext("signup status", "On the waitlist"),
    SignupStatus.cancelled: lazy_pgettext("signup status", "Cancelled"),
}

# Those who hold a place, or are about to.
HOLDING = (SignupStatus.proposed, SignupStatus.asked, SignupStatus.confirmed)


class Signup(db.Model):
    __tablename__ = "signups"
    __table_args__ = (UniqueConstraint("occurrence_id", "user_id"),
                      Index("ix_signups_user_status", "user_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("event_roles.id", ondelete="CASCADE"),
                                         index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[SignupStatus] = mapped_column(str_enum(SignupStatus, "signup_status", 16))
    # The waitlist's order (and a place's): when this row last took its status.
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    # Signed up for the whole series: the occurrences made later get a row too.
    whole_series: Mapped[bool] = mapped_column(default=False)
    # A visit's pair at a slot taking several pairs (1, 2, ...).
    pair: Mapped[int | None] = mapped_column(SmallInteger)
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    no_show: Mapped[bool] = mapped_column(default=False)
    minutes: Mapped[int | None] = mapped_column(SmallInteger)  # hours recorded, in minutes
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    occurrence: Mapped[Occurrence] = relationship()
    role: Mapped[EventRole] = relationship()


class VisitReport(db.Model):
    """After a detention visit: private to the network's coordinators and the pair."""

    __tablename__ = "visit_reports"
    __table_args__ = (UniqueConstraint("occurrence_id", "pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrences.id", ondelete="CASCADE"), index=True)
    pair: Mapped[int] = mapped_column(SmallInteger, default=1)
    centre: Mapped[str] = mapped_column(String(20))
    visited_on: Mapped[date] = mapped_column(Date)
    people_met: Mapped[int] = mapped_column(SmallInteger)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text, default="")
    written_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CalendarFeed(db.Model):
    """A private feed URL: a person's own schedule, or (for staff) a programme's. The URL's
    secret is an HMAC of the row's nonce under the app's key: the database alone holds
    nothing that opens a feed, and a reset is a new nonce."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (UniqueConstraint("user_id", "programme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
