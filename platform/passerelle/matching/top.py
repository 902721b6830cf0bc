"""The best candidates of a need, fast: the same top as services.rank, without loading
every volunteer of the programme.

Only volunteers who may pass every rule are read in full. A first query keeps, among the
programme's active applicants, those whose profile passes what SQL can test on compact
columns: a box around the need scaled by each one's travel distance, a language of the
need (or of the person helped) in their language mask, a day part of the need in their
availability mask. Each condition is necessary for the rules to pass, so nobody who
would pass is left out; Python then checks the exact distance and day parts on the same
rows, and only the rest is loaded as the rules see it (loading.volunteers) to be checked
and scored by the pure rules. The ranking is therefore exactly services.rank's, and so
is `eligible`; only the counts of those excluded are not made here.
"""

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from passerelle.core.errors import DomainError
from passerelle.core.languages import BIT, mask_of
from passerelle.data.places import EARTH_RADIUS_KM
from passerelle.extensions import db
from passerelle.matching import loading, rules, scoring, services
from passerelle.needs.models import Need
from passerelle.programmes.models import Application, ApplicationStatus
from passerelle.volunteers.models import VolunteerProfile

# Kilometres per degree of latitude: no two points are nearer than their difference in
# latitude along a meridian. A little under the true figure, so the box is never short.
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180 * 0.99
# Beyond this travel distance the box on longitude is not used (the bound below assumes
# the volunteer is within a few degrees of the need's latitude).
BOX_KM = 300


@dataclass(frozen=True)
class Top:
    top: list  # of services.Ranked, best first
    eligible: int  # how many pass every rule


def best(need: Need, today: date, limit: int = 20) -> Top:
    """services.rank(need, today, limit).top and .eligible, from far fewer rows."""
    if need.programme is None:
        raise DomainError(services.NO_PROGRAMME)
    facts = loading.need_facts(need, today)
    ids = _survivors(facts, _prefiltered(need.programme_id, facts))
    pool = loading.volunteers(need.programme, today, ids) if ids else {}
    weights = services.weights_of(need.programme)
    passed = [(volunteer, scoring.score(volunteer, facts, weights))
              for volunteer in pool.values() if rules.check(volunteer, facts) is None]
    top = [services.Ranked(volunteer, score, rules.distance_km(volunteer, facts))
           for volunteer, score in scoring.ranked(passed)[:limit]]
    return Top(top, len(passed))


def _prefiltered(programme_id: int, facts: rules.Need) -> list:
    """(user_id, lat, lon, travel_km, availability_mask) of the active applicants whose
    compact columns may pass the rules."""
    p = VolunteerProfile
    query = (select(Application.user_id, p.lat, p.lon, p.travel_km, p.availability_mask)
             .join(p, p.user_id == Application.user_id)
             .where(Application.programme_id == programme_id,
                    Application.status == ApplicationStatus.active))
    if facts.point is not None:
        lat, lon = facts.point
        # cos of the latitude farthest from the equator within BOX_KM of the need.
        shrink = math.cos(math.radians(min(abs(lat) + BOX_KM / KM_PER_DEGREE, 89.0)))
        query = query.where(
            p.lat.is_not(None),
            func.abs(p.lat - lat) * KM_PER_DEGREE <= p.travel_km,
            or_(p.travel_km > BOX_KM,
                func.abs(p.lon - lon) * KM_PER_DEGREE * shrink <= p.travel_km))
    mask = _language_mask(facts)
    if mask:
        query = query.where(p.language_mask.op("&")(mask) != 0)
    if facts.weekly_mask:
        query = query.where(p.availability_mask.op("&")(facts.weekly_mask) != 0)
    return db.session.execute(query).all()


def _language_mask(facts: rules.Need) -> int:
    """The bits of the wanted languages; 0 (no filter) when any rule could pass without
    one of them, or when one of them has no bit."""
    wanted = rules.wanted_languages(facts)
    if not wanted or facts.language_level <= 0 or any(code not in BIT for code in wanted):
        return 0
    return mask_of(wanted)


def _survivors(facts: rules.Need, rows: list) -> list[int]:
    """The rows that pass the exact distance and the day parts: the rules themselves, on
    what these columns tell of each volunteer."""
    found = []
    for user_id, lat, lon, travel_km, availability in rows:
        seen = rules.Volunteer(id=user_id, application="active",
                               point=(lat, lon) if lat is not None else None,
                               travel_km=travel_km, availability=availability)
        if rules.distance(seen, facts) is None and rules.availability(seen, facts) is None:
            found.append(user_id)
    return found
