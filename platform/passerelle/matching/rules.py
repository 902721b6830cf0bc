"""The hard rules: may this volunteer be proposed for this need? Pure: plain data in.

Each rule is a small function that passes (None) or refuses with a `Refusal`: a stable
code and the details its sentence names (matching/reasons.py puts them in words). The
rules run in a fixed order and a pair is refused for the first rule it fails, so that
the counts of excluded volunteers add up and tell an organisation whom to recruit.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from passerelle.data.places import distance_between
from passerelle.programmes.eligibility import Finding

# Statuses of an application that end it: the volunteer is not available to the programme.
ENDED = frozenset({"refused", "withdrawn", "suspended"})
# The level asked for by default: conversational (1 basic ... 4 mother tongue).
CONVERSATIONAL = 2


class Rule(enum.StrEnum):
    application = "application"
    already = "already"
    accreditation = "accreditation"
    language = "language"
    distance = "distance"
    availability = "availability"
    dates = "dates"
    skills = "skills"
    load = "load"
    excluded = "excluded"


@dataclass(frozen=True)
class Refusal:
    rule: Rule
    detail: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Volunteer:
    id: int  # the user's id
    application: str  # the status of their application to the need's programme
    gaps: tuple[Finding, ...] = ()  # eligibility gaps today, first one named
    accredited: frozenset[str] = frozenset()  # centres with a valid accreditation today
    languages: Mapping[str, int] = field(default_factory=dict)  # code -> level 1-4
    point: tuple[float, float] | None = None
    travel_km: int = 15
    availability: int = 0  # day parts, bits as in core.week
    free_periods: tuple[tuple[date, date], ...] = ()  # a room free, both ends included
    skills: frozenset[str] = frozenset()
    sector: str | None = None
    interests: frozenset[str] = frozenset()
    max_matches: int = 1
    current: int = 0  # matches proposed, approved or active now
    matched_needs: frozenset[int] = frozenset()  # needs with a live match
    matched_people: frozenset[int] = frozenset()  # people helped with a live match
    exclusions: Mapping[int, str] = field(default_factory=dict)  # organisation id -> reason


@dataclass(frozen=True)
class Need:
    id: int
    organisation_id: int
    centre: str | None = None  # a detention centre the visits are at
    languages: tuple[str, ...] = ()  # asked by the need
    person_languages: tuple[str, ...] = ()  # of the person helped, mother tongue first
    language_level: int = CONVERSATIONAL
    point: tuple[float, float] | None = None
    weekly_mask: int = 0
    day_parts: int | None = None  # at least this many of its day parts; None: all
    hosting: bool = False  # a stay in a host's home: the room must be free for it
    starts_on: date | None = None
    ends_on: date | None = None
    max_stay_days: int | None = None  # the programme's maximum per home
    skills: frozenset[str] = frozenset()
    person_id: int | None = None
    sector: str | None = None
    interests: frozenset[str] = frozenset()
    urgency: str = "normal"
    waiting_days: int = 0
    isolated: bool = False
    no_outside_contact: bool = False


def application(volunteer: Volunteer, need: Need) -> Refusal | None:
    if volunteer.application in ENDED:
        return Refusal(Rule.application, {"status": volunteer.application})
    if volunteer.gaps:
        return Refusal(Rule.application, {"finding": volunteer.gaps[0]})
    if volunteer.application != "active":
        return Refusal(Rule.application, {"status": volunteer.application})
    return None


def accreditation(volunteer: Volunteer, need: Need) -> Refusal | None:
    if need.centre and need.centre not in volunteer.accredited:
        return Refusal(Rule.accreditation, {"centre": need.centre})
    return None


def wanted_languages(need: Need) -> tuple[str, ...]:
    """The need's languages, then the person's not already named."""
    return need.languages + tuple(code for code in need.person_languages
                                  if code not in need.languages)


def language(volunteer: Volunteer, need: Need) -> Refusal | None:
    wanted = wanted_languages(need)
    if not wanted or any(volunteer.languages.get(code, 0) >= need.language_level
                         for code in wanted):
        return None
    return Refusal(Rule.language, {"languages": wanted, "level": need.language_level})


def distance_km(volunteer: Volunteer, need: Need) -> float | None:
    if volunteer.point is None or need.point is None:
        return None
    return distance_between(*volunteer.point, *need.point)


def distance(volunteer: Volunteer, need: Need) -> Refusal | None:
    if need.point is None:
        return None  # done from anywhere
    if volunteer.point is None:
        return Refusal(Rule.distance, {"km": None, "travel": volunteer.travel_km})
    km = distance_km(volunteer, need)
    if km > volunteer.travel_km:
        return Refusal(Rule.distance, {"km": round(km), "travel": volunteer.travel_km})
    return None


def availability(volunteer: Volunteer, need: Need) -> Refusal | None:
    if not need.weekly_mask:
        return None
    asked = need.weekly_mask.bit_count()
    needed = min(need.day_parts or asked, asked)
    covered = (need.weekly_mask & volunteer.availability).bit_count()
    if covered >= needed:
        return None
    return Refusal(Rule.availability, {
        "needed": needed, "asked": asked, "covered": covered,
        "missing": need.weekly_mask & ~volunteer.availability})


def dates(volunteer: Volunteer, need: Need) -> Refusal | None:
    if not need.hosting or need.starts_on is None or need.ends_on is None:
        return None
    days = (need.ends_on - need.starts_on).days + 1
    if need.max_stay_days and days > need.max_stay_days:
        return Refusal(Rule.dates, {"days": days, "max": need.max_stay_days})
    if any(first <= need.starts_on and need.ends_on <= last
           for first, last in volunteer.free_periods):
        return None
    return Refusal(Rule.dates, {"from": need.starts_on, "to": need.ends_on})


def skills(volunteer: Volunteer, need: Need) -> Refusal | None:
    missing = need.skills - volunteer.skills
    if missing:
        return Refusal(Rule.skills, {"skills": tuple(sorted(missing))})
    return None


def load(volunteer: Volunteer, need: Need) -> Refusal | None:
    if volunteer.current >= volunteer.max_matches:
        return Refusal(Rule.load, {"current": volunteer.current, "max": volunteer.max_matches})
    return None


def already(volunteer: Volunteer, need: Need) -> Refusal | None:
    if need.id in volunteer.matched_needs:
        return Refusal(Rule.already, {"with": "need"})
    if need.person_id is not None and need.person_id in volunteer.matched_people:
        return Refusal(Rule.already, {"with": "person"})
    return None


def excluded(volunteer: Volunteer, need: Need) -> Refusal | None:
    if need.organisation_id in volunteer.exclusions:
        return Refusal(Rule.excluded, {"reason": volunteer.exclusions[need.organisation_id]})
    return None


# "Already matched" comes early: someone proposed for this need, at their limit because of
# it, is told as already matched, not as at their limit.
RULES = (application, already, accreditation, language, distance, availability, dates, skills,
         load, excluded)


def check(volunteer: Volunteer, need: Need) -> Refusal | None:
    """The first rule the pair fails, or None when the volunteer may be proposed."""
    for rule in RULES:
        refusal = rule(volunteer, need)
        if refusal is not None:
            return refusal
    return None
