"""What a staff member's home shows about each organisation they work for: counts only,
never who (the home is not a page about the people helped). Read-only, one query each.

`organisation_ids` is a select of organisation ids from core.access.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from passerelle.extensions import db
from passerelle.needs.models import (
    MaterialNeed,
    MaterialPairing,
    Need,
    NeedStatus,
    PairingStatus,
    Person,
)
from passerelle.organisations.models import Programme, ProgrammeKind


@dataclass(frozen=True)
class StaffCounts:
    open_needs: int = 0
    people_waiting: int = 0
    pairings_to_confirm: int = 0


def counts_by_organisation(organisation_ids) -> dict[int, StaffCounts]:
    """By organisation id: its open needs, the people it supports (its own records and
    those referred to its housing hosting programmes: none is matched yet, so all wait),
    and the material pairings waiting for its confirmation."""
    needs = dict(db.session.execute(select(Need.organisation_id, func.count()).where(
        Need.organisation_id.in_(organisation_ids), Need.status == NeedStatus.open)
        .group_by(Need.organisation_id)).all())
    own = dict(db.session.execute(select(Person.organisation_id, func.count()).where(
        Person.organisation_id.in_(organisation_ids)).group_by(Person.organisation_id)).all())
    referred = dict(db.session.execute(select(Programme.organisation_id, func.count()).join(
        Person, Person.referred_to_id == Programme.id).where(
        Programme.organisation_id.in_(organisation_ids),
        Programme.kind == ProgrammeKind.housing_hosting,
        Person.organisation_id != Programme.organisation_id)
        .group_by(Programme.organisation_id)).all())
    pairings = dict(db.session.execute(select(MaterialNeed.organisation_id, func.count()).join(
        MaterialPairing, MaterialPairing.need_id == MaterialNeed.id).where(
        MaterialNeed.organisation_id.in_(organisation_ids),
        MaterialPairing.status == PairingStatus.proposed,
        MaterialPairing.organisation_confirmed_at.is_(None))
        .group_by(MaterialNeed.organisation_id)).all())
    ids = set(needs) | set(own) | set(referred) | set(pairings)
    return {oid: StaffCounts(needs.get(oid, 0), own.get(oid, 0) + referred.get(oid, 0),
                             pairings.get(oid, 0)) for oid in ids}
