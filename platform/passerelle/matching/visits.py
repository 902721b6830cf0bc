"""Detention visits: the pairs of visitors proposed for the coming slots of each centre.

Each slot of a closed centre's rota takes `pairs` pairs of visitors. Both visitors of a
pair are accredited for the centre and free for the slot, at least one is experienced
(past_visits >= experienced_from), a visitor comes at most once per slot and at most
max_visits times over the slots planned. Visitors already confirmed on a slot (`taken`)
are kept: two of them make a filled pair, a lone one gets a partner.

`propose` solves it exactly with CP-SAT, one integer objective whose tiers cannot outvote
each other: (1) as many pairs as possible, (2) the spread, as the smallest sum over
visitors of their visits squared (exact and linear-free for the solver's product
constraint; unlike the max, it still separates plans whose busiest visitor is equally
busy, so the second busiest is relieved too), (3) one point each for a shared language,
an experienced visitor with a newer one (learning), and a pair that has not visited
together before. The greedy plan is the solver's hint and the floor: `propose` never
returns a plan scoring less. Pure: plain dataclasses in and out, the times passed in.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

from ortools.sat.python import cp_model

BONUSES = 3  # points a pair can earn in tier 3: language, learning, new pair


@dataclass(frozen=True)
class Slot:
    id: int
    centre: str
    start: datetime  # aware
    pairs: int = 1  # how many pairs the slot takes
    taken: tuple[int, ...] = ()  # visitors already confirmed on it, kept two by two


@dataclass(frozen=True)
class Visitor:
    id: int
    accredited: frozenset[str]  # centres
    past_visits: int
    free: frozenset[int]  # slot ids they can do, computed by the caller
    max_visits: int = 1  # over the slots planned, taken ones included
    languages: frozenset[str] = frozenset()
    partners: Mapping[int, int] = field(default_factory=dict)  # id -> visits together


@dataclass(frozen=True)
class Pair:
    slot: int
    first: int  # the lone taken visitor when there is one, else the lower id
    second: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    pairs: tuple[Pair, ...]  # proposed pairs only (confirmed ones are not repeated), sorted
    unfilled: Mapping[int, str]  # slot id -> the one reason it lacks a pair
    proved_optimal: bool


def _lone(slot: Slot) -> int | None:
    """The confirmed visitor waiting for a partner, if any."""
    return slot.taken[-1] if len(slot.taken) % 2 else None


def _open(slot: Slot) -> int:
    """Pairs still to fill without the lone visitor's: the slot's pairs less the
    confirmed pairs and the lone visitor's pair."""
    return max(0, slot.pairs - (len(slot.taken) + 1) // 2)


def _wanted(slot: Slot) -> int:
    """Pairs the plan may add: the open ones and the lone visitor's partner."""
    lone = _lone(slot) is not None and slot.pairs > len(slot.taken) // 2
    return _open(slot) + lone


def _eligible(slot: Slot, visitor: Visitor) -> bool:
    return (slot.centre in visitor.accredited and slot.id in visitor.free
            and visitor.id not in slot.taken and visitor.max_visits > 0)


def _experienced(visitor: Visitor, experienced_from: int) -> bool:
    return visitor.past_visits >= experienced_from


def _reasons(a: Visitor, b: Visitor, experienced_from: int) -> tuple[str, ...]:
    codes = [f"experienced:{v.id}" for v in (a, b) if _experienced(v, experienced_from)]
    if len(codes) == 1:
        codes.append("learning")
    codes += [f"language:{code}" for code in sorted(a.languages & b.languages)]
    together = a.partners.get(b.id, 0) or b.partners.get(a.id, 0)
    codes.append("known-pair" if together else "new-pair")
    return tuple(codes)


def _bonus(reasons: tuple[str, ...]) -> int:
    """Tier 3 points: one per kind of bonus present."""
    return (("learning" in reasons) + ("new-pair" in reasons)
            + any(r.startswith("language:") for r in reasons))


def _candidates(slots, visitors, experienced_from):
    """Every possible new pair, as (slot, first, second, reasons): the lone visitor with
    an eligible partner, and two eligible visitors for the open pairs."""
    by_id = {v.id: v for v in visitors}
    found = []
    for slot in slots:
        if not _wanted(slot):
            continue
        free = sorted((v for v in visitors if _eligible(slot, v)), key=lambda v: v.id)
        lone = _lone(slot)
        if lone is not None and slot.pairs > len(slot.taken) // 2:
            taken = by_id[lone]
            for v in free:
                if _experienced(taken, experienced_from) or _experienced(v, experienced_from):
                    found.append((slot.id, lone, v.id, _reasons(taken, v, experienced_from)))
        if _open(slot):
            for a, b in combinations(free, 2):
                if _experienced(a, experienced_from) or _experienced(b, experienced_from):
                    found.append((slot.id, a.id, b.id, _reasons(a, b, experienced_from)))
    return found


def _loads(pairs, slots) -> Counter:
    """Visits per visitor: confirmed ones and proposed ones."""
    load = Counter(v for slot in slots for v in slot.taken)
    for pair in pairs:
        load[pair.second] += 1
        if pair.first not in next(s.taken for s in slots if s.id == pair.slot):
            load[pair.first] += 1
    return load


def _weights(slots, visitors, candidates) -> tuple[int, int]:
    """Tier weights (pairs, spread) so that no lower tier can outvote a higher one."""
    bonus_max = BONUSES * sum(_wanted(s) for s in slots) + 1
    spread_max = sum(v.max_visits ** 2 for v in visitors) + 1
    spread = bonus_max + 1
    return spread * spread_max + bonus_max + 1, spread


def score(plan: Plan, slots, visitors) -> tuple[int, int, int]:
    """(pairs proposed, -sum of visits squared, bonus points): higher is better."""
    load = _loads(plan.pairs, slots)
    return (len(plan.pairs), -sum(n * n for n in load.values()),
            sum(_bonus(p.reasons) for p in plan.pairs))


def greedy(slots, visitors, *, experienced_from: int) -> Plan:
    """Slots in time order; the lone visitor gets the least experienced partner allowed;
    each open pair takes the most experienced free visitor (who must be experienced) and
    the least experienced free partner. Ties go to the lower id."""
    by_id = {v.id: v for v in visitors}
    left = {v.id: v.max_visits for v in visitors}
    for slot in slots:
        for v in slot.taken:
            left[v] = left.get(v, 0) - 1
    pairs = []
    for slot in sorted(slots, key=lambda s: (s.start, s.id)):
        here = set()

        def free(slot=slot, here=here):
            return [v for v in visitors
                    if _eligible(slot, v) and left[v.id] > 0 and v.id not in here]

        def take(first: Visitor, second: Visitor, slot=slot, here=here) -> None:
            pairs.append(Pair(slot.id, first.id, second.id,
                              _reasons(first, second, experienced_from)))
            for v in (first, second):
                if v.id not in slot.taken:
                    left[v.id] -= 1
                here.add(v.id)

        lone = _lone(slot)
        if lone is not None and slot.pairs > len(slot.taken) // 2:
            taken = by_id[lone]
            partners = [v for v in free() if _experienced(taken, experienced_from)
                        or _experienced(v, experienced_from)]
            if partners:
                take(taken, min(partners, key=lambda v: (v.past_visits, v.id)))
        for _ in range(_open(slot)):
            ready = [v for v in free() if _experienced(v, experienced_from)]
            if not ready:
                break
            first = min(ready, key=lambda v: (-v.past_visits, v.id))
            rest = [v for v in free() if v.id != first.id]
            if not rest:
                break
            take(first, min(rest, key=lambda v: (v.past_visits, v.id)))
    return _plan(pairs, slots, visitors, experienced_from, proved_optimal=False)


def propose(slots, visitors, *, experienced_from: int, time_limit_s: float = 5.0) -> Plan:
    """The best plan CP-SAT finds in time_limit_s, hinted with the greedy plan and never
    worse than it; proved_optimal when the solver proved it."""
    slots, visitors = list(slots), list(visitors)
    baseline = greedy(slots, visitors, experienced_from=experienced_from)
    candidates = _candidates(slots, visitors, experienced_from)
    if not candidates:
        return _plan([], slots, visitors, experienced_from, proved_optimal=True)
    model = cp_model.CpModel()
    use = [model.new_bool_var(f"p{n}") for n in range(len(candidates))]
    by_slot, by_slot_lone, in_slot, of_visitor = {}, {}, {}, {}
    for var, (slot, first, second, _) in zip(use, candidates, strict=True):
        lone = first in next(s.taken for s in slots if s.id == slot)
        (by_slot_lone if lone else by_slot).setdefault(slot, []).append(var)
        for v in (second,) if lone else (first, second):
            in_slot.setdefault((slot, v), []).append(var)
            of_visitor.setdefault(v, []).append(var)
    for slot in slots:
        model.add(sum(by_slot.get(slot.id, [])) <= _open(slot))
        model.add(sum(by_slot_lone.get(slot.id, [])) <= 1)
    for group in in_slot.values():
        model.add_at_most_one(group)
    taken = Counter(v for slot in slots for v in slot.taken)
    squares = []
    for visitor in visitors:
        top = max(visitor.max_visits, taken[visitor.id])
        load = model.new_int_var(0, top, f"load{visitor.id}")
        model.add(load == taken[visitor.id] + sum(of_visitor.get(visitor.id, [])))
        square = model.new_int_var(0, top * top, f"sq{visitor.id}")
        model.add_multiplication_equality(square, [load, load])
        squares.append(square)
    pair_weight, spread_weight = _weights(slots, visitors, candidates)
    model.maximize(pair_weight * sum(use) - spread_weight * sum(squares)
                   + sum(_bonus(c[3]) * var for c, var in zip(candidates, use, strict=True)))
    chosen = {(p.slot, p.first, p.second) for p in baseline.pairs}
    for var, (slot, first, second, _) in zip(use, candidates, strict=True):
        model.add_hint(var, (slot, first, second) in chosen)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return baseline
    pairs = [Pair(c[0], c[1], c[2], c[3])
             for c, var in zip(candidates, use, strict=True) if solver.value(var)]
    plan = _plan(pairs, slots, visitors, experienced_from, status == cp_model.OPTIMAL)
    if score(plan, slots, visitors) < score(baseline, slots, visitors):
        return baseline
    return plan


def _plan(pairs, slots, visitors, experienced_from, proved_optimal) -> Plan:
    pairs = tuple(sorted(pairs, key=lambda p: (p.slot, p.first, p.second)))
    return Plan(pairs, unfilled(pairs, slots, visitors, experienced_from), proved_optimal)


def unfilled(pairs, slots, visitors, experienced_from) -> dict[int, str]:
    """Slot id -> the first reason that applies, for each slot still short of pairs:
    "no-accredited" (fewer than 2 visitors accredited for the centre at all),
    "no-experienced" (no experienced one free for it, the lone confirmed one counted),
    "not-free" (fewer than 2 accredited and free, the lone confirmed one counted),
    "taken-elsewhere" (they exist, but the plan used them: on other slots, on this slot's
    other pairs, or they reached max_visits)."""
    made = Counter(p.slot for p in pairs)
    by_id = {v.id: v for v in visitors}
    reasons = {}
    for slot in sorted(slots, key=lambda s: s.id):
        if made[slot.id] >= _wanted(slot):
            continue
        lone = _lone(slot)
        free = [v for v in visitors if _eligible(slot, v)]
        if lone is not None and lone in by_id:
            free.append(by_id[lone])
        if sum(slot.centre in v.accredited for v in visitors) < 2:
            reasons[slot.id] = "no-accredited"
        elif not any(_experienced(v, experienced_from) for v in free):
            reasons[slot.id] = "no-experienced"
        elif len(free) < 2:
            reasons[slot.id] = "not-free"
        else:
            reasons[slot.id] = "taken-elsewhere"
    return reasons


def check(plan: Plan, slots, visitors, *, experienced_from: int) -> list[str]:
    """What is wrong with the plan, one sentence each; empty when it is valid."""
    slot_of = {s.id: s for s in slots}
    by_id = {v.id: v for v in visitors}
    wrong = []
    seen = Counter()
    for p in plan.pairs:
        slot = slot_of.get(p.slot)
        if slot is None or p.first not in by_id or p.second not in by_id:
            wrong.append(f"pair {p}: unknown slot or visitor")
            continue
        if p.first == p.second:
            wrong.append(f"slot {p.slot}: visitor {p.first} paired with themselves")
        pair = (by_id[p.first], by_id[p.second])
        for v in pair:
            lone = v.id == _lone(slot) and v.id == p.first
            if not lone and not _eligible(slot, v):
                wrong.append(f"slot {p.slot}: visitor {v.id} not accredited, free or new")
            seen[p.slot, v.id] += 1
        if not any(_experienced(v, experienced_from) for v in pair):
            wrong.append(f"slot {p.slot}: no experienced visitor in {p.first}-{p.second}")
        if p.reasons != _reasons(*pair, experienced_from):
            wrong.append(f"slot {p.slot}: reasons {p.reasons} not those of the pair")
    for (slot, v), times in seen.items():
        if times > 1:
            wrong.append(f"slot {slot}: visitor {v} more than once")
    made = Counter(p.slot for p in plan.pairs)
    lone_pairs = Counter(p.slot for p in plan.pairs if p.first == _lone(slot_of[p.slot]))
    for slot in slots:
        if made[slot.id] - lone_pairs[slot.id] > _open(slot) or lone_pairs[slot.id] > 1:
            wrong.append(f"slot {slot.id}: more pairs than it takes")
    for v, load in _loads(plan.pairs, slots).items():
        if v in by_id and load > max(by_id[v].max_visits, Counter(
                t for s in slots for t in s.taken)[v]):
            wrong.append(f"visitor {v}: {load} visits, over max_visits")
    if dict(plan.unfilled) != unfilled(plan.pairs, slots, visitors, experienced_from):
        wrong.append("unfilled reasons are not those of the plan")
    return wrong


def export(slots, visitors, plan: Plan, *, experienced_from: int) -> dict:
    """The instance and the plan for audit, JSON-ready, in id order."""
    return {
        "experienced_from": experienced_from,
        "slots": [{"id": s.id, "centre": s.centre, "start": s.start.isoformat(),
                   "pairs": s.pairs, "taken": list(s.taken)}
                  for s in sorted(slots, key=lambda s: s.id)],
        "visitors": [{"id": v.id, "accredited": sorted(v.accredited),
                      "past_visits": v.past_visits, "free": sorted(v.free),
                      "max_visits": v.max_visits, "languages": sorted(v.languages),
                      "partners": {str(k): n for k, n in sorted(v.partners.items())}}
                     for v in sorted(visitors, key=lambda v: v.id)],
        "pairs": [{"slot": p.slot, "first": p.first, "second": p.second,
                   "reasons": list(p.reasons)} for p in plan.pairs],
        "unfilled": {str(k): r for k, r in sorted(plan.unfilled.items())},
        "proved_optimal": plan.proved_optimal,
    }
