from datetime import date

import pytest
from sqlalchemy import func, select

from passerelle.needs.models import (
    MaterialNeed,
    MaterialNeedStatus,
    MaterialOffer,
    MaterialPairing,
    OfferStatus,
    PairingStatus,
)
from tests.factories import make_organisation, make_user
from tests.needs.factories import make_material_need, make_offer, signed_in, staff_of


@pytest.fixture
def organisation(db):
    return make_organisation(name="We Can Help", email="hello@wecanhelp.example")


def offer_form(**fields):
    data = {"category": "furniture", "description": "A sofa bed, good condition",
            "place": "Leuven", "available_from": "2026-01-10", "available_until": "2099-03-01"}
    data.update(fields)
    return data


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_signed_in_person_posts_an_offer(client, db, login_as):
    user = login_as("volunteer")
    response = client.post("/offers/new", data=offer_form())
    assert response.status_code == 302
    offer = db.session.scalar(select(MaterialOffer))
    assert (offer.owner_id, offer.category, offer.status) == (user.id, "furniture",
                                                              OfferStatus.open)
    assert (offer.place_refnis, offer.available_until) == ("24062", date(2099, 3, 1))
    assert "A sofa bed, good condition" in client.get("/offers/").get_data(as_text=True)


@pytest.mark.parametrize(("fields", "message"), [
    ({"available_until": "2026-01-09"}, "The end date must not come before the start date."),
    ({"available_from": "2019-01-01", "available_until": "2020-01-01"},
     "This date is already past."),
    ({"category": "spaceships"}, "Choose a category from the list."),
    ({"place": "Narnia"}, "We do not know this Belgian municipality"),
    ({"description": "x" * 1001}, "At most 1000 characters."),
    ({"available_from": ""}, "This field is required."),
])
def test_bad_offer_input_changes_nothing(client, db, login_as, fields, message):
    login_as("volunteer")
    page = client.post("/offers/new", data=offer_form(**fields)).get_data(as_text=True)
    assert message in page
    assert count(db, MaterialOffer) == 0
    assert "A sofa bed" in page or "description" in fields


