"""Batch proposals: which volunteers to propose for which needs, as one exact assignment.

A bipartite b-matching: each volunteer may take `capacity` more matches, each need has
`places` left, and each allowed pair (volunteer, need, score) may be used once.
`optimal` maximises the total score, or with `cardinality_first` the number of filled
places and then the total score, as a min-cost flow solved by OR-Tools. `greedy` takes
the pairs best first. Pure: plain dicts and lists in, a `Proposal` out.

Pruning (the default): the flow is first solved on each need's best candidates only
(or each volunteer's, when volunteers are the scarcer side). That answer is then checked
against every left-out pair with potentials from its residual graph (shortest distances,
computed here by Bellman-Ford): when no left-out pair has a negative reduced cost, the
answer is optimal for the whole graph too (the reduced-cost optimality condition). Else
the pairs that fail the check, and more candidates, are added and the flow is solved
again, until none fails; the whole graph is solved when the check would take too long or
over half the pairs are back in. So the result is exact either way; pruning only spares
the solver most of a large graph. In bench/assignment.py at a million pairs it halves the
time on the typical instance, and costs up to a third more when every need wants the same
volunteers (two rounds of solve and check).

The graph is not split into connected components: the solver takes a disconnected graph
in one go, and the pairs of a real batch mostly form one large component anyway.
"""

from dataclasses import dataclass
from itertools import chain

import numpy as np
from ortools.graph.python import min_cost_flow

INT64_MAX = 2**63 - 1
# Bellman-Ford rounds allowed for the optimality check; past this, solving the whole
# graph is quicker. Shortest paths are short in practice (10 to 130 rounds in the bench).
CHECK_ROUNDS = 300
GREEDY_SLICE = 50_000


@dataclass(frozen=True)
class Proposal:
    pairs: list[tuple[int, int]]  # (volunteer_id, need_id), sorted
    total: int  # total score of the pairs
    considered: int  # how many pairs the solver actually put in its graph (greedy: usable)


@dataclass(frozen=True)
class _Instance:
    """The usable part of the input, as arrays; pairs are deduplicated, sorted by ids."""

    volunteers: np.ndarray  # ids, ascending, capacity > 0
    capacity: np.ndarray
    needs: np.ndarray  # ids, ascending, places > 0
    places: np.ndarray
    v: np.ndarray  # per pair: index into volunteers
    n: np.ndarray  # per pair: index into needs
    score: np.ndarray

    @property
    def supply(self) -> int:
        """How many places can be filled at most, counting room only."""
        return int(min(self.capacity.sum(), self.places.sum()))


def optimal(
    capacities: dict[int, int],
    places: dict[int, int],
    edges: list[tuple[int, int, int]],
    *,
    cardinality_first: bool = False,
    prune: bool = True,
) -> Proposal:
    """The assignment of highest total score (or most places, then highest score)."""
    inst = _prepare(capacities, places, edges)
    if not len(inst.score):
        return Proposal(pairs=[], total=0, considered=0)
    start = _best_candidates(inst, 1) if prune else np.ones(len(inst.score), dtype=bool)
    placed, considered = _optimise(inst, start, cardinality_first)
    return _proposal(inst, placed, considered)


def _optimise(inst: _Instance, start: np.ndarray, places_first: bool) -> tuple[np.ndarray, int]:
    """Indexes of the pairs of an optimal assignment, solving first on the pairs marked in
    `start`, and how many pairs the last solve had."""
    # Places first is the same as maximising score + bonus for each pair: the solver
    # maximises the flow then the score instead (about twice as fast as with the bonus
    # in its costs), the optimality check uses the bonus.
    weight = inst.score + _bonus(inst) if places_first else inst.score
    _check_range(inst, weight)
    in_graph = start.copy()
    widen = 1
    while True:
        arcs = np.flatnonzero(in_graph)
        chosen = _solve(inst, arcs, places_first)
        if len(arcs) == len(weight):
            break
        better = _improving(inst, arcs, chosen, weight, np.flatnonzero(~in_graph))
        if better is None:
            in_graph[:] = True
            continue
        if not len(better):
            break
        # Not proven optimal: add the pairs that failed the check and twice as many best
        # candidates as before. Once over half the pairs are in, solve the whole graph.
        widen *= 2
        in_graph |= _best_candidates(inst, widen)
        in_graph[better] = True
        if in_graph.sum() > len(weight) // 2:
            in_graph[:] = True
    return arcs[chosen], len(arcs)


