"""The batch assignment on random instances: optimal (whole graph and pruned) and greedy.

Run: `.venv/bin/python bench/assignment.py [--sizes 10000 100000 1000000] [--seed 1]`.
Pure: no app, no database. For each size (allowed pairs), a seeded random instance
shaped like the target: size / 10 volunteers with capacity 1-3, size / 100 needs with
1-4 places, 100 allowed volunteers per need, scores 0-100 with 1 pair in 20 in the
strong-preference tier (+1000). The "scarce" variant has size / 100 volunteers with
capacity 1-2, fewer than the places (so pruning keeps each volunteer's best needs); the
"popular" one gives every need the same taste (a volunteer's score is mostly their own,
whatever the need), the hard case for pruning.
For each, it times `optimal` by score and by places first, on the whole graph and
pruned, and `greedy`, and prints seconds, the memory peak the call added (VmHWM on
Linux, else the process peak), the pairs the solver was given, places filled and total
score. Figures only; the target is 5 s or less at 1,000,000 pairs.
"""

import argparse
import ctypes
import ctypes.util
import gc
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from passerelle.matching.assignment import greedy, optimal  # noqa: E402


def instance(size: int, seed: int, kind: str):
    rng = random.Random(seed)
    needs, per_need = size // 100, 100
    volunteers, most = (size // 100, 2) if kind == "scarce" else (size // 10, 3)
    popular = kind == "popular"
    capacities = {v: rng.randint(1, most) for v in range(volunteers)}
    places = {n: rng.randint(1, 4) for n in range(needs)}
    edges = []
    for n in range(needs):
        for v in rng.sample(range(volunteers), per_need):
            if popular:
                score = 1000 * (volunteers - v) // volunteers + rng.randint(0, 50)
            else:
                score = rng.randint(0, 100) + (1000 if rng.random() < 0.05 else 0)
            edges.append((v, n, score))
    return capacities, places, edges


def status_kb(key: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def release_freed_memory() -> None:
    """Hand freed heap pages back to the system (glibc), so that the next call's peak is
    its own and not hidden in pages an earlier call left to the allocator."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def measure(call):
    """(result, seconds, peak MB added by the call, or the process peak if not on Linux)."""
    gc.collect()
    release_freed_memory()
    before = status_kb("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # resets VmHWM, the peak, to the current size
    except OSError:
        before = None
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    if before is not None:
        peak = (status_kb("VmHWM") - before) / 1024
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    methods = [
        ("optimal score, whole", lambda i: optimal(*i, prune=False)),
        ("optimal score, pruned", lambda i: optimal(*i)),
        ("places first, whole", lambda i: optimal(*i, cardinality_first=True, prune=False)),
        ("places first, pruned", lambda i: optimal(*i, cardinality_first=True)),
        ("greedy", lambda i: greedy(*i)),
    ]
    print(f"{'instance':<10} {'pairs':>9} {'method':<22} {'seconds':>8} {'peak MB':>8} ", end="")
    print(f"{'considered':>10} {'filled':>7} {'total':>10}")
    for kind in ("typical", "scarce", "popular"):
        for size in args.sizes:
            data = instance(size, args.seed, kind)
            for name, call in methods:
                result, seconds, peak = measure(lambda call=call, data=data: call(data))
                print(
                    f"{kind:<10} {len(data[2]):>9,} {name:<22} "
                    f"{seconds:>8.2f} {peak:>8.0f} {result.considered:>10,} "
                    f"{len(result.pairs):>7,} {result.total:>10,}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
