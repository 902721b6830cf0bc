"""Detention visits: greedy against CP-SAT on a seeded rota of six closed centres.

Run: `.venv/bin/python bench/visits.py [--seed 1] [--time-limit 20]`.
Pure: no app, no database. Six centres, 12 weeks of 2 slots per centre (144 slots of one
pair; a few with a visitor or a pair already confirmed), 120 visitors accredited for one
to three centres, free for about a third of their centres' slots, up to 1-3 visits, a
third of them experienced (5 past visits or more). Prints, for greedy and propose: pairs
filled, sum of visits squared, bonus points, seconds, proved_optimal. Under 60 s in all.
"""

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from passerelle.matching.visits import Slot, Visitor, check, greedy, propose, score  # noqa: E402

CENTRES = ["caricole", "127bis", "merksplas", "vottem", "holsbeek", "bruges"]
LANGUAGES = ["fr", "nl", "en", "ar", "es", "ru", "fa"]
EXPERIENCED_FROM = 5


def instance(seed: int):
    rng = random.Random(seed)
    monday = datetime(2027, 1, 4, 14, tzinfo=UTC)
    slots = []
    for c, centre in enumerate(CENTRES):
        for week in range(12):
            for day in (1, 3):
                start = monday + timedelta(weeks=week, days=day, hours=c % 3)
                slots.append(Slot(len(slots) + 1, centre, start))
    visitors = []
    for n in range(1, 121):
        accredited = frozenset(rng.sample(CENTRES, rng.choice([1, 1, 2, 3])))
        mine = [s.id for s in slots if s.centre in accredited]
        free = frozenset(s for s in mine if rng.random() < 0.35)
        past = rng.randint(5, 60) if rng.random() < 0.33 else rng.randint(0, 4)
        visitors.append(Visitor(n, accredited, past, free, rng.choice([1, 2, 2, 3]),
                                frozenset(rng.sample(LANGUAGES, rng.randint(1, 3)))))
    for n, v in enumerate(visitors):  # some pairs have visited together before
        others = rng.sample(range(1, 121), 4)
        visitors[n] = Visitor(v.id, v.accredited, v.past_visits, v.free, v.max_visits,
                              v.languages, {o: rng.randint(1, 6) for o in others if o != v.id})
    # A few confirmed visitors: one lone on slot 1 and a full pair on slot 2, when free.
    by_id = {v.id: v for v in visitors}
    for slot_index, count in ((0, 1), (1, 2), (30, 1)):
        slot = slots[slot_index]
        who = [v.id for v in visitors if slot.id in v.free][:count]
        slots[slot_index] = Slot(slot.id, slot.centre, slot.start, 1, tuple(who))
        for v in who:
            old = by_id[v]
            by_id[v] = Visitor(v, old.accredited, old.past_visits, old.free - {slot.id},
                               old.max_visits, old.languages, old.partners)
    return slots, list(by_id.values())


def row(name, plan, seconds, slots, visitors):
    pairs, spread, bonus = score(plan, slots, visitors)
    wrong = check(plan, slots, visitors, experienced_from=EXPERIENCED_FROM)
    reasons = {}
    for r in plan.unfilled.values():
        reasons[r] = reasons.get(r, 0) + 1
    print(f"{name:>8} {pairs:>6} {-spread:>9} {bonus:>6} {seconds:>8.2f} "
          f"{str(plan.proved_optimal):>8} {len(wrong):>7}  {reasons}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=20.0)
    args = parser.parse_args()
    slots, visitors = instance(args.seed)
    print(f"{len(slots)} slots, {len(visitors)} visitors, experienced from {EXPERIENCED_FROM}")
    print(f"{'':>8} {'pairs':>6} {'sum sq':>9} {'bonus':>6} {'seconds':>8} "
          f"{'optimal':>8} {'invalid':>7}  unfilled")
    start = time.perf_counter()
    base = greedy(slots, visitors, experienced_from=EXPERIENCED_FROM)
    row("greedy", base, time.perf_counter() - start, slots, visitors)
    start = time.perf_counter()
    plan = propose(slots, visitors, experienced_from=EXPERIENCED_FROM,
                   time_limit_s=args.time_limit)
    row("propose", plan, time.perf_counter() - start, slots, visitors)


if __name__ == "__main__":
    main()
