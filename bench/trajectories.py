"""Hosting trajectories on random instances: exact (SCIP), heuristic, first-come, bound.

Run: `.venv/bin/python bench/trajectories.py [--seed 1] [--time-limit 60] [--skip-large]`.
Pure: no app, no database. A seeded random instance over one year (2027), shaped like a
hosting programme: each guest needs a run of 180 to 365 nights starting in the first
half of the year; each host has 1 room (1 in 5: 2 rooms) and 1 to 3 free periods of 30 to
200 nights; each guest is allowed `per_guest` random hosts at 1 to 60 km; 56 nights per
home at most. (a) the exact path at 30 guests x 100 hosts and sizes around it: seconds and
the goals proved optimal, beside the heuristic, first-come and the upper bound; (b) 1,000
guests x 5,000 hosts with 15 allowed hosts each: seconds and nights covered of the
heuristic, first-come and the bound. Figures only.
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from passerelle.matching.trajectories import (  # noqa: E402
    Guest,
    Host,
    first_come,
    heuristic,
    plan,
    size,
    upper_bound,
)

YEAR = date(2027, 1, 1)
MAX_NIGHTS = 56


def instance(guests: int, hosts: int, per_guest: int, seed: int):
    rng = random.Random(seed)
    gs = []
    for g in range(guests):
        start = rng.randint(0, 180)
        length = rng.randint(180, 365 - start)
        first = YEAR + timedelta(days=start)
        gs.append(Guest(g, first, first + timedelta(days=length - 1), rng.choice([0, 0, 0, 1])))
    hs = []
    for h in range(hosts):
        free = []
        for _ in range(rng.randint(1, 3)):
            length = rng.randint(30, 200)
            start = rng.randint(0, 365 - length)
            first = YEAR + timedelta(days=start)
            free.append((first, first + timedelta(days=length - 1)))
        hs.append(Host(h, 2 if rng.random() < 0.2 else 1, tuple(sorted(free))))
    allowed = {}
    for g in range(guests):
        for h in rng.sample(range(hosts), min(per_guest, hosts)):
            allowed[(g, h)] = float(rng.randint(1, 60))
    return gs, hs, allowed


def timed(call):
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def covered(guests, p) -> int:
    total = sum((g.last_night - g.first_night).days + 1 for g in guests)
    return total - p.uncovered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--exact", nargs="+", default=["5x15x5", "10x30x5", "15x50x5", "30x100x3",
                                                       "30x100x5", "30x100x15"])
    args = parser.parse_args()
    print(f"{'guests x hosts x allowed':<25} {'vars':>7} {'needed':>7} {'bound':>7} "
          f"{'method':<11} {'seconds':>8} {'covered':>7} {'moves':>6} {'km-nights':>10} "
          f"proved goals")
    for shape in args.exact:
        guests, hosts, per = (int(v) for v in shape.split("x"))
        data = instance(guests, hosts, per, args.seed)
        gs = data[0]
        needed = sum((g.last_night - g.first_night).days + 1 for g in gs)
        bound, bound_s = timed(lambda data=data: upper_bound(*data))
        n = size(*data)
        rows = [
            ("exact", lambda data=data: plan(*data, MAX_NIGHTS, exact_limit=10**9,
                                             time_limit_s=args.time_limit)),
            ("heuristic", lambda data=data: heuristic(*data, MAX_NIGHTS)),
            ("first-come", lambda data=data: first_come(*data, MAX_NIGHTS)),
        ]
        for name, call in rows:
            p, seconds = timed(call)
            print(f"{shape:<25} {n:>7,} {needed:>7,} {bound:>7,} {name:<11} {seconds:>8.2f} "
                  f"{covered(gs, p):>7,} {p.moves:>6,} {p.distance:>10,} "
                  f"{','.join(p.proved) or '-'}{'' if p.method == name else ' *'}", flush=True)
        print(f"{'':<25} {'':>7} {'':>7} {'':>7} {'bound':<11} {bound_s:>8.2f}")
    if args.skip_large:
        return
    data = instance(1000, 5000, 15, args.seed)
    gs = data[0]
    needed = sum((g.last_night - g.first_night).days + 1 for g in gs)
    print(f"\n1,000 guests x 5,000 hosts x 15 allowed: {needed:,} guest nights")
    for name, call in [
        ("heuristic", lambda: heuristic(*data, MAX_NIGHTS)),
        ("first-come", lambda: first_come(*data, MAX_NIGHTS)),
        ("plan", lambda: plan(*data, MAX_NIGHTS)),
        ("bound", lambda: upper_bound(*data)),
    ]:
        result, seconds = timed(call)
        nights = result if isinstance(result, int) else covered(gs, result)
        extra = "" if isinstance(result, int) else f"  moves {result.moves:,}  km-nights " \
            f"{result.distance:,}  method {result.method}"
        print(f"  {name:<11} {seconds:>6.2f} s  covered {nights:>8,}{extra}", flush=True)


if __name__ == "__main__":
    main()
