"""Volunteer and host profiles: what a person offers, where and when."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passerelle.accounts.models import User
from passerelle.core.types import UTCDateTime
from passerelle.extensions import db


class VolunteerProfile(db.Model):
    __tablename__ = "volunteer_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    place_refnis: Mapped[str | None] = mapped_column(String(5))
    # Copied from the place so that candidates can be filtered and ranked in SQL.
    region: Mapped[str | None] = mapped_column(String(10), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    travel_km: Mapped[int] = mapped_column(Integer, default=15)
    language_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    availability_mask: Mapped[int] = mapped_column(Integer, default=0)
    birth_date: Mapped[date | None] = mapped_column(Date)
    max_matches: Mapped[int] = mapped_column(SmallInteger, default=1)
    sector: Mapped[str | None] = mapped_column(String(60))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Language exchange: the languages one wants to practise, and whether one is a newcomer.
    practises: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    newcomer: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    user: Mapped[User] = relationship()
    languages: Mapped[list["SpokenLanguage"]] = relationship(
        cascade="all, delete-orphan", order_by="SpokenLanguage.id")
    availability: Mapped[list["AvailabilitySlot"]] = relationship(
        cascade="all, delete-orphan", order_by="AvailabilitySlot.id")
    hosting: Mapped["HostingOffer | None"] = relationship(
        cascade="all, delete-orphan", back_populates="profile")

    # Candidates near a place: a box on the coordinates (see matching).
    __table_args__ = (Index("ix_volunteer_profiles_lat_lon", "lat", "lon"),)


class SpokenLanguage(db.Model):
    __tablename__ = "spoken_languages"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(3))
    # 1 basic, 2 conversational, 3 fluent, 4 mother tongue
    level: Mapped[int] = mapped_column(SmallInteger)


class AvailabilitySlot(db.Model):
    """A weekly time range: day 0 is Monday, minutes from midnight, Brussels time."""

    __tablename__ = "availability_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    start_minute: Mapped[int] = mapped_column(SmallInteger)
    end_minute: Mapped[int] = mapped_column(SmallInteger)


class HostingOffer(db.Model):
    """What a host offers: a room and when it is free, or accompaniment only."""

    __tablename__ = "hosting_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), unique=True)
    accompaniment_only: Mapped[bool] = mapped_column(default=False)
    rooms: Mapped[int] = mapped_column(SmallInteger, default=0)
    beds: Mapped[int] = mapped_column(SmallInteger, default=0)
    # Who the host can welcome: keys of volunteers.choices.GUEST_KINDS
    guest_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(String(500), default="")

    profile: Mapped[VolunteerProfile] = relationship(back_populates="hosting")
    free_periods: Mapped[list["FreePeriod"]] = relationship(
        cascade="all, delete-orphan", order_by="FreePeriod.starts_on")


class FreePeriod(db.Model):
    """Whole days the room is free, both ends included."""

    __tablename__ = "free_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("hosting_offers.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
