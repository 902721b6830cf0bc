"""The public page of needs and the staff's list: paged, sorted in SQL, a fixed number of
queries whatever the amount of data."""

from datetime import date, timedelta

from sqlalchemy import select

from passerelle.data import places
from passerelle.needs import services
from passerelle.needs.models import Need
from tests.factories import make_organisation
from tests.needs.factories import make_need, make_programme

SOON = date(2099, 1, 1)


def _needs(how_many: int, place: str = "1060", programmes: int = 3):
    """`how_many` needs spread over several organisations and programmes."""
    made = [make_programme(make_organisation(), kind=kind)
            for kind in ("sponsorship", "mentoring", "activities")[:programmes]]
    return [make_need(made[n % len(made)], title=f"Need number {n:03d}", place=place,
                      languages=["fr", "ar"], skills=["teacher"],
                      weekly_mask=0b1011, starts_on=SOON + timedelta(days=n))
            for n in range(how_many)]


def test_the_public_page_shows_a_page_of_needs_and_links_to_the_next(client, db):
    _needs(25)
    page = client.get("/help").get_data(as_text=True)
    assert "25 needs" in page and page.count('class="card"') == 20
    assert "Page 1 of 2" in page and 'rel="next"' in page and 'rel="prev"' not in page
    second = client.get("/help?page=2").get_data(as_text=True)
    assert second.count('class="card"') == 5 and "Need number 024" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert client.get("/help?page=99").get_data(as_text=True).count('class="card"') == 5


def test_the_next_page_keeps_the_filters(client, db):
    _needs(25, programmes=1)
    page = client.get("/help?kind=sponsorship&place=1060&within=5&sort=date").get_data(
        as_text=True)
    assert "/help?kind=sponsorship&amp;place=1060&amp;within=5&amp;sort=date&amp;page=2" in page


def test_needs_sorted_by_urgency_or_by_date(client, db):
    programme = make_programme(make_organisation())
    make_need(programme, title="Later but urgent", urgency="high", starts_on=SOON)
    make_need(programme, title="Sooner, normal", urgency="normal",
              starts_on=SOON - timedelta(days=30))
    by_urgency = client.get("/help?sort=urgency").get_data(as_text=True)
    assert by_urgency.index("Later but urgent") < by_urgency.index("Sooner, normal")
    by_date = client.get("/help?sort=date").get_data(as_text=True)
    assert by_date.index("Sooner, normal") < by_date.index("Later but urgent")
    assert "Choose an order from the list." in client.get("/help?sort=price").get_data(
        as_text=True)


def test_with_a_place_the_page_is_sorted_and_cut_by_distance_in_sql(app, db):
    programme = make_programme(make_organisation())
    for place in ("Liège", "Leuven", "Ixelles", "Anderlecht", "Mechelen"):
        make_need(programme, title=f"In {place}", place=place)
    near = places.resolve("1060")
    found = services.open_needs(date(2026, 6, 1), near=near, within_km=50, per_page=2)
    assert found.total == 4 and found.pages == 2  # Liège is 90 km away
    assert [need.title_en for need, _km in found.items] == ["In Ixelles", "In Anderlecht"]
    for need, km in found.items:
        assert abs(km - places.distance_between(near.lat, near.lon, need.lat, need.lon)) < 1e-6
    last = services.open_needs(date(2026, 6, 1), near=near, within_km=50, per_page=2, page=2)
    assert [need.title_en for need, _km in last.items] == ["In Mechelen", "In Leuven"]