def greedy(
    capacities: dict[int, int], places: dict[int, int], edges: list[tuple[int, int, int]]
) -> Proposal:
    """Pairs taken by descending score (ties: volunteer id, then need id) while both
    sides have room."""
    inst = _prepare(capacities, places, edges)
    # Volunteer and need indexes follow the ids, so they order ties as the ids would.
    pair = inst.v * len(inst.needs) + inst.n
    order = _descending(inst.score, within=pair, groups=len(inst.volunteers) * len(inst.needs))
    room_v = inst.capacity.tolist()
    room_n = inst.places.tolist()
    picked = []
    # In slices: Python lists of all the pairs at once would cost about 100 MB a million.
    for at in range(0, len(order), GREEDY_SLICE):
        part = order[at : at + GREEDY_SLICE]
        for index, v, n in zip(
            part.tolist(), inst.v[part].tolist(), inst.n[part].tolist(), strict=True
        ):
            if room_v[v] and room_n[n]:
                room_v[v] -= 1
                room_n[n] -= 1
                picked.append(index)
        if len(picked) == inst.supply:
            break  # one side is full everywhere
    return _proposal(inst, np.sort(np.array(picked, dtype=np.int64)), len(inst.score))


def export(
    capacities: dict[int, int],
    places: dict[int, int],
    edges: list[tuple[int, int, int]],
    proposal: Proposal,
) -> dict:
    """The input and a proposal as plain JSON data (ids as strings), to replay elsewhere."""
    return {
        "volunteers": {str(v): int(c) for v, c in capacities.items()},
        "needs": {str(n): int(p) for n, p in places.items()},
        "edges": [[str(v), str(n), int(s)] for v, n, s in edges],
        "proposed": [[str(v), str(n)] for v, n in proposal.pairs],
    }


