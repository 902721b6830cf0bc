"""Hosting trajectories: chaining a guest's stays from home to home over a long period.

A hosting programme (e.g. "Up Together") places a guest household for about a year in
citizens' homes, one stay after another. Each stay lies inside one free period of its
host, lasts at most the programme's `max_nights` and uses one of the host's rooms on each of
its nights. A guest may come back to a home later (Up Together's guests go "from home to
home" for a year, in stays of at most eight weeks each: three homes can share the year),
but never straight after a stay in that same home: that would be one stay over the cap.
Who may host whom is decided elsewhere: this module receives
the allowed (guest, host) pairs with the host's distance in km. Pure: dataclasses and
dicts in, a `Plan` out; nights are `date`s, every period is (first_night, last_night).

Goals, in lexicographic order:
1. fewest uncovered nights; then, only among plans with the same number, the most nights
   of higher-priority guests (the sum of priority x covered nights is maximised as a
   separate step, so priority never costs a single night overall);
2. fewest moves: a guest's stays after their first, whether it continues the previous
   stay directly (in another home) or starts after a gap; so moves = stays - guests with
   at least one stay, fixed stays included;
3. smallest distance: the sum over stays of nights x km, rounded once at the end.

A host's free periods that overlap or touch are merged first: a host free on consecutive
nights can host a stay across them; `check` reads the periods the same way.

`plan` works in three steps. (1) The heuristic, a multi-start greedy with first-come among
its starts (so never worse than it). (2) The polish (`trajectory_alone`): each guest in turn
gets its best trajectory given the rooms the others hold, exact for one guest, kept when
better; passes repeat while one improves. (3) Up to `exact_limit` night variables, SCIP
(OR-Tools) on a 0-1 model indexed by night: x = guest at host tonight, y = a stay starts
tonight, and in any max_nights + 1 nights in a row at most max_nights with one host (so no
stay is longer); one goal after another, each optimum kept as a constraint, each search
starting from the previous one's plan polished (SCIP's plans of most nights come in many
short stays: 1,393 moves at 30 x 100 x 3 before the polish, 132 after). Two details matter: the
cut "max_nights x stays >= nights" per guest, and the moves as an integer variable. Nights
are not compressed into intervals between breakpoints: with the cap an optimal stay may end
on any night, so a compressed model is not exact in general.

`Plan.proved` names the goals proved optimal, in order: a goal is proved when SCIP closes
it within the time limit, and "nights" also when the plan covers as many nights as the
per-night bound. The time limit stops the search with the best plan so far, never worse
than the polished heuristic.

Measured by bench/trajectories.py on this machine (2 cores), random year-long instances
(guests need 180-365 nights, hosts 1-3 free periods of 30-200 nights, 56 nights per stay):
SCIP proves the most nights (and the priority among them) up to 30 guests x 100 hosts with
5 allowed hosts each (20,334 night variables), each goal in about 20 s; the moves and the
distance are not proved at those sizes (the relaxation bounds the moves at 77 where the
plans have 132), so they are the best found in the time. With 15 allowed hosts each
(59,138 variables) the relaxation alone does not finish in a minute: EXACT_LIMIT. A column
generation over whole trajectories (pricing by the one-guest programme) was tried and
dropped: the best plan among its columns missed the optimum (72 nights uncovered where 71
is) and at 30 x 100 x 3 its rounds tailed off without converging in a minute.
1,000 guests x 5,000 hosts, 15 allowed each (228,847 guest nights; bench/matching.py): `plan`
(the heuristic, the bound, the size check) 1.5-1.7 s, 226,520 nights covered; first-come
0.15 s, 226,466; bound 0.4-0.5 s, 227,006.
"""

import random
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

# Night variables (allowed pair x night both free and needed) up to which `plan` runs SCIP;
# measured in bench/trajectories.py (30 x 100 with 5 allowed each: 20,334, proved).
EXACT_LIMIT = 25_000


@dataclass(frozen=True)
class Guest:
    id: int
    first_night: date
    last_night: date
    priority: int = 0  # higher goes first where it matters (waited longer, isolated)


