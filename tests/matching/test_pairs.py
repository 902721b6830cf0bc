"""The allowed pairs found through the grid are exactly those of trying every pair."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from passerelle.matching import pairs, rules, scoring
from passerelle.programmes.eligibility import Finding, Gap

# Around Belgium, and a few without a place.
points = st.one_of(st.none(), st.tuples(st.floats(49.5, 51.5), st.floats(2.5, 6.4)))
languages = st.dictionaries(st.sampled_from(["fr", "nl", "ar"]), st.integers(1, 4), max_size=2)


@st.composite
def volunteer(draw, id_):
    return rules.Volunteer(
        id=id_, application=draw(st.sampled_from(["active", "active", "active", "submitted"])),
        gaps=draw(st.sampled_from([(), (), (Finding(Gap.charter_missing),)])),
        languages=draw(languages), point=draw(points), travel_km=draw(st.integers(1, 120)),
        availability=draw(st.integers(0, 7)), max_matches=draw(st.integers(1, 2)),
        current=draw(st.integers(0, 1)))


@st.composite
def need(draw, id_):
    return rules.Need(id=id_, organisation_id=1,
                      languages=tuple(draw(st.lists(st.sampled_from(["fr", "nl", "ar"]),
                                                    max_size=2, unique=True))),
                      point=draw(points), weekly_mask=draw(st.integers(0, 7)),
                      day_parts=draw(st.sampled_from([None, 1])))


@st.composite
def programme(draw):
    count = draw(st.integers(0, 25))
    volunteers = [draw(volunteer(n)) for n in range(1, count + 1)]
    needs = [draw(need(100 + n)) for n in range(draw(st.integers(1, 6)))]
    return volunteers, needs


def every_pair(volunteers, needs, weights):
    edges, blocked = [], {}
    for n in needs:
        refused = Counter()
        for v in volunteers:
            refusal = rules.check(v, n)
            if refusal is None:
                edges.append((v.id, n.id, scoring.score(v, n, weights).total))
            else:
                refused[refusal.rule.value] += 1
        if volunteers and not any(need_id == n.id for _v, need_id, _s in edges):
            blocked[n.id] = refused
    return edges, blocked


@settings(max_examples=150, deadline=None)
@given(programme())
def test_the_grid_finds_exactly_the_pairs_of_trying_each_one(case):
    volunteers, needs = case
    weights = scoring.defaults_for("sponsorship")
    found = pairs.allowed(volunteers, needs, weights)
    edges, blocked = every_pair(volunteers, needs, weights)
    assert sorted(found.edges) == sorted(edges)
    assert set(found.blocked) == set(blocked)
    for need_id, refused in blocked.items():
        # The rule named is the one that refused the most volunteers.
        assert refused[found.blocked[need_id]] == max(refused.values())