def _prepare(capacities, places, edges) -> _Instance:
    volunteers, capacity = _with_room(capacities)
    needs, room = _with_room(places)
    # fromiter over the flattened triples is about twice as fast as np.array(edges).
    raw = np.fromiter(chain.from_iterable(edges), dtype=np.int64, count=3 * len(edges))
    raw = raw.reshape(-1, 3)
    if (raw[:, 2] < 0).any():
        raise ValueError("scores must be positive or zero")
    v, known_v = _lookup(volunteers, raw[:, 0])
    n, known_n = _lookup(needs, raw[:, 1])
    known = known_v & known_n
    v, n, score = v[known], n[known], raw[known, 2]
    # Sorted by pair, best score first: the first of each pair is kept.
    pair = v * len(needs) + n
    order = _by_best(pair, score, groups=len(volunteers) * len(needs))
    v, n, score, pair = v[order], n[order], score[order], pair[order]
    first = np.ones(len(v), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    return _Instance(volunteers, capacity, needs, room, v[first], n[first], score[first])


def _with_room(room: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    ids = sorted(key for key, left in room.items() if left > 0)
    return (
        np.array(ids, dtype=np.int64),
        np.array([room[key] for key in ids], dtype=np.int64),
    )


def _lookup(ids: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each wanted id in the sorted ids, and whether it is there."""
    at = np.searchsorted(ids, wanted)
    found = at < len(ids)
    found[found] = ids[at[found]] == wanted[found]
    return np.where(found, at, 0), found


def _by_best(group: np.ndarray, score: np.ndarray, groups: int) -> np.ndarray:
    """The order that sorts by group (0 <= group < groups), then by descending score."""
    top = int(score.max()) + 1 if len(score) else 1
    # One int64 key sorts about five times faster than np.lexsort, when it fits.
    if groups * top <= INT64_MAX:
        return np.argsort(group * top + (top - 1 - score))
    return np.lexsort((-score, group))


def _descending(score: np.ndarray, within: np.ndarray, groups: int) -> np.ndarray:
    """The order that sorts by descending score, then by `within` (0 <= within < groups)."""
    top = int(score.max()) + 1 if len(score) else 1
    if groups * top <= INT64_MAX:
        return np.argsort((top - 1 - score) * groups + within)
    return np.lexsort((within, -score))


def _bonus(inst: _Instance) -> int:
    """A weight added to every pair so that one more place outweighs any score gain.

    Going from k to k+1 places can cost at most the best total score of any assignment,
    which is below both the sum of all scores and (places that can be filled) x (best
    score); the bonus is one more than the smaller bound.
    """
    best_total = min(int(inst.score.sum()), inst.supply * int(inst.score.max()))
    return best_total + 1


def _check_range(inst: _Instance, weight: np.ndarray) -> None:
    """Refuse weights the solver cannot take exactly, rather than get a wrong answer.

    OR-Tools scales costs by about twice the number of nodes (9.15 refuses a cost above
    INT64_MAX / (2 x nodes + 6)); 4 x (nodes + 2) leaves a margin, and also bounds the
    distances of the optimality check. The total cost must fit too.
    """
    nodes = len(inst.volunteers) + len(inst.needs) + 2
    largest = int(weight.max())
    if (largest + 1) * 4 * (nodes + 2) > INT64_MAX or largest * inst.supply > INT64_MAX:
        raise OverflowError("scores too large for an exact solve in 64-bit integers")


def _best_candidates(inst: _Instance, widen: int) -> np.ndarray:
    """A mask of the pairs worth solving on first: the best (2 x room + 8) x widen pairs
    of each need, or of each volunteer when volunteers have less room in all than needs.

    Each node of the scarcer side will mostly be filled, from among its best candidates;
    the other side is the one competed for. This is a guess, never a limit: the
    optimality check adds back any left-out pair that matters.
    """
    keep = np.zeros(len(inst.score), dtype=bool)
    if inst.places.sum() <= inst.capacity.sum():
        group, groups, room = inst.n, len(inst.needs), inst.places
    else:
        group, groups, room = inst.v, len(inst.volunteers), inst.capacity
    keep[_top(group, inst.score, groups, widen * (2 * room + 8))] = True
    return keep


def _top(group: np.ndarray, score: np.ndarray, groups: int, room: np.ndarray) -> np.ndarray:
    """Indexes of the best `room[g]` pairs of each group g."""
    order = _by_best(group, score, groups)
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, len(g)])
    rank = np.arange(len(g)) - np.repeat(starts, sizes)
    return order[rank < room[g]]


def _nodes(inst: _Instance) -> tuple[int, int, int]:
    """Node numbers: volunteers 0..V-1, needs V..V+N-1, then the source and the sink."""
    first_need = len(inst.volunteers)
    source = first_need + len(inst.needs)
    return first_need, source, source + 1


def _solve(inst: _Instance, arcs: np.ndarray, places_first: bool) -> np.ndarray:
    """Which of the given pairs an optimal flow over them uses (a boolean per pair).

    source -> volunteer (capacity), volunteer -> need (1, cost -score), need -> sink
    (places), and source -> sink at no cost, so that not every unit has to be placed;
    or, places first, no source -> sink arc and the largest flow of least cost.
    Only the volunteers and needs of the given pairs are in the graph: the others could
    only carry flow to a dead end, and the solver is faster without them.
    """
    volunteers, v = np.unique(inst.v[arcs], return_inverse=True)
    needs, n = np.unique(inst.n[arcs], return_inverse=True)
    capacity, places = inst.capacity[volunteers], inst.places[needs]
    supply = int(min(capacity.sum(), places.sum()))
    first_need = len(volunteers)
    source = first_need + len(needs)
    sink = source + 1
    tails = np.concatenate(
        [np.full(len(volunteers), source), v, first_need + np.arange(len(needs)), [source]]
    )
    heads = np.concatenate(
        [np.arange(len(volunteers)), first_need + n, np.full(len(needs), sink), [sink]]
    )
    capacities = np.concatenate([capacity, np.ones(len(arcs), dtype=np.int64), places, [supply]])
    costs = np.concatenate(
        [np.zeros(len(volunteers), np.int64), -inst.score[arcs], np.zeros(len(needs) + 1, np.int64)]
    )
    if places_first:  # the bypass is the last arc
        tails, heads, capacities, costs = tails[:-1], heads[:-1], capacities[:-1], costs[:-1]
    flow = min_cost_flow.SimpleMinCostFlow()
    ids = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source], supplies[sink] = supply, -supply
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    status = flow.solve_max_flow_with_min_cost() if places_first else flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow not solved: status {status}")
    pair_ids = ids[len(volunteers) : len(volunteers) + len(arcs)]
    return flow.flows(pair_ids) > 0


def _improving(
    inst: _Instance,
    arcs: np.ndarray,
    chosen: np.ndarray,
    weight: np.ndarray,
    left_out: np.ndarray,
) -> np.ndarray | None:
    """The left-out pairs with a negative reduced cost under the flow over `arcs`, or None
    when the check takes too long."""
    first_need, source, sink = _nodes(inst)
    distance = _distances(_residual(inst, arcs, chosen, weight), sink + 1)
    if distance is None:
        return None
    reduced = -weight[left_out] + distance[inst.v[left_out]]
    reduced -= distance[first_need + inst.n[left_out]]
    return left_out[reduced < 0]


def _residual(inst, arcs, chosen, weight) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arcs (tails, heads, costs) of the residual graph of the flow over `arcs`."""
    first_need, source, sink = _nodes(inst)
    volunteers = np.arange(len(inst.volunteers))
    needs = first_need + np.arange(len(inst.needs))
    placed = arcs[chosen]
    used_v = np.bincount(inst.v[placed], minlength=len(volunteers))
    used_n = np.bincount(inst.n[placed], minlength=len(needs))
    free, taken = arcs[~chosen], placed
    bypass = inst.supply - len(placed)  # units sent straight from source to sink
    parts = [
        (np.full(volunteers.size, source), volunteers, used_v < inst.capacity),
        (volunteers, np.full(volunteers.size, source), used_v > 0),
        (needs, np.full(needs.size, sink), used_n < inst.places),
        (np.full(needs.size, sink), needs, used_n > 0),
        (np.array([source]), np.array([sink]), np.array([bypass < inst.supply])),
        (np.array([sink]), np.array([source]), np.array([bypass > 0])),
    ]
    tails = [tail[on] for tail, _, on in parts] + [inst.v[free], first_need + inst.n[taken]]
    heads = [head[on] for _, head, on in parts] + [first_need + inst.n[free], inst.v[taken]]
    costs = [np.zeros(int(on.sum()), dtype=np.int64) for _, _, on in parts]
    costs += [-weight[free], weight[taken]]
    return np.concatenate(tails), np.concatenate(heads), np.concatenate(costs)


def _distances(
    residual: tuple[np.ndarray, np.ndarray, np.ndarray], nodes: int
) -> np.ndarray | None:
    """Shortest distances from a virtual root joined to every node at no cost, or None
    past CHECK_ROUNDS rounds.

    Bellman-Ford, one vectorised relaxation of every arc per round. The flow is optimal
    on its own graph, so there is no negative cycle and it would end within `nodes` rounds.
    """
    tails, heads, costs = residual
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    starts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]])
    targets = heads[starts]
    distance = np.zeros(nodes, dtype=np.int64)
    for _ in range(min(nodes, CHECK_ROUNDS) + 1):
        best = np.minimum.reduceat(distance[tails] + costs, starts)
        shorter = best < distance[targets]
        if not shorter.any():
            return distance
        distance[targets[shorter]] = best[shorter]
    return None


def _proposal(inst: _Instance, placed: np.ndarray, considered: int) -> Proposal:
    pairs = zip(
        inst.volunteers[inst.v[placed]].tolist(), inst.needs[inst.n[placed]].tolist(), strict=True
    )
    return Proposal(pairs=list(pairs), total=int(inst.score[placed].sum()), considered=considered)
