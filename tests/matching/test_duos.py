"""Language duos: the reasons of a duo, the index against trying every pair, the k best,
`best` against the way before it (duos_reference.py), and the matching against a brute
force on small graphs."""

import random
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from passerelle.matching import duos
from passerelle.matching.duos import Participant, Reasons
from tests.matching import duos_reference

LANGUAGES = ["fr", "nl", "en", "ar"]
INTERESTS = ["music", "cooking", "football", "films"]
codes = st.frozensets(st.sampled_from(LANGUAGES), max_size=3)
# Mostly in and around Brussels (duos under and over 15 km), some without a place.
brussels = st.tuples(st.floats(50.75, 50.95), st.floats(4.2, 4.5))
places = st.one_of(st.tuples(st.none(), st.none()), brussels, brussels,
                   st.tuples(st.floats(50.4, 50.9), st.floats(4.2, 5.6)))


# Common profiles too, so that many people share their languages (as they do).
PROFILES = [({"fr"}, {"nl"}), ({"nl"}, {"fr"}), ({"ar", "en"}, {"fr"}), ({"fr", "en"}, {"ar"})]
common = st.sampled_from(PROFILES).map(lambda p: tuple(map(frozenset, p)))
languages = st.one_of(st.tuples(codes, codes), common, common)


@st.composite
def participant(draw, id_):
    lat, lon = draw(places)
    speaks, practises = draw(languages)
    return Participant(id_, speaks, practises,
                       draw(st.frozensets(st.sampled_from(INTERESTS), max_size=3)),
                       draw(st.booleans()), lat, lon)


@st.composite
def population(draw):
    ids = draw(st.lists(st.integers(1, 60), max_size=30, unique=True))
    return [draw(participant(id_)) for id_ in ids]


def person(id_, speaks, practises, interests=(), newcomer=False, lat=None, lon=None):
    return Participant(id_, frozenset(speaks), frozenset(practises), frozenset(interests),
                       newcomer, lat, lon)


def test_reasons_name_the_languages_each_way_and_the_shared_interests():
    ahmed = person(1, {"ar", "en"}, {"fr"}, {"music", "cooking"}, newcomer=True)
    lise = person(2, {"fr", "nl"}, {"ar", "en"}, {"cooking", "chess", "music"})
    assert duos.reasons(ahmed, lise, False, None) == Reasons(
        ("cooking", "music"), ("ar", "en"), ("fr",), None)


def test_a_language_missing_one_way_is_no_duo():
    lise = person(1, {"fr"}, {"ar"})
    assert duos.reasons(lise, person(2, {"ar"}, {"nl"}), True, None) is None
    assert duos.reasons(lise, person(3, {"nl"}, {"fr"}), True, None) is None
    assert duos.reasons(lise, lise, True, None) is None


def test_two_newcomers_only_when_the_programme_allows_it():
    a = person(1, {"uk"}, {"en"}, newcomer=True)
    b = person(2, {"en"}, {"uk"}, newcomer=True)
    assert duos.reasons(a, b, True, None) is not None
    assert duos.reasons(a, b, False, None) is None
    assert duos.reasons(a, person(3, {"en"}, {"uk"}), False, None) is not None


def test_distance_limit_refuses_far_and_unknown():
    brussels = person(1, {"fr"}, {"nl"}, lat=50.85, lon=4.35)
    leuven = person(2, {"nl"}, {"fr"}, lat=50.88, lon=4.70)  # about 25 km
    nowhere = person(3, {"nl"}, {"fr"})
    assert 20 < duos.reasons(brussels, leuven, True, None).km < 30
    assert duos.reasons(brussels, leuven, True, 30) is not None
    assert duos.reasons(brussels, leuven, True, 20) is None
    assert duos.reasons(brussels, nowhere, True, None).km is None
    assert duos.reasons(brussels, nowhere, True, 30) is None


@settings(max_examples=150, deadline=None)
@given(participant(1), participant(2), st.booleans(), st.sampled_from([None, 15.0, 60.0]))
def test_reasons_are_symmetric(a, b, newcomer_duos, max_km):
    there = duos.reasons(a, b, newcomer_duos, max_km)
    back = duos.reasons(b, a, newcomer_duos, max_km)
    if there is None:
        assert back is None
    else:
        assert back == Reasons(there.interests, there.b_to_a, there.a_to_b, there.km)
        assert there.a_to_b and there.b_to_a


def test_weight_counts_interests_extra_languages_and_closeness():
    assert duos.weight(Reasons((), ("fr",), ("ar",), None)) == duos.BASE
    assert duos.weight(Reasons(("music", "films"), ("fr", "nl"), ("ar", "en", "fa"), 3.0)) == (
        duos.BASE + 2 * duos.PER_INTEREST + 3 * duos.PER_EXTRA_LANGUAGE + duos.CLOSENESS_MAX)
    assert duos.closeness(7.0) == duos.CLOSENESS_MAX - 1
    assert duos.closeness(500.0) == 0


