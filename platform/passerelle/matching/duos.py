"""Language duos for Langue&Culture: who may pair with whom, and the batch of duos to propose.

A duo is two waiting participants (newcomers and locals alike) who each speak a language
the other wants to practise; shared interests and closeness make it a better duo. It is
symmetric, so the batch is a maximum-weight matching on a general graph (not bipartite),
solved by rustworkx's blossom algorithm. Pure: plain dataclasses and dicts in and out.

`best` finds each person's k best duos without trying each pair: people sharing their
languages and newcomer flag form a profile, and profiles are indexed by (language spoken,
language practised), so a profile's candidates are those that speak a language it
practises *and* practise one it speaks. The members of candidate profiles are weighed
together with numpy; `reasons` is asked only about the duos proposed. Keeping each
person's k best keeps the matching small: in bench/duos.py, k=10 loses under 0.5% of the
whole graph's optimum weight.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import rustworkx

from passerelle.data.places import EARTH_RADIUS_KM

# The weight of a duo (see `weight`): every possible duo is worth BASE, so the batch
# values forming a duo about as much as one shared interest.
BASE = 10
PER_INTEREST = 10
PER_EXTRA_LANGUAGE = 3  # each language beyond the first, either way
CLOSENESS_MAX = 5  # within CLOSENESS_STEP_KM; one point less per further step
CLOSENESS_STEP_KM = 5.0


@dataclass(frozen=True)
class Participant:
    id: int
    speaks: frozenset[str]  # language codes spoken well enough to help practise
    practises: frozenset[str]  # languages they want to practise
    interests: frozenset[str]  # interest keys
    newcomer: bool
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Reasons:
    interests: tuple[str, ...]  # shared interests, sorted
    a_to_b: tuple[str, ...]  # languages a speaks that b practises, sorted
    b_to_a: tuple[str, ...]
    km: float | None  # None when either has no place


def km_between(a: Participant, b: Participant) -> float | None:
    """Great-circle distance, or None when either has no place."""
    if a.id > b.id:
        a, b = b, a  # the same float whichever way round
    here, there = _where(a), _where(b)
    return None if here is None or there is None else _haversine(here, there)


def _where(person: Participant) -> tuple[float, float, float] | None:
    """Latitude and longitude in radians and the latitude's cosine, computed once."""
    if person.lat is None or person.lon is None:
        return None
    phi = math.radians(person.lat)
    return phi, math.radians(person.lon), math.cos(phi)


