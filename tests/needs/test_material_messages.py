"""Material pairings tell the other side: proposed, confirmed, given."""

import pytest
from sqlalchemy import func, select

from passerelle.needs.models import MaterialPairing
from passerelle.reminders import preferences
from passerelle.reminders.models import OutboxMessage, Status
from tests.factories import mail_text, make_membership, make_organisation, make_user
from tests.needs.factories import make_material_need, make_offer, signed_in


@pytest.fixture
def organisation(db):
    return make_organisation(name="We Can Help")


@pytest.fixture
def scene(app, db, organisation):
    """A staff member who proposes, a coordinator of the organisation, a giver in French."""
    proposer = make_user(name="Sam Staff", email="sam@wecanhelp.example", locale="nl")
    make_membership(proposer, organisation, "staff")
    coordinator = make_user(name="Cora", email="cora@wecanhelp.example")
    make_membership(coordinator, organisation, "coordinator")
    other_staff = make_user(email="quiet@wecanhelp.example")
    make_membership(other_staff, organisation, "staff")
    giver = make_user(name="Lotte", email="lotte@example.org", locale="fr")
    need = make_material_need(organisation, "Beds for a family")
    offer = make_offer(giver, "Un lit à Ixelles")
    return {"staff": signed_in(app, proposer), "giver": signed_in(app, giver),
            "need": need, "offer": offer, "giver_user": giver}


def propose(scene, organisation):
    scene["staff"].post(f"/organisations/{organisation.slug}/material/{scene['need'].id}/propose",
                        data={"offer": str(scene["offer"].id)})
    from passerelle.extensions import db
    return db.session.scalar(select(MaterialPairing))



def test_a_proposed_pairing_asks_the_giver_in_their_language(smtp, organisation, scene):
    propose(scene, organisation)
    [mail] = smtp.messages_to("lotte@example.org")
    assert mail["Subject"] == "Votre offre est proposée pour un besoin : confirmez ou refusez"
    text = mail_text(mail)
    assert "We Can Help aimerait recevoir votre offre (Meubles : Un lit à Ixelles)" in text
    assert "http://passerelle.test/offers/" in text
    assert "/messages/stop/" in text or "ne plus recevoir" in text
    assert smtp.messages_to("sam@wecanhelp.example", deliver=False) == []


def test_the_giver_confirming_tells_the_proposer_and_the_coordinators(smtp, db, organisation,
                                                                       scene):
    pairing = propose(scene, organisation)
    scene["giver"].post(f"/offers/pairings/{pairing.id}/confirm")
    [to_proposer] = smtp.messages_to("sam@wecanhelp.example")
    assert "Lotte heeft de koppeling van het aanbod" in mail_text(to_proposer)
    assert f"http://passerelle.test/organisations/{organisation.slug}/material" in mail_text(
        to_proposer)
    [to_coordinator] = smtp.messages_to("cora@wecanhelp.example", deliver=False)
    assert to_coordinator["Subject"] == (
        "A pairing of material is confirmed by the person who offers")
    assert smtp.messages_to("quiet@wecanhelp.example", deliver=False) == []


def test_both_confirmed_tells_both_sides_once_that_it_is_given(smtp, db, organisation, scene):
    pairing = propose(scene, organisation)
    scene["staff"].post(
        f"/organisations/{organisation.slug}/material/pairings/{pairing.id}/confirm")
    [confirmed] = [m for m in smtp.messages_to("lotte@example.org")
                   if "confirmé l'appariement" in m["Subject"]]
    assert "We Can Help a confirmé l'appariement de votre offre" in mail_text(confirmed)
    scene["giver"].post(f"/offers/pairings/{pairing.id}/confirm")
    smtp.deliver()
    for address in ("lotte@example.org", "sam@wecanhelp.example", "cora@wecanhelp.example"):
        given = [m for m in smtp.messages_to(address, deliver=False)
                 if "given" in m["Subject"] or "donnée" in m["Subject"]
                 or "geschonken" in m["Subject"]]
        assert len(given) == 1, address
    # The giver's second confirmation is refused and writes nothing.
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    scene["giver"].post(f"/offers/pairings/{pairing.id}/confirm")
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == before


def test_a_declined_pairing_cancels_what_was_not_sent(db, organisation, scene):
    pairing = propose(scene, organisation)
    scene["giver"].post(f"/offers/pairings/{pairing.id}/decline")
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert (message.kind, message.status) == ("material-proposed", Status.CANCELLED)


def test_a_giver_who_turned_material_off_is_not_told(db, organisation, scene):
    preferences.set_choice(scene["giver_user"], "material", False)
    db.session.commit()
    propose(scene, organisation)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_refused_proposal_writes_nothing(app, db, organisation, scene):
    outsider = signed_in(app, make_user())
    outsider.post(f"/organisations/{organisation.slug}/material/{scene['need'].id}/propose",
                  data={"offer": str(scene["offer"].id)})
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
