import pytest
from sqlalchemy import select

from passerelle.extensions import db
from passerelle.organisations.models import Organisation, Programme


def test_directory_lists_every_organisation(client, directory):
    page = client.get("/organisations/").get_data(as_text=True)
    for name in ("CIRÉ", "JRS Belgium", "DUO for a JOB", "SINGA", "Safe Space", "Up Together"):
        assert name in page


def test_filter_by_programme_kind(client, directory):
    page = client.get("/organisations/?kind=mentoring").get_data(as_text=True)
    assert "DUO for a JOB" in page
    assert "Safe Space" not in page


def test_filter_by_city_includes_programme_places(client, directory):
    page = client.get("/organisations/?city=11002").get_data(as_text=True)  # Antwerpen
    assert "Caritas International" in page
    assert "CPAS de Thuin" not in page


def test_text_search(client, directory):
    page = client.get("/organisations/?q=housing-caf").get_data(as_text=True)
    assert "Caritas International" in page and "SINGA" not in page


@pytest.mark.parametrize(("query", "message"), [
    ("kind=teleportation", "Choose a programme kind from the list."),
    ("city=atlantis", "Choose a city from the list."),
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
