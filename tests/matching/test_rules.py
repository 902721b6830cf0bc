"""The hard rules and the score, as pure functions: each reason names the right detail."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from passerelle.matching import rules, scoring
from passerelle.matching.rules import Need, Rule, Volunteer
from passerelle.programmes.eligibility import Finding, Gap

BRUSSELS_1060 = (50.8275, 4.3455)  # Saint-Gilles
LEUVEN = (50.8798, 4.7005)  # about 25 km away
GHENT = (51.0543, 3.7174)  # about 50 km away


def ready(**fields) -> Volunteer:
    values = {"id": 1, "application": "active", "languages": {"fr": 3},
              "point": BRUSSELS_1060, "travel_km": 15, "availability": 0b111, "max_matches": 1}
    return Volunteer(**(values | fields))


def need(**fields) -> Need:
    return Need(**({"id": 10, "organisation_id": 5, "languages": ("fr",),
                    "point": BRUSSELS_1060} | fields))


def test_a_volunteer_who_fits_passes_every_rule():
    assert rules.check(ready(), need()) is None


def test_the_application_names_its_first_gap_then_its_status():
    gaps = (Finding(Gap.charter_missing), Finding(Gap.training_missing, "3"))
    refusal = rules.check(ready(gaps=gaps), need())
    assert refusal.rule == Rule.application and refusal.detail["finding"] == gaps[0]
    assert rules.check(ready(application="screened"), need()).detail == {"status": "screened"}
    assert rules.check(ready(application="suspended"), need()).detail == {"status": "suspended"}


def test_a_visit_needs_the_accreditation_for_its_centre():
    refusal = rules.check(ready(accredited=frozenset({"vottem"})), need(centre="caricole"))
    assert refusal == rules.Refusal(Rule.accreditation, {"centre": "caricole"})
    assert rules.check(ready(accredited=frozenset({"caricole"})), need(centre="caricole")) is None


def test_no_common_language_names_the_languages_asked_and_the_person_s():
    refusal = rules.check(ready(languages={"fr": 4}),
                          need(languages=("prs",), person_languages=("ps", "prs")))
    assert refusal.rule == Rule.language
    assert refusal.detail == {"languages": ("prs", "ps"), "level": 2}


def test_a_basic_level_is_not_enough_where_the_need_asks_conversational():
    assert rules.check(ready(languages={"ar": 1}), need(languages=("ar",))).rule == Rule.language
    assert rules.check(ready(languages={"ar": 1}), need(languages=("ar",),
                                                        language_level=1)) is None


def test_too_far_says_how_far_and_how_far_they_travel():
    refusal = rules.check(ready(travel_km=15), need(point=GHENT))
    assert refusal.rule == Rule.distance and refusal.detail["travel"] == 15
    assert 45 <= refusal.detail["km"] <= 55
    assert rules.check(ready(travel_km=60), need(point=GHENT)) is None
    assert rules.check(ready(point=None), need()).detail == {"km": None, "travel": 15}
    assert rules.check(ready(point=None), need(point=None)) is None  # done from anywhere


def test_availability_covers_all_day_parts_or_the_number_asked():
    three_evenings = (1 << 2) | (1 << 5) | (1 << 8)
    refusal = rules.check(ready(availability=1 << 2), need(weekly_mask=three_evenings))
    assert refusal.rule == Rule.availability
    assert refusal.detail["covered"] == 1 and refusal.detail["needed"] == 3
    assert refusal.detail["missing"] == (1 << 5) | (1 << 8)
    # "One evening a week" among three: one is enough.
    assert rules.check(ready(availability=1 << 2),
                       need(weekly_mask=three_evenings, day_parts=1)) is None


def test_hosting_needs_a_free_period_covering_the_stay_within_the_maximum():
    stay = {"hosting": True, "starts_on": date(2027, 1, 1), "ends_on": date(2027, 1, 31),
            "max_stay_days": 56}
    free = ((date(2026, 12, 20), date(2027, 2, 28)),)
    assert rules.check(ready(free_periods=free), need(**stay)) is None
    short = ((date(2027, 1, 1), date(2027, 1, 20)),)
    assert rules.check(ready(free_periods=short), need(**stay)).detail == {
        "from": date(2027, 1, 1), "to": date(2027, 1, 31)}
    long_stay = stay | {"ends_on": date(2027, 3, 31)}
    assert rules.check(ready(free_periods=free), need(**long_stay)).detail == {
        "days": 90, "max": 56}


def test_missing_skills_are_named():
    refusal = rules.check(ready(skills=frozenset({"driver"})),
                          need(skills=frozenset({"doctor", "interpreter"})))
    assert refusal.detail == {"skills": ("doctor", "interpreter")}


def test_the_limit_counts_live_matches():
    assert rules.check(ready(current=1, max_matches=1), need()).detail == {"current": 1, "max": 1}
    assert rules.check(ready(current=1, max_matches=2), need()) is None


def test_not_twice_with_the_same_need_or_person_nor_against_an_exclusion():
    assert rules.check(ready(matched_needs=frozenset({10})), need()).detail == {"with": "need"}
    assert rules.check(ready(matched_people=frozenset({7})), need(person_id=7)).detail == {
        "with": "person"}
    refusal = rules.check(ready(exclusions={5: "Asked us not to"}), need())
    assert refusal == rules.Refusal(Rule.excluded, {"reason": "Asked us not to"})


def test_the_first_rule_failed_is_the_one_named():
    refusal = rules.check(ready(application="submitted", languages={}, point=GHENT), need())
    assert refusal.rule == Rule.application


# Scores ------------------------------------------------------------------------------------

def test_a_score_is_the_sum_of_its_named_parts():
    score = scoring.score(ready(languages={"fr": 4}), need(urgency="high", waiting_days=365),
                          scoring.defaults_for("sponsorship"))
    names = {part.name: part.points for part in score.parts}
    assert names["languages"] == 30 and names["urgency"] == 10 and names["waiting"] == 20
    assert score.total == sum(names.values())


def test_the_mother_tongue_of_the_person_counts_most():
    weights = scoring.defaults_for("sponsorship")
    facts = need(languages=("fr",), person_languages=("ar",))
    mother = scoring.score(ready(languages={"ar": 4}), facts, weights)
    other = scoring.score(ready(languages={"fr": 4}), facts, weights)
    assert _points(mother, "languages") == 2 * _points(other, "languages")


def _points(score, name):
    return next((part.points for part in score.parts if part.name == name), 0)


small = st.integers(min_value=0, max_value=scoring.MAX_WEIGHT)


@given(weights=st.fixed_dictionaries({part: small for part in scoring.PARTS}),
       other=st.fixed_dictionaries({
           "languages": st.dictionaries(st.sampled_from(["fr", "ar", "nl"]),
                                        st.integers(1, 4)),
           "availability": st.integers(0, 2**21 - 1), "current": st.integers(0, 3),
           "travel_km": st.integers(1, 50)}))
def test_a_strong_preference_is_never_outvoted_by_small_bonuses(weights, other):
    weights = {**weights, "sector": max(weights["sector"], 1)}
    chosen = scoring.Weights(weights, frozenset({"sector"}))
    facts = need(sector="it", urgency="high", waiting_days=400, no_outside_contact=True,
                 weekly_mask=0b111, interests=frozenset({"chess"}))
    same_sector = ready(sector="it", languages={}, availability=0, current=3, max_matches=3)
    best_otherwise = ready(sector="law", interests=frozenset({"chess"}), max_matches=4, **other)
    assert (scoring.score(same_sector, facts, chosen).total
            > scoring.score(best_otherwise, facts, chosen).total)


def test_ranking_is_by_total_then_by_id():
    weights = scoring.defaults_for("sponsorship")
    pairs = [(ready(id=3), scoring.score(ready(id=3), need(), weights)),
             (ready(id=2), scoring.score(ready(id=2), need(), weights)),
             (ready(id=1, languages={"fr": 1}), scoring.score(ready(languages={"fr": 1}),
                                                              need(), weights))]
    assert [volunteer.id for volunteer, _s in scoring.ranked(pairs)] == [2, 3, 1]
