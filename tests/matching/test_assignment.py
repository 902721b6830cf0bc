"""The batch assignment: exact against brute force on small instances, pruning against the
whole graph on larger ones, greedy as specified, the export's shape."""

import json
import random

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from passerelle.matching import assignment
from passerelle.matching.assignment import Proposal, export, greedy, optimal

# Volunteer ids 0 and 7, need ids 0 and 6 are never in the dicts: unknown in edges.
scores = st.one_of(st.integers(0, 20), st.integers(1000, 1020))
instances = st.tuples(
    st.dictionaries(st.integers(1, 6), st.integers(0, 3), max_size=6),
    st.dictionaries(st.integers(1, 5), st.integers(0, 3), max_size=5),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 6), scores), max_size=12),
)


def usable(capacities, places, edges) -> dict[tuple[int, int], int]:
    """The best score of each pair whose two sides have room."""
    best = {}
    for v, n, s in edges:
        if capacities.get(v, 0) > 0 and places.get(n, 0) > 0:
            best[(v, n)] = max(s, best.get((v, n), s))
    return best


def brute_force(capacities, places, edges) -> tuple[int, tuple[int, int]]:
    """(best total, best (places filled, total)) over every subset of the usable pairs."""
    best = usable(capacities, places, edges)
    pairs = sorted(best)
    seen = []

    def walk(i, room_v, room_n, count, total):
        if i == len(pairs):
            seen.append((count, total))
            return
        walk(i + 1, room_v, room_n, count, total)
        v, n = pairs[i]
        if room_v[v] and room_n[n]:
            room_v[v] -= 1
            room_n[n] -= 1
            walk(i + 1, room_v, room_n, count + 1, total + best[(v, n)])
            room_v[v] += 1
            room_n[n] += 1

    walk(0, dict(capacities), dict(places), 0, 0)
    return max(total for _, total in seen), max(seen)


def reference_greedy(capacities, places, edges) -> list[tuple[int, int]]:
    best = usable(capacities, places, edges)
    room_v, room_n = dict(capacities), dict(places)
    taken = []
    for (v, n), _ in sorted(best.items(), key=lambda item: (-item[1], item[0])):
        if room_v[v] and room_n[n]:
            room_v[v] -= 1
            room_n[n] -= 1
            taken.append((v, n))
    return sorted(taken)


def assert_feasible(capacities, places, edges, proposal: Proposal) -> None:
    best = usable(capacities, places, edges)
    assert proposal.pairs == sorted(set(proposal.pairs))  # sorted, each pair once
    assert all(pair in best for pair in proposal.pairs)  # allowed pairs only
    for v, room in capacities.items():
        assert sum(1 for pv, _ in proposal.pairs if pv == v) <= max(room, 0)
    for n, room in places.items():
        assert sum(1 for _, pn in proposal.pairs if pn == n) <= max(room, 0)
    assert proposal.total == sum(best[pair] for pair in proposal.pairs)


@settings(max_examples=150, deadline=None)
@given(instances)
def test_optimal_equals_brute_force_for_both_objectives(instance):
    best_total, best_lexicographic = brute_force(*instance)
    for prune in (True, False):
        by_score = optimal(*instance, prune=prune)
        by_places = optimal(*instance, cardinality_first=True, prune=prune)
        assert_feasible(*instance, by_score)
        assert_feasible(*instance, by_places)
        assert by_score.total == best_total
        assert (len(by_places.pairs), by_places.total) == best_lexicographic


@settings(max_examples=150, deadline=None)
@given(instances)
def test_greedy_takes_best_first_and_is_never_above_optimal(instance):
    taken = greedy(*instance)
    assert_feasible(*instance, taken)
    assert taken.pairs == reference_greedy(*instance)
    assert optimal(*instance).total >= taken.total
    assert len(optimal(*instance, cardinality_first=True).pairs) >= len(taken.pairs)


