"""Recurring events: expansion in Brussels local time, DST gap and overlap, EXDATE,
"this and following" (split, move), the form's rule (build_rule, parts), validation."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passerelle.scheduling.recurrence import (
    RecurrenceError,
    RuleParts,
    Series,
    build_rule,
    change,
    expand,
    fits,
    is_open_ended,
    local_wall,
    move,
    normal,
    originals,
    parts,
    resolve,
    split,
    validate,
)

FAR = datetime(2030, 1, 1, tzinfo=UTC)
EARLY = datetime(2025, 1, 1, tzinfo=UTC)


def all_of(series):
    return expand(series, EARLY, FAR)


def test_tuesday_and_thursday_afternoons():
    series = Series(datetime(2026, 3, 3, 14), timedelta(hours=3),
                    "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6")
    found = all_of(series)
    assert [o.original.day for o in found] == [3, 5, 10, 12, 17, 19]
    assert {o.original.weekday() for o in found} == {1, 3}
    first = found[0]
    assert first.start == datetime(2026, 3, 3, 13, tzinfo=UTC)
    assert first.end == datetime(2026, 3, 3, 16, tzinfo=UTC)


def test_every_second_saturday():
    series = Series(datetime(2026, 1, 3, 10), timedelta(hours=2),
                    "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA")
    found = expand(series, EARLY, datetime(2026, 3, 1, tzinfo=UTC))
    assert [o.original.date() for o in found] == [
        date(2026, 1, 3), date(2026, 1, 17), date(2026, 1, 31), date(2026, 2, 14),
        date(2026, 2, 28)]


def test_first_monday_of_the_month():
    series = Series(datetime(2026, 1, 5, 19), timedelta(hours=1), "FREQ=MONTHLY;BYDAY=1MO")
    found = originals(series, datetime(2026, 7, 1))
    assert [o.day for o in found] == [5, 2, 2, 6, 4, 1]
    assert all(o.weekday() == 0 and o.day <= 7 for o in found)


def test_weekly_six_pm_stays_at_six_pm_across_the_changes():
    series = Series(datetime(2026, 3, 1, 18), timedelta(hours=2), "FREQ=WEEKLY;BYDAY=SU")
    found = expand(series, EARLY, datetime(2027, 12, 31, tzinfo=UTC))
    assert {local_wall(o.start).hour for o in found} == {18}
    hours = {o.original.date(): o.start.hour for o in found}
    assert hours[date(2026, 3, 22)] == 17
    assert hours[date(2026, 3, 29)] == 16
    assert hours[date(2026, 10, 18)] == 16
    assert hours[date(2026, 10, 25)] == 17
    assert hours[date(2027, 3, 21)] == 17
    assert hours[date(2027, 3, 28)] == 16
    assert hours[date(2027, 10, 24)] == 16
    assert hours[date(2027, 10, 31)] == 17
    changes = [b.original.date() for a, b in zip(found, found[1:], strict=False)
               if a.start.hour != b.start.hour]
    assert changes == [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28),
                       date(2027, 10, 31)]


def test_half_past_two_on_sundays_in_the_gap_and_the_overlap():
    series = Series(datetime(2026, 3, 22, 2, 30), timedelta(hours=1),
                    "FREQ=WEEKLY;BYDAY=SU")
    found = {o.original.date(): o for o in all_of(replace_until(series, "20261101"))}
    spring = found[date(2026, 3, 29)]
    assert spring.start == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert local_wall(spring.start) == datetime(2026, 3, 29, 3, 30)
    gap = resolve(datetime(2026, 3, 29, 2, 30))
    assert gap.moved and not gap.ambiguous and gap.wall == datetime(2026, 3, 29, 3, 30)
    autumn = found[date(2026, 10, 25)]
    assert autumn.start == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # CEST, the first
    overlap = resolve(datetime(2026, 10, 25, 2, 30))
    assert overlap.ambiguous and not overlap.moved
    assert overlap.at.astimezone(local_zone()).utcoffset() == timedelta(hours=2)
    plain = resolve(datetime(2026, 6, 7, 2, 30))
    assert not plain.moved and not plain.ambiguous


def replace_until(series, until):
    return Series(series.start, series.duration, f"{series.rule};UNTIL={until}", series.exdates)


def local_zone():
    from passerelle.core.time import BRUSSELS
    return BRUSSELS


def test_exdate_leaves_a_date_out():
    cancelled = datetime(2026, 3, 10, 14)
    series = Series(datetime(2026, 3, 3, 14), timedelta(hours=3),
                    "FREQ=WEEKLY;BYDAY=TU;COUNT=4", frozenset({cancelled}))
    found = [o.original for o in all_of(series)]
    assert cancelled not in found
    assert len(found) == 3  # COUNT counts the cancelled one too


def test_expand_bounds_and_limit():
    series = Series(datetime(2026, 1, 1, 9), timedelta(hours=1), "FREQ=DAILY")
    found = expand(series, datetime(2026, 1, 10, 8, tzinfo=UTC),
                   datetime(2026, 1, 12, 8, tzinfo=UTC))
    assert [o.original.day for o in found] == [10, 11]
    with pytest.raises(RecurrenceError) as caught:
        expand(series, EARLY, FAR, limit=50)
    assert caught.value.code == "too-many"


def test_one_off_event():
    series = Series(datetime(2026, 5, 1, 10), timedelta(hours=2))
    assert [o.original for o in all_of(series)] == [series.start]
    assert not is_open_ended(series)
    assert split(series, series.start) == (None, series)


def test_split_with_count():
    series = Series(datetime(2026, 3, 3, 14), timedelta(hours=3),
                    "FREQ=WEEKLY;BYDAY=TU;COUNT=10", frozenset({datetime(2026, 3, 10, 14),
                                                                datetime(2026, 4, 7, 14)}))
    fourth = datetime(2026, 3, 24, 14)
    before, after = split(series, fourth)
    assert "COUNT=3" in before.rule and "COUNT=7" in after.rule
    assert after.start == fourth
    assert before.exdates == {datetime(2026, 3, 10, 14)}
    assert after.exdates == {datetime(2026, 4, 7, 14)}
    assert all_of(before) + all_of(after) == all_of(series)


def test_split_with_until():
    series = Series(datetime(2026, 3, 3, 14), timedelta(hours=3),
                    build_rule("weekly", weekdays=(1, 3), until=date(2026, 4, 30)))
    at = datetime(2026, 4, 2, 14)
    before, after = split(series, at)
    assert max(o.original for o in all_of(before)) == datetime(2026, 3, 31, 14)
    assert parts(after.rule).until == date(2026, 4, 30)
    assert all_of(before) + all_of(after) == all_of(series)


def test_split_open_ended_gets_an_end():
    series = Series(datetime(2026, 3, 3, 14), timedelta(hours=3), "FREQ=WEEKLY;BYDAY=TU")
    before, after = split(series, datetime(2026, 3, 17, 14))
    assert not is_open_ended(before) and is_open_ended(after)
    assert [o.original.day for o in all_of(before)] == [3, 10]


def test_split_at_the_first_occurrence():
    series = Series(datetime(2026, 3, 3, 14), timedelta(hours=3), "FREQ=WEEKLY;COUNT=3")
    assert split(series, series.start) == (None, series)


def test_split_at_a_non_occurrence():
    series = Series(datetime(2026, 3, 3, 14), timedelta(hours=3), "FREQ=WEEKLY;COUNT=3",
                    frozenset({datetime(2026, 3, 10, 14)}))
    for at in (datetime(2026, 3, 4, 14), datetime(2026, 3, 10, 15), datetime(2026, 3, 10, 14),
               datetime(2026, 3, 31, 14)):
        with pytest.raises(RecurrenceError) as caught:
            split(series, at)
        assert caught.value.code == "no-occurrence"


def test_move_tuesday_thursday_to_wednesday_friday():
    series = Series(datetime(2026, 3, 3, 14), timedelta(hours=3),
                    "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6", frozenset({datetime(2026, 3, 12, 14)}))
    moved = move(series, datetime(2026, 3, 4, 15), timedelta(hours=2))
    assert moved.rule == "FREQ=WEEKLY;BYDAY=WE,FR;COUNT=6"
    assert moved.exdates == {datetime(2026, 3, 13, 15)}
    found = all_of(moved)
    assert found[0].original == moved.start
    assert {o.original.weekday() for o in found} == {2, 4}
    assert found[0].end - found[0].start == timedelta(hours=2)


def test_move_keeps_an_ordinal_and_shifts_month_days():
    monthly = Series(datetime(2026, 11, 2, 19), timedelta(hours=1), "FREQ=MONTHLY;BYDAY=1MO")
    assert move(monthly, datetime(2026, 11, 3, 19), timedelta(hours=1)).rule == \
        "FREQ=MONTHLY;BYDAY=1TU"
    by_day = Series(datetime(2026, 1, 10, 9), timedelta(hours=1), "FREQ=MONTHLY;BYMONTHDAY=10")
    moved = move(by_day, datetime(2026, 1, 12, 9), timedelta(hours=1))
    assert moved.rule == "FREQ=MONTHLY;BYMONTHDAY=12"
    assert all_of(moved)[0].original == moved.start


def test_build_rule_examples():
    assert build_rule("weekly", weekdays=(3, 1)) == "FREQ=WEEKLY;BYDAY=TU,TH"
    assert build_rule("weekly", interval=2, weekdays=(5,)) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"
    assert build_rule("monthly", nth=1, weekdays=(0,)) == "FREQ=MONTHLY;BYDAY=1MO"
    # The whole of 30 June (CEST) is included: 23:59:59 local is 21:59:59 UTC.
    assert build_rule("daily", until=date(2026, 6, 30)) == "FREQ=DAILY;UNTIL=20260630T215959Z"
    with pytest.raises(ValueError):
        build_rule("weekly", until=date(2026, 6, 30), count=3)
    with pytest.raises(ValueError):
        build_rule("hourly")


def test_until_includes_the_whole_day():
    series = Series(datetime(2026, 6, 28, 23), timedelta(minutes=30),
                    build_rule("daily", until=date(2026, 6, 30)))
    assert [o.original.day for o in all_of(series)] == [28, 29, 30]


@settings(max_examples=60, deadline=None)
@given(
    freq=st.sampled_from(["daily", "weekly", "monthly"]),
    interval=st.integers(1, 4),
    weekdays=st.sets(st.integers(0, 6), max_size=7),
    nth=st.sampled_from([1, 2, 3, 4, -1]),
    end=st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2028, 12, 31)),
                  st.integers(1, 500)),
)
def test_build_rule_and_parts_round_trip(freq, interval, weekdays, nth, end):
    until = end if isinstance(end, date) else None
    count = end if isinstance(end, int) else None
    if freq == "monthly" and weekdays:
        weekdays, chosen_nth = {min(weekdays)}, nth
    else:
        chosen_nth = None
    if freq == "daily":
        weekdays = set()
    rule = build_rule(freq, interval=interval, weekdays=weekdays, nth=chosen_nth,
                      until=until, count=count)
    assert parts(rule) == RuleParts(freq, interval, tuple(sorted(weekdays)), chosen_nth,
                                    until, count)


@pytest.mark.parametrize(("series", "code"), [
    (Series(datetime(2026, 3, 3, 14), timedelta(0), "FREQ=WEEKLY"), "end-before-start"),
    (Series(datetime(2026, 3, 3, 14), -timedelta(hours=1)), "end-before-start"),
    (Series(datetime(2026, 3, 3, 14), timedelta(hours=1), "FREQ=HOURLY"), "bad-rule"),
    (Series(datetime(2026, 3, 3, 14), timedelta(hours=1), "FREQ=MINUTELY"), "bad-rule"),
    (Series(datetime(2026, 3, 3, 14), timedelta(hours=1), "FREQ=WEEKLY;BYDAY=XX"), "bad-rule"),
    (Series(datetime(2026, 3, 3, 14), timedelta(hours=1), "nonsense"), "bad-rule"),
    (Series(datetime(2026, 3, 3, 14), timedelta(hours=1),
            "FREQ=WEEKLY;DTSTART=20260303T140000"), "bad-rule"),
    (Series(datetime(2026, 3, 3, 14), timedelta(hours=1),
            "FREQ=WEEKLY;TZID=Europe/Brussels"), "bad-rule"),
    (Series(datetime(2026, 3, 3, 14), timedelta(hours=1),
            "FREQ=WEEKLY;COUNT=2;UNTIL=20260401T000000Z"), "bad-rule"),
    (Series(datetime(2026, 3, 3, 14), timedelta(hours=1),
            "FREQ=WEEKLY;UNTIL=20260101T000000Z"), "no-occurrence"),
    (Series(datetime(2026, 1, 1, 14), timedelta(hours=1),
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31"), "no-occurrence"),
])
def test_validate_errors(series, code):
    with pytest.raises(RecurrenceError) as caught:
        validate(series)
    assert caught.value.code == code


def test_validate_accepts_good_series():
    validate(Series(datetime(2026, 3, 3, 14), timedelta(hours=3), "FREQ=WEEKLY;BYDAY=TU,TH"))
    validate(Series(datetime(2026, 3, 3, 14), timedelta(hours=3)))
    validate(Series(datetime(2026, 1, 1, 14), timedelta(hours=1),
                    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3"))


weekly_series = st.builds(
    lambda start, minute, days, interval, count: Series(
        start.replace(minute=minute), timedelta(hours=1, minutes=30),
        build_rule("weekly", interval=interval,
                   weekdays=days | {start.weekday()}, count=count)),
    st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31, 23)).map(
        lambda d: d.replace(minute=0, second=0, microsecond=0)),
    st.sampled_from([0, 15, 30, 45]),
    st.sets(st.integers(0, 6), max_size=3),
    st.integers(1, 3),
    st.integers(1, 60),
)


@settings(max_examples=60, deadline=None)
@given(series=weekly_series)
def test_wall_clock_time_is_kept_except_in_the_spring_gap(series):
    found = all_of(series)
    assert found[0].original == series.start
    for occurrence in found:
        wall = local_wall(occurrence.start)
        if resolve(occurrence.original).moved:
            assert wall == occurrence.original + timedelta(hours=1)
        else:
            assert wall == occurrence.original
            assert wall.time() == series.start.time()


@settings(max_examples=60, deadline=None)
@given(series=weekly_series, pick=st.integers(0, 59), cancel=st.sets(st.integers(0, 59)))
def test_split_halves_make_up_the_original(series, pick, cancel):
    raw = originals(series, datetime(2030, 1, 1))
    series = Series(series.start, series.duration, series.rule,
                    frozenset(raw[i] for i in cancel if i < len(raw) and i != pick % len(raw)))
    at = raw[pick % len(raw)]
    before, after = split(series, at)
    head = all_of(before) if before else []
    tail = all_of(after)
    assert head + tail == all_of(series)
    assert not {o.original for o in head} & {o.original for o in tail}
    counts = [int(p.rule.split("COUNT=")[1]) for p in (before, after) if p]
    assert sum(counts) == parts(series.rule).count


def test_normal_compares_rules_as_the_form_shows_them():
    weekly = Series(datetime(2026, 3, 3, 14), timedelta(hours=3),
                    build_rule("weekly", weekdays=(1,), until=date(2026, 6, 30)))
    before, _ = split(weekly, datetime(2026, 3, 24, 14))
    # The first half ends at its last start (UTC); the form says the same day.
    assert before.rule != build_rule("weekly", weekdays=(1,), until=date(2026, 3, 17))
    assert normal(before.rule) == build_rule("weekly", weekdays=(1,), until=date(2026, 3, 17))
    assert normal(None) is None
    with pytest.raises(RecurrenceError):
        normal("FREQ=YEARLY;BYMONTH=3")


def test_fits_says_why_a_date_is_not_the_series():
    series = Series(datetime(2026, 3, 3, 14), timedelta(hours=1),
                    "FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    assert fits(series, datetime(2026, 3, 10, 14)) is None
    assert fits(series, datetime(2026, 3, 11, 14)) == "days"
    assert fits(series, datetime(2026, 3, 24, 14)) == "end"
    assert fits(Series(datetime(2026, 3, 3, 14), timedelta(hours=1)),
                datetime(2026, 3, 3, 14)) is None


TUESDAYS = Series(datetime(2026, 3, 3, 18), timedelta(hours=2),
                  "FREQ=WEEKLY;BYDAY=TU;COUNT=10", frozenset({datetime(2026, 4, 7, 18)}))


def test_change_all_with_a_new_rule_keeps_the_first_start_and_the_count():
    at = datetime(2026, 3, 17, 18)
    before, after = change(TUESDAYS, at, at, timedelta(hours=2),
                           "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10", following=False)
    assert before is None and after.start == TUESDAYS.start
    found = originals(after, FAR.replace(tzinfo=None))
    assert len(found) == 10 and found[-1] == datetime(2026, 4, 2, 18)
    assert fits(after, at) is None


def test_change_all_with_a_new_rule_starts_on_its_first_date():
    at = datetime(2026, 3, 3, 18)
    _, after = change(TUESDAYS, at, at, timedelta(hours=2), "FREQ=WEEKLY;BYDAY=TH",
                      following=False)
    assert after.start == datetime(2026, 3, 5, 18)


def test_change_following_with_a_new_rule_gives_the_second_half_what_remains():
    at = datetime(2026, 3, 24, 18)  # the fourth Tuesday
    thursday = at + timedelta(days=2, hours=1)
    before, after = change(TUESDAYS, at, thursday, timedelta(hours=1),
                           "FREQ=WEEKLY;BYDAY=TH;COUNT=10", following=True)
    assert "COUNT=3" in before.rule and "COUNT=7" in after.rule
    assert after.start == thursday
    assert after.exdates == {datetime(2026, 4, 9, 19)}  # moved with the start
    found = originals(after, FAR.replace(tzinfo=None))
    assert len(found) == 6 and {d.weekday() for d in found} == {3}
    assert fits(after, thursday) is None


def test_change_following_refuses_a_count_already_used_up():
    with pytest.raises(RecurrenceError) as caught:
        change(TUESDAYS, datetime(2026, 3, 24, 18), datetime(2026, 3, 24, 18),
               timedelta(hours=2), "FREQ=WEEKLY;BYDAY=TU;COUNT=3", following=True)
    assert caught.value.code == "end"


def test_change_with_the_same_rule_moves_it_and_once_is_one_occurrence():
    at = datetime(2026, 3, 24, 18)
    before, after = change(TUESDAYS, at, at + timedelta(days=1), timedelta(hours=2),
                           TUESDAYS.rule, following=True)
    assert after.rule == "FREQ=WEEKLY;BYDAY=WE;COUNT=7"
    before, once = change(TUESDAYS, at, at, timedelta(hours=2), None, following=True)
    assert "COUNT=3" in before.rule and once == Series(at, timedelta(hours=2))


@settings(max_examples=40, deadline=None)
@given(series=weekly_series, pick=st.integers(0, 59), days=st.sets(st.integers(0, 6),
                                                                   min_size=1, max_size=3),
       count=st.integers(1, 80))
def test_a_following_change_never_gives_more_than_the_count(series, pick, days, count):
    raw = originals(series, datetime(2030, 1, 1))
    at = raw[pick % len(raw)]
    rule = build_rule("weekly", weekdays=days | {at.weekday()}, count=count)
    try:
        before, after = change(series, at, at, series.duration, rule, following=True)
    except RecurrenceError as error:
        assert error.code == "end" and count <= pick % len(raw)
        return
    head = len(originals(before, datetime(2030, 1, 1))) if before else 0
    assert head + len(originals(after, datetime(2030, 1, 1))) == count
    assert fits(after, at) is None
