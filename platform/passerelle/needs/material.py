"""Material offers and needs, and the pairings that both sides confirm. Each change commits once.

An offer or a material need is free while it is open and not held by a pairing waiting for
confirmation. A pairing is done once the offer's owner and the organisation have confirmed:
then the offer is given and the need fulfilled. Either side may decline, which frees both.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from passerelle.accounts.models import User
from passerelle.accounts.services import require_confirmed_email
from passerelle.core import access
from passerelle.core.errors import DomainError, NotFound
from passerelle.data.places import Place, distance_between
from passerelle.extensions import db
from passerelle.needs.models import (
    MaterialCategory,
    MaterialNeed,
    MaterialNeedStatus,
    MaterialOffer,
    MaterialPairing,
    OfferStatus,
    PairingStatus,
)
from passerelle.needs.services import NOT_FOUND, set_place
from passerelle.organisations import queries
from passerelle.organisations.models import Organisation
from passerelle.reminders import outbox

CANDIDATES_PER_NEED = 10


@dataclass
class OfferData:
    category: str
    description: str
    place: Place
    available_from: date
    available_until: date | None


@dataclass
class MaterialNeedData:
    category: str
    description: str
    place: Place


@dataclass
class Candidates:
    need: MaterialNeed
    offers: list[tuple[MaterialOffer, float]]  # nearest first, with the distance in km


# The offer's owner

def post_offer(user: User, data: OfferData, today: date) -> MaterialOffer:
    require_confirmed_email(user)
    if data.available_until is not None and data.available_until < data.available_from:
        raise DomainError(_l("The end date must not come before the start date."),
                          field="available_until")
    if data.available_until is not None and data.available_until < today:
        raise DomainError(_l("This date is already past."), field="available_until")
    offer = MaterialOffer(owner=user, category=MaterialCategory(data.category),
                          description=data.description.strip(),
                          available_from=data.available_from,
                          available_until=data.available_until, status=OfferStatus.open)
    set_place(offer, data.place)
    db.session.add(offer)
    db.session.commit()
    return offer


def offers_of(user: User) -> list[MaterialOffer]:
    return list(db.session.scalars(select(MaterialOffer).where(MaterialOffer.owner_id == user.id)
                                   .order_by(MaterialOffer.created_at.desc(),
                                             MaterialOffer.id.desc())))


def withdraw_offer(user: User, offer_id: int) -> MaterialOffer:
    offer = db.session.get(MaterialOffer, offer_id)
    if offer is None or not access.can_change_offer(user, offer):
        raise NotFound(NOT_FOUND)
    if offer.status != OfferStatus.open:
        raise DomainError(_l("This offer is no longer open."))
    pending = _pending_for(offer=offer)
    if pending is not None:
        _decline(pending)
    offer.status = OfferStatus.withdrawn
    db.session.commit()
    return offer


def pairings_for_owner(user: User) -> list[MaterialPairing]:
    """Pairings of the person's offers that wait for them or were done, newest first."""
    return list(db.session.scalars(select(MaterialPairing).join(MaterialPairing.offer).where(
        MaterialOffer.owner_id == user.id, MaterialPairing.status != PairingStatus.declined)
        .options(selectinload(MaterialPairing.need).selectinload(MaterialNeed.organisation))
        .order_by(MaterialPairing.created_at.desc(), MaterialPairing.id.desc())))


def confirm_as_owner(user: User, pairing_id: int, now: datetime) -> MaterialPairing:
    pairing = _owner_pairing(user, pairing_id)
    pairing.owner_confirmed_at = now
    if not _complete_if_both(pairing, now):
        for person in _organisation_side(pairing):
            _tell(person, "material-confirmed", pairing, now, "owner",
                  _l("A pairing of material is confirmed by the person who offers"),
                  "needs/mail/confirmed_by_owner.txt", _organisation_link(pairing))
    db.session.commit()
    return pairing


def decline_as_owner(user: User, pairing_id: int) -> MaterialPairing:
    pairing = _owner_pairing(user, pairing_id)
    _decline(pairing)
    db.session.commit()
    return pairing


# The organisation

def post_material_need(user: User, organisation: Organisation,
                       data: MaterialNeedData) -> MaterialNeed:
    _check_manager(user, organisation)
    need = MaterialNeed(organisation=organisation, category=MaterialCategory(data.category),
                        description=data.description.strip(), status=MaterialNeedStatus.open)
    set_place(need, data.place)
    db.session.add(need)
    db.session.commit()
    return need


def material_needs_of(user: User, organisation: Organisation) -> list[MaterialNeed]:
    _check_manager(user, organisation)
    return list(db.session.scalars(select(MaterialNeed).where(
        MaterialNeed.organisation_id == organisation.id).order_by(
        MaterialNeed.status != MaterialNeedStatus.open, MaterialNeed.created_at.desc(),
        MaterialNeed.id.desc())))


