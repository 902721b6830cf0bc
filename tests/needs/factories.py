"""Factories and helpers for the needs tests: real rows through the real models, committed."""

import itertools
from datetime import date

from passerelle.accounts.twofactor.gate import SESSION_KEY, verified_value
from passerelle.core.time import utcnow
from passerelle.data import places
from passerelle.extensions import db
from passerelle.needs.models import MaterialNeed, MaterialOffer, Need, Person
from passerelle.needs.services import set_place
from passerelle.organisations.models import Programme
from tests.factories import make_membership, make_user, session_id_for

_counter = itertools.count(1)
FUTURE = date(2099, 1, 1)


def make_programme(organisation, kind="sponsorship", name="Parrainage", **fields):
    n = next(_counter)
    programme = Programme(slug=f"programme-{n}", organisation=organisation, kind=kind,
                          name_fr=name, name_nl=name, name_en=name, **fields)
    db.session.add(programme)
    db.session.commit()
    return programme


def make_person(organisation, first_name="Zainab", delete_after=FUTURE, **fields):
    person = Person(organisation=organisation, first_name=first_name,
                    waiting_since=fields.pop("waiting_since", date(2026, 1, 5)),
                    delete_after=delete_after, **fields)
    db.session.add(person)
    db.session.commit()
    return person


def _placed(record, place: str):
    set_place(record, places.resolve(place))
    db.session.add(record)


def make_need(programme, title="Sponsor for a family", place="1060", description="", **fields):
    """A need written in English (`title`, `description`) unless texts are given by language
    (`title_fr=...`)."""
    need = Need(organisation_id=programme.organisation_id, programme=programme, title_en=title,
                description_en=description, **fields)
    _placed(need, place)
    db.session.commit()
    return need


def make_offer(owner, description, category="furniture", place="1060", **fields):
    offer = MaterialOffer(owner=owner, category=category, description=description,
                          available_from=fields.pop("available_from", date(2026, 1, 1)), **fields)
    _placed(offer, place)
    db.session.commit()
    return offer


def make_material_need(organisation, description, category="furniture", place="1060"):
    need = MaterialNeed(organisation=organisation, category=category, description=description)
    _placed(need, place)
    db.session.commit()
    return need


def staff_of(organisation, role="staff"):
    user = make_user()
    make_membership(user, organisation, role)
    return user


def signed_in(app, user):
    """Another browser (English), signed in as `user`, past the second factor."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with client.session_transaction() as session:
        session["_user_id"] = session_id_for(user)
        session["_fresh"] = True
        session[SESSION_KEY] = verified_value(user, utcnow())
    return client