@settings(max_examples=400, deadline=None)
@given(instances, st.integers(0, 2**12 - 1))
# Found by a longer random search: each fails if one residual arc of the check is left out.
@example(({1: 1, 2: 1}, {1: 1, 2: 2, 3: 0, 4: 3}, [(2, 4, 1007), (2, 1, 17), (1, 4, 14)]), 6)
@example(
    (
        {1: 3, 2: 1, 3: 3},
        {1: 3, 2: 1, 3: 1, 4: 0},
        [(2, 2, 1015), (5, 1, 6), (1, 3, 0), (3, 1, 6), (2, 3, 11), (1, 5, 1017)],
    ),
    14,
)
def test_solving_first_on_any_part_of_the_pairs_still_gives_the_optimum(instance, bits):
    # The optimality check on its own: whatever the pairs first solved on, the answer is
    # exact (a wrong "no left-out pair improves it" would show here). Bit i of `bits`
    # puts the i-th usable pair, in (volunteer, need) order, in the first solve.
    inst = assignment._prepare(*instance)
    if not len(inst.score):
        return
    start = np.array([bool(bits >> i & 1) for i in range(len(inst.score))])
    best_total, best_lexicographic = brute_force(*instance)
    placed, _ = assignment._optimise(inst, start, places_first=False)
    assert int(inst.score[placed].sum()) == best_total
    placed, _ = assignment._optimise(inst, start, places_first=True)
    assert (len(placed), int(inst.score[placed].sum())) == best_lexicographic


def test_the_check_finds_the_left_out_pair_that_raises_the_total():
    # Solved first without 1-10, the answer is 1-11 and 2-10 (2); the check must see that
    # 1-10 alone (5) is better, though it leaves volunteer 2 and need 11 unplaced.
    capacities, places = {1: 1, 2: 1}, {10: 1, 11: 1}
    edges = [(1, 10, 5), (1, 11, 1), (2, 10, 1)]
    inst = assignment._prepare(capacities, places, edges)
    left_out = np.array(
        [pair == (1, 10) for pair in zip(inst.volunteers[inst.v], inst.needs[inst.n], strict=True)]
    )
    placed, considered = assignment._optimise(inst, ~left_out, places_first=False)
    assert (int(inst.score[placed].sum()), considered) == (5, 3)


def test_most_places_and_best_score_are_different_answers():
    # Ann is the best for Kitchen, but taking her leaves Ben (Kitchen only) out.
    ann, ben, kitchen, garden = 1, 2, 10, 11
    capacities = {ann: 1, ben: 1}
    places = {kitchen: 1, garden: 1}
    edges = [(ann, kitchen, 1000), (ann, garden, 3), (ben, kitchen, 5)]
    assert optimal(capacities, places, edges) == Proposal([(ann, kitchen)], 1000, 3)
    assert optimal(capacities, places, edges, cardinality_first=True) == Proposal(
        [(ann, garden), (ben, kitchen)], 8, 3
    )
    assert greedy(capacities, places, edges).pairs == [(ann, kitchen)]


def test_optimal_beats_greedy_where_best_first_is_a_trap():
    # Best first gives 1-10 (9); the optimum is 1-11 and 2-10 (16).
    capacities, places = {1: 1, 2: 1}, {10: 1, 11: 1}
    edges = [(1, 10, 9), (1, 11, 8), (2, 10, 8)]
    assert greedy(capacities, places, edges) == Proposal([(1, 10)], 9, 3)
    assert optimal(capacities, places, edges) == Proposal([(1, 11), (2, 10)], 16, 3)


def test_duplicates_keep_the_best_score_and_unknown_or_full_sides_are_ignored():
    capacities = {1: 2, 2: 0}
    places = {10: 1, 11: 1, 12: 0}
    edges = [
        (1, 10, 4),
        (1, 10, 7),  # the same pair again, better: kept
        (1, 10, 2),
        (1, 11, 3),
        (2, 11, 50),  # volunteer 2 has no room
        (1, 12, 50),  # need 12 is full
        (9, 10, 50),  # unknown volunteer
        (1, 99, 50),  # unknown need
    ]
    for proposal in (optimal(capacities, places, edges), greedy(capacities, places, edges)):
        assert proposal == Proposal([(1, 10), (1, 11)], 10, 2)


