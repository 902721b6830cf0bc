"""Language duos on random populations: finding the possible duos, pruning, matching.

Run: `.venv/bin/python bench/duos.py [--people 5000] [--seed 1]`.
Pure: no app, no database. Prints three tables, figures only (the target for (a) is 2 s
or less in all for 5,000 people):
(a) a seeded population shaped like a programme (40% newcomers speaking ar, fa, ps, ti,
    uk, ru, es, tr, so and often en, practising fr or nl; locals speaking fr or nl and
    often en, practising one or two others; ~25 interest keys; places around five Belgian
    cities): seconds for `possible`, `k_best` (k=10) and `propose` on the pruned graph,
    with the number of edges, without a distance limit and with 25 and 15 km;
(b) a random graph of 5,000 nodes and 30,000 edges: seconds for `propose` alone;
(c) for 200, 500 and 1,000 people, the matching weight on each person's k best duos
    (k = 3, 5, 10) beside the whole graph's optimum.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from passerelle.matching.duos import Participant, k_best, possible, propose, total, weight  # noqa: E402

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


def pipeline(people, max_km):
    duos, t_possible = timed(lambda: possible(people, True, max_km))
    edges, t_weight = timed(lambda: {key: weight(r) for key, r in duos.items()})
    pruned, t_k = timed(lambda: k_best(edges, 10))
    ids = [p.id for p in people]
    pairs, t_match = timed(lambda: propose(ids, pruned))
    return (len(edges), len(pruned), t_possible, t_weight, t_k, t_match, len(pairs),
            total(pairs, pruned))


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
    args = parser.parse_args()

    people = population(args.people, args.seed)
    print(f"(a) {args.people} people, k=10")
    print(f"{'max km':>7} {'edges':>9} {'k-best':>8} {'possible s':>11} {'weight s':>9} "
          f"{'k_best s':>9} {'propose s':>10} {'total s':>8} {'duos':>6} {'weight':>8}")
    for max_km in (None, 25.0, 15.0):
        n_all, n_kept, t_p, t_w, t_k, t_m, n_pairs, w = pipeline(people, max_km)
        label = "none" if max_km is None else f"{max_km:g}"
        print(f"{label:>7} {n_all:>9} {n_kept:>8} {t_p:>11.2f} {t_w:>9.2f} {t_k:>9.2f} "
              f"{t_m:>10.2f} {t_p + t_w + t_k + t_m:>8.2f} {n_pairs:>6} {w:>8}")

    edges = random_graph(5000, 30000, args.seed)
    pairs, seconds = timed(lambda: propose(range(5000), edges))
    print(f"\n(b) random graph, 5000 nodes, {len(edges)} edges: propose {seconds:.2f} s, "
          f"{len(pairs)} pairs, weight {total(pairs, edges)}")

    print("\n(c) k-best graph's matching weight / whole graph's optimum (no distance limit)")
    print(f"{'people':>7} {'edges':>8} {'optimum':>8} {'whole s':>8} "
          + " ".join(f"{'k=' + str(k):>16}" for k in (3, 5, 10)))
    for count in (200, 500, 1000):
        people = population(count, args.seed + count)
        edges = {key: weight(r) for key, r in possible(people).items()}
        ids = [p.id for p in people]
        best, seconds = timed(lambda ids=ids, edges=edges: total(propose(ids, edges), edges))
        cells = []
        for k in (3, 5, 10):
            pruned = k_best(edges, k)
            got = total(propose(ids, pruned), pruned)
            cells.append(f"{got / best:.4f} ({len(pruned)})")
        print(f"{count:>7} {len(edges):>8} {best:>8} {seconds:>8.2f} "
              + " ".join(f"{c:>16}" for c in cells))


if __name__ == "__main__":
    main()
