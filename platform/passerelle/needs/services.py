"""Needs that organisations post for their programmes. Each change commits once."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, case, func, literal, or_, select
from sqlalchemy.orm import joinedload

from passerelle.accounts.models import User
from passerelle.core import access, audit
from passerelle.core.errors import NOT_FOUND, DomainError, NotFound
from passerelle.core.languages import mask_of
from passerelle.core.paging import CAP, Page, page_number
from passerelle.core.week import DAYS, PARTS, bit
from passerelle.data.places import EARTH_RADIUS_KM, Place
from passerelle.extensions import db
from passerelle.needs.models import Need, NeedStatus, Person, Urgency
from passerelle.organisations.models import Organisation, Programme, ProgrammeKind

STAFF_PAGE_SIZE = 50
KM_PER_DEGREE = 111.0
RADIANS_PER_DEGREE = math.pi / 180


TEXT_FIELDS = tuple(f"{name}_{code}" for name in ("title", "description")
                    for code in ("fr", "nl", "en"))


@dataclass
class NeedData:
    programme_id: int
    texts: dict[str, str]  # TEXT_FIELDS: the title and description in each language given
    people_needed: int
    languages: list[str]
    skills: list[str]
    place: Place
    starts_on: date | None
    ends_on: date | None
    grid: list[tuple[int, int]]  # (day, part) of the weekly schedule
    urgency: str
    person_id: int | None = None
    status: str = NeedStatus.open
    language_level: int = 2
    day_parts: int | None = None
    sector: str | None = None
    interests: list[str] = field(default_factory=list)
    centre: str | None = None


def set_place(record, place: Place | None) -> None:
    """Copy a municipality's code, region and coordinates onto a record."""
    record.place_refnis = place.refnis if place else None
    record.region = place.region if place else None
    record.lat, record.lon = (place.lat, place.lon) if place else (None, None)


def programmes_for_needs(organisation: Organisation) -> list[Programme]:
    return [programme for programme in organisation.programmes if programme.is_listed]


# What a need's row or card shows of its programme and organisation. Only these columns: their
# long texts and JSON facts, decoded on every row, were a fifth of the page's time.
CARD_PARENTS = (
    joinedload(Need.programme).load_only(Programme.slug, Programme.kind, Programme.name_fr,
                                         Programme.name_nl, Programme.name_en),
    joinedload(Need.organisation).load_only(Organisation.slug, Organisation.name),
)


def needs_of(user: User, organisation: Organisation, page: int = 1,
             per_page: int = STAFF_PAGE_SIZE) -> Page:
    """The organisation's needs, open ones first, newest first, a page at a time."""
    _check_manager(user, organisation)
    query = select(Need.id).where(Need.organisation_id == organisation.id)
    total = db.session.scalar(query.with_only_columns(func.count(Need.id))) or 0
    page = page_number(page, total, per_page)
    order = (Need.status != NeedStatus.open, Need.created_at.desc(), Need.id.desc())
    # The page's ids first, then its rows: as on the public page.
    chosen = query.order_by(*order).limit(per_page).offset((page - 1) * per_page)
    needs = db.session.scalars(select(Need).where(Need.id.in_(chosen)).order_by(*order)
                               .options(CARD_PARENTS[0]))
    return Page(list(needs), total, page, per_page)


def need_of(user: User, organisation: Organisation, need_id: int) -> Need:
    _check_manager(user, organisation)
    need = db.session.get(Need, need_id)
    if need is None or need.organisation_id != organisation.id:
        raise NotFound(NOT_FOUND)
    return need


def create_need(user: User, organisation: Organisation, data: NeedData, now: datetime) -> Need:
    _check_manager(user, organisation)
    need = Need(organisation=organisation, status=NeedStatus.open)
    person = _chosen_person(user, organisation, data)
    _fill(need, organisation, data)
    db.session.add(need)
    db.session.flush()
    _link(user, need, person, now)
    db.session.commit()
    return need


def update_need(user: User, need: Need, data: NeedData, now: datetime) -> Need:
    _check_manager(user, need.organisation)
    person = _chosen_person(user, need.organisation, data)
    _fill(need, need.organisation, data)
    need.status = NeedStatus(data.status)
    _link(user, need, person, now)
    db.session.commit()
    return need