def test_staff_post_a_material_need(client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    response = client.post(f"/organisations/{organisation.slug}/material/new", data={
        "category": "bicycles", "description": "Two bikes for teenagers", "place": "Gent"})
    assert response.status_code == 302
    need = db.session.scalar(select(MaterialNeed))
    assert (need.category, need.place_refnis, need.status) == (
        "bicycles", "44021", MaterialNeedStatus.open)


def test_bad_material_need_input_changes_nothing(client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    page = client.post(f"/organisations/{organisation.slug}/material/new", data={
        "category": "bicycles", "description": "Two bikes", "place": ""}).get_data(as_text=True)
    assert "This field is required." in page and "Two bikes" in page
    assert count(db, MaterialNeed) == 0


def test_matching_pairs_needs_with_offers_of_the_same_kind_nearest_first(client, db, login_as,
                                                                         organisation):
    login_as("staff", organisation=organisation)
    giver = make_user()
    make_material_need(organisation, "Beds for a family", place="1060")
    make_offer(giver, "Bed in Leuven", place="Leuven")
    make_offer(giver, "Bed in Ixelles", place="Ixelles")
    make_offer(giver, "Bed in Liège", place="Liège")
    make_offer(giver, "Coats in Saint-Gilles", category="clothes", place="1060")
    make_offer(giver, "Bed no longer there", status=OfferStatus.withdrawn)
    make_offer(giver, "Bed gone last year", available_until=date(2020, 1, 1))
    page = client.get(f"/organisations/{organisation.slug}/material/matches").get_data(
        as_text=True)
    assert page.index("Bed in Ixelles") < page.index("Bed in Leuven") < page.index("Bed in Liège")
    for absent in ("Coats in Saint-Gilles", "Bed no longer there", "Bed gone last year"):
        assert absent not in page


def propose(client, organisation, need, offer):
    return client.post(f"/organisations/{organisation.slug}/material/{need.id}/propose",
                       data={"offer": str(offer.id)})


def test_a_pairing_is_done_only_when_both_sides_confirm(app, client, db, login_as,
                                                        organisation):
    login_as("staff", organisation=organisation)
    giver = make_user(name="Lotte Giver")
    need = make_material_need(organisation, "Beds for a family")
    offer = make_offer(giver, "Bed in Ixelles", place="Ixelles")
    assert propose(client, organisation, need, offer).status_code == 302
    pairing = db.session.scalar(select(MaterialPairing))
    assert pairing.status == PairingStatus.proposed

    owner = signed_in(app, giver)
    page = owner.get("/offers/").get_data(as_text=True)
    assert "We Can Help would like your offer: Bed in Ixelles" in page
    assert owner.post(f"/offers/pairings/{pairing.id}/confirm").status_code == 302
    db.session.expire_all()
    assert (pairing.status, offer.status, need.status) == (
        PairingStatus.proposed, OfferStatus.open, MaterialNeedStatus.open)
    staff_page = client.get(f"/organisations/{organisation.slug}/material").get_data(as_text=True)
    assert "Lotte Giver" in staff_page and giver.email in staff_page

    response = client.post(
        f"/organisations/{organisation.slug}/material/pairings/{pairing.id}/confirm")
    assert response.status_code == 302
    db.session.expire_all()
    assert (pairing.status, offer.status, need.status) == (
        PairingStatus.confirmed, OfferStatus.given, MaterialNeedStatus.fulfilled)
    assert pairing.owner_confirmed_at and pairing.organisation_confirmed_at
    assert "hello@wecanhelp.example" in owner.get("/offers/").get_data(as_text=True)


def test_the_organisation_may_confirm_first(app, client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    giver = make_user()
    need, offer = make_material_need(organisation, "Beds"), make_offer(giver, "Bed")
    propose(client, organisation, need, offer)
    pairing = db.session.scalar(select(MaterialPairing))
    client.post(f"/organisations/{organisation.slug}/material/pairings/{pairing.id}/confirm")
    db.session.expire_all()
    assert offer.status == OfferStatus.open
    signed_in(app, giver).post(f"/offers/pairings/{pairing.id}/confirm")
    db.session.expire_all()
    assert (offer.status, need.status) == (OfferStatus.given, MaterialNeedStatus.fulfilled)


@pytest.mark.parametrize("side", ["owner", "organisation"])
def test_either_side_may_decline_and_both_are_free_again(app, client, db, login_as,
                                                         organisation, side):
    login_as("staff", organisation=organisation)
    giver = make_user()
    need, offer = make_material_need(organisation, "Beds"), make_offer(giver, "Bed in Ixelles")
    propose(client, organisation, need, offer)
    pairing = db.session.scalar(select(MaterialPairing))
    matches = f"/organisations/{organisation.slug}/material/matches"
    assert "Bed in Ixelles" not in client.get(matches).get_data(as_text=True)
    if side == "owner":
        signed_in(app, giver).post(f"/offers/pairings/{pairing.id}/decline")
    else:
        client.post(f"/organisations/{organisation.slug}/material/pairings/{pairing.id}/decline")
    db.session.expire_all()
    assert (pairing.status, offer.status, need.status) == (
        PairingStatus.declined, OfferStatus.open, MaterialNeedStatus.open)
    assert "Bed in Ixelles" in client.get(matches).get_data(as_text=True)


def test_an_offer_held_by_a_pairing_cannot_be_proposed_again(client, db, login_as,
                                                            organisation):
    login_as("staff", organisation=organisation)
    offer = make_offer(make_user(), "Bed")
    first, second = make_material_need(organisation, "Beds"), make_material_need(
        organisation, "More beds")
    propose(client, organisation, first, offer)
    response = propose(client, organisation, second, offer)
    page = client.get(response.location).get_data(as_text=True)
    assert "This offer is no longer available." in page
    assert count(db, MaterialPairing) == 1


def test_an_offer_of_another_kind_cannot_be_proposed(client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    need = make_material_need(organisation, "Beds")
    offer = make_offer(make_user(), "Coats", category="clothes")
    propose(client, organisation, need, offer)
    assert count(db, MaterialPairing) == 0


def test_nobody_else_may_answer_a_pairing(app, client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    need, offer = make_material_need(organisation, "Beds"), make_offer(make_user(), "Bed")
    propose(client, organisation, need, offer)
    pairing = db.session.scalar(select(MaterialPairing))
    stranger = signed_in(app, make_user())
    other_staff = signed_in(app, staff_of(make_organisation()))
    assert stranger.post(f"/offers/pairings/{pairing.id}/confirm").status_code == 404
    assert stranger.post(f"/offers/pairings/{pairing.id}/decline").status_code == 404
    base = f"/organisations/{organisation.slug}/material"
    for url in (base, f"{base}/new", f"{base}/matches"):
        assert other_staff.get(url).status_code == 404
    for url in (f"{base}/pairings/{pairing.id}/confirm", f"{base}/pairings/{pairing.id}/decline",
                f"{base}/{need.id}/propose", f"{base}/{need.id}/close"):
        assert other_staff.post(url).status_code == 404
    db.session.expire_all()
    assert pairing.status == PairingStatus.proposed and pairing.owner_confirmed_at is None


def test_offers_need_a_signed_in_person(client):
    for url in ("/offers/", "/offers/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login" in response.location


def test_withdrawing_an_offer_frees_the_need(app, client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    giver = make_user()
    need, offer = make_material_need(organisation, "Beds"), make_offer(giver, "Bed")
    propose(client, organisation, need, offer)
    assert signed_in(app, giver).post(f"/offers/{offer.id}/withdraw").status_code == 302
    db.session.expire_all()
    assert offer.status == OfferStatus.withdrawn
    assert db.session.scalar(select(MaterialPairing.status)) == PairingStatus.declined
    assert "Beds" in client.get(f"/organisations/{organisation.slug}/material/matches").get_data(
        as_text=True)
