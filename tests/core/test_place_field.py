import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from passerelle.core.forms import PlaceField


class WhereForm(FlaskForm):
    class Meta:
        csrf = False

    where = PlaceField("Where")


def validate(text):
    form = WhereForm(MultiDict({"where": text}))
    form.validate()
    return form


@pytest.mark.parametrize(("text", "refnis"), [
    ("1060", "21013"), ("Saint-Gilles", "21013"), ("sint-gillis", "21013"),
    ("LIEGE", "62063"), ("Luik", "62063"), ("6530 Thuin", "56078"), ("Braine-l’Alleud", "25014"),
])
def test_a_postcode_or_a_name_in_either_language_gives_the_municipality(app, text, refnis):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        form = validate(text)
        assert form.errors == {}
        assert form.where.place.refnis == refnis
        assert form.where.data == text


def test_an_unknown_place_gets_a_message_and_keeps_the_text(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        form = validate("9999")
        assert "We do not know this Belgian municipality" in form.errors["where"][0]
        assert form.where.data == "9999" and form.where.place is None


def test_a_shared_postcode_asks_which_municipality(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        form = validate("1040")
        assert "Several municipalities match" in form.errors["where"][0]
        assert "Etterbeek" in form.errors["where"][0]


def test_empty_is_allowed_unless_required(app):
    with app.test_request_context():
        form = validate("")
        assert form.errors == {} and form.where.place is None