def close_material_need(user: User, organisation: Organisation, need_id: int) -> MaterialNeed:
    need = _organisation_need(user, organisation, need_id)
    if need.status != MaterialNeedStatus.open:
        raise DomainError(_l("This need is no longer open."))
    pending = _pending_for(need=need)
    if pending is not None:
        _decline(pending)
    need.status = MaterialNeedStatus.closed
    db.session.commit()
    return need


def pairings_for_organisation(user: User, organisation: Organisation) -> list[MaterialPairing]:
    _check_manager(user, organisation)
    return list(db.session.scalars(select(MaterialPairing).join(MaterialPairing.need).where(
        MaterialNeed.organisation_id == organisation.id,
        MaterialPairing.status != PairingStatus.declined)
        .options(selectinload(MaterialPairing.offer).selectinload(MaterialOffer.owner))
        .order_by(MaterialPairing.created_at.desc(), MaterialPairing.id.desc())))


def candidates(user: User, organisation: Organisation, today: date) -> list[Candidates]:
    """Each free material need of the organisation with the nearest free offers of its kind."""
    _check_manager(user, organisation)
    needs = [need for need in db.session.scalars(select(MaterialNeed).where(
        MaterialNeed.organisation_id == organisation.id,
        MaterialNeed.status == MaterialNeedStatus.open, ~_held(MaterialNeed))
        .order_by(MaterialNeed.created_at, MaterialNeed.id))]
    categories = {need.category for need in needs}
    offers = list(db.session.scalars(select(MaterialOffer).where(
        MaterialOffer.status == OfferStatus.open, MaterialOffer.category.in_(categories),
        or_(MaterialOffer.available_until.is_(None), MaterialOffer.available_until >= today),
        ~_held(MaterialOffer)))) if categories else []
    found = []
    for need in needs:
        near = sorted(((offer, distance_between(need.lat, need.lon, offer.lat, offer.lon))
                       for offer in offers if offer.category == need.category),
                      key=lambda pair: (pair[1], pair[0].id))
        found.append(Candidates(need, near[:CANDIDATES_PER_NEED]))
    return found


def propose(user: User, organisation: Organisation, need_id: int, offer_id: int,
            now: datetime) -> MaterialPairing:
    need = _organisation_need(user, organisation, need_id)
    offer = db.session.get(MaterialOffer, offer_id)
    if need.status != MaterialNeedStatus.open or _pending_for(need=need) is not None:
        raise DomainError(_l("This need is no longer open."))
    if (offer is None or offer.status != OfferStatus.open or offer.category != need.category
            or _pending_for(offer=offer) is not None):
        raise DomainError(_l("This offer is no longer available."))
    pairing = MaterialPairing(offer=offer, need=need, proposed_by_id=user.id,
                              status=PairingStatus.proposed, created_at=now)
    db.session.add(pairing)
    try:
        db.session.flush()
    except IntegrityError:  # someone proposed one of them a moment ago
        db.session.rollback()
        raise DomainError(_l("This offer is no longer available.")) from None
    _tell(offer.owner, "material-proposed", pairing, now, "proposed",
          _l("Your offer is proposed for a need: confirm or decline"),
          "needs/mail/proposed.txt", outbox.external_url("needs.offers"))
    db.session.commit()
    return pairing


def confirm_as_organisation(user: User, organisation: Organisation, pairing_id: int,
                            now: datetime) -> MaterialPairing:
    pairing = _organisation_pairing(user, organisation, pairing_id)
    pairing.organisation_confirmed_at = now
    if not _complete_if_both(pairing, now):
        _tell(pairing.offer.owner, "material-confirmed", pairing, now, "organisation",
              _l("%(organisation)s confirmed the pairing of your offer",
                 organisation=organisation.name),
              "needs/mail/confirmed_by_organisation.txt", outbox.external_url("needs.offers"))
    db.session.commit()
    return pairing


def decline_as_organisation(user: User, organisation: Organisation,
                            pairing_id: int) -> MaterialPairing:
    pairing = _organisation_pairing(user, organisation, pairing_id)
    _decline(pairing)
    db.session.commit()
    return pairing


# Shared

def _held(model):
    """A pairing waiting for confirmation holds this offer or need."""
    column = MaterialPairing.offer_id if model is MaterialOffer else MaterialPairing.need_id
    return select(MaterialPairing.id).where(
        column == model.id, MaterialPairing.status == PairingStatus.proposed).exists()


