"""From the database to the planner's plain data: a hosting programme's waiting guests, its
hosts with their rooms and free periods, and the stays that already hold rooms.

Read-only. Who is waiting: a person helped referred to the programme (or registered by its
own organisation) with the nights they need a home for, still to come, and no trajectory
under way."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select

from passerelle.accounts.models import User
from passerelle.extensions import db
from passerelle.hosting import compatibility
from passerelle.hosting.models import HOLDING, Phase, Stay, Trajectory, TrajectoryStatus
from passerelle.matching import loading as matching_loading
from passerelle.matching import rules
from passerelle.matching import trajectories as planner
from passerelle.needs.models import Person
from passerelle.organisations.models import Programme
from passerelle.volunteers.models import HostingOffer, VolunteerProfile

DEFAULT_STAY_WEEKS = 8
# A guest flagged isolated counts as if they had waited this many more days.
ISOLATED_DAYS = 60
UNDER_WAY = (TrajectoryStatus.proposed, TrajectoryStatus.approved)


def max_nights(programme: Programme) -> int:
    return (matching_loading.max_stay_days(programme) or DEFAULT_STAY_WEEKS * 7)


def common_language(programme: Programme) -> bool:
    """A common language is asked unless the programme's coordinators turned it off."""
    return (programme.platform_settings or {}).get("common_language", True)


def waiting_people(programme: Programme, today: date) -> list[Person]:
    """The guests still to plan, those who waited longest first."""
    under_way = select(Trajectory.person_id).where(Trajectory.programme_id == programme.id,
                                                   Trajectory.status.in_(UNDER_WAY))
    return list(db.session.scalars(
        select(Person).where(
            or_(Person.referred_to_id == programme.id,
                Person.organisation_id == programme.organisation_id),
            Person.housing_from.is_not(None), Person.housing_until >= today,
            Person.id.not_in(under_way))
        .order_by(Person.waiting_since, Person.id)))


def nights_of(person: Person, programme: Programme, today: date) -> tuple[date, date]:
    """The nights to plan: from the first one still to come; an immersion lasts the
    programme's immersion weeks (one by default)."""
    # Dates cleared on the person since their trajectory was planned: the trajectory's
    # own nights stand (a re-plan passes them), from today.
    first = max(person.housing_from or today, today)
    last = person.housing_until or first
    if person.phase == Phase.immersion:
        weeks = (programme.facts or {}).get("immersion_weeks") or 1
        last = min(last, first + timedelta(days=7 * weeks - 1))
    return first, last


def guest_facts(person: Person, programme: Programme, today: date,
                first: date | None = None) -> compatibility.GuestFacts:
    start, last = nights_of(person, programme, today)
    return compatibility.GuestFacts(
        id=person.id, first_night=max(first or start, start), last_night=last,
        household_size=person.household_size, guest_kind=person.guest_kind,
        languages=tuple(person.languages or ()),
        point=(person.lat, person.lon) if person.lat is not None else None,
        priority=(today - person.waiting_since).days + (ISOLATED_DAYS if person.isolated else 0))


_ANY_NEED = rules.Need(id=0, organisation_id=0)


def _ready(programme: Programme, today: date) -> dict[int, rules.Volunteer]:
    """The programme's volunteers whose application the matching rules let through."""
    return {uid: v for uid, v in matching_loading.volunteers(programme, today).items()
            if rules.application(v, _ANY_NEED) is None}


def hosts(programme: Programme, today: date) -> list[compatibility.HostFacts]:
    """The programme's hosts the matching rules let through, with a room to offer."""
    ready = {uid: v for uid, v in _ready(programme, today).items() if v.free_periods}
    if not ready:
        return []
    offers = {row.user_id: row for row in db.session.execute(
        select(VolunteerProfile.user_id, HostingOffer.rooms, HostingOffer.beds,
               HostingOffer.guest_kinds)
        .join(HostingOffer, HostingOffer.profile_id == VolunteerProfile.id)
        .where(VolunteerProfile.user_id.in_(list(ready)), HostingOffer.rooms > 0,
               HostingOffer.accompaniment_only.is_(False)))}
    return [compatibility.HostFacts(
        id=uid, rooms=offers[uid].rooms, beds=offers[uid].beds or 0,
        guest_kinds=frozenset(offers[uid].guest_kinds or ()), languages=dict(v.languages),
        point=v.point, free=v.free_periods)
        for uid, v in sorted(ready.items()) if uid in offers]


def held(programme: Programme, today: date) -> list[planner.Stay]:
    """The stays that hold a room from today on (proposed, asked or accepted)."""
    return [planner.Stay(s.person_id, s.host_id, s.first_night, s.last_night)
            for s in db.session.scalars(select(Stay).where(
                Stay.programme_id == programme.id, Stay.status.in_(HOLDING),
                Stay.last_night >= today))]


@dataclass(frozen=True)
class Companion:
    id: int
    name: str
    km: int
    common_language: bool


def companions(programme: Programme, person: Person, today: date) -> list[Companion]:
    """The programme's volunteers who accompany guests without hosting, ready for it (the
    matching rules), those who share a language with the guest first, then the nearest."""
    ready = _ready(programme, today)
    if not ready:
        return []
    rows = db.session.execute(
        select(VolunteerProfile.user_id, User.name)
        .join(User, User.id == VolunteerProfile.user_id)
        .join(HostingOffer, HostingOffer.profile_id == VolunteerProfile.id)
        .where(VolunteerProfile.user_id.in_(list(ready)),
               HostingOffer.accompaniment_only.is_(True)))
    guest = compatibility.GuestFacts(
        id=person.id, first_night=today, last_night=today,
        languages=tuple(person.languages or ()),
        point=(person.lat, person.lon) if person.lat is not None else None)
    found = []
    for user_id, name in rows:
        volunteer = ready[user_id]
        host = compatibility.HostFacts(id=user_id, rooms=0, languages=dict(volunteer.languages),
                                       point=volunteer.point)
        found.append(Companion(user_id, name, compatibility.km_between(host, guest),
                               compatibility.welcomes(host, guest, common_language=True)))
    return sorted(found, key=lambda c: (not c.common_language, c.km, c.id))
