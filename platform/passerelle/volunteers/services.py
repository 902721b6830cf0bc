"""Saving a volunteer's profile and hosting offer. Each operation commits once."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from passerelle.accounts.models import User
from passerelle.core.languages import mask_of
from passerelle.core.week import mask_of_range
from passerelle.data.places import Place
from passerelle.extensions import db
from passerelle.volunteers.choices import PART_RANGES
from passerelle.volunteers.models import (
    AvailabilitySlot,
    FreePeriod,
    HostingOffer,
    SpokenLanguage,
    VolunteerProfile,
)


@dataclass
class ProfileData:
    place: Place | None
    travel_km: int
    languages: list[tuple[str, int]]  # (code, level)
    grid: list[tuple[int, int]]  # (day, part)
    skills: list[str]
    sector: str | None
    interests: list[str]
    birth_date: date | None
    max_matches: int
    practises: list[str] = field(default_factory=list)  # language exchange
    newcomer: bool = False


@dataclass
class HostingData:
    accompaniment_only: bool
    rooms: int
    beds: int
    guest_kinds: list[str]
    notes: str
    periods: list[tuple[date, date]]


def profile_of(user: User) -> VolunteerProfile | None:
    return db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))


def profile_for_review(user: User) -> VolunteerProfile | None:
    """A volunteer's profile with its languages, availability and hosting offer (with its
    free periods) loaded, for a coordinator's review page."""
    return db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id)
                             .options(selectinload(VolunteerProfile.languages),
                                      selectinload(VolunteerProfile.hosting)
                                      .selectinload(HostingOffer.free_periods)))


def save_profile(user: User, data: ProfileData) -> VolunteerProfile:
    profile = profile_of(user) or VolunteerProfile(user=user)
    db.session.add(profile)
    place = data.place
    profile.place_refnis = place.refnis if place else None
    profile.region = place.region if place else None
    profile.lat, profile.lon = (place.lat, place.lon) if place else (None, None)
    profile.travel_km = data.travel_km
    profile.languages = [SpokenLanguage(code=code, level=level) for code, level in data.languages]
    profile.language_mask = mask_of(code for code, _level in data.languages)
    profile.availability = [
        AvailabilitySlot(weekday=day, start_minute=PART_RANGES[part][0],
                         end_minute=PART_RANGES[part][1]) for day, part in sorted(data.grid)]
    profile.availability_mask = 0
    for slot in profile.availability:
        profile.availability_mask |= mask_of_range(slot.weekday, slot.start_minute,
                                                   slot.end_minute)
    profile.skills, profile.interests = sorted(data.skills), sorted(data.interests)
    profile.sector, profile.birth_date = data.sector, data.birth_date
    profile.max_matches = data.max_matches
    profile.practises, profile.newcomer = sorted(data.practises), data.newcomer
    db.session.commit()
    return profile


def save_hosting(user: User, data: HostingData) -> HostingOffer:
    profile = profile_of(user) or VolunteerProfile(user=user)
    db.session.add(profile)
    offer = profile.hosting or HostingOffer(profile=profile)
    db.session.add(offer)
    offer.accompaniment_only = data.accompaniment_only
    offer.rooms, offer.beds = (0, 0) if data.accompaniment_only else (data.rooms, data.beds)
    offer.guest_kinds, offer.notes = sorted(data.guest_kinds), data.notes.strip()
    offer.free_periods = [] if data.accompaniment_only else [
        FreePeriod(starts_on=start, ends_on=end) for start, end in sorted(data.periods)]
    db.session.commit()
    return offer


def grid_of(profile: VolunteerProfile) -> list[str]:
    """The grid keys ("day-part") that a profile's weekly slots cover."""
    return [f"{slot.weekday}-{PART_RANGES.index((slot.start_minute, slot.end_minute))}"
            for slot in profile.availability
            if (slot.start_minute, slot.end_minute) in PART_RANGES]


def completeness(profile: VolunteerProfile | None) -> tuple[int, list[str]]:
    """How complete a profile is, in percent, and which sections are still empty."""
    if profile is None:
        return 0, ["place", "languages", "availability", "skills", "birth_date"]
    missing = [name for name, filled in (
        ("place", profile.place_refnis), ("languages", profile.languages),
        ("availability", profile.availability),
        ("skills", profile.skills or profile.interests or profile.sector),
        ("birth_date", profile.birth_date)) if not filled]
    return 100 - 20 * len(missing), missing


def forget(user: User) -> None:
    """Erase the profile with its languages, availability, hosting offer and free periods.
    Does not commit: the erasure (privacy.services) commits once."""
    profile = profile_of(user)
    if profile is not None:
        db.session.delete(profile)
