"""The score of a pair that passed the rules: a sum of named parts a coordinator can read.

Each part is a fraction between 0 and 1 of what fits (the share of the need's day parts
the volunteer is free for, ...) times the part's weight, in whole points. A part the
programme marks as strong counts in a higher tier: its points are multiplied by TIER,
more than all ordinary parts together can give, so small bonuses never outvote it (the
same sector for a mentoring duo). Pure: plain data in.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from passerelle.matching.rules import Need, Volunteer, distance_km, wanted_languages

PARTS = ("sector", "languages", "distance", "availability", "interests", "waiting",
         "isolation", "load", "urgency")
MAX_WEIGHT = 100
TIER = MAX_WEIGHT * len(PARTS) + 1
WAITING_FULL_DAYS = 365  # a year's wait gives the whole part
URGENCY = {"low": 0.0, "normal": 0.5, "high": 1.0}


@dataclass(frozen=True)
class Weights:
    points: Mapping[str, int]  # part -> its weight, 0 to MAX_WEIGHT
    strong: frozenset[str] = frozenset()  # parts in the higher tier

    def of(self, part: str) -> int:
        return self.points.get(part, 0)


_BASE = {"sector": 0, "languages": 30, "distance": 20, "availability": 20, "interests": 0,
         "waiting": 10, "isolation": 10, "load": 10, "urgency": 10}
# The platform's defaults for each kind of programme, in one place; a programme's
# coordinators may change them (matching.models.MatchingWeights).
DEFAULTS: dict[str, Weights] = {
    "mentoring": Weights({**_BASE, "sector": 100, "languages": 20}, frozenset({"sector"})),
    "language_exchange": Weights({**_BASE, "languages": 40, "interests": 40,
                                  "availability": 10}),
    "sponsorship": Weights({**_BASE, "isolation": 40, "waiting": 20}),
    "detention_visits": Weights({**_BASE, "availability": 30, "distance": 10}),
    "housing_hosting": Weights({**_BASE, "distance": 30, "availability": 0, "waiting": 20,
                                "isolation": 20}),
}


def defaults_for(kind: str) -> Weights:
    return DEFAULTS.get(str(kind), Weights(dict(_BASE)))


@dataclass(frozen=True)
class Part:
    name: str
    points: int
    strong: bool = False


@dataclass(frozen=True)
class Score:
    parts: tuple[Part, ...]

    @property
    def total(self) -> int:
        return sum(part.points for part in self.parts)


def fractions(volunteer: Volunteer, need: Need) -> dict[str, float]:
    return {"sector": _sector(volunteer, need), "languages": _languages(volunteer, need),
            "distance": _distance(volunteer, need), "availability": _overlap(volunteer, need),
            "interests": _interests(volunteer, need),
            "waiting": min(max(need.waiting_days, 0), WAITING_FULL_DAYS) / WAITING_FULL_DAYS,
            "isolation": 1.0 if need.no_outside_contact else 0.5 if need.isolated else 0.0,
            "load": _load(volunteer), "urgency": URGENCY.get(need.urgency, 0.5)}


def score(volunteer: Volunteer, need: Need, weights: Weights) -> Score:
    parts = []
    for name, fraction in fractions(volunteer, need).items():
        points = round(fraction * weights.of(name))
        strong = name in weights.strong
        if points:
            parts.append(Part(name, points * TIER if strong else points, strong))
    return Score(tuple(parts))


def _sector(volunteer: Volunteer, need: Need) -> float:
    return 1.0 if need.sector and volunteer.sector == need.sector else 0.0


def _languages(volunteer: Volunteer, need: Need) -> float:
    """The best level in a wanted language, out of 4; the person's mother tongue counts
    whole, any other wanted language half."""
    mother = need.person_languages[0] if need.person_languages else None
    best = 0.0
    for code in wanted_languages(need):
        level = volunteer.languages.get(code, 0) / 4
        best = max(best, level if code == mother or mother is None else level / 2)
    return best


def _distance(volunteer: Volunteer, need: Need) -> float:
    km = distance_km(volunteer, need)
    if km is None:
        return 0.0
    return max(0.0, 1 - km / max(volunteer.travel_km, 1))


def _overlap(volunteer: Volunteer, need: Need) -> float:
    if not need.weekly_mask:
        return 0.0
    return (need.weekly_mask & volunteer.availability).bit_count() / need.weekly_mask.bit_count()


def _interests(volunteer: Volunteer, need: Need) -> float:
    if not need.interests:
        return 0.0
    return len(need.interests & volunteer.interests) / len(need.interests)


def _load(volunteer: Volunteer) -> float:
    """A bonus for those not placed yet, less for each match they already have."""
    if volunteer.max_matches <= 0:
        return 0.0
    return max(0.0, 1 - volunteer.current / volunteer.max_matches)


def ranked(pairs: list[tuple[Volunteer, Score]]) -> list[tuple[Volunteer, Score]]:
    """Best first; equal scores by the volunteer's id, so that a ranking is repeatable."""
    return sorted(pairs, key=lambda pair: (-pair[1].total, pair[0].id))
