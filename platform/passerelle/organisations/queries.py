"""Read-only queries of the public directory."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from passerelle.core import access
from passerelle.core.text import slugify
from passerelle.data import places
from passerelle.extensions import db
from passerelle.organisations.models import (
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


def city_choices(locale: str) -> list[tuple[str, str]]:
    """Every place where a listed organisation or programme is, for the directory filter."""
    keys = set()
    for organisation in _listed_with_programmes():
        keys.update(_places_of(organisation))
    return sorted(((key, place_label(key, locale)) for key in keys),
                  key=lambda pair: pair[1].casefold())


def search_directory(kind: str | None, city: str | None, text: str | None) -> list[Organisation]:
    """Listed organisations running a programme of `kind`, present in `city`, matching `text`."""
    query = select(Organisation).where(Organisation.is_listed).order_by(
        func.lower(Organisation.name)).options(selectinload(Organisation.programmes))
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
    if city:
        found = [organisation for organisation in found if city in _places_of(organisation)]
    return list(found)


def listed_programmes(organisation: Organisation) -> list[Programme]:
    return [programme for programme in organisation.programmes if programme.is_listed]


def members_of(organisation: Organisation) -> list[Membership]:
    return list(db.session.scalars(select(Membership).where(
        Membership.organisation_id == organisation.id).options(selectinload(Membership.user))
        .order_by(Membership.role, Membership.id)))


def memberships_of(user) -> list[Membership]:
    return list(db.session.scalars(select(Membership).join(Organisation).where(
        Membership.user_id == user.id).options(selectinload(Membership.organisation))
        .order_by(func.lower(Organisation.name))))


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
