"""What organisations ask for, what people offer, and the people organisations support."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
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
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passerelle.accounts.models import User
from passerelle.core.i18n import translated
from passerelle.core.types import UTCDateTime, str_enum
from passerelle.extensions import db
from passerelle.organisations.models import Organisation, Programme, TextsMixin

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
FIRST_NAME_MAX = 80
PERSON_NEEDS_MAX = 500
MATERIAL_DESCRIPTION_MAX = 1000


class Urgency(enum.StrEnum):
    low = "low"
    normal = "normal"
    high = "high"

    @property
    def label(self) -> str:
        return translated(URGENCY_LABELS)[self]


URGENCY_LABELS = {
    Urgency.low: lazy_pgettext("need urgency", "Low"),
    Urgency.normal: lazy_pgettext("need urgency", "Normal"),
    Urgency.high: lazy_pgettext("need urgency", "High"),
}


class NeedStatus(enum.StrEnum):
    open = "open"
    filled = "filled"
    closed = "closed"

    @property
    def label(self) -> str:
        return translated(NEED_STATUS_LABELS)[self]


NEED_STATUS_LABELS = {
    NeedStatus.open: lazy_pgettext("need status", "Open"),
    NeedStatus.filled: lazy_pgettext("need status", "Filled"),
    NeedStatus.closed: lazy_pgettext("need status", "Closed"),
}


class Person(db.Model):
    """A person or family an organisation supports: the least data that does the job.

    Only the registering organisation's staff see it (and, for housing hosting, the staff
    of the programme it is referred to); every read is written to the audit log.
    """

    __tablename__ = "people"
    audit_type = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str] = mapped_column(String(FIRST_NAME_MAX))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    language_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    household_size: Mapped[int] = mapped_column(SmallInteger, default=1)
    place_refnis: Mapped[str | None] = mapped_column(String(5))
    region: Mapped[str | None] = mapped_column(String(10))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    needs: Mapped[str] = mapped_column(String(PERSON_NEEDS_MAX), default="")
    waiting_since: Mapped[date] = mapped_column(Date)
    isolated: Mapped[bool] = mapped_column(default=False)
    # Housing hosting: the nights a home is needed (first and last, both included), who
    # the household is (volunteers.choices.GUEST_KINDS) and, at Tremplin, the phase.
    housing_from: Mapped[date | None] = mapped_column(Date)
    housing_until: Mapped[date | None] = mapped_column(Date)
    guest_kind: Mapped[str | None] = mapped_column(String(30))
    phase: Mapped[str | None] = mapped_column(String(16))
    no_outside_contact: Mapped[bool] = mapped_column(default=False)
    # The partner association that sent the person to us: a fact, it gives no access.
    referred_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    # A partner's housing hosting programme the record is referred to: its staff may read it.
    referred_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL"), index=True)
    delete_after: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    referred_by: Mapped[Organisation | None] = relationship(foreign_keys=[referred_by_id])
    referred_to: Mapped[Programme | None] = relationship()


class Need(TextsMixin, db.Model):
    """A need posted for a programme; its title and description in one to three languages,
    read back with `text("title", locale)`."""

    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL"), index=True)
    title_fr: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    title_nl: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    title_en: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    people_needed: Mapped[int] = mapped_column(Integer, default=1)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    language_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    # The level a volunteer needs in one of the languages: 2 conversational by default.
    language_level: Mapped[int] = mapped_column(SmallInteger, default=2, server_default="2")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A mentoring need's professional sector and a language duo's interests (scored).
    sector: Mapped[str | None] = mapped_column(String(60))
    interests: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # A detention centre (programmes.models.DETENTION_CENTRES) the visits are at.
    centre: Mapped[str | None] = mapped_column(String(20))
    place_refnis: Mapped[str | None] = mapped_column(String(5))
    region: Mapped[str | None] = mapped_column(String(10), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # Day parts of the weekly schedule, bits as in core.week.
    weekly_mask: Mapped[int] = mapped_column(Integer, default=0)
    # "One evening a week": at least this many of those day parts; None: all of them.
    day_parts: Mapped[int | None] = mapped_column(SmallInteger)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency, "urgency", 16),
                                             default=Urgency.normal)
    status: Mapped[NeedStatus] = mapped_column(str_enum(NeedStatus, "need_status", 16),
                                               default=NeedStatus.open, index=True)
    # Private: never shown on public pages.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    organisation: Mapped[Organisation] = relationship()
    programme: Mapped[Programme | None] = relationship()
    person: Mapped[Person | None] = relationship()

    __table_args__ = (
        # The public page reads its filters, its orders and the coordinates from an index
        # alone, never from the rows (that made a count in a box around Brussels take 10 ms
        # instead of 2 ms): without a place from the first, with a place from either, by
        # whichever the database's statistics choose.
        Index("ix_needs_public", "status", "programme_id", "urgency", "starts_on", "ends_on",
              "lat", "lon"),
        Index("ix_needs_box", "lat", "lon", "status", "programme_id", "urgency", "starts_on",
              "ends_on"),
    )


class MaterialCategory(enum.StrEnum):
    furniture = "furniture"
    household_goods = "household_goods"
    clothes = "clothes"
    computers_and_phones = "computers_and_phones"
    bicycles = "bicycles"
    services = "services"
    other = "other"

    @property
    def label(self) -> str:
        return translated(MATERIAL_CATEGORY_LABELS)[self]


MATERIAL_CATEGORY_LABELS = {
    MaterialCategory.furniture: _l("Furniture"),
    MaterialCategory.household_goods: _l("Household goods"),
    MaterialCategory.clothes: _l("Clothes"),
    MaterialCategory.computers_and_phones: _l("Computers and phones"),
    MaterialCategory.bicycles: _l("Bicycles"),
    MaterialCategory.services: _l("Services"),
    MaterialCategory.other: _l("Other"),
}


class OfferStatus(enum.StrEnum):
    open = "open"
    given = "given"
    withdrawn = "withdrawn"

    @property
    def label(self) -> str:
        return translated(OFFER_STATUS_LABELS)[self]


OFFER_STATUS_LABELS = {
    OfferStatus.open: lazy_pgettext("offer status", "Open"),
    OfferStatus.given: lazy_pgettext("offer status", "Given"),
    OfferStatus.withdrawn: lazy_pgettext("offer status", "Withdrawn"),
}


class MaterialNeedStatus(enum.StrEnum):
    open = "open"
    fulfilled = "fulfilled"
    closed = "closed"

    @property
    def label(self) -> str:
        return translated(MATERIAL_NEED_STATUS_LABELS)[self]


MATERIAL_NEED_STATUS_LABELS = {
    MaterialNeedStatus.open: lazy_pgettext("material need status", "Open"),
    MaterialNeedStatus.fulfilled: lazy_pgettext("material need status", "Fulfilled"),
    MaterialNeedStatus.closed: lazy_pgettext("material need status", "Closed"),
}


class PlaceMixin:
    """A municipality, with its region and coordinates copied for filtering and distances."""

    place_refnis: Mapped[str] = mapped_column(String(5))
    region: Mapped[str] = mapped_column(String(10))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class MaterialOffer(PlaceMixin, db.Model):
    """Goods or a service that a person or company offers."""

    __tablename__ = "material_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category: Mapped[MaterialCategory] = mapped_column(
        str_enum(MaterialCategory, "material_category"), index=True)
    description: Mapped[str] = mapped_column(String(MATERIAL_DESCRIPTION_MAX))
    available_from: Mapped[date] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[OfferStatus] = mapped_column(str_enum(OfferStatus, "offer_status", 16),
                                                default=OfferStatus.open, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    owner: Mapped[User] = relationship()


class MaterialNeed(PlaceMixin, db.Model):
    """Goods or a service an organisation is looking for."""

    __tablename__ = "material_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    category: Mapped[MaterialCategory] = mapped_column(
        str_enum(MaterialCategory, "material_category"), index=True)
    description: Mapped[str] = mapped_column(String(MATERIAL_DESCRIPTION_MAX))
    status: Mapped[MaterialNeedStatus] = mapped_column(
        str_enum(MaterialNeedStatus, "material_need_status", 16),
        default=MaterialNeedStatus.open, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    organisation: Mapped[Organisation] = relationship()


class PairingStatus(enum.StrEnum):
    proposed = "proposed"
    confirmed = "confirmed"
    declined = "declined"

    @property
    def label(self) -> str:
        return translated(PAIRING_STATUS_LABELS)[self]


PAIRING_STATUS_LABELS = {
    PairingStatus.proposed: lazy_pgettext("pairing status", "Waiting for confirmation"),
    PairingStatus.confirmed: lazy_pgettext("pairing status", "Confirmed by both sides"),
    PairingStatus.declined: lazy_pgettext("pairing status", "Declined"),
}


class MaterialPairing(db.Model):
    """An offer proposed for a material need; done once both sides have confirmed."""

    __tablename__ = "material_pairings"
    # At most one pairing waits for an answer per offer and per need.
    __table_args__ = tuple(
        Index(f"uq_material_pairings_waiting_{column}", column, unique=True,
              sqlite_where=text("status = 'proposed'"),
              postgresql_where=text("status = 'proposed'"))
        for column in ("offer_id", "need_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("material_offers.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(
        ForeignKey("material_needs.id", ondelete="CASCADE"), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[PairingStatus] = mapped_column(
        str_enum(PairingStatus, "pairing_status", 16), default=PairingStatus.proposed,
        index=True)
    owner_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    organisation_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    offer: Mapped[MaterialOffer] = relationship()
    need: Mapped[MaterialNeed] = relationship()
