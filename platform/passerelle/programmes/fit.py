"""Which programmes fit what a volunteer offers: by kind, place and language.

Pure: plain data in, programme ids out, so that matching can reuse the rule. The full
rules (requirements, availability, dates) come with matching.
"""

from dataclasses import dataclass

from passerelle.data.places import distance_between

# A hosting offer is for housing hosting; a profile for every kind that takes volunteers
# (information only and material offers do not), housing hosting only for those who offer
# a room or accompaniment.
HOSTING_KINDS = frozenset({"housing_hosting"})
VOLUNTEER_KINDS = frozenset({
    "detention_visits", "sponsorship", "housing_hosting", "housing_search_support",
    "mentoring", "language_exchange", "activities", "training"})


@dataclass(frozen=True)
class Volunteer:
    hosting: bool  # what was saved is a hosting offer, not a profile
    point: tuple[float, float] | None  # the municipality's coordinates; None: no place given
    travel_km: int
    languages: frozenset[str]
    hosts: bool = False  # has a hosting offer (a room, or accompaniment only)


@dataclass(frozen=True)
class Candidate:
    id: int
    kind: str
    # Coordinates of the programme's Belgian municipalities. `placed` is False when the
    # programme names no place at all (it is open wherever the volunteer lives).
    points: tuple[tuple[float, float], ...]
    placed: bool
    # Languages the programme or its open needs state; empty: none stated.
    languages: frozenset[str]


def fits(volunteer: Volunteer, candidate: Candidate) -> bool:
    if volunteer.hosting:
        kinds = HOSTING_KINDS
    else:
        kinds = VOLUNTEER_KINDS if volunteer.hosts else VOLUNTEER_KINDS - HOSTING_KINDS
    if candidate.kind not in kinds:
        return False
    if candidate.placed and not _within_reach(volunteer, candidate.points):
        return False
    return not candidate.languages or bool(candidate.languages & volunteer.languages)


def fitting(volunteer: Volunteer, candidates: list[Candidate]) -> list[int]:
    """The ids of the candidates that fit, in the order given."""
    return [candidate.id for candidate in candidates if fits(volunteer, candidate)]


def _within_reach(volunteer: Volunteer, points) -> bool:
    if volunteer.point is None:
        return False
    lat, lon = volunteer.point
    return any(distance_between(lat, lon, p_lat, p_lon) <= volunteer.travel_km
               for p_lat, p_lon in points)
