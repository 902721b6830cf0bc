"""Pages run a fixed number of queries, whatever the amount of data they show."""

import itertools
from datetime import date, timedelta

from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.programmes import services, sessions
from tests.factories import make_organisation, make_programme

TODAY = date(2026, 6, 1)
_slugs = itertools.count()


def _programme_with_a_session(n: int):
    programme = make_programme(make_organisation(), slug=f"visits-{next(_slugs)}",
                               kind="detention_visits", places=["caricole"],
                               trainings=[f"Training {n}"])
    training = services.trainings_of(programme)[0]
    start = utcnow() + timedelta(days=7)
    sessions.add_session(training, start, start + timedelta(hours=2), "Ixelles", 3, utcnow())
    db.session.commit()
    return programme


def _queries_for_applications(client, login_as, count_queries, how_many: int) -> int:
    volunteer = login_as()
    for n in range(how_many):
        services.apply(volunteer, _programme_with_a_session(n), "", utcnow())
    with count_queries() as queries:
        page = client.get("/applications/")
    assert page.status_code == 200 and "Training 0" in page.get_data(as_text=True)
    return queries.count


def test_my_applications_page_does_not_query_per_application(app, client, login_as,
                                                             count_queries):
    one = _queries_for_applications(client, login_as, count_queries, 1)
    five = _queries_for_applications(client, login_as, count_queries, 5)
    assert five == one