def close_need(user: User, need: Need) -> Need:
    _check_manager(user, need.organisation)
    need.status = NeedStatus.closed
    db.session.commit()
    return need


_GRID = [(bit(day, part), f"{day}-{part}") for day in range(len(DAYS))
         for part in range(len(PARTS))]


def grid_of(need: Need) -> list[str]:
    """The weekly grid keys ("day-part") set in a need's schedule."""
    return [key for mask, key in _GRID if need.weekly_mask & mask]


HELP_PAGE_SIZE = 20
HELP_SORTS = ("urgency", "date", "distance")


def open_needs(on: date, kind: str | None = None, near: Place | None = None,
               within_km: int = 25, sort: str | None = None, page: int = 1,
               per_page: int = HELP_PAGE_SIZE, cap: int = CAP) -> Page:
    """Open needs of listed programmes for the public page, one page of them: its items
    are (need, distance in km or None) pairs.

    Sorted by urgency, by start date, or (with a place) by distance, the default then.
    The filters, the distance, the order and the page are in SQL: a box around the place
    that an index reads, then the exact distance on the rows left. Two queries: the count,
    then the page. The page's ids are
    chosen from the index's columns alone, then only its rows are read: sorting thousands
    of whole rows to keep twenty took most of the time (a join on a subquery instead of
    IN is as slow on SQLite, which then sorts every row). (A window count in the same query
    would copy every matching row before the limit: slower than two queries.)
    Nothing about the person a need is for.
    """
    listed = (select(Programme.id).join(Programme.organisation)
              .where(Programme.is_listed, Organisation.is_listed))
    if kind:
        listed = listed.where(Programme.kind == ProgrammeKind(kind))
    shown = [Need.status == NeedStatus.open, Need.programme_id.in_(listed),
             or_(Need.ends_on.is_(None), Need.ends_on >= on)]
    distance = literal(None) if near is None else _haversine(near)
    filters = shown if near is None else shown + _circle(near, within_km, distance)
    chosen_from = filters
    urgency_first = case({Urgency.high: 0, Urgency.normal: 1, Urgency.low: 2},
                         value=Need.urgency, else_=3)
    starts = func.coalesce(Need.starts_on, on)
    sort = sort if sort in HELP_SORTS else ("distance" if near is not None else "urgency")
    nearest_first = sort == "distance" and near is not None
    if nearest_first:
        order = (distance, urgency_first, Need.id)
    elif sort == "date":
        order = (starts, urgency_first, Need.id)
    else:
        order = (urgency_first, starts, Need.id)
    # Counted up to `cap` only (Page.more says there are more), in one query; by distance,
    # the same query counts (up to what the page needs) two smaller circles, and the page
    # is sorted from the smallest that holds it: the same page, since every need outside
    # is farther, and a far smaller sort (a thousand needs within 5 km of Brussels).
    counts = [_count_up_to(filters, cap + 1)]
    radii = (within_km / 10, within_km / 3) if nearest_first else ()
    wanted = min(max(page, 1) * per_page, cap)
    counts += [_count_up_to(shown + _circle(near, r, distance), wanted) for r in radii]
    found, *inside = db.session.execute(select(*counts)).one()
    total, more = min(found, cap), found > cap
    page = page_number(page, total, per_page)
    radius = next((r for r, n in zip(radii, inside, strict=True) if n >= page * per_page),
                  None)
    if radius is not None:
        chosen_from = shown + _circle(near, radius, distance)
    chosen = (select(Need.id).where(*chosen_from).order_by(*order)
              .limit(per_page).offset((page - 1) * per_page))
    rows = db.session.execute(
        select(Need, distance).where(Need.id.in_(chosen)).order_by(*order)
        .options(*CARD_PARENTS)).all()
    return Page([(need, None if h is None else _km(h)) for need, h in rows], total, page,
                per_page, more)


def _count_up_to(filters: list, cap: int):
    """How many rows match, counting no further than `cap`: a scalar subquery."""
    return (select(func.count()).select_from(select(Need.id).where(*filters).limit(cap)
                                             .subquery()).scalar_subquery())


def _circle(near: Place, within_km: float, distance) -> list:
    """The needs within `within_km` of `near`: a box that an index reads, then the exact
    distance on what is left."""
    return _box(near, within_km) + [distance <= _haversine_within(within_km)]


