"""A need's title and description, given in one to three languages, read in the reader's."""

from sqlalchemy import select

from passerelle.core.time import utcnow
from passerelle.needs.models import Need
from passerelle.volunteers.demo import load_demo
from tests.factories import make_organisation
from tests.needs.factories import make_need, make_programme
from tests.needs.test_staff_needs import need_form

NOW = utcnow()  # the demo's dates are around the real today, as `flask demo-data` does


def help_page(app, language):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return browser.get("/help").get_data(as_text=True)


def test_each_reader_sees_the_need_in_their_language(app, db):
    programme = make_programme(make_organisation())
    make_need(programme, title_fr="Parrain pour une famille", title_nl="Peter voor een gezin",
              title="Sponsor for a family", description_fr="Une rencontre par semaine.",
              description_nl="Eén ontmoeting per week.", description="One meeting a week.")
    french, dutch = help_page(app, "fr"), help_page(app, "nl")
    assert "Parrain pour une famille" in french and "Une rencontre par semaine." in french
    assert "Peter voor een gezin" in dutch and "Eén ontmoeting per week." in dutch
    assert "Sponsor for a family" not in french + dutch


def test_a_need_given_in_one_language_is_shown_in_it_to_every_reader(app, db):
    programme = make_programme(make_organisation())
    make_need(programme, title="", title_nl="Chauffeur gezocht",
              description_nl="Op zaterdag, naar Brussel.")
    for language in ("fr", "nl", "en"):
        page = help_page(app, language)
        assert "Chauffeur gezocht" in page and "Op zaterdag, naar Brussel." in page


def test_staff_give_the_need_in_three_languages(client, db, login_as):
    organisation = make_organisation()
    programme = make_programme(organisation)
    login_as("staff", organisation=organisation)
    response = client.post(f"/organisations/{organisation.slug}/needs/new", data=need_form(
        programme, title_fr="Parrain", title_nl="Peter", title_en="Sponsor",
        description_fr="Le samedi.", description_nl="Op zaterdag.", description_en=""))
    assert response.status_code == 302
    need = db.session.scalar(select(Need))
    assert (need.title_fr, need.title_nl, need.title_en) == ("Parrain", "Peter", "Sponsor")
    assert (need.description_fr, need.description_nl, need.description_en) == (
        "Le samedi.", "Op zaterdag.", "")
    page = client.get(f"/organisations/{organisation.slug}/needs/{need.id}/edit").get_data(
        as_text=True)
    assert 'value="Parrain"' in page and 'value="Peter"' in page and "Op zaterdag." in page


def test_a_need_without_any_title_is_refused_beside_the_first_title(client, db, login_as):
    organisation = make_organisation()
    programme = make_programme(organisation)
    login_as("staff", organisation=organisation)
    response = client.post(f"/organisations/{organisation.slug}/needs/new", data=need_form(
        programme, title_en="  ", description_nl="Op zaterdag."))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Give the title in at least one language." in page
    assert page.index("Give the title in at least one language.") < page.index('id="title_nl"')
    assert "Op zaterdag." in page
    assert db.session.scalar(select(Need)) is None


def test_demo_needs_have_titles_and_descriptions_in_the_three_languages(db, directory):
    load_demo(volunteers=5, needs=30, seed=2, now=NOW)
    needs = db.session.scalars(select(Need)).all()
    assert len(needs) == 30
    for need in needs:
        titles = (need.title_fr, need.title_nl, need.title_en)
        descriptions = (need.description_fr, need.description_nl, need.description_en)
        assert all(titles) and all(descriptions)
        assert len(set(titles)) == 3 and len(set(descriptions)) == 3