def _haversine(here: tuple[float, float, float], there: tuple[float, float, float]) -> float:
    h = (math.sin((there[0] - here[0]) / 2) ** 2
         + here[2] * there[2] * math.sin((there[1] - here[1]) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def reasons(a: Participant, b: Participant, newcomer_duos: bool,
            max_km: float | None) -> Reasons | None:
    """Why a and b make a duo, or None when they cannot: the same person, no language
    one way or the other, two newcomers when the programme does not allow it, or farther
    than max_km. With max_km, a duo whose distance is unknown is refused too (nothing
    says they can meet)."""
    if a.id == b.id or (a.newcomer and b.newcomer and not newcomer_duos):
        return None
    a_to_b = a.speaks & b.practises
    b_to_a = b.speaks & a.practises
    if not a_to_b or not b_to_a:
        return None
    km = km_between(a, b)
    if max_km is not None and (km is None or km > max_km):
        return None
    return Reasons(tuple(sorted(a.interests & b.interests)), tuple(sorted(a_to_b)),
                   tuple(sorted(b_to_a)), km)


def closeness(km: float | None) -> int:
    """CLOSENESS_MAX points within CLOSENESS_STEP_KM, one less per step, none when unknown."""
    if km is None:
        return 0
    return max(0, CLOSENESS_MAX - int(km // CLOSENESS_STEP_KM))


def weight(r: Reasons) -> int:
    """BASE + PER_INTEREST per shared interest + PER_EXTRA_LANGUAGE per language beyond the
    first either way + closeness; always a positive int (rustworkx wants ints)."""
    extra = len(r.a_to_b) - 1 + len(r.b_to_a) - 1
    return (BASE + PER_INTEREST * len(r.interests) + PER_EXTRA_LANGUAGE * extra
            + closeness(r.km))


@dataclass(frozen=True)
class Found:
    edges: dict[tuple[int, int], int]  # the duos kept, heaviest first (ties by ids), weighted
    possible: int  # how many possible duos there were in all


def best(people: list[Participant], newcomer_duos: bool = True, max_km: float | None = None,
         k: int | None = 10) -> Found:
    """Each person's k best possible duos (all of them when k is None) by `weight`, ties
    going to the lower ids, keyed (low id, high id): a duo is kept when it is among the k
    best of either. Exactly the weights of what `reasons` on every pair would give,
    without trying every pair nor building any `Reasons` (ask `reasons` for the few
    duos proposed).

    People with the same languages and newcomer flag form a profile (a few hundred for
    thousands of people), and whether two profiles may pair, with the languages each way,
    is decided once per pair of profiles, found through the index of (spoken, practised)
    languages. The pairs of members are then weighed at once with numpy, and each
    person's k best found by counting their duos by weight (`_k_best`)."""
    people = sorted(people, key=lambda p: p.id)
    places = [_where(person) for person in people]
    first, second, extra = _pairs(people, newcomer_duos)
    km = _distances(places, first, second, max_km)
    if max_km is not None:
        within = km <= max_km  # False for an unknown distance (nan)
        first, second, extra, km = first[within], second[within], extra[within], km[within]
    weights = (BASE + PER_INTEREST * _shared_interests(people, first, second)
               + PER_EXTRA_LANGUAGE * extra + _closeness(km))
    if k is None:
        order = np.lexsort((second, first, -weights))
        kept = first[order], second[order], weights[order]
    else:
        kept = _k_best(first, second, weights, len(people), k)
    ids = np.array([person.id for person in people], dtype=np.int64)
    pairs = zip(ids[kept[0]].tolist(), ids[kept[1]].tolist(), strict=True)
    return Found(dict(zip(pairs, kept[2].tolist(), strict=True)), len(first))


def _pairs(people: list[Participant], newcomer_duos: bool):
    """The possible duos but for distance, as arrays of indices into `people` (first <
    second, so in id order too), with the languages beyond the first either way."""
    profiles: dict[tuple, list[int]] = defaultdict(list)
    for n, person in enumerate(people):
        profiles[person.speaks, person.practises, person.newcomer].append(n)
    keys = list(profiles)
    members = [np.array(profiles[key], dtype=np.int32) for key in keys]
    by_languages: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number, (speaks, practises, _) in enumerate(keys):
        for spoken in speaks:
            for practised in practises:
                by_languages[spoken, practised].append(number)
    firsts, seconds, extras = [], [], []
    for one, (speaks, practises, newcomer) in enumerate(keys):
        # The other profile speaks one of these practised languages and practises one
        # of these spoken ones; each pair of profiles is taken once, from the first.
        others = {other for practised in practises for spoken in speaks
                  for other in by_languages.get((practised, spoken), ()) if other >= one}
        if newcomer and not newcomer_duos:
            others = {other for other in others if not keys[other][2]}
        mine = members[one]
        if one in others:
            others.remove(one)
            low, high = np.triu_indices(len(mine), 1)
            firsts.append(mine[low])
            seconds.append(mine[high])
            extras.append(np.full(len(low), 2 * len(speaks & practises) - 2))
        if not others:
            continue
        others = sorted(others)
        theirs = np.concatenate([members[other] for other in others])
        more = np.repeat([len(speaks & keys[other][1]) + len(keys[other][0] & practises) - 2
                          for other in others], [len(members[other]) for other in others])
        firsts.append(np.repeat(mine, len(theirs)))
        seconds.append(np.tile(theirs, len(mine)))
        extras.append(np.tile(more, len(mine)))
    if not firsts:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int64)
    a, b = np.concatenate(firsts), np.concatenate(seconds)
    return np.minimum(a, b), np.maximum(a, b), np.concatenate(extras).astype(np.int64)


# A distance this close to a closeness step or to max_km is measured again as `reasons`
# measures it, so that rounding in numpy's functions changes no weight and no duo.
SLACK_KM = 1e-6


def _distances(places, first, second, max_km: float | None):
    """The great-circle distances of the pairs, nan when either has no place."""
    phi, lam, cos = (np.array([np.nan if where is None else where[n] for where in places])
                     for n in range(3))
    h = (np.sin((phi[second] - phi[first]) / 2) ** 2
         + cos[first] * cos[second] * np.sin((lam[second] - lam[first]) / 2) ** 2)
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))
    steps = km / CLOSENESS_STEP_KM
    near = (np.abs(steps - np.round(steps)) * CLOSENESS_STEP_KM < SLACK_KM) & (
        steps < CLOSENESS_MAX + 1)
    if max_km is not None:
        near |= np.abs(km - max_km) < SLACK_KM
    for n in np.flatnonzero(near).tolist():
        km[n] = _haversine(places[first[n]], places[second[n]])
    return km


def _closeness(km):
    """`closeness` of each distance (nan: unknown)."""
    points = np.zeros(len(km), dtype=np.int64)
    close = km < CLOSENESS_MAX * CLOSENESS_STEP_KM
    points[close] = CLOSENESS_MAX - (km[close] // CLOSENESS_STEP_KM).astype(np.int64)
    return points


def _shared_interests(people: list[Participant], first, second):
    """How many interests each pair shares, counted on bit masks of 64 interests."""
    bits = {key: n for n, key in enumerate(sorted({i for p in people for i in p.interests}))}
    words = np.zeros((len(people), (len(bits) + 63) // 64), dtype=np.uint64)
    for n, person in enumerate(people):
        for key in person.interests:
            words[n, bits[key] // 64] |= np.uint64(1 << bits[key] % 64)
    shared = np.zeros(len(first), dtype=np.int64)
    for word in words.T:
        shared += np.bitwise_count(word[first] & word[second])
    return shared


def _k_best(first, second, weights, count: int, k: int):
    """The pairs among the k heaviest of either, ties going to the lower ids, as arrays
    (first, second, weight), heaviest first then by ids.

    Ties to the lower ids means all duos in the order (weight downwards, low id, high
    id); among one person's duos, that order is by the other's id. Counting each
    person's duos by weight tells which weights they keep all of, and which they keep
    none of; only the duos at the weight where a person's k best end are sorted."""
    if not len(first):
        return first, second, weights
    top = int(weights.max())
    span = top - int(weights.min()) + 1
    down = top - weights
    # Cells: (person, weight downwards); how many of each person's duos are in each.
    cells = [first.astype(np.int64) * span + down, second.astype(np.int64) * span + down]
    sizes = sum(np.bincount(cell, minlength=count * span) for cell in cells)
    after = np.cumsum(sizes.reshape(count, span), axis=1).ravel()  # up to this cell
    before = after - sizes
    kept = np.zeros(len(first), dtype=bool)
    ties, tie_keys = [], []
    for cell, other in zip(cells, [second, first], strict=True):
        kept |= after[cell] <= k
        split = np.flatnonzero((before[cell] < k) & (after[cell] > k))
        ties.append(split)
        tie_keys.append(cell[split] * count + other[split])
    # At the weight where a person's k best end: the first of those duos by the other's id.
    ties, tie_keys = np.concatenate(ties), np.concatenate(tie_keys)
    order = np.argsort(tie_keys)
    cell = tie_keys[order] // count
    starts = np.searchsorted(cell, cell)
    kept[ties[order][before[cell] + np.arange(len(cell)) - starts < k]] = True
    pairs = np.sort((down[kept] * count + first[kept]) * count + second[kept])
    return pairs // count % count, pairs % count, top - pairs // (count * count)


def propose(people_ids, edges: dict[tuple[int, int], int]) -> list[tuple[int, int]]:
    """A maximum-weight matching (not forced to be maximum-cardinality), as sorted
    (low, high) pairs. Every edge must join two of people_ids, with a positive int weight."""
    ids = sorted(people_ids)
    graph = rustworkx.PyGraph()
    index = dict(zip(ids, graph.add_nodes_from(ids), strict=True))
    for (a, b), w in sorted(edges.items()):
        if a not in index or b not in index:
            raise ValueError(f"edge {a}-{b} joins someone not waiting")
        graph.add_edge(index[a], index[b], w)
    matched = rustworkx.max_weight_matching(graph, max_cardinality=False,
                                            weight_fn=lambda w: w)
    pairs = (tuple(sorted((graph[i], graph[j]))) for i, j in matched)
    return sorted(pairs)


def total(pairs, edges: dict[tuple[int, int], int]) -> int:
    return sum(edges[min(pair), max(pair)] for pair in pairs)


def export(people_ids, edges: dict[tuple[int, int], int], proposed) -> dict:
    """The batch for audit, in JSON-ready shape: ids as strings, in id order."""
    return {
        "people": [str(i) for i in sorted(people_ids)],
        "edges": [[str(a), str(b), w] for (a, b), w in sorted(edges.items())],
        "proposed": [[str(a), str(b)] for a, b in sorted(proposed)],
    }

