"""The parts of the platform a signed-in person uses, for their home and the navigation.

Read once per request (kept on `g`): what they work for, whether they coordinate, whether
they volunteer. Who may open a given page is still decided by core.access on that page.
"""

from dataclasses import dataclass

from flask import g
from sqlalchemy import exists, or_, select

from passerelle.core import access
from passerelle.extensions import db
from passerelle.organisations.models import Membership
from passerelle.programmes.models import Application
from passerelle.volunteers.models import VolunteerProfile


@dataclass(frozen=True)
class Roles:
    memberships: list[Membership]  # with their organisations
    coordinates: bool  # coordinates at least one organisation (itself or through a network)
    is_admin: bool
    volunteers: bool  # applied somewhere or has a profile, or works for no one

    @property
    def works_for_one(self) -> bool:
        return bool(self.memberships)


def roles_of(user) -> Roles:
    cached = g.get("passerelle_roles")
    if cached is not None and cached[0] == user.id:
        return cached[1]
    memberships = access.memberships_of(user)
    coordinates = bool(access.coordinated_organisation_ids(user))
    volunteers = not (memberships or user.is_admin) or db.session.scalar(select(or_(
        exists().where(Application.user_id == user.id),
        exists().where(VolunteerProfile.user_id == user.id))))
    roles = Roles(memberships, bool(coordinates), user.is_admin, bool(volunteers))
    g.passerelle_roles = (user.id, roles)
    return roles