def _pending_for(offer: MaterialOffer | None = None,
                 need: MaterialNeed | None = None) -> MaterialPairing | None:
    query = select(MaterialPairing).where(MaterialPairing.status == PairingStatus.proposed)
    if offer is not None:
        query = query.where(MaterialPairing.offer_id == offer.id)
    if need is not None:
        query = query.where(MaterialPairing.need_id == need.id)
    return db.session.scalar(query)


def _complete_if_both(pairing: MaterialPairing, now: datetime) -> bool:
    """Done once both sides confirmed: both are told. Whether it is done."""
    if not (pairing.owner_confirmed_at and pairing.organisation_confirmed_at):
        return False
    pairing.status = PairingStatus.confirmed
    pairing.offer.status = OfferStatus.given
    pairing.need.status = MaterialNeedStatus.fulfilled
    subject = _l("A material offer is given: both sides confirmed")
    _tell(pairing.offer.owner, "material-given", pairing, now, "given", subject,
          "needs/mail/given.txt", outbox.external_url("needs.offers"))
    for person in _organisation_side(pairing):
        _tell(person, "material-given", pairing, now, "given", subject,
              "needs/mail/given.txt", _organisation_link(pairing))
    return True


def _decline(pairing: MaterialPairing) -> None:
    """Declined: the messages about it not yet sent no longer apply."""
    pairing.status = PairingStatus.declined
    outbox.cancel(_about(pairing))


# Messages. The organisation's side is the person who proposed the pairing (while they
# still manage the organisation's needs) and the organisation's own coordinators: not every
# member of its staff, nor its networks' coordinators, nor the administrators.

def _organisation_side(pairing: MaterialPairing) -> list[User]:
    organisation = pairing.need.organisation
    people = {member.user.id: member.user for member in queries.coordinators_of(organisation)}
    proposer = db.session.get(User, pairing.proposed_by_id) if pairing.proposed_by_id else None
    if proposer is not None and access.can_manage_needs(proposer, organisation):
        people.setdefault(proposer.id, proposer)
    return [people[key] for key in sorted(people)]


def _organisation_link(pairing: MaterialPairing) -> str:
    return outbox.external_url("needs.material_needs", slug=pairing.need.organisation.slug)


def _about(pairing: MaterialPairing) -> str:
    return f"material-pairing-{pairing.id}"


def _tell(person: User, kind: str, pairing: MaterialPairing, now: datetime, occurrence: str,
          subject, template: str, link: str) -> None:
    outbox.write(kind, person, subject, template, about=_about(pairing), occurrence=occurrence,
                 now=now, pairing=pairing, offer=pairing.offer, need=pairing.need,
                 organisation=pairing.need.organisation, link=link)


def _waiting(pairing: MaterialPairing | None) -> MaterialPairing:
    if pairing is None:
        raise NotFound(NOT_FOUND)
    if pairing.status != PairingStatus.proposed:
        raise DomainError(_l("This pairing is no longer waiting for an answer."))
    return pairing


def _owner_pairing(user: User, pairing_id: int) -> MaterialPairing:
    pairing = db.session.get(MaterialPairing, pairing_id)
    if pairing is not None and not access.can_change_offer(user, pairing.offer):
        pairing = None
    return _waiting(pairing)


def _organisation_pairing(user: User, organisation: Organisation,
                          pairing_id: int) -> MaterialPairing:
    _check_manager(user, organisation)
    pairing = db.session.get(MaterialPairing, pairing_id)
    if pairing is not None and pairing.need.organisation_id != organisation.id:
        pairing = None
    return _waiting(pairing)


def _organisation_need(user: User, organisation: Organisation, need_id: int) -> MaterialNeed:
    _check_manager(user, organisation)
    need = db.session.get(MaterialNeed, need_id)
    if need is None or need.organisation_id != organisation.id:
        raise NotFound(NOT_FOUND)
    return need


def _check_manager(user: User, organisation: Organisation) -> None:
    if not access.can_manage_needs(user, organisation):
        raise NotFound(NOT_FOUND)


def forget_owner(user: User) -> None:
    """Erase the text of a person's offers and withdraw the open ones; the rows stay, for
    the counts. Does not commit: the erasure (privacy.services) commits once."""
    for offer in offers_of(user):
        if offer.status == OfferStatus.open:
            pending = _pending_for(offer=offer)
            if pending is not None:
                _decline(pending)
            offer.status = OfferStatus.withdrawn
        offer.description = ""


def pairings_to_confirm() -> dict[int, int]:
    """Organisation id -> pairings that wait for its confirmation (for the daily digest)."""
    return dict(db.session.execute(
        select(MaterialNeed.organisation_id, func.count()).join(MaterialPairing.need).where(
            MaterialPairing.status == PairingStatus.proposed,
            MaterialPairing.organisation_confirmed_at.is_(None))
        .group_by(MaterialNeed.organisation_id)).all())