@dataclass(frozen=True)
class Host:
    id: int
    rooms: int
    free: tuple[tuple[date, date], ...]  # free periods, both ends included


@dataclass(frozen=True)
class Stay:
    guest: int
    host: int
    first_night: date
    last_night: date

    @property
    def nights(self) -> int:
        return (self.last_night - self.first_night).days + 1


@dataclass(frozen=True)
class Plan:
    stays: list[Stay]  # sorted by (guest, first_night); includes the fixed stays
    gaps: dict[int, list[tuple[date, date]]]  # per guest (all of them): nights not covered
    uncovered: int  # total nights not covered
    moves: int  # stays after each guest's first (each in another home than the last)
    distance: int  # sum over stays of nights x distance_km, rounded
    method: str  # "exact", "heuristic", "first-come"
    proved: tuple[str, ...] = ()  # the goals proved optimal, in their order (GOALS)
    bound: int | None = None  # `plan`'s: the most guest nights any plan covers (upper_bound)

    @property
    def proved_optimal(self) -> bool:
        """Every goal proved: no plan is better by the goals' order."""
        return "distance" in self.proved


# The goals in their order; "priority" only counts when the guests' priorities differ.
GOALS = ("nights", "priority", "moves", "distance")


# Internally a night is its proleptic ordinal (date.toordinal) and a stay a tuple
# (guest, host, first, last) of ints.


def merged(free: Iterable[tuple[date, date]]) -> list[tuple[int, int]]:
    """A host's free periods as ordinals, overlapping or touching ones merged."""
    out: list[list[int]] = []
    for a, b in sorted((a.toordinal(), b.toordinal()) for a, b in free if a <= b):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


class _Problem:
    """The input once prepared: what each guest still needs, each host's rooms left per
    night after the fixed stays, and the pairs still usable."""

    def __init__(self, guests, hosts, allowed, max_nights, fixed):
        self.guests = {g.id: g for g in guests}
        self.hosts = {h.id: h for h in hosts}
        self.max_nights = max_nights
        self.fixed = [(s.guest, s.host, s.first_night.toordinal(), s.last_night.toordinal())
                      for s in fixed]
        self.lo = min((g.first_night.toordinal() for g in guests), default=0)
        self.hi = max((g.last_night.toordinal() for g in guests), default=-1)
        span = max(self.hi - self.lo + 1, 0)
        self.hindex = {h: i for i, h in enumerate(self.hosts)}
        # rooms[i, n]: rooms of host i left on night lo + n (0 when not free).
        self.rooms = np.zeros((len(self.hosts), span), dtype=np.int32)
        for i, h in enumerate(self.hosts.values()):
            for a, b in merged(h.free):
                a, b = max(a, self.lo), min(b, self.hi)
                if a <= b:
                    self.rooms[i, a - self.lo:b - self.lo + 1] = max(h.rooms, 0)
        covered = defaultdict(set)
        # A new stay may not continue a fixed stay in the same home, before or after it.
        self.fixed_end: dict[tuple[int, int], int] = {}  # (guest, last night) -> host
        self.fixed_start: dict[tuple[int, int], int] = {}  # (guest, first night) -> host
        for g, h, a, b in self.fixed:
            self.fixed_end[(g, b)], self.fixed_start[(g, a)] = h, h
            covered[g].update(range(a, b + 1))
            if h in self.hindex:
                a, b = max(a, self.lo), min(b, self.hi)
                if a <= b:
                    row = self.rooms[self.hindex[h]]
                    row[a - self.lo:b - self.lo + 1] -= 1
        np.maximum(self.rooms, 0, out=self.rooms)
        # need[g]: the guest's nights not covered by a fixed stay, as maximal runs.
        self.need = {}
        for g in self.guests.values():
            nights = range(g.first_night.toordinal(), g.last_night.toordinal() + 1)
            self.need[g.id] = runs(n for n in nights if n not in covered[g.id])
        self.fixed_guests = {g for g, _, _, _ in self.fixed}
        self.pairs = defaultdict(list)  # guest -> [(km, host)], nearest first
        for (g, h), km in allowed.items():
            if g in self.guests and h in self.hosts:
                self.pairs[g].append((km, h))
        for options in self.pairs.values():
            options.sort()
        self.km = dict(allowed)


