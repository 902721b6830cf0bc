"""Organisations, their programmes, networks and the people who work for them."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passerelle.accounts.models import EMAIL_MAX, User
from passerelle.core.i18n import localized, translated
from passerelle.core.types import UTCDateTime, str_enum
from passerelle.extensions import db


class OrganisationKind(enum.StrEnum):
    ngo = "ngo"
    network = "network"
    public_social_service = "public_social_service"
    citizen_initiative = "citizen_initiative"
    health_centre = "health_centre"
    student_group = "student_group"

    @property
    def label(self) -> str:
        return translated(ORGANISATION_KIND_LABELS)[self]


ORGANISATION_KIND_LABELS = {
    OrganisationKind.ngo: _l("Non-governmental organisation"),
    OrganisationKind.network: _l("Network"),
    OrganisationKind.public_social_service: _l("Public social service"),
    OrganisationKind.citizen_initiative: _l("Citizen initiative"),
    OrganisationKind.health_centre: _l("Health centre"),
    OrganisationKind.student_group: _l("Student group"),
}


class ProgrammeKind(enum.StrEnum):
    detention_visits = "detention_visits"
    sponsorship = "sponsorship"
    housing_hosting = "housing_hosting"
    housing_search_support = "housing_search_support"
    mentoring = "mentoring"
    language_exchange = "language_exchange"
    activities = "activities"
    material_offers = "material_offers"
    training = "training"
    information = "information"

    @property
    def label(self) -> str:
        return translated(PROGRAMME_KIND_LABELS)[self]

    @property
    def summary(self) -> str:
        return str(PROGRAMME_KIND_SUMMARIES[self])


PROGRAMME_KIND_LABELS = {
    ProgrammeKind.detention_visits: _l("Detention visits"),
    ProgrammeKind.sponsorship: _l("Sponsorship"),
    ProgrammeKind.housing_hosting: _l("Housing hosting"),
    ProgrammeKind.housing_search_support: _l("Housing search support"),
    ProgrammeKind.mentoring: _l("Mentoring"),
    ProgrammeKind.language_exchange: _l("Language exchange"),
    ProgrammeKind.activities: _l("Activities and events"),
    ProgrammeKind.material_offers: _l("Material offers"),
    ProgrammeKind.training: _l("Training"),
    ProgrammeKind.information: _l("Information only"),
}

PROGRAMME_KIND_SUMMARIES = {
    ProgrammeKind.detention_visits: _l("Visitors meet people held in detention centres."),
    ProgrammeKind.sponsorship: _l(
        "After signing a charter, sponsors keep company with families waiting in their town."),
    ProgrammeKind.housing_hosting: _l(
        "Hosts open a room for stays of fixed length; others accompany the guests."),
    ProgrammeKind.housing_search_support: _l(
        "Volunteers staff drop-in sessions that help recognised refugees find a home."),
    ProgrammeKind.mentoring: _l("An experienced adult and a young person work together as a duo."),
    ProgrammeKind.language_exchange: _l(
        "Two people who share a passion exchange their languages as equals."),
    ProgrammeKind.activities: _l(
        "One-off and recurring events and shifts: meals, workshops, consultations, awareness."),
    ProgrammeKind.material_offers: _l(
        "People and companies offer goods and services that are matched to needs."),
    ProgrammeKind.training: _l(
        "Training sessions for volunteers and professionals who support refugees."),
    ProgrammeKind.information: _l(
        "Information, advice and advocacy: no volunteer matching."),
}


class MemberRole(enum.StrEnum):
    staff = "staff"
    coordinator = "coordinator"

    @property
    def label(self) -> str:
        return translated(MEMBER_ROLE_LABELS)[self]


MEMBER_ROLE_LABELS = {
    MemberRole.staff: _l("Staff"),
    MemberRole.coordinator: _l("Coordinator"),
}


class TextsMixin:
    """Texts kept in French, Dutch and English, read back in the current locale."""

    def text(self, field: str, locale: str) -> str:
        return localized({code: getattr(self, f"{field}_{code}") for code in ("fr", "nl", "en")},
                         locale)


DEFAULT_RETENTION_MONTHS = 24
MAX_RETENTION_MONTHS = 120


class NetworkMembership(db.Model):
    """An organisation belongs to a network (itself an organisation of kind network)."""

    __tablename__ = "network_memberships"
    __table_args__ = (UniqueConstraint("network_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    is_coordinator: Mapped[bool] = mapped_column(default=False)

    network: Mapped["Organisation"] = relationship(foreign_keys=[network_id])
    member: Mapped["Organisation"] = relationship(foreign_keys=[member_id])


class Organisation(TextsMixin, db.Model):
    __tablename__ = "organisations"
    # Changes to the team are logged against the organisation, naming the member, so that
    # the entry still says who and where once a membership is deleted.
    audit_type = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind, "organisation_kind"))
    country: Mapped[str] = mapped_column(String(2), default="BE")
    city: Mapped[str | None] = mapped_column(String(120))
    place_refnis: Mapped[str | None] = mapped_column(String(5), index=True)
    postcode: Mapped[str | None] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    website: Mapped[str | None] = mapped_column(String(300))
    # Who to call about a stay, day and night: shown on each stay's page.
    emergency_contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    founded: Mapped[int | None]
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # Organisations removed from the seed file are unlisted, never deleted with what hangs on them.
    is_listed: Mapped[bool] = mapped_column(default=True)
    # Set once its coordinators edit the profile here: from then on `flask seed` leaves it.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The longest its staff may keep the record of a person it supports, from today.
    max_retention_months: Mapped[int] = mapped_column(
        SmallInteger, default=DEFAULT_RETENTION_MONTHS,
        server_default=str(DEFAULT_RETENTION_MONTHS))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    # Where the seed directory's text comes from: {"files": [seed file names], "claims":
    # {field: {"seed", "quote"}}, "printed": {contact field: the text as the seed prints it}}.
    seed_sources: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))

    programmes: Mapped[list["Programme"]] = relationship(
        back_populates="organisation", order_by="Programme.id")
    networks: Mapped[list[NetworkMembership]] = relationship(
        foreign_keys=[NetworkMembership.member_id], viewonly=True)
    members: Mapped[list[NetworkMembership]] = relationship(
        foreign_keys=[NetworkMembership.network_id], viewonly=True)

    @property
    def is_network(self) -> bool:
        return self.kind == OrganisationKind.network

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Programme(TextsMixin, db.Model):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ProgrammeKind] = mapped_column(str_enum(ProgrammeKind, "programme_kind"),
                                                index=True)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_fr: Mapped[str] = mapped_column(Text, default="")
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    cities: Mapped[list[str]] = mapped_column(JSON, default=list)
    since: Mapped[int | None]
    # Kind-specific facts from the organisation (see organisations/facts.py).
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    is_listed: Mapped[bool] = mapped_column(default=True)
    # Set once its organisation edits or creates it here: from then on `flask seed` leaves it.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who it is for: keys of organisations/audiences.py AUDIENCES.
    audiences: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # The programme's own contact, when the seed gives one: {"name", "phone", "email"}.
    contact: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    # Each seed fact, requirement, place, year or audience: {claim: {"seed", "quote"}}.
    seed_sources: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    # The coordinators' choices where the platform has a default (programmes/defaults.py).
    platform_settings: Mapped[dict] = mapped_column(JSON, default=dict,
                                                    server_default=text("'{}'"))

    organisation: Mapped[Organisation] = relationship(back_populates="programmes")

    def __repr__(self) -> str:
        return f"<Programme {self.slug}>"


class Membership(db.Model):
    """A person works for an organisation as staff or coordinator."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole, "member_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()


class Invitation(db.Model):
    """An invitation to join an organisation with a role, accepted through a signed link.

    It can be accepted once approved: sent by one of the organisation's own coordinators,
    approved by one of them later, or naming the first coordinator of an organisation that
    has none (by an administrator). Revoked or refused, its link no longer works.
    """

    __tablename__ = "invitations"
    audit_type = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole, "member_role"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                      index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        """Neither accepted nor revoked (it may have expired)."""
        return self.accepted_at is None and self.revoked_at is None
