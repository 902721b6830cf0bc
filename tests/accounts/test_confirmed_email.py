"""What others rely on needs a confirmed address: applying, offering goods (hole 12)."""

from sqlalchemy import select

from passerelle.needs.models import MaterialOffer
from passerelle.programmes.models import Application
from tests.factories import make_organisation, make_programme

CONFIRM_FIRST = "Confirm your e-mail address first"


def test_applying_to_a_programme_needs_a_confirmed_address(client, db, login_as):
    make_programme(make_organisation(slug="cire"), slug="cire-sponsorship")
    login_as(confirmed=False)
    page = client.post("/programmes/cire-sponsorship/apply", data={"motivation": "Hi"},
                       follow_redirects=True).get_data(as_text=True)
    assert CONFIRM_FIRST in page
    assert db.session.scalar(select(Application)) is None


def test_offering_goods_needs_a_confirmed_address(client, db, login_as):
    login_as(confirmed=False, locale="nl")
    page = client.post("/offers/new", data={
        "category": "furniture", "description": "A sofa bed", "place": "Leuven",
        "available_from": "2026-01-10", "available_until": "2099-03-01"}).get_data(as_text=True)
    assert "Bevestig eerst je e-mailadres" in page
    assert db.session.scalar(select(MaterialOffer)) is None


def test_a_confirmed_address_may_apply(client, db, login_as):
    make_programme(make_organisation(slug="cire"), slug="cire-sponsorship")
    login_as()
    client.post("/programmes/cire-sponsorship/apply", data={"motivation": "Hi"})
    assert db.session.scalar(select(Application)) is not None
