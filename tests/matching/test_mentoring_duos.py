"""Mentoring duos (DUO for a JOB): a duo's end of follow-up set when it becomes active, shown
on its page and in the programme's list of duos ending soon; one duo per mentor at a time
by default; the same sector scored first."""

from datetime import date, datetime, timedelta

import pytest
from flask_babel import force_locale
from hypothesis import given, settings
from hypothesis import strategies as st

from passerelle.core.time import BRUSSELS, add_months, today_in_brussels, utcnow
from passerelle.extensions import db
from passerelle.matching import queries, scoring, services
from passerelle.matching.models import Match, MatchStatus
from passerelle.volunteers.models import VolunteerProfile
from tests.factories import make_user
from tests.matching.factories import NOW, TODAY, coordinator_of, need, open_programme, volunteer


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def _mentoring(facts=None, slug="duo-for-a-job"):
    programme = open_programme(kind="mentoring", slug=slug)
    programme.facts = facts if facts is not None else {"follow_up_months": 6}
    db.session.commit()
    return programme


def _active(programme, coordinator, mentor, accepted_at, title="A mentee"):
    match = services.propose(coordinator, need(programme, title=title), mentor.id, NOW)
    services.approve(coordinator, match, NOW)
    services.accept(mentor, match, accepted_at)
    return match


@settings(max_examples=12, deadline=None)
@given(st.sampled_from([None, 0, -1, True, "6", 3, 12]))
def test_the_follow_up_length_is_the_programme_s_fact_or_six_months(months):
    from passerelle.organisations.models import Programme

    programme = Programme(kind="mentoring", facts={} if months is None else
                          {"follow_up_months": months})
    expected = months if type(months) is int and months > 0 else 6
    assert services.follow_up_months(programme) == expected


def test_a_duo_becoming_active_gets_its_end_of_follow_up(app):
    programme = _mentoring({"follow_up_months": 3})
    coordinator = coordinator_of(programme.organisation)
    mentor = volunteer(programme, "Mentor")
    # Half past midnight in Brussels on 2 December: still 1 December in UTC.
    accepted = datetime(2026, 12, 2, 0, 30, tzinfo=BRUSSELS)
    match = _active(programme, coordinator, mentor, accepted)
    assert match.due_end_on == date(2027, 3, 2) == add_months(date(2026, 12, 2), 3)
    later = _mentoring({}, slug="no-fact")
    other = volunteer(later, "Other")
    match = _active(later, coordinator_of(later.organisation), other,
                    NOW + timedelta(hours=1))
    assert match.due_end_on == date(2027, 6, 1)  # six months by default


def test_a_sponsorship_match_has_no_end_of_follow_up(app):
    programme = open_programme(slug="sponsors")  # no charter published: nothing to sign
    coordinator = coordinator_of(programme.organisation)
    match = _active(programme, coordinator, volunteer(programme), NOW + timedelta(hours=1))
    assert match.status == MatchStatus.active and match.due_end_on is None


def test_the_end_date_on_the_match_page_and_the_duos_ending_soon(app, client, login_as):
    programme = _mentoring()
    login_as("coordinator", organisation=programme.organisation)
    coordinator = coordinator_of(programme.organisation)
    soon = _active(programme, coordinator, volunteer(programme, "Soon Mentor"),
                   NOW + timedelta(hours=1), "Mentee soon")
    late = _active(programme, coordinator, volunteer(programme, "Late Mentor"),
                   NOW + timedelta(hours=1), "Mentee late")
    far = _active(programme, coordinator, volunteer(programme, "Far Mentor"),
                  NOW + timedelta(hours=1), "Mentee far")
    today = today_in_brussels()
    soon.due_end_on, late.due_end_on = today + timedelta(days=30), today - timedelta(days=1)
    far.due_end_on = today + timedelta(days=31)
    db.session.commit()
    ending = queries.duos_ending(programme, today)
    assert [m.id for m in ending.overdue] == [late.id]
    assert [m.id for m in ending.soon] == [soon.id]
    page = client.get(f"/programmes/{programme.slug}/matches").get_data(as_text=True)
    section = page.split("Duos ending in the next 30 days")[1].split("</section>")[0]
    assert "Mentee soon" in section and "Mentee late" in section and "overdue" in section
    assert "Mentee far" not in section
    assert "Follow-up until" in client.get(f"/matches/{far.id}").get_data(as_text=True)
    # The page reads the real clock, so the end is today, now (not the factories' NOW).
    services.end(coordinator, late, "Found a job", today, utcnow())
    assert queries.duos_ending(programme, today).overdue == []


def test_one_duo_per_mentor_at_a_time_by_default(app):
    programme = _mentoring()
    coordinator = coordinator_of(programme.organisation)
    user = make_user(name="Bare")
    profile = VolunteerProfile(user_id=user.id)
    db.session.add(profile)
    db.session.commit()
    assert profile.max_matches == 1  # the column's default
    mentor = volunteer(programme, "Mentor")
    _active(programme, coordinator, mentor, NOW + timedelta(hours=1))
    ranking = services.rank(need(programme, title="Another mentee"), TODAY)
    assert ranking.counts == [("load", 1)]


def test_the_same_sector_is_scored_first_in_mentoring(app):
    weights = scoring.defaults_for("mentoring")
    assert weights.of("sector") > 0 and "sector" in weights.strong
    programme = _mentoring()
    wanted = need(programme, sector="it")
    same = volunteer(programme, "Same Sector", sector="it", languages={"fr": 2})
    volunteer(programme, "Other Sector", sector="care", languages={"fr": 4})
    ranking = services.rank(wanted, TODAY)
    assert [r.volunteer.id for r in ranking.top][0] == same.id
    assert ranking.top[0].score.parts[0].name == "sector"


def test_the_ending_list_does_not_query_per_duo(app, client, login_as, count_queries):
    counts = []
    for duos in (1, 4):
        programme = _mentoring(slug=f"queries-{duos}")
        login_as("coordinator", organisation=programme.organisation)
        coordinator = coordinator_of(programme.organisation)
        for n in range(duos):
            _active(programme, coordinator, volunteer(programme, f"Mentor {n}"),
                    NOW + timedelta(hours=1), f"Mentee {n}")
        db.session.query(Match).update({Match.due_end_on: today_in_brussels()})
        db.session.commit()
        with count_queries() as queries:
            page = client.get(f"/programmes/{programme.slug}/matches?status=ended")
        assert f"Mentee {duos - 1}" in page.get_data(as_text=True)
        counts.append(queries.count)
    assert counts[0] == counts[1]