def test_the_nearest_pages_are_those_of_sorting_every_need_in_the_circle(app, db):
    """Page 1 is sorted from a smaller circle that holds it (six needs within 5 km), the
    later pages from the whole circle: together, the order of the distance."""
    programme = make_programme(make_organisation())
    places_made = ["Ixelles", "Saint-Gilles", "Anderlecht"] * 2 + ["Mechelen"] * 3 + ["Leuven"]
    for n, place in enumerate(places_made):
        make_need(programme, title=f"Need {n} in {place}", place=place,
                  urgency=("high", "normal", "low")[n % 3])
    near = places.resolve("1060")
    rank = {"high": 0, "normal": 1, "low": 2}
    expected = sorted(
        (need for need in db.session.scalars(select(Need))),
        key=lambda need: (round(places.distance_between(near.lat, near.lon, need.lat,
                                                        need.lon), 9), rank[need.urgency],
                          need.id))
    shown = [need.id for page in (1, 2, 3) for need, _km in services.open_needs(
        date(2026, 6, 1), near=near, within_km=50, per_page=4, page=page).items]
    assert shown == [need.id for need in expected]


def _help_queries(client, count_queries, url: str) -> int:
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200 and "Need number" in response.get_data(as_text=True)
    return queries.count


def test_the_public_page_runs_as_many_queries_for_2_needs_as_for_40(client, db, count_queries):
    _needs(2)
    small = [_help_queries(client, count_queries, url)
             for url in ("/help", "/help?place=1060&within=25", "/help?sort=date")]
    _needs(40)
    large = [_help_queries(client, count_queries, url)
             for url in ("/help", "/help?place=1060&within=25", "/help?sort=date")]
    assert large == small


def test_the_staff_list_of_needs_is_paged_with_a_fixed_number_of_queries(
        client, db, login_as, count_queries):
    organisation = make_organisation()
    programmes = [make_programme(organisation, kind="mentoring") for _ in range(3)]
    login_as("staff", organisation=organisation)

    def queries_for_the_list() -> int:
        with count_queries() as queries:
            response = client.get(f"/organisations/{organisation.slug}/needs")
        assert response.status_code == 200
        return queries.count

    make_need(programmes[0], title="Need number 0")
    one = queries_for_the_list()
    for n in range(1, 60):
        make_need(programmes[n % 3], title=f"Need number {n}")
    assert queries_for_the_list() == one
    page = client.get(f"/organisations/{organisation.slug}/needs").get_data(as_text=True)
    assert page.count("/edit") == services.STAFF_PAGE_SIZE and "Page 1 of 2" in page
    second = client.get(f"/organisations/{organisation.slug}/needs?page=2").get_data(
        as_text=True)
    assert second.count("/edit") == 60 - services.STAFF_PAGE_SIZE
    assert db.session.query(Need).count() == 60


def test_a_big_list_is_counted_up_to_its_cap_and_says_there_are_more(app, db):
    programme = make_programme(make_organisation())
    for n, place in enumerate(["Ixelles", "Saint-Gilles", "Anderlecht", "Mechelen", "Leuven"]):
        make_need(programme, title=f"Need {n} in {place}", place=place)
    near = places.resolve("1060")
    capped = services.open_needs(date(2026, 6, 1), near=near, within_km=50, per_page=2, cap=3)
    assert (capped.total, capped.more, capped.pages) == (3, True, 2)
    last = services.open_needs(date(2026, 6, 1), near=near, within_km=50, per_page=2, cap=3,
                               page=9)
    assert last.number == 2 and len(last.items) == 2  # the pages stop at the cap
    exact = services.open_needs(date(2026, 6, 1), near=near, within_km=50, per_page=2, cap=5)
    assert (exact.total, exact.more) == (5, False)
    nearest = [need.title_en for need, _km in capped.items]
    assert nearest == ["Need 1 in Saint-Gilles", "Need 0 in Ixelles"]


def test_the_pager_of_a_capped_list_does_not_claim_a_last_page(app):
    from flask import render_template_string

    from passerelle.core.paging import Page

    macro = '{% from "macros/pager.html" import pager %}{{ pager(page, "needs.help_page", {}) }}'
    with app.test_request_context():
        capped = render_template_string(macro, page=Page([], 1000, 2, 20, more=True))
        exact = render_template_string(macro, page=Page([], 1000, 2, 20))
    assert "Page 2<" in capped and "sur 50" not in capped and 'rel="next"' in capped
    assert "Page 2 sur 50" in exact  # French, the default language