def _box(near: Place, within_km: float) -> list:
    dlat = within_km / KM_PER_DEGREE
    dlon = within_km / (KM_PER_DEGREE * max(math.cos(math.radians(near.lat)), 0.1))
    return [Need.lat.between(near.lat - dlat, near.lat + dlat),
            Need.lon.between(near.lon - dlon, near.lon + dlon)]


def _haversine_within(km: float) -> float:
    return math.sin(km / (2 * EARTH_RADIUS_KM)) ** 2


def _haversine(near: Place):
    """The haversine of the angle between `near` and a need, as an SQL expression: it grows
    with the distance, so the filter and the order use it without asin and sqrt per row.
    Written as (1 - cos(x)) / 2 with the degrees scaled by a constant: three calls of a
    function per row instead of ten."""
    def cos(degrees):  # typed as a float: SQLAlchemy would read a number as a Decimal
        return func.cos(degrees * RADIANS_PER_DEGREE, type_=Float)

    return ((1 - cos(Need.lat - near.lat)) / 2
            + math.cos(math.radians(near.lat)) * cos(Need.lat) * (1 - cos(Need.lon - near.lon)) / 2)


def _km(haversine: float) -> float:
    """The great-circle distance of a haversine, as data.places.distance_between gives it."""
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(haversine, 0.0), 1.0)))


def open_need_of(programme: Programme, need_id: int | None, on: date) -> Need | None:
    """The public need an "I can help" link names, if it is still open and the programme's."""
    if not need_id:
        return None
    need = db.session.get(Need, need_id)
    if (need is None or need.programme_id != programme.id or need.status != NeedStatus.open
            or not programme.is_listed or (need.ends_on and need.ends_on < on)):
        return None
    return need


def _check_manager(user: User, organisation: Organisation) -> None:
    if not access.can_manage_needs(user, organisation):
        raise NotFound(NOT_FOUND)


def _fill(need: Need, organisation: Organisation, data: NeedData) -> None:
    programme = db.session.get(Programme, data.programme_id)
    if programme is None or programme.organisation_id != organisation.id:
        raise DomainError(_l("Choose one of your organisation's programmes."), field="programme")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise DomainError(_l("The end date must not come before the start date."),
                          field="ends_on")
    need.programme = programme
    texts = {name: (data.texts.get(name) or "").strip() for name in TEXT_FIELDS}
    if not any(texts[f"title_{code}"] for code in ("fr", "nl", "en")):
        raise DomainError(_l("Give the title in at least one language."), field="title_fr")
    for name, value in texts.items():
        setattr(need, name, value)
    need.people_needed = data.people_needed
    need.languages = sorted(set(data.languages))
    need.language_mask = mask_of(need.languages)
    need.skills = sorted(set(data.skills))
    set_place(need, data.place)
    need.starts_on, need.ends_on = data.starts_on, data.ends_on
    need.weekly_mask = 0
    for day, part in data.grid:
        need.weekly_mask |= bit(day, part)
    need.urgency = Urgency(data.urgency)
    if data.day_parts and data.day_parts > need.weekly_mask.bit_count():
        raise DomainError(_l("No more than the moments chosen in the grid."), field="day_parts")
    need.day_parts = data.day_parts or None
    need.language_level = data.language_level
    need.sector = data.sector or None
    need.interests = sorted(set(data.interests))
    need.centre = data.centre or None


KEEP = object()


def _chosen_person(user: User, organisation: Organisation, data: NeedData):
    """The person the need is for, or KEEP when this editor may not see the organisation's
    people (an administrator, a network coordinator): then the link stays as it was."""
    if not access.can_register_people(user, organisation):
        return KEEP
    if data.person_id is None:
        return None
    person = db.session.get(Person, data.person_id)
    if person is None or person.organisation_id != organisation.id:
        raise DomainError(_l("Choose a person your organisation supports."), field="person")
    return person


def _link(user: User, need: Need, person, now: datetime) -> None:
    """Link the need to `person` (or to nobody); each change is in the people's audit log."""
    if person is KEEP or need.person_id == (person.id if person else None):
        return
    if need.person_id is not None:
        audit.log(user, "unlinked", db.session.get(Person, need.person_id), now)
    if person is not None:
        audit.log(user, "linked", person, now)
    need.person_id = person.id if person else None
