"""Language duos on random populations: finding the possible duos, pruning, matching.

Run: `.venv/bin/python bench/duos.py [--people 5000] [--seed 1] [--no-reference]`.
Pure: no app, no database. Prints three tables, figures only (the target for (a) is 2 s
or less in all for 5,000 people):
(a) a seeded population shaped like a programme (40% newcomers speaking ar, fa, ps, ti,
    uk, ru, es, tr, so and often en, practising fr or nl; locals speaking fr or nl and
    often en, practising one or two others; ~25 interest keys; places around five Belgian
    cities), without a distance limit and with 25 and 15 km: the number of possible duos
    and of those kept (k=10); seconds for `best`, for `propose` on its duos and for the
    `reasons` of those proposed; and beside them the way before `best`
    (tests/matching/duos_reference.py: every possible duo's reasons, their weights,
    `k_best`, then `propose`), checked to keep the same duos;
(b) a random graph of 5,000 nodes and 30,000 edges: seconds for `propose` alone;
(c) for 200, 500 and 1,000 people, the matching weight on each person's k best duos
    (k = 3, 5, 10) beside the whole graph's optimum.
"""

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

from passerelle.matching.duos import Participant, best, propose, reasons, total  # noqa: E402
from tests.matching import duos_reference  # noqa: E402

HOME = ["ar", "fa", "ps", "ti", "uk", "ru", "es", "tr", "so"]
INTERESTS = ["cooking", "football", "music", "films", "walking", "chess", "painting",
             "theatre", "cycling", "gardening", "reading", "photography", "dance",
             "yoga", "games", "history", "nature", "crafts", "running", "basketball",
             "singing", "sewing", "computers", "volunteering", "museums"]
CITIES = [(50.85, 4.35, 0.45), (51.22, 4.40, 0.2), (51.05, 3.72, 0.15),
          (50.63, 5.57, 0.12), (50.41, 4.44, 0.08)]  # lat, lon, share (rest: anywhere)


def place(rng: random.Random) -> tuple[float | None, float | None]:
    if rng.random() < 0.05:
        return None, None
    draw, acc = rng.random(), 0.0
    for lat, lon, share in CITIES:
        acc += share
        if draw < acc:
            return lat + rng.gauss(0, 0.08), lon + rng.gauss(0, 0.12)
    return rng.uniform(49.6, 51.4), rng.uniform(2.6, 6.3)


def person(rng: random.Random, id_: int) -> Participant:
    newcomer = rng.random() < 0.4
    local = "nl" if rng.random() < 0.45 else "fr"
    if newcomer:
        speaks = set(rng.sample(HOME, rng.choice([1, 1, 2])))
        if rng.random() < 0.5:
            speaks.add("en")
        practises = {local} | ({"en"} if rng.random() < 0.2 else set())
        if rng.random() < 0.15:
            practises.add("nl" if local == "fr" else "fr")
    else:
        speaks = {local} | ({"en"} if rng.random() < 0.6 else set())
        if rng.random() < 0.25:
            speaks.add("nl" if local == "fr" else "fr")
        others = [c for c in ["fr", "nl", "en", "es", "ar", "uk", "tr", "ru"] if c not in speaks]
        practises = set(rng.sample(others, rng.choice([1, 1, 2])))
    interests = frozenset(rng.sample(INTERESTS, rng.randint(1, 5)))
    lat, lon = place(rng)
    return Participant(id_, frozenset(speaks), frozenset(practises), interests, newcomer,
                       lat, lon)


def population(count: int, seed: int) -> list[Participant]:
    rng = random.Random(seed)
    return [person(rng, n) for n in range(1, count + 1)]


def timed(call):
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def pipeline(people, max_km, reference: bool):
    found, t_best = timed(lambda: best(people, True, max_km, 10))
    pairs, t_match = timed(lambda: propose([p.id for p in people], found.edges))
    by_id = {p.id: p for p in people}
    _, t_reasons = timed(lambda: [reasons(by_id[a], by_id[b], True, max_km) for a, b in pairs])
    before = None
    if reference:
        duos, t_possible = timed(lambda: duos_reference.possible(people, True, max_km))
        edges, t_weight = timed(lambda: {key: duos_reference.weight(r)
                                         for key, r in duos.items()})
        pruned, t_k = timed(lambda: duos_reference.k_best(edges, 10))
        if list(pruned.items()) != list(found.edges.items()) or any(
                duos[a, b] != reasons(by_id[a], by_id[b], True, max_km) for a, b in pruned):
            raise SystemExit(f"best differs from the reference at max km {max_km}")
        before = t_possible, t_weight, t_k
    return found, t_best, t_match, t_reasons, pairs, before


def random_graph(nodes: int, count: int, seed: int) -> dict[tuple[int, int], int]:
    rng = random.Random(seed)
    edges = {}
    while len(edges) < count:
        a, b = rng.sample(range(nodes), 2)
        edges[min(a, b), max(a, b)] = rng.randint(10, 80)
    return edges


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-reference", dest="reference", action="store_false",
                        help="Skip the way before `best` (and its check).")
    args = parser.parse_args()

    people = population(args.people, args.seed)
    print(f"(a) {args.people} people, k=10")
    print(f"{'max km':>7} {'possible':>9} {'k-best':>8} {'best s':>7} {'propose s':>10} "
          f"{'reasons s':>10} {'total s':>8} {'duos':>6} {'weight':>8} | before: "
          f"{'possible s':>10} {'weight s':>9} {'k_best s':>9} {'total s':>8}")
    for max_km in (None, 25.0, 15.0):
        found, t_best, t_match, t_reasons, pairs, before = pipeline(people, max_km,
                                                                    args.reference)
        label = "none" if max_km is None else f"{max_km:g}"
        line = (f"{label:>7} {found.possible:>9} {len(found.edges):>8} {t_best:>7.2f} "
                f"{t_match:>10.2f} {t_reasons:>10.2f} {t_best + t_match + t_reasons:>8.2f} "
                f"{len(pairs):>6} "
                f"{total(pairs, found.edges):>8}")
        if before:
            line += (f" | {before[0]:>18.2f} {before[1]:>9.2f} {before[2]:>9.2f} "
                     f"{sum(before) + t_match:>8.2f}")
        print(line)

    edges = random_graph(5000, 30000, args.seed)
    pairs, seconds = timed(lambda: propose(range(5000), edges))
    print(f"\n(b) random graph, 5000 nodes, {len(edges)} edges: propose {seconds:.2f} s, "
          f"{len(pairs)} pairs, weight {total(pairs, edges)}")

    print("\n(c) k-best graph's matching weight / whole graph's optimum (no distance limit)")
    print(f"{'people':>7} {'edges':>8} {'optimum':>8} {'whole s':>8} "
          + " ".join(f"{'k=' + str(k):>16}" for k in (3, 5, 10)))
    for count in (200, 500, 1000):
        people = population(count, args.seed + count)
        edges = best(people, k=None).edges
        ids = [p.id for p in people]
        optimum, seconds = timed(lambda ids=ids, edges=edges: total(propose(ids, edges), edges))
        cells = []
        for k in (3, 5, 10):
            pruned = best(people, k=k).edges
            got = total(propose(ids, pruned), pruned)
            cells.append(f"{got / optimum:.4f} ({len(pruned)})")
        print(f"{count:>7} {len(edges):>8} {optimum:>8} {seconds:>8.2f} "
              + " ".join(f"{c:>16}" for c in cells))


if __name__ == "__main__":
    main()
