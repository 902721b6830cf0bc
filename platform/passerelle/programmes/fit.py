"""Which programmes fit a volunteer's profile, by kind, place and language. Pure logic.

A first, simple filter for the volunteer's home; the full rules come with matching.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from passerelle.data.places import distance_between

# Kinds that take no volunteers' applications: information only, and material offers
# (posted from the offers page, not applied for).
NOT_FOR_APPLICATIONS = ("information", "material_offers")


@dataclass(frozen=True)
class Volunteer:
    lat: float | None
    lon: float | None
    travel_km: int
    languages: frozenset[str]
    hosts: bool  # has a hosting offer (a room, or accompaniment)


@dataclass(frozen=True)
class Offer:
    kind: str
    places: tuple[tuple[float, float], ...]  # coordinates of its Belgian municipalities
    abroad_only: bool  # it names places, none of them in Belgium
    languages: frozenset[str]  # languages it names (a sponsorship's families'), or none


def fits(volunteer: Volunteer, offer: Offer) -> bool:
    return (_kind_fits(volunteer, offer.kind) and _place_fits(volunteer, offer)
            and _language_fits(volunteer.languages, offer.languages))


def _kind_fits(volunteer: Volunteer, kind: str) -> bool:
    if kind in NOT_FOR_APPLICATIONS:
        return False
    return kind != "housing_hosting" or volunteer.hosts


def _place_fits(volunteer: Volunteer, offer: Offer) -> bool:
    """A programme without a place fits everyone; one abroad fits no one; otherwise one of
    its municipalities lies within the volunteer's travel distance (unknown: all fit)."""
    if offer.abroad_only:
        return False
    if not offer.places or volunteer.lat is None or volunteer.lon is None:
        return True
    return any(distance_between(volunteer.lat, volunteer.lon, lat, lon) <= volunteer.travel_km
               for lat, lon in offer.places)


def _language_fits(spoken: Iterable[str], named: frozenset[str]) -> bool:
    spoken = frozenset(spoken)
    return not named or not spoken or bool(spoken & named)
