"""Detention visits: valid pairs, never worse than greedy, confirmed visitors kept, and
the one reason of each unfilled slot."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from passerelle.matching.visits import Slot, Visitor, check, export, greedy, propose, score

T0 = datetime(2027, 1, 4, 14, tzinfo=UTC)
CENTRES = ["caricole", "vottem"]


def slot(id_, centre="caricole", pairs=1, taken=(), day=None):
    return Slot(id_, centre, T0 + timedelta(days=id_ if day is None else day), pairs, taken)


def visitor(id_, past, free, centres=("caricole",), max_visits=1, languages=(), partners=None):
    return Visitor(id_, frozenset(centres), past, frozenset(free), max_visits,
                   frozenset(languages), partners or {})


def plan_both(slots, visitors, experienced_from=5):
    return (greedy(slots, visitors, experienced_from=experienced_from),
            propose(slots, visitors, experienced_from=experienced_from, time_limit_s=2))


@st.composite
def instances(draw):
    slots = [Slot(n, draw(st.sampled_from(CENTRES)), T0 + timedelta(days=draw(st.integers(0, 5))),
                  draw(st.integers(1, 2))) for n in range(1, draw(st.integers(1, 5)) + 1)]
    ids = range(1, draw(st.integers(0, 8)) + 1)
    visitors = [Visitor(
        v, draw(st.frozensets(st.sampled_from(CENTRES), max_size=2)),
        draw(st.integers(0, 8)), draw(st.frozensets(st.sampled_from([s.id for s in slots]))),
        draw(st.integers(0, 3)), draw(st.frozensets(st.sampled_from(["fr", "nl", "ar"]))),
        {o: 1 for o in draw(st.frozensets(st.sampled_from(list(ids)), max_size=2)) if o != v})
        for v in ids]
    # Confirm one or two free visitors on the first slot, sometimes.
    first = slots[0]
    able = [v.id for v in visitors if first.id in v.free and v.max_visits]
    count = draw(st.integers(0, min(2, len(able))))
    if count:
        slots[0] = Slot(first.id, first.centre, first.start, first.pairs, tuple(able[:count]))
    return slots, visitors


@settings(max_examples=60, deadline=None)
@given(instances())
def test_plans_are_valid_and_propose_never_worse_than_greedy(instance):
    slots, visitors = instance
    base, plan = plan_both(slots, visitors)
    assert check(base, slots, visitors, experienced_from=5) == []
    assert check(plan, slots, visitors, experienced_from=5) == []
    assert len(plan.pairs) >= len(base.pairs)
    assert score(plan, slots, visitors) >= score(base, slots, visitors)


def test_check_finds_a_pair_without_experience():
    slots = [slot(1)]
    visitors = [visitor(1, 0, {1}), visitor(2, 9, {1})]
    plan = greedy(slots, visitors, experienced_from=5)
    assert check(plan, slots, visitors, experienced_from=5) == []
    assert check(plan, slots, visitors, experienced_from=10)  # nobody experienced now


def test_greedy_fills_fewer_than_propose():
    # Greedy puts the most experienced (1) with the least experienced (3) on slot 1,
    # which leaves slot 2 without anyone experienced; propose sends 1 to slot 2.
    slots = [slot(1), slot(2)]
    visitors = [visitor(1, 20, {1, 2}), visitor(2, 6, {1}), visitor(3, 0, {1}),
                visitor(4, 0, {2})]
    base, plan = plan_both(slots, visitors)
    assert [(p.slot, p.first, p.second) for p in base.pairs] == [(1, 1, 3)]
    assert base.unfilled == {2: "taken-elsewhere"}
    assert sorted((p.slot, p.first, p.second) for p in plan.pairs) == [(1, 2, 3), (2, 1, 4)]
    assert plan.unfilled == {} and plan.proved_optimal


def test_confirmed_visitors_are_kept_and_the_lone_one_gets_a_partner():
    slots = [slot(1, taken=(1, 2)), slot(2, taken=(3,)), slot(3, pairs=2, taken=(4, 5))]
    visitors = [visitor(1, 9, {1}), visitor(2, 0, {1}), visitor(3, 0, {2}),
                visitor(4, 9, {3}), visitor(5, 0, {3}),
                visitor(6, 0, {1, 2}), visitor(7, 8, {1, 2, 3}, max_visits=2),
                visitor(8, 0, {3})]
    for plan in plan_both(slots, visitors):
        got = sorted((p.slot, p.first, p.second) for p in plan.pairs)
        assert got == [(2, 3, 7), (3, 7, 8)]
        assert plan.unfilled == {}
        assert check(plan, slots, visitors, experienced_from=5) == []


def test_spread_then_bonuses():
    # Two slots, 1 experienced may do both; spreading takes 2 for one of them. Then the
    # shared language decides who goes with whom.
    slots = [slot(1), slot(2)]
    visitors = [visitor(1, 9, {1, 2}, max_visits=2), visitor(2, 9, {1, 2}, languages={"ar"}),
                visitor(3, 0, {1, 2}, languages={"ar"}), visitor(4, 0, {1, 2})]
    plan = propose(slots, visitors, experienced_from=5)
    assert plan.proved_optimal
    assert score(plan, slots, visitors)[1] == -4  # four visitors once each
    partners = {frozenset((p.first, p.second)) for p in plan.pairs}
    assert frozenset((2, 3)) in partners
    pair = next(p for p in plan.pairs if {p.first, p.second} == {2, 3})
    assert pair.reasons == ("experienced:2", "learning", "language:ar", "new-pair")


def test_known_pair_named():
    slots = [slot(1)]
    visitors = [visitor(1, 9, {1}, partners={2: 3}), visitor(2, 0, {1})]
    plan = propose(slots, visitors, experienced_from=5)
    assert plan.pairs[0].reasons == ("experienced:1", "learning", "known-pair")


def test_unfilled_reasons_each_code():
    slots = [slot(1, "bruges"), slot(2), slot(3), slot(4), slot(5, "vottem")]
    visitors = [
        visitor(1, 0, {2, 3, 4}), visitor(2, 0, {2, 3}),  # slot 2: nobody experienced
        visitor(3, 9, {3, 4}),  # slot 3 and 4 share him: one of them taken-elsewhere
        visitor(4, 9, {5}, centres=("bruges", "vottem")),  # alone at vottem: not-free
        visitor(5, 0, set(), centres=("vottem",)),
    ]
    for plan in plan_both(slots, visitors):
        assert plan.unfilled[1] == "no-accredited"  # only visitor 4 for bruges
        assert plan.unfilled[2] == "no-experienced"
        assert plan.unfilled[5] == "not-free"
        assert sorted(plan.unfilled[s] for s in (3, 4) if s in plan.unfilled) == [
            "taken-elsewhere"]


def test_export_is_json_ready():
    import json
    slots = [slot(1, taken=(1,))]
    visitors = [visitor(1, 9, set()), visitor(2, 0, {1})]
    plan = propose(slots, visitors, experienced_from=5)
    data = json.loads(json.dumps(export(slots, visitors, plan, experienced_from=5)))
    assert data["pairs"] == [{"slot": 1, "first": 1, "second": 2,
                              "reasons": ["experienced:1", "learning", "new-pair"]}]
    assert data["slots"][0]["start"] == "2027-01-05T14:00:00+00:00"
