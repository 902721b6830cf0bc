"""Language duos for Langue&Culture: who may pair with whom, and the batch of duos to propose.

A duo is two waiting participants (newcomers and locals alike) who each speak a language
the other wants to practise; shared interests and closeness make it a better duo. It is
symmetric, so the batch is a maximum-weight matching on a general graph (not bipartite),
solved by rustworkx's blossom algorithm. Pure: plain dataclasses and dicts in and out.

`possible` finds every possible duo without trying each pair: people sharing their
languages and newcomer flag form a profile, and profiles are indexed by (language spoken,
language practised), so a profile's candidates are those that speak a language it
practises *and* practise one it speaks; with a distance limit, only members within reach
of latitude are measured. The work is then about the number of possible duos, not of
pairs. `k_best` keeps each person's k best duos, which keeps the matching small: in
bench/duos.py, k=10 loses under 0.5% of the whole graph's optimum weight.
"""

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

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


def possible(people: list[Participant], newcomer_duos: bool = True,
             max_km: float | None = None) -> dict[tuple[int, int], Reasons]:
    """Every possible duo, keyed (low id, high id): exactly what `reasons` on every pair
    would give, without trying every pair.

    People with the same languages and newcomer flag form a profile (a few hundred for
    thousands of people), and whether two profiles may pair, with the languages each way,
    is decided once per pair of profiles, found through the index of (spoken, practised)
    languages. With max_km, each profile's members are sorted by latitude and only those
    within max_km of latitude are measured."""
    profiles: dict[tuple, list[Participant]] = defaultdict(list)
    for person in sorted(people, key=lambda p: p.id):
        profiles[person.speaks, person.practises, person.newcomer].append(person)
    keys = list(profiles)
    by_languages: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number, (speaks, practises, _) in enumerate(keys):
        for spoken in speaks:
            for practised in practises:
                by_languages[spoken, practised].append(number)
    members = [_members(profiles[key], max_km) for key in keys]
    duos: dict[tuple[int, int], Reasons] = {}
    for one, (speaks, practises, newcomer) in enumerate(keys):
        # The other profile speaks one of these practised languages and practises one
        # of these spoken ones; each pair of profiles is taken once, from the first.
        others = {other for practised in practises for spoken in speaks
                  for other in by_languages.get((practised, spoken), ()) if other >= one}
        for other in sorted(others):
            if newcomer and keys[other][2] and not newcomer_duos:
                continue
            gives = tuple(sorted(speaks & keys[other][1]))
            takes = tuple(sorted(keys[other][0] & practises))
            _pair_members(members[one], members[other], one == other, gives, takes,
                          max_km, duos)
    return duos


def _members(group: list[Participant], max_km: float | None):
    """(person, place) in id order; with max_km, only the placed ones, by latitude."""
    placed = [(person, _where(person)) for person in group]
    if max_km is None:
        return placed
    return sorted(((p, w) for p, w in placed if w is not None), key=lambda pw: pw[1][0])


def _pair_members(firsts, seconds, same: bool, gives, takes, max_km, duos) -> None:
    """Adds the duos of a member of one profile and one of another (or of the same one,
    each pair once). `gives` are the languages the first profile speaks that the second
    practises, `takes` the other way."""
    if max_km is None:
        windows = (range(n + 1 if same else 0, len(seconds)) for n in range(len(firsts)))
    else:
        # Latitude radians within max_km, a little wider so rounding loses no one.
        reach = (max_km + 1.0) / EARTH_RADIUS_KM
        phis = [where[0] for _, where in seconds]
        windows = (range(bisect_left(phis, where[0] - reach),
                         bisect_right(phis, where[0] + reach)) for _, where in firsts)
    for (a, here), window in zip(firsts, windows, strict=True):
        for n in window:
            b, there = seconds[n]
            if same and b.id <= a.id:
                continue  # each pair once
            low = a.id < b.id
            km = None if here is None or there is None else (
                _haversine(here, there) if low else _haversine(there, here))
            if max_km is not None and km > max_km:
                continue
            interests = tuple(sorted(a.interests & b.interests))
            if low:
                duos[a.id, b.id] = Reasons(interests, gives, takes, km)
            else:
                duos[b.id, a.id] = Reasons(interests, takes, gives, km)


def k_best(edges: dict[tuple[int, int], int], k: int = 10) -> dict[tuple[int, int], int]:
    """The edges among the k heaviest of either endpoint; ties go to the lower ids.

    Going through all edges heaviest first, an edge is among a person's k best exactly
    when fewer than k of that person's edges came before it. Weights are few distinct
    ints, so the edges are put in buckets by weight rather than sorted with a key."""
    by_weight: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pair, w in edges.items():
        by_weight[w].append(pair)
    seen: dict[int, int] = defaultdict(int)
    kept = {}
    for w in sorted(by_weight, reverse=True):
        for low, high in sorted(by_weight[w]):
            if seen[low] < k or seen[high] < k:
                kept[low, high] = w
            seen[low] += 1
            seen[high] += 1
    return kept


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

