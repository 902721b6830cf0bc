"""Every allowed pair of a programme's volunteers and needs, with its score, without trying
each volunteer against each need. Pure: plain data in.

A volunteer whose application is not ready is refused for every need, so it is checked
once. The others are put in a grid of cells about 10 km wide; a need with a place looks
only in the cells within the longest travel distance around it. Everyone else would be
refused by the distance rule (or an earlier one), so the pairs are exactly those that
checking every volunteer against every need would give.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from passerelle.matching import rules, scoring

CELL_DEGREES = 0.1  # about 11 km of latitude, 7 km of longitude in Belgium
KM_PER_DEGREE = 111.0


@dataclass(frozen=True)
class Pairs:
    edges: list[tuple[int, int, int]]  # (volunteer id, need id, score)
    scores: dict[tuple[int, int], scoring.Score]
    # need id -> the rule that refused most volunteers, for the needs with no pair
    blocked: dict[int, str]


def allowed(volunteers: list[rules.Volunteer], needs: list[rules.Need],
            weights: scoring.Weights) -> Pairs:
    ready = [v for v in volunteers if rules.application(v, None) is None]
    not_ready = len(volunteers) - len(ready)
    placed, anywhere = _grid(ready)
    reach = max((v.travel_km for v in ready if v.point is not None), default=0)
    edges, scores, blocked = [], {}, {}
    for need in needs:
        refused: Counter = Counter()
        near = _near(need, placed, anywhere, ready, reach)
        for volunteer in near:
            refusal = rules.check(volunteer, need)
            if refusal is not None:
                refused[refusal.rule.value] += 1
                continue
            score = scoring.score(volunteer, need, weights)
            edges.append((volunteer.id, need.id, score.total))
            scores[volunteer.id, need.id] = score
        if sum(refused.values()) == len(near) and volunteers:
            # No pair: each volunteer counted under the first rule they fail (the few
            # needs without a candidate are worth trying everyone on).
            refused = Counter(rules.check(volunteer, need).rule.value for volunteer in ready)
            refused[rules.Rule.application.value] += not_ready
            blocked[need.id] = refused.most_common(1)[0][0]
    return Pairs(edges, scores, blocked)


def _cell(point: tuple[float, float]) -> tuple[int, int]:
    return (math.floor(point[0] / CELL_DEGREES), math.floor(point[1] / CELL_DEGREES))


def _grid(ready: list[rules.Volunteer]):
    placed: dict[tuple[int, int], list[rules.Volunteer]] = defaultdict(list)
    anywhere = []  # no municipality: refused by the distance rule for a placed need
    for volunteer in ready:
        if volunteer.point is None:
            anywhere.append(volunteer)
        else:
            placed[_cell(volunteer.point)].append(volunteer)
    return placed, anywhere


def _near(need: rules.Need, placed, anywhere, ready, reach_km: int):
    """The volunteers that may be within reach of the need, in id order."""
    if need.point is None:
        return ready  # done from anywhere: everyone is a candidate
    lat, lon = need.point
    rows = math.ceil(reach_km / KM_PER_DEGREE / CELL_DEGREES) + 1
    # A degree of longitude is shorter away from the equator.
    columns = math.ceil(reach_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.1))
                        / CELL_DEGREES) + 1
    row, column = _cell(need.point)
    near = [volunteer for r in range(row - rows, row + rows + 1)
            for c in range(column - columns, column + columns + 1)
            for volunteer in placed.get((r, c), ())]
    near.extend(anywhere)
    return sorted(near, key=lambda volunteer: volunteer.id)
