"""matching.top.best gives exactly services.rank's top: same volunteers, same order."""

from sqlalchemy import select

from passerelle.core.time import day_in_brussels, utcnow
from passerelle.matching import services, top
from passerelle.needs.models import Need
from passerelle.organisations.demo import ensure_demo_requirements
from passerelle.volunteers.demo import load_demo
from tests.matching.factories import (
    MON_EVENING,
    SAT_MORNING,
    TODAY,
    need,
    open_programme,
    volunteer,
)

NOW = utcnow()


def same(need_row, today, limit=services.TOP):
    full, fast = services.rank(need_row, today, limit), top.best(need_row, today, limit)
    assert [(r.volunteer.id, r.score, r.km) for r in fast.top] == \
        [(r.volunteer.id, r.score, r.km) for r in full.top]
    assert fast.eligible == full.eligible
    return full


def test_the_fast_top_is_the_full_ranking_s_on_the_demo_data(app, db, directory):
    ensure_demo_requirements(NOW)
    load_demo(volunteers=3000, needs=80, seed=11, now=NOW)
    today = day_in_brussels(NOW)
    rankings = [same(row, today) for row in db.session.scalars(select(Need).order_by(Need.id))]
    assert sum(1 for ranking in rankings if ranking.eligible) > 40
    assert any(ranking.counts for ranking in rankings)
    for row in db.session.scalars(select(Need).order_by(Need.id).limit(10)):
        same(row, today, limit=2)  # cut in the middle of equal scores too


def test_the_fast_top_keeps_needs_done_from_anywhere_and_asking_no_time(app, db):
    programme = open_programme()
    far = volunteer(programme, name="Far Away", place="8000", travel_km=5,
                    availability=SAT_MORNING)
    near = volunteer(programme, name="Near By", place="1060", availability=MON_EVENING)
    volunteer(programme, name="Dutch Only", place="1060", languages={"nl": 4})
    volunteer(programme, name="Not Yet", place="1060", status="screened")
    anywhere = need(programme, weekly_mask=0)
    anywhere.lat = anywhere.lon = anywhere.place_refnis = None  # done from anywhere
    db.session.commit()
    ranking = same(anywhere, TODAY)
    assert {r.volunteer.id for r in ranking.top} == {far.id, near.id}
    here = need(programme, weekly_mask=MON_EVENING)
    assert [r.volunteer.id for r in same(here, TODAY).top] == [near.id]