def runs(nights: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted ordinals as maximal runs of consecutive nights."""
    out: list[list[int]] = []
    for n in sorted(nights):
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return [(a, b) for a, b in out]


def _make_plan(prob: _Problem, stays, method: str, proved: tuple[str, ...] = ()) -> Plan:
    """The plan of these new stays beside the fixed ones, with its measures."""
    every = sorted(prob.fixed + list(stays), key=lambda s: (s[0], s[2], s[1]))
    covered = defaultdict(set)
    count = defaultdict(int)
    distance = 0.0
    for g, h, a, b in every:
        covered[g].update(range(a, b + 1))
        count[g] += 1
        distance += (b - a + 1) * prob.km.get((g, h), 0.0)
    gaps, uncovered = {}, 0
    for g in prob.guests.values():
        nights = range(g.first_night.toordinal(), g.last_night.toordinal() + 1)
        missing = runs(n for n in nights if n not in covered[g.id])
        gaps[g.id] = [(date.fromordinal(a), date.fromordinal(b)) for a, b in missing]
        uncovered += sum(b - a + 1 for a, b in missing)
    return Plan(
        stays=[Stay(g, h, date.fromordinal(a), date.fromordinal(b)) for g, h, a, b in every],
        gaps=gaps,
        uncovered=uncovered,
        moves=sum(c - 1 for c in count.values()),
        distance=round(distance),
        method=method,
        proved=proved,
    )


def _key(plan: Plan, guests) -> tuple:
    """Plans compare by this, smaller is better: the goals in their order."""
    priority = {g.id: g.priority for g in guests}
    weighted = sum(s.nights * priority.get(s.guest, 0) for s in plan.stays)
    return (plan.uncovered, -weighted, plan.moves, plan.distance)


# --- Greedy walks: first_come and the heuristic --------------------------------------


def _walk(prob: _Problem, order: list[int], longest: bool) -> list[tuple]:
    """Each guest in turn walks forward through its needed nights: tonight it takes an
    allowed host with a room (the longest stay, or with `longest` False the nearest one),
    for as long as the room, the free period, the cap and the guest's need allow."""
    rooms = prob.rooms.copy()
    lo, cap, stays = prob.lo, prob.max_nights, []
    for g in order:
        options = [(km, h, prob.hindex[h]) for km, h in prob.pairs.get(g, ())]
        if not options:
            continue
        ended: dict[int, int] = {}  # last night -> host, of this guest's new stays
        for a, b in prob.need[g]:
            t = a
            while t <= b:
                n = t - lo
                length = min(cap, b - t + 1)
                before = ended.get(t - 1, prob.fixed_end.get((g, t - 1)))
                best = None  # (nights, host, row)
                for _, h, i in options:
                    if h == before or rooms[i, n] <= 0:
                        continue
                    row = rooms[i, n:n + length]
                    full = np.flatnonzero(row <= 0)
                    nights = int(full[0]) if len(full) else length
                    if prob.fixed_start.get((g, t + nights)) == h:
                        nights -= 1  # it would run into a fixed stay in the same home
                        if nights == 0:
                            continue
                    if best is None or nights > best[0]:
                        best = (nights, h, i)
                        if not longest or nights == length:
                            break  # options are nearest first: no longer stay to find
                if best is None:
                    t += 1
                    continue
                nights, h, i = best
                rooms[i, n:n + nights] -= 1
                ended[t + nights - 1] = h
                stays.append((g, h, t, t + nights - 1))
                t += nights
    return stays


def first_come(guests, hosts, allowed, max_nights, fixed=()) -> Plan:
    """The baseline a coordinator would do by hand: guests by first night (then id), each
    takes night after night the nearest allowed host free that night, as long as possible."""
    prob = _Problem(guests, hosts, allowed, max_nights, fixed)
    order = sorted(prob.guests, key=lambda g: (prob.guests[g].first_night, g))
    return _make_plan(prob, _walk(prob, order, longest=False), "first-come")


def heuristic(guests, hosts, allowed, max_nights, fixed=(), budget_s: float = 1.0,
              restarts: int = 30, seed: int = 0) -> Plan:
    """A multi-start greedy: the walk in a few guest orders (priority first, then first
    night, fewest allowed hosts, longest need), each taking the longest stay or the
    nearest host, then in random orders within each priority (`restarts` of them, while
    `budget_s` lasts); the best by the goals. First-come is among the starts, so the
    result is never worse than it."""
    start = time.perf_counter()
    prob = _Problem(guests, hosts, allowed, max_nights, fixed)
    return _heuristic(prob, list(guests), start, budget_s, restarts, seed)


def _heuristic(prob: _Problem, guests, start: float, budget_s: float = 1.0,
               restarts: int = 30, seed: int = 0) -> Plan:
    gs = prob.guests
    orders = [
        lambda g: (-gs[g].priority, gs[g].first_night, g),
        lambda g: (-gs[g].priority, len(prob.pairs.get(g, ())), gs[g].first_night, g),
        lambda g: (-gs[g].priority, -(gs[g].last_night - gs[g].first_night).days, g),
    ]
    starts = [(sorted(gs, key=o), longest) for o in orders for longest in (True, False)]
    starts.append((sorted(gs, key=lambda g: (gs[g].first_night, g)), False))  # first-come
    rng = random.Random(seed)
    best = None
    while True:
        if starts:
            order, longest = starts.pop(0)
        elif restarts > 0 and time.perf_counter() - start < budget_s:
            restarts -= 1
            ties = {g: rng.random() for g in gs}
            order = sorted(gs, key=lambda g: (-gs[g].priority, ties[g]))
            longest = rng.random() < 0.5
        else:
            break
        candidate = _make_plan(prob, _walk(prob, order, longest), "heuristic")
        if best is None or _key(candidate, guests) < _key(best, guests):
            best = candidate
    return best


# --- Polish: each guest re-planned alone -----------------------------------------------


def _guest_key(prob: _Problem, g: int, stays) -> tuple:
    """One guest's goals (its priority is fixed): uncovered nights, moves, km-nights."""
    needed = sum(b - a + 1 for a, b in prob.need[g])
    nights = sum(b - a + 1 for _, _, a, b in stays)
    moves = len(stays) if g in prob.fixed_guests else max(len(stays) - 1, 0)
    km = sum((b - a + 1) * prob.km[(g, h)] for _, h, a, b in stays)
    return (needed - nights, moves, round(km, 6))


def _polish(prob: _Problem, stays, deadline: float) -> list[tuple]:
    """Each guest in turn gets its best trajectory given the others' rooms (exact for one
    guest, `trajectory_alone`), kept when it is better; passes repeat while one improves
    and time is left (one pass at least). Never worse: a guest's own stays are among its
    choices."""
    from passerelle.matching.trajectory_alone import best_alone

    rooms = prob.rooms.copy()
    mine = defaultdict(list)
    for s in stays:
        mine[s[0]].append(s)
        rooms[prob.hindex[s[1]], s[2] - prob.lo:s[3] - prob.lo + 1] -= 1
    closed = defaultdict(list)  # guest -> (night, host): no new stay runs on from a fixed one
    for (g, n), h in prob.fixed_end.items():
        closed[g].append((n + 1, h))
    for (g, n), h in prob.fixed_start.items():
        closed[g].append((n - 1, h))
    better, passes = True, 0
    while better and (passes == 0 or time.perf_counter() < deadline):
        better, passes = False, passes + 1
        for g, guest in prob.guests.items():
            options = prob.pairs.get(g)
            if not options:
                continue
            first, last = guest.first_night.toordinal(), guest.last_night.toordinal()
            for _, h, a, b in mine[g]:
                rooms[prob.hindex[h], a - prob.lo:b - prob.lo + 1] += 1
            needed = np.zeros(last - first + 1, dtype=bool)
            for a, b in prob.need[g]:
                needed[a - first:b - first + 1] = True
            km = np.full((len(options), len(needed)), np.inf)
            for k, (dist, h) in enumerate(options):
                free = (rooms[prob.hindex[h], first - prob.lo:last - prob.lo + 1] > 0) & needed
                km[k, free] = dist
                for n, host in closed[g]:
                    if host == h and first <= n <= last:
                        km[k, n - first] = np.inf
            found = [(g, options[k][1], first + a, first + b) for k, a, b in
                     best_alone(needed, km, prob.max_nights, g not in prob.fixed_guests)]
            if _guest_key(prob, g, found) < _guest_key(prob, g, mine[g]):
                mine[g], better = found, True
            for _, h, a, b in mine[g]:
                rooms[prob.hindex[h], a - prob.lo:b - prob.lo + 1] -= 1
    return [s for g in prob.guests for s in mine[g]]


# --- Exact: the night-indexed model ---------------------------------------------------


def _night_variables(prob: _Problem, limit: int | None = None
                     ) -> list[tuple[int, int, list[int]]]:
    """(guest, host, nights) for each usable pair: its needed nights with a room left; once
    there are more than `limit` nights, what was found so far (enough to say too many)."""
    out, count = [], 0
    for g, options in prob.pairs.items():
        needed = [n - prob.lo for a, b in prob.need[g] for n in range(a, b + 1)]
        if not needed:
            continue
        needed = np.array(needed)
        for _, h in options:
            row = prob.rooms[prob.hindex[h]]
            nights = needed[row[needed] > 0]
            if len(nights):
                out.append((g, h, (nights + prob.lo).tolist()))
                count += len(nights)
                if limit is not None and count > limit:
                    return out
    return out


def size(guests, hosts, allowed, fixed=()) -> int:
    """How many night variables the exact model would have."""
    prob = _Problem(guests, hosts, allowed, 1, fixed)
    return sum(len(n) for _, _, n in _night_variables(prob))


def _cap_each_stay(solver, xs: dict, cap: int) -> None:
    """In any cap + 1 nights in a row, at most cap with this host: no stay over the cap."""
    nights = sorted(xs)
    end = 0
    for start, first in enumerate(nights):
        while end < len(nights) and nights[end] <= first + cap:
            end += 1
        if end - start > cap:
            solver.Add(solver.Sum(xs[n] for n in nights[start:end]) <= cap)


def _exact(prob: _Problem, guests, hint: Plan, time_limit_s: float):
    """(new stays, proved optimal) from SCIP, one goal after another; None if SCIP found
    nothing (then the caller keeps the heuristic)."""
    from ortools.linear_solver import pywraplp

    deadline = time.perf_counter() + time_limit_s
    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:
        return None
    cells = _night_variables(prob)
    x = []  # per pair: {night: var}
    starts = defaultdict(list)  # guest -> start vars
    guest_x = defaultdict(list)
    per_guest_night = defaultdict(list)
    per_host_night = defaultdict(list)
    for p, (g, h, nights) in enumerate(cells):
        xs = {n: solver.BoolVar(f"x{p}_{n}") for n in nights}
        x.append(xs)
        # y: a stay starts tonight; continuous is enough since x is 0-1.
        ys = []
        for n, var in xs.items():
            y = solver.NumVar(0, 1, "")
            before = xs.get(n - 1)
            solver.Add(y >= var - before if before is not None else y >= var)
            ys.append(y)
            per_guest_night[(g, n)].append(var)
            per_host_night[(h, n)].append(var)
        _cap_each_stay(solver, xs, prob.max_nights)
        for n, var in xs.items():  # no stay runs on from a fixed one in the same home
            if prob.fixed_end.get((g, n - 1)) == h or prob.fixed_start.get((g, n + 1)) == h:
                solver.Add(var == 0)
        starts[g].extend(ys)
        guest_x[g].extend(xs.values())
    # Each stay has at most max_nights nights: a valid cut that the relaxation misses
    # (it spreads fractions of stays), without which SCIP cannot bound the moves.
    for g, ys in starts.items():
        solver.Add(prob.max_nights * solver.Sum(ys) >= solver.Sum(guest_x[g]))
    for vars_ in per_guest_night.values():
        if len(vars_) > 1:
            solver.Add(solver.Sum(vars_) <= 1)
    for (h, n), vars_ in per_host_night.items():
        left = int(prob.rooms[prob.hindex[h], n - prob.lo])
        if len(vars_) > left:
            solver.Add(solver.Sum(vars_) <= left)
    # has[g]: the guest has a stay; a guest with a fixed stay has one already.
    has = []
    for g, ys in starts.items():
        if g not in prob.fixed_guests:
            z = solver.NumVar(0, 1, "")
            solver.Add(z <= solver.Sum(ys))
            has.append(z)
    every_x = [(cells[p][0], cells[p][1], n, v) for p, xs in enumerate(x) for n, v in xs.items()]
    priority = {g.id: g.priority for g in guests}
    goals = [("nights", solver.Sum(v for *_, v in every_x), True)]
    if len({priority[g] for g, *_ in every_x}) > 1:
        goals.append(("priority", solver.Sum(priority[g] * v for g, _, _, v in every_x), True))
    # An integer variable for the moves, so that SCIP rounds its bound up (y and z are
    # continuous): without it, 5.5 moves at best could not prove 6 optimal.
    moves = solver.IntVar(0, solver.infinity(), "moves")
    solver.Add(moves == solver.Sum(y for ys in starts.values() for y in ys) - solver.Sum(has))
    goals.append(("moves", moves, False))
    km = prob.km
    goals.append(("distance", solver.Sum(km[(g, h)] * v for g, h, _, v in every_x), False))

    def nights_of(stays):
        taken = {(g, h, n) for g, h, a, b in stays for n in range(a, b + 1)}
        return [1.0 if (g, h, n) in taken else 0.0 for g, h, n, _ in every_x]

    def stays_of(values):
        nights = defaultdict(list)
        for (g, h, n, _), value in zip(every_x, values, strict=True):
            if value > 0.5:
                nights[(g, h)].append(n)
        return [(g, h, a, b) for (g, h), ns in nights.items() for a, b in runs(ns)]

    # Each goal's search starts from the previous one's plan polished guest by guest (the
    # first from the heuristic's): SCIP's plans of most nights come in many short stays.
    values = nights_of((s.guest, s.host, s.first_night.toordinal(), s.last_night.toordinal())
                       for s in hint.stays)
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
    proved, solution = [], None
    for step, (name, objective, maximise) in enumerate(goals):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        solver.SetHint([v for *_, v in every_x], values)
        solver.SetTimeLimit(max(int(left * 1000), 1))
        if maximise:
            solver.Maximize(objective)
        else:
            solver.Minimize(objective)
        status = solver.Solve(params)
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            break
        solution = stays_of([float(round(v.solution_value())) for *_, v in every_x])
        solution = _polish(prob, solution, deadline)
        values = nights_of(solution)
        if status != pywraplp.Solver.OPTIMAL:
            break
        proved.append(name)
        if name == "nights" and goals[1][0] != "priority":
            proved.append("priority")  # equal priorities: the most nights is the most weighted
        if step < len(goals) - 1:
            # Keep this goal's optimum (an integer: half a unit of slack) for the next.
            best = objective.solution_value()
            solver.Add(objective >= best - 0.5 if maximise else objective <= best + 0.5)
    if solution is None:
        return None
    return solution, tuple(proved)


def plan(guests, hosts, allowed: dict[tuple[int, int], float], max_nights: int,
         fixed: Sequence[Stay] = (), exact_limit: int = EXACT_LIMIT,
         time_limit_s: float = 60) -> Plan:
    """The best plan found: SCIP's when the model has at most `exact_limit` night variables
    (each goal proved optimal in turn until the time runs out), else the heuristic's. Either
    way, a plan covering as many nights as the per-night bound has "nights" proved."""
    started = time.perf_counter()
    guests, hosts = list(guests), list(hosts)
    prob = _Problem(guests, hosts, allowed, max_nights, fixed)
    greedy = _heuristic(prob, guests, started)
    needed = sum((g.last_night - g.first_night).days + 1 for g in guests)
    bound = _upper_bound(prob)
    greedy = replace(greedy, bound=bound)
    if greedy.uncovered == needed - bound:
        equal = len({g.priority for g in guests}) <= 1
        greedy = replace(greedy, proved=("nights", "priority") if equal else ("nights",))
    if sum(len(n) for _, _, n in _night_variables(prob, exact_limit)) > exact_limit:
        return greedy
    deadline = time.perf_counter() + time_limit_s
    kept = set(fixed)
    new = [(s.guest, s.host, s.first_night.toordinal(), s.last_night.toordinal())
           for s in greedy.stays if s not in kept]
    greedy = replace(_make_plan(prob, _polish(prob, new, deadline), "heuristic"),
                     proved=greedy.proved, bound=bound)
    found = _exact(prob, guests, greedy, deadline - time.perf_counter())
    if found is None:
        return greedy
    stays, proved = found
    exact = _make_plan(prob, stays, "exact", proved)
    if _key(greedy, guests) < _key(exact, guests):
        # Better on a goal SCIP did not prove: it ties on those it proved.
        return replace(greedy, proved=max(greedy.proved, exact.proved, key=len))
    return replace(exact, proved=max(greedy.proved, exact.proved, key=len), bound=bound)


# --- Bound, check, export --------------------------------------------------------------


def upper_bound(guests, hosts, allowed, fixed=()) -> int:
    """The most guest nights any plan can cover, fixed stays included: on each interval
    between breakpoints, a maximum matching of the guests needing it to the hosts with a
    room left (rooms as capacities), times its length; ignores the cap and the moves."""
    return _upper_bound(_Problem(guests, hosts, allowed, 1, fixed))


def _upper_bound(prob: _Problem) -> int:
    from ortools.graph.python import max_flow

    fixed_nights = sum(b - a + 1 for g, _, a, b in prob.fixed if g in prob.guests
                       for a, b in [(max(a, prob.guests[g].first_night.toordinal()),
                                     min(b, prob.guests[g].last_night.toordinal()))]
                       if a <= b)
    gids = list(prob.guests)
    if not gids or prob.rooms.shape[1] == 0:
        return fixed_nights
    span = prob.rooms.shape[1]
    gi = {g: i for i, g in enumerate(gids)}
    needs = np.zeros((len(gids), span), dtype=bool)
    for g, rs in prob.need.items():
        for a, b in rs:
            needs[gi[g], a - prob.lo:b - prob.lo + 1] = True
    pg = np.array([gi[g] for g, opts in prob.pairs.items() for _ in opts], dtype=np.int64)
    ph = np.array([prob.hindex[h] for _, opts in prob.pairs.items() for _, h in opts],
                  dtype=np.int64)
    if not len(pg):
        return fixed_nights
    # An interval ends wherever any guest's need or host's rooms change.
    change = np.any(needs[:, 1:] != needs[:, :-1], axis=0)
    change |= np.any(prob.rooms[:, 1:] != prob.rooms[:, :-1], axis=0)
    cuts = np.concatenate(([0], np.flatnonzero(change) + 1, [span]))
    total = fixed_nights
    ng = len(gids)
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        live = needs[pg, a] & (prob.rooms[ph, a] > 0)
        if not live.any():
            continue
        g, h = pg[live], ph[live]
        flow = max_flow.SimpleMaxFlow()
        source, sink = ng + len(prob.hosts), ng + len(prob.hosts) + 1
        gs, hs = np.unique(g), np.unique(h)
        flow.add_arcs_with_capacity(np.full(len(gs), source), gs, np.ones(len(gs), np.int64))
        flow.add_arcs_with_capacity(g, h + ng, np.ones(len(g), np.int64))
        flow.add_arcs_with_capacity(hs + ng, np.full(len(hs), sink),
                                    prob.rooms[hs, a].astype(np.int64))
        flow.solve(source, sink)
        total += flow.optimal_flow() * int(b - a)
    return int(total)


def check(plan: Plan, guests, hosts, allowed, max_nights) -> list[str]:
    """The constraints the plan breaks, as sentences; empty when it is valid. Also checks
    that its gaps, uncovered nights, moves and distance are those of its stays."""
    gs = {g.id: g for g in guests}
    hs = {h.id: h for h in hosts}
    errors = []
    guest_nights = defaultdict(set)
    room_nights = defaultdict(int)
    last_nights = set()  # (guest, host, last night) of the stays already read
    for s in plan.stays:
        label = f"stay {s.guest}->{s.host} {s.first_night}..{s.last_night}"
        if s.first_night > s.last_night:
            errors.append(f"{label}: ends before it starts")
            continue
        if (s.guest, s.host) not in allowed:
            errors.append(f"{label}: pair not allowed")
        if s.guest not in gs or s.host not in hs:
            errors.append(f"{label}: unknown guest or host")
            continue
        g, h = gs[s.guest], hs[s.host]
        if s.first_night < g.first_night or s.last_night > g.last_night:
            errors.append(f"{label}: outside the guest's nights")
        a, b = s.first_night.toordinal(), s.last_night.toordinal()
        if not any(fa <= a and b <= fb for fa, fb in merged(h.free)):
            errors.append(f"{label}: not inside one free period of the host")
        if s.nights > max_nights:
            errors.append(f"{label}: {s.nights} nights, over the cap of {max_nights}")
        if (s.guest, s.host, a - 1) in last_nights:
            errors.append(f"{label}: continues a stay in the same home")
        last_nights.add((s.guest, s.host, b))
        for n in range(a, b + 1):
            if n in guest_nights[s.guest]:
                errors.append(f"{label}: guest already placed on {date.fromordinal(n)}")
            guest_nights[s.guest].add(n)
            room_nights[(s.host, n)] += 1
            if room_nights[(s.host, n)] == h.rooms + 1:
                errors.append(f"{label}: host over its {h.rooms} room(s) on "
                              f"{date.fromordinal(n)}")
    # The measures must be those of the stays.
    gaps, count = {}, defaultdict(int)
    for s in plan.stays:
        count[s.guest] += 1
    for g in gs.values():
        nights = range(g.first_night.toordinal(), g.last_night.toordinal() + 1)
        gaps[g.id] = [(date.fromordinal(a), date.fromordinal(b))
                      for a, b in runs(n for n in nights if n not in guest_nights[g.id])]
    if gaps != plan.gaps:
        errors.append("gaps are not the guests' nights left uncovered")
    if plan.uncovered != sum((b - a).days + 1 for rs in gaps.values() for a, b in rs):
        errors.append("uncovered is not the number of nights in the gaps")
    if plan.moves != sum(c - 1 for c in count.values()):
        errors.append("moves is not the number of stays after each guest's first")
    distance = sum(s.nights * allowed.get((s.guest, s.host), 0) for s in plan.stays)
    if plan.distance != round(distance):
        errors.append("distance is not the sum of nights x km")
    if plan.stays != sorted(plan.stays, key=lambda s: (s.guest, s.first_night)):
        errors.append("stays are not sorted by guest and first night")
    return errors


def export(guests, hosts, allowed, max_nights, plan: Plan) -> dict:
    """The instance and its plan as plain JSON-ready data (ids as strings, ISO dates)."""
    return {
        "max_nights_per_home": max_nights,
        "guests": {str(g.id): {"first_night": g.first_night.isoformat(),
                               "last_night": g.last_night.isoformat()} for g in guests},
        "hosts": {str(h.id): {"rooms": h.rooms,
                              "free": [[a.isoformat(), b.isoformat()] for a, b in h.free]}
                  for h in hosts},
        "allowed": [[str(g), str(h)] for g, h in sorted(allowed)],
        "plan": [[str(s.guest), str(s.host), s.first_night.isoformat(),
                  s.last_night.isoformat()] for s in plan.stays],
    }
