"""Hole 9: bad input is a 404 or a form error, never a server error (on both databases)."""

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import Form

import passerelle
from passerelle.core.forms import BaseForm, RowForm
from passerelle.needs.models import MaterialPairing, Person
from passerelle.volunteers.models import SpokenLanguage
from tests.factories import make_organisation
from tests.needs.factories import make_material_need, make_person
from tests.needs.test_people import person_form
from tests.volunteers.test_profile import profile_form, saved_profile

HUGE = ["2147483648", "2147483655", str(2**63), str(2**64 + 1), "9" * 5000]


@pytest.mark.parametrize("number", HUGE)
def test_an_id_beyond_what_the_database_holds_is_no_page(client, login_as, number):
    organisation = make_organisation()
    login_as("staff", organisation=organisation)
    assert client.get(f"/supported/{number}").status_code == 404
    assert client.get(f"/organisations/{organisation.slug}/needs/{number}/edit").status_code == 404
    assert client.post(f"/offers/{number}/withdraw").status_code == 404


def test_the_largest_id_the_database_holds_is_an_ordinary_missing_record(client, login_as):
    login_as("staff")
    assert client.get(f"/supported/{2**31 - 1}").status_code == 404


def test_an_offer_id_beyond_an_integer_in_a_form_is_refused_plainly(client, db, login_as):
    organisation = make_organisation()
    login_as("staff", organisation=organisation)
    need = make_material_need(organisation, "A table")
    response = client.post(f"/organisations/{organisation.slug}/material/{need.id}/propose",
                           data={"offer": str(2**63)})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(MaterialPairing)) == 0


def test_a_nul_byte_in_a_slug_is_no_page(client, login_as):
    login_as("admin")
    assert client.get("/organisations/a%00b").status_code == 404
    assert client.get("/programmes/a%00b/applications").status_code == 404


def test_a_language_code_of_spaces_is_no_language(client, db, login_as):
    login_as()
    response = client.post("/profile/", data=profile_form(**{"languages-2-code": "   "}))
    assert response.status_code == 302
    assert [(s.code, s.level) for s in saved_profile(db).languages] == [("nl", 4), ("ti", 2)]


def test_a_nul_byte_in_a_text_field_is_a_form_error_and_nothing_is_saved(client, db, login_as):
    organisation = make_organisation()
    login_as("staff", organisation=organisation)
    response = client.post(f"/organisations/{organisation.slug}/supported/new",
                           data=person_form(first_name="Zai\x00nab"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "invisible control character (NUL)" in page
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_a_nul_byte_in_a_record_changes_nothing(client, db, login_as):
    organisation = make_organisation()
    login_as("staff", organisation=organisation)
    person = make_person(organisation, "Zainab")
    response = client.post(f"/supported/{person.id}/edit",
                           data=person_form(needs="A room\x00", first_name="Omid"))
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Person, person.id).first_name == "Zainab"


def test_a_nul_byte_in_a_search_is_a_form_error(client):
    response = client.get("/organisations/", query_string={"q": "caritas\x00"})
    assert response.status_code == 200
    assert client.get("/help", query_string={"place": "1060\x00"}).status_code == 200


def test_a_nul_byte_in_a_language_row_is_a_form_error(client, db, login_as):
    login_as()
    response = client.post("/profile/", data=profile_form(**{"languages-0-code": "n\x00l"}))
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(SpokenLanguage)) == 0


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_of_the_app_refuses_nul_bytes():
    """Each form derives from core.forms.BaseForm (or RowForm for a nested row)."""
    for module in pkgutil.walk_packages(passerelle.__path__, "passerelle."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    ours = [cls for cls in {*_all_subclasses(FlaskForm), *_all_subclasses(Form)}
            if cls.__module__.startswith("passerelle.")]
    assert len(ours) > 20
    strays = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in ours
                    if not issubclass(cls, BaseForm | RowForm))
    assert strays == [], "derive these forms from core.forms.BaseForm or RowForm"


def test_a_blank_programme_kind_in_a_filter_is_all_kinds(client):
    """Found by the fuzz test: a kind of one space passed the optional check and reached
    the query, a server error."""
    for url in ("/help?kind=%20", "/organisations/?kind=%20"):
        assert client.get(url).status_code == 200, url
