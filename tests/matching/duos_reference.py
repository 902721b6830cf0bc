"""The duos of matching/duos.py as they were found before `best`: every possible duo's
reasons in a dict, then `k_best` on their weights. `best` must give exactly this (see
test_duos.py); bench/duos.py times both."""

from bisect import bisect_left, bisect_right
from collections import defaultdict

from passerelle.data.places import EARTH_RADIUS_KM
from passerelle.matching.duos import Participant, Reasons, _haversine, _where, weight


def kept(people, newcomer_duos=True, max_km=None, k=10):
    """(edges, reasons of those edges, number of possible duos), as `best` gives them."""
    found = possible(people, newcomer_duos, max_km)
    edges = k_best({pair: weight(why) for pair, why in found.items()}, k)
    return edges, {pair: found[pair] for pair in edges}, len(found)


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