def naive(people, newcomer_duos, max_km):
    found = {}
    for a, b in combinations(sorted(people, key=lambda p: p.id), 2):
        r = duos.reasons(a, b, newcomer_duos, max_km)
        if r is not None:
            found[a.id, b.id] = r
    return found


def weighed(found):
    return {pair: duos.weight(why) for pair, why in found.items()}


@settings(max_examples=120, deadline=None)
@given(population(), st.booleans(), st.sampled_from([None, 15.0, 40.0]))
def test_possible_through_the_index_is_every_pair_checked(people, newcomer_duos, max_km):
    every = naive(people, newcomer_duos, max_km)
    assert duos_reference.possible(people, newcomer_duos, max_km) == every
    found = duos.best(people, newcomer_duos, max_km, None)
    assert found.edges == weighed(every) and found.possible == len(every)
    assert list(found.edges) == sorted(every, key=lambda pair: (-found.edges[pair], pair))


def crowd(count, seed):
    """Many people sharing a few profiles, most of them placed in Brussels: many members
    per profile and many duos near the distance limit."""
    rng = random.Random(seed)
    people = []
    for n in range(1, count + 1):
        speaks, practises = rng.choice(PROFILES)
        placed = rng.random() < 0.9
        people.append(person(n * 3 % 1000, speaks, practises, rng.sample(INTERESTS, 2),
                             rng.random() < 0.4, rng.uniform(50.7, 51.0) if placed else None,
                             rng.uniform(4.2, 4.6) if placed else None))
    return people


def test_possible_on_a_crowd_of_few_profiles_is_every_pair_checked():
    people = crowd(300, 7)
    for newcomer_duos, max_km in [(True, None), (False, None), (True, 5.0), (False, 12.0)]:
        every = naive(people, newcomer_duos, max_km)
        assert duos_reference.possible(people, newcomer_duos, max_km) == every
        assert duos.best(people, newcomer_duos, max_km, None).edges == weighed(every)
        assert len(every) > 300


def same_as_before(people, newcomer_duos, max_km, k):
    found = duos.best(people, newcomer_duos, max_km, k)
    edges, reasons, count = duos_reference.kept(people, newcomer_duos, max_km, k)
    assert list(found.edges.items()) == list(edges.items())  # in the same order too
    assert found.possible == count
    by_id = {p.id: p for p in people}
    assert all(duos.reasons(by_id[a], by_id[b], newcomer_duos, max_km) == why
               for (a, b), why in reasons.items())
    ids = [p.id for p in people]
    assert duos.propose(ids, found.edges) == duos.propose(ids, edges)
    return found


@settings(max_examples=200, deadline=None)
@given(population(), st.booleans(), st.sampled_from([None, 15.0, 40.0]), st.integers(1, 4))
def test_best_keeps_the_duos_kept_before(people, newcomer_duos, max_km, k):
    same_as_before(people, newcomer_duos, max_km, k)


LOCAL = ["fr", "nl"]
HOME = ["ar", "fa", "uk", "ti", "es"]
MORE_INTERESTS = INTERESTS + [f"interest-{n}" for n in range(70)]  # two words of bits


def programme_person(rng, id_):
    """Shaped like bench/duos.py's people: newcomers speaking home languages and
    practising fr or nl, locals the other way, many in Brussels."""
    if rng.random() < 0.4:
        speaks = set(rng.sample(HOME, rng.choice([1, 2]))) | (
            {"en"} if rng.random() < 0.5 else set())
        practises, newcomer = set(rng.sample(LOCAL, rng.choice([1, 1, 2]))), True
    else:
        speaks = set(rng.sample(LOCAL, rng.choice([1, 1, 2]))) | (
            {"en"} if rng.random() < 0.6 else set())
        practises = set(rng.sample(HOME + ["en"], rng.choice([1, 2]))) - speaks
        newcomer = False
    lat, lon = (None, None) if rng.random() < 0.05 else (
        (50.85 + rng.gauss(0, 0.08), 4.35 + rng.gauss(0, 0.12)) if rng.random() < 0.6
        else (rng.uniform(49.6, 51.4), rng.uniform(2.6, 6.3)))
    return person(id_, speaks, practises, rng.sample(MORE_INTERESTS, rng.randint(0, 5)),
                  newcomer, lat, lon)


def test_best_keeps_the_duos_kept_before_on_a_seeded_programme():
    rng = random.Random(11)
    people = [programme_person(rng, id_) for id_ in rng.sample(range(1, 10_000), 800)]
    for newcomer_duos, max_km, k in [(True, None, 10), (False, None, 10), (True, 25.0, 10),
                                     (True, 15.0, 3), (False, 25.0, 1)]:
        found = same_as_before(people, newcomer_duos, max_km, k)
        assert found.possible > 2 * len(found.edges) > 0  # most left out
    # The same on people who share only a few profiles, at a distance limit that cuts
    # through the crowd.
    same_as_before(crowd(600, 5), True, 4.0, 10)


