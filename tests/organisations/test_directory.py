import pytest
from sqlalchemy import select

from passerelle.extensions import db
from passerelle.organisations.models import Organisation, Programme
from tests.factories import make_organisation, make_programme


def test_directory_lists_every_organisation(client, directory):
    page = client.get("/organisations/").get_data(as_text=True)
    for name in ("CIRÉ", "JRS Belgium", "DUO for a JOB", "SINGA", "Safe Space", "Up Together"):
        assert name in page


def test_filter_by_programme_kind(client, directory):
    page = client.get("/organisations/?kind=mentoring").get_data(as_text=True)
    assert "DUO for a JOB" in page
    assert "Safe Space" not in page


def test_filter_by_place_includes_programme_places(client, directory):
    page = client.get("/organisations/?place=Antwerpen&within=25").get_data(as_text=True)
    assert "Caritas International" in page
    assert "CPAS de Thuin" not in page


def test_the_place_filter_takes_a_name_in_either_language_and_a_distance(client, directory):
    page = client.get("/organisations/?place=Gent&within=50").get_data(as_text=True)
    assert "Médecins du Monde" in page  # Zeebrugge (Brugge), 39 km from Ghent
    assert "CPAS de Thuin" not in page
    page = client.get("/organisations/?place=Gand&within=25").get_data(as_text=True)
    assert "Médecins du Monde" not in page
    page = client.get("/organisations/?place=Leuven&within=25").get_data(as_text=True)
    assert "Aide aux Personnes Déplacées" in page  # Steenokkerzeel
    assert "CPAS de Thuin" not in page


def test_brussel_stands_for_its_19_municipalities(client, db):
    make_organisation(name="Far in Boitsfort", place_refnis="21017")  # Watermael-Boitsfort
    make_organisation(name="Near in Vilvoorde", place_refnis="23088")  # outside the region
    for name in ("Brussel", "Bruxelles", "Brussels", "1000"):
        page = client.get(f"/organisations/?place={name}&within=5").get_data(as_text=True)
        assert "Far in Boitsfort" in page and "Near in Vilvoorde" not in page
    page = client.get("/organisations/?place=Vilvoorde&within=5").get_data(as_text=True)
    assert "Near in Vilvoorde" in page and "Far in Boitsfort" not in page


def test_information_only_organisations_are_set_apart(client, db):
    informs = make_organisation(name="Only informs")
    make_programme(informs, slug="informs-advice", kind="information", interview=False,
                   charter=False)
    takes = make_organisation(name="Takes volunteers")
    make_programme(takes, slug="takes-visits", kind="detention_visits", interview=False,
                   charter=False)
    page = client.get("/organisations/").get_data(as_text=True)
    apart = page.index("Information and advice only")
    assert page.index("Takes volunteers") < apart < page.index("Only informs")
    assert "1 organisation" in page[:apart]


def test_text_search(client, directory):
    page = client.get("/organisations/?q=housing-caf").get_data(as_text=True)
    assert "Caritas International" in page and "SINGA" not in page


@pytest.mark.parametrize(("query", "message"), [
    ("kind=teleportation", "Choose a programme kind from the list."),
    ("place=Atlantis", "We do not know this Belgian municipality"),
    ("place=1060&within=9000", "Choose a distance from the list."),
    ("q=" + "x" * 101, "At most 100 characters."),
])
def test_bad_filters_get_a_message_not_an_error(client, directory, query, message):
    response = client.get(f"/organisations/?{query}")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_organisation_page_in_each_language(app, directory):
    client = app.test_client()
    for locale, words in (("fr", "Parrainage"), ("nl", "Peter"), ("en", "Sponsorship")):
        page = client.get("/organisations/cpas-thuin",
                          headers={"Accept-Language": locale}).get_data(as_text=True)
        assert f'<html lang="{locale}">' in page
        assert words in page


def test_programme_page_shows_its_facts(client, directory):
    page = client.get("/organisations/up-together").get_data(as_text=True)
    assert "/programmes/" in page
    programme = db.session.scalar(select(Programme).join(Organisation).where(
        Organisation.slug == "up-together", Programme.kind == "housing_hosting"))
    page = client.get(f"/programmes/{programme.slug}").get_data(as_text=True)
    assert "A stay lasts at most 8 weeks per home." in page
    assert "The whole trajectory lasts 52 weeks." in page


def test_unknown_pages_are_404(client, directory):
    assert client.get("/organisations/nope").status_code == 404
    assert client.get("/programmes/nope").status_code == 404


def test_home_lists_programme_kinds(client, directory):
    page = client.get("/").get_data(as_text=True)
    for label in ("Detention visits", "Sponsorship", "Housing hosting", "Mentoring",
                  "Language exchange", "Material offers"):
        assert label in page


def test_filter_by_who_the_programmes_are_for(client, directory):
    page = client.get("/organisations/?audience=released_from_detention").get_data(as_text=True)
    assert "Up Together" in page
    assert "DUO for a JOB" not in page
    page = client.get("/organisations/?audience=young_job_seekers").get_data(as_text=True)
    assert "DUO for a JOB" in page and "Up Together" not in page


def test_an_unknown_audience_gets_a_message_not_an_error(client, directory):
    response = client.get("/organisations/?audience=martians")
    assert response.status_code == 200
    assert "Choose who it is for from the list." in response.get_data(as_text=True)


def test_audience_filter_reads_in_french(app, directory):
    page = app.test_client().get("/organisations/", headers={"Accept-Language": "fr"})
    assert "Mineurs non accompagnés" in page.get_data(as_text=True)


def _directory_queries(client, count_queries, url: str) -> int:
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200 and "Organisation in Ixelles" in response.get_data(
        as_text=True)
    return queries.count


def _organisations(how_many: int, start: int) -> None:
    for n in range(start, start + how_many):
        organisation = make_organisation(name=f"Organisation in Ixelles {n}", place_refnis="21009")
        for kind in ("information", "mentoring")[: 1 + n % 2]:
            make_programme(organisation, slug=f"programme-{kind}-{n}", kind=kind,
                           interview=False, charter=False)


def test_the_directory_runs_as_many_queries_for_2_organisations_as_for_20(
        client, db, count_queries):
    urls = ("/organisations/", "/organisations/?place=Bruxelles&within=10",
            "/organisations/?kind=mentoring&audience=")
    _organisations(2, 0)
    small = [_directory_queries(client, count_queries, url) for url in urls]
    _organisations(18, 2)
    assert [_directory_queries(client, count_queries, url) for url in urls] == small