def test_greedy_breaks_ties_by_volunteer_then_need_id():
    assert greedy({1: 1, 2: 1}, {10: 1}, [(2, 10, 5), (1, 10, 5)]).pairs == [(1, 10)]
    assert greedy({1: 1}, {10: 1, 11: 1}, [(1, 11, 5), (1, 10, 5)]).pairs == [(1, 10)]


def test_empty_input_gives_an_empty_proposal():
    empty = Proposal(pairs=[], total=0, considered=0)
    assert optimal({}, {}, []) == empty
    assert optimal({1: 1}, {10: 1}, [], cardinality_first=True) == empty
    assert optimal({1: 0}, {10: 1}, [(1, 10, 5)]) == empty
    assert greedy({}, {}, []) == empty


def test_a_negative_score_is_refused():
    with pytest.raises(ValueError, match="positive or zero"):
        optimal({1: 1}, {10: 1}, [(1, 10, -1)])


def test_scores_too_large_for_64_bits_are_refused_not_wrapped():
    assert optimal({1: 1}, {10: 1}, [(1, 10, 2**55)]).total == 2**55
    with pytest.raises(OverflowError):
        optimal({1: 1}, {10: 1}, [(1, 10, 2**62)])
    with pytest.raises(OverflowError):
        optimal({1: 1, 2: 1}, {10: 1}, [(1, 10, 2**58), (2, 10, 2**58)], cardinality_first=True)


def random_instance(seed, volunteers, needs, candidates, popular=False):
    """Each need has `candidates` allowed volunteers; with `popular`, a volunteer's score
    is mostly the same for every need, so all needs want the same few volunteers."""
    rng = random.Random(seed)
    capacities = {v: rng.randint(1, 3) for v in range(volunteers)}
    places = {n: rng.randint(1, 4) for n in range(needs)}
    edges = []
    for n in range(needs):
        for v in rng.sample(range(volunteers), candidates):
            if popular:
                score = 1000 * (volunteers - v) // volunteers + rng.randint(0, 30)
            else:
                score = rng.randint(0, 100) + (1000 if rng.random() < 0.05 else 0)
            edges.append((v, n, score))
    return capacities, places, edges


@pytest.mark.parametrize(
    "seed, volunteers, popular",
    # Some solve once on the first candidates, some need more rounds, some end on the
    # whole graph; volunteers are the scarcer side with 200 or 300 of them.
    [(1, 3000, False), (2, 600, False), (3, 3000, True), (4, 400, True), (5, 1000, True)]
    + [(6, 1500, True), (7, 300, False), (8, 200, True), (9, 200, False), (10, 5000, True)],
)
def test_pruned_solve_equals_the_whole_graph_on_larger_instances(seed, volunteers, popular):
    instance = random_instance(seed, volunteers, needs=200, candidates=100, popular=popular)
    for cardinality_first in (False, True):
        pruned = optimal(*instance, cardinality_first=cardinality_first)
        whole = optimal(*instance, cardinality_first=cardinality_first, prune=False)
        assert_feasible(*instance, pruned)
        assert (len(pruned.pairs), pruned.total) == (len(whole.pairs), whole.total)
        assert pruned.considered <= whole.considered == len(usable(*instance))
        assert greedy(*instance).total <= whole.total


def test_pruning_leaves_most_pairs_out_of_the_solver_on_a_typical_instance():
    instance = random_instance(1, 3000, needs=200, candidates=100)
    assert optimal(*instance).considered < len(usable(*instance)) / 4


def test_export_is_plain_json_with_string_ids():
    capacities = {1: 2, 2: 0}
    places = {10: 1, 11: 3}
    edges = [(1, 10, 7), (2, 11, 1000), (1, 11, 3)]
    proposal = optimal(capacities, places, edges)
    data = export(capacities, places, edges, proposal)
    assert data == {
        "volunteers": {"1": 2, "2": 0},
        "needs": {"10": 1, "11": 3},
        "edges": [["1", "10", 7], ["2", "11", 1000], ["1", "11", 3]],
        "proposed": [["1", "10"], ["1", "11"]],
    }
    assert json.loads(json.dumps(data)) == data