def test_a_duo_right_at_the_distance_limit_is_kept():
    # The limit set to the very distance `reasons` measures: numpy's own rounding (on
    # arrays, about one distance in a thousand a bit longer) must not push the duo out.
    rng = random.Random(1)
    here = person(1, {"fr"}, {"nl"}, lat=50.5, lon=4.5)
    there = [person(n, {"nl"}, {"fr"}, lat=rng.uniform(50, 51), lon=rng.uniform(3, 6))
             for n in range(2, 1002)]
    for start in range(0, len(there), 20):
        group = there[start:start + 20]
        for other in group:
            km = duos.km_between(here, other)
            kept = duos.best([here] + group, True, km, None).edges
            assert kept[1, other.id] == duos.weight(duos.reasons(here, other, True, km))


def test_best_of_nobody_and_of_no_duo():
    assert duos.best([], True, None, 10) == duos.Found({}, 0)
    alone = person(1, {"fr"}, {"nl"})
    assert duos.best([alone], True, None, 10) == duos.Found({}, 0)
    assert duos.best([alone, person(2, {"fr"}, {"nl"})], True, None, 10).possible == 0


def rank(edges, node):
    """A node's edges heaviest first, ties by ids: the order k_best follows."""
    return sorted((pair for pair in edges if node in pair), key=lambda p: (-edges[p], p))


@st.composite
def graph(draw, most_nodes=9, most_edges=14):
    nodes = draw(st.integers(0, most_nodes))
    pairs = list(combinations(range(1, nodes + 1), 2))
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=most_edges, unique=True)
                  if pairs else st.just([]))
    return list(range(1, nodes + 1)), {p: draw(st.integers(1, 40)) for p in chosen}


@settings(max_examples=150, deadline=None)
@given(graph(most_nodes=12, most_edges=40), st.integers(1, 4))
def test_k_best_keeps_each_nodes_top_k_and_nothing_else(nodes_and_edges, k):
    nodes, edges = nodes_and_edges
    kept = duos_reference.k_best(edges, k)
    tops = {node: set(rank(edges, node)[:k]) for node in nodes}
    assert set(kept) == set().union(*tops.values())
    assert all(kept[p] == edges[p] for p in kept)


def test_k_best_breaks_ties_by_ids():
    # 3's and 4's best is their edge to 1; (3, 4) is no one's first.
    edges = {(1, 2): 5, (1, 3): 5, (1, 4): 5, (3, 4): 1}
    assert duos_reference.k_best(edges, 1) == {(1, 2): 5, (1, 3): 5, (1, 4): 5}
    # All equal: 1 takes (1, 2), 3 takes (1, 3), and (2, 3) is no one's first.
    assert duos_reference.k_best({(1, 2): 5, (1, 3): 5, (2, 3): 5}, 1) == {(1, 2): 5, (1, 3): 5}


def brute_force(edges) -> int:
    """The heaviest matching's weight, by taking or leaving each edge in turn."""
    items = sorted(edges.items())

    def best(start, used):
        if start == len(items):
            return 0
        (a, b), w = items[start]
        leave = best(start + 1, used)
        if a in used or b in used:
            return leave
        return max(leave, w + best(start + 1, used | {a, b}))

    return best(0, frozenset())


@settings(max_examples=200, deadline=None)
@given(graph())
def test_propose_is_a_maximum_weight_matching(nodes_and_edges):
    nodes, edges = nodes_and_edges
    pairs = duos.propose(nodes, edges)
    assert all(pair in edges for pair in pairs)
    people = [n for pair in pairs for n in pair]
    assert len(people) == len(set(people))
    assert pairs == sorted(pairs)
    assert duos.total(pairs, edges) == brute_force(edges)


def test_propose_prefers_the_heavier_sum_over_the_heaviest_edge():
    edges = {(1, 2): 10, (2, 3): 15, (3, 4): 10}
    assert duos.propose([1, 2, 3, 4], edges) == [(1, 2), (3, 4)]
    assert duos.propose([4, 3, 2, 1], {(2, 3): 15}) == [(2, 3)]


def test_propose_refuses_an_edge_to_someone_not_waiting():
    try:
        duos.propose([1, 2], {(1, 3): 5})
    except ValueError:
        return
    raise AssertionError("no error")


def test_from_people_to_proposed_duos_and_export():
    rng = random.Random(3)
    people = [person(n, rng.sample(LANGUAGES, 2), rng.sample(LANGUAGES, 1),
                     rng.sample(INTERESTS, 2), rng.random() < 0.4) for n in range(1, 30)]
    edges = duos.best(people, False, None, None).edges
    ids = [p.id for p in people]
    proposed = duos.propose(ids, duos.best(people, False, None, 3).edges)
    assert proposed
    exported = duos.export(ids, edges, proposed)
    assert set(exported) == {"people", "edges", "proposed"}
    assert exported["people"] == [str(n) for n in range(1, 30)]
    assert exported["edges"] == [[str(a), str(b), w] for (a, b), w in sorted(edges.items())]
    assert exported["proposed"] == [[str(a), str(b)] for a, b in proposed]


def test_export_shape():
    assert duos.export([10, 2], {(2, 10): 21}, [(2, 10)]) == {
        "people": ["2", "10"], "edges": [["2", "10", 21]], "proposed": [["2", "10"]]}
