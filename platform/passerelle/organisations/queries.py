"""Read-only queries of the public directory."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased, defer, selectinload

from passerelle.accounts.models import User
from passerelle.core import access
from passerelle.core.audit import AuditEntry
from passerelle.core.text import slugify
from passerelle.data import places
from passerelle.extensions import db
from passerelle.organisations.models import (
    Invitation,
    MemberRole,
    Membership,
    Organisation,
    Programme,
    ProgrammeKind,
)


@dataclass(frozen=True)
class KindCount:
    kind: ProgrammeKind
    programmes: int


def listed_organisation_count() -> int:
    return db.session.scalar(select(func.count()).where(Organisation.is_listed)) or 0


def programme_kinds_with_counts() -> list[KindCount]:
    counts = dict(db.session.execute(
        select(Programme.kind, func.count()).where(Programme.is_listed).group_by(Programme.kind)
    ).all())
    return [KindCount(kind, counts.get(kind, 0)) for kind in ProgrammeKind]


def organisation_by_slug(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(
        Organisation.slug == slug, Organisation.is_listed))


def programme_by_slug(slug: str) -> Programme | None:
    return db.session.scalar(select(Programme).join(Organisation).where(
        Programme.slug == slug, Programme.is_listed, Organisation.is_listed))


def city_key(organisation: Organisation) -> str | None:
    """Where an organisation is, as a filter key: a municipality code, or a foreign city."""
    return organisation.place_refnis or organisation.city


def place_label(key: str, locale: str) -> str:
    place = places.by_refnis(key)
    return place.name(locale) if place else key


# The City of Brussels (typed "Bruxelles", "Brussel", "Brussels" or 1000) stands for the
# region: someone looking for a programme "in Brussels" means any of its 19 municipalities.
BRUSSELS_CITY = "21004"


def search_directory(kind: str | None, near: places.Place | None, within_km: int,
                     text: str | None) -> list[Organisation]:
    """Listed organisations running a programme of `kind`, present within `within_km` of
    `near` (the organisation's own place or one of its programmes'), matching `text`."""
    query = select(Organisation).where(Organisation.is_listed).order_by(
        func.lower(Organisation.name)).options(
        # The list needs neither the sources nor the programmes' texts and facts.
        defer(Organisation.seed_sources),
        selectinload(Organisation.programmes).load_only(
            Programme.kind, Programme.is_listed, Programme.cities, Programme.audiences,
            Programme.organisation_id))
    if kind:
        query = query.where(Organisation.programmes.any(
            (Programme.kind == kind) & Programme.is_listed))
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(or_(
            func.lower(Organisation.name).like(pattern),
            func.lower(Organisation.full_name).like(pattern),
            func.lower(Organisation.description_fr).like(pattern),
            func.lower(Organisation.description_nl).like(pattern),
            func.lower(Organisation.description_en).like(pattern),
            Organisation.programmes.any(or_(
                func.lower(Programme.name_fr).like(pattern),
                func.lower(Programme.name_nl).like(pattern),
                func.lower(Programme.name_en).like(pattern))),
        ))
    found = db.session.scalars(query).all()
    if near is not None:
        found = [organisation for organisation in found
                 if any(_is_near(key, near, within_km) for key in _places_of(organisation))]
    return list(found)


def _is_near(key: str, near: places.Place, within_km: int) -> bool:
    place = places.by_refnis(key)  # None for a city abroad
    if place is None:
        return False
    if near.refnis == BRUSSELS_CITY and place.region == near.region:
        return True
    return places.distance_km(near, place) <= within_km


def information_only(organisation: Organisation) -> bool:
    """Its listed programmes only inform and advise: nobody signs up to volunteer."""
    programmes = listed_programmes(organisation)
    return bool(programmes) and all(p.kind == ProgrammeKind.information for p in programmes)


def with_audience(organisations: list[Organisation], audience: str | None) -> list[Organisation]:
    """Those running a listed programme for this audience (all of them without one)."""
    if not audience:
        return organisations
    return [organisation for organisation in organisations
            if any(audience in (programme.audiences or [])
                   for programme in listed_programmes(organisation))]


def listed_programmes(organisation: Organisation) -> list[Programme]:
    return [programme for programme in organisation.programmes if programme.is_listed]


def members_of(organisation: Organisation) -> list[Membership]:
    return list(db.session.scalars(select(Membership).where(
        Membership.organisation_id == organisation.id).options(selectinload(Membership.user))
        .order_by(Membership.role, Membership.id)))


def coordinators_of(organisation: Organisation) -> list[Membership]:
    """The organisation's own coordinators (not its networks')."""
    return [member for member in members_of(organisation)
            if member.role == MemberRole.coordinator]


def open_invitations(organisation: Organisation, now: datetime) -> list[Invitation]:
    """Invitations neither accepted, revoked nor expired: approved or waiting for approval."""
    return list(db.session.scalars(select(Invitation).where(
        Invitation.organisation_id == organisation.id, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .options(selectinload(Invitation.invited_by)).order_by(Invitation.id)))


@dataclass(frozen=True)
class TeamChange:
    entry: AuditEntry
    about: str  # the member's name, or the invited address


def team_changes(organisation: Organisation, limit: int = 30) -> list[TeamChange]:
    """The latest changes to the team, from the audit log: memberships and invitations."""
    emails = dict(db.session.execute(select(Invitation.id, Invitation.email).where(
        Invitation.organisation_id == organisation.id)).all())
    entries = db.session.scalars(select(AuditEntry).where(or_(
        (AuditEntry.record_type == Organisation.audit_type)
        & (AuditEntry.record_id == organisation.id),
        (AuditEntry.record_type == Invitation.audit_type)
        & AuditEntry.record_id.in_(list(emails)))).options(
        selectinload(AuditEntry.user), selectinload(AuditEntry.subject_user))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit))
    def about(entry):
        if entry.record_type == Invitation.audit_type:
            return emails.get(entry.record_id, "")
        return entry.subject_user.name if entry.subject_user else ""

    return [TeamChange(entry, about(entry)) for entry in entries]


def coordinated_programmes(user) -> list[Programme]:
    """The listed programmes this person coordinates (access.can_coordinate_programme)."""
    return list(db.session.scalars(select(Programme).join(Organisation).where(
        Programme.is_listed, access.coordinated_programmes_clause(user))
        .order_by(func.lower(Organisation.name), Programme.id)))


def new_programme_slug(organisation: Organisation, name: str) -> str:
    """A readable, unused slug: organisation slug and programme name."""
    base = f"{organisation.slug}-{slugify(name)}"[:70].strip("-")
    slug, n = base, 1
    while db.session.scalar(select(Programme.id).where(Programme.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _listed_with_programmes() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.is_listed).options(
        selectinload(Organisation.programmes))))


def _places_of(organisation: Organisation) -> set[str]:
    keys = {key for key in [city_key(organisation)] if key}
    for programme in listed_programmes(organisation):
        keys.update(programme.cities)
    return keys


def sole_coordinator_of(user) -> list[Organisation]:
    """Organisations where this person is the only coordinator."""
    others = aliased(Membership)
    return list(db.session.scalars(select(Organisation).join(
        Membership, Membership.organisation_id == Organisation.id).where(
        Membership.user_id == user.id, Membership.role == MemberRole.coordinator,
        ~exists().where(others.organisation_id == Organisation.id,
                        others.role == MemberRole.coordinator, others.user_id != user.id))
        .order_by(func.lower(Organisation.name))))


@dataclass(frozen=True)
class InstanceCounts:
    organisations: int
    unlisted: int
    accounts: int
    unconfirmed: int
    without_coordinator: list[Organisation]  # the first few, for links
    without_coordinator_count: int


def instance_counts(limit: int = 10) -> InstanceCounts:
    """What an administrator's home shows: counts, and the listed organisations that have
    no coordinator yet (an administrator names the first one)."""
    listed = dict(db.session.execute(select(Organisation.is_listed, func.count())
                                     .group_by(Organisation.is_listed)).all())
    accounts = dict(db.session.execute(select(User.email_confirmed_at.is_not(None), func.count())
                                       .group_by(User.email_confirmed_at.is_not(None))).all())
    has_coordinator = exists().where(Membership.organisation_id == Organisation.id,
                                     Membership.role == MemberRole.coordinator)
    orphans = select(Organisation).where(Organisation.is_listed, ~has_coordinator)
    count = db.session.scalar(select(func.count()).select_from(orphans.subquery())) or 0
    first = list(db.session.scalars(orphans.order_by(func.lower(Organisation.name)).limit(limit)))
    return InstanceCounts(listed.get(True, 0), listed.get(False, 0),
                          sum(accounts.values()), accounts.get(False, 0), first, count)
