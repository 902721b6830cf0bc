"""Who may see or change what. Views and services ask here; they never filter by hand."""

from sqlalchemy import select

from passerelle.extensions import db
from passerelle.organisations.models import (
    Invitation,
    MemberRole,
    Membership,
    NetworkMembership,
    Organisation,
)


def membership(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.organisation_id == organisation.id))


def coordinated_network_ids(user) -> set[int]:
    """Networks in which this person is a coordinator (a network coordinator)."""
    if not user.is_authenticated:
        return set()
    return set(db.session.scalars(select(Membership.organisation_id).join(Organisation).where(
        Membership.user_id == user.id, Membership.role == MemberRole.coordinator,
        Organisation.kind == "network")))


def coordinates(user, organisation: Organisation) -> bool:
    """A coordinator of the organisation itself, or of a network it belongs to."""
    own = membership(user, organisation)
    if own is not None and own.role == MemberRole.coordinator:
        return True
    networks = coordinated_network_ids(user)
    if not networks:
        return False
    return db.session.scalar(select(NetworkMembership.id).where(
        NetworkMembership.member_id == organisation.id,
        NetworkMembership.network_id.in_(networks)).limit(1)) is not None


def can_manage_people(user, organisation: Organisation) -> bool:
    return user.is_authenticated and (user.is_admin or coordinates(user, organisation))


def invitable_roles(user, organisation: Organisation) -> list[MemberRole]:
    """An administrator invites with any role; a coordinator invites staff."""
    if not user.is_authenticated:
        return []
    if user.is_admin:
        return [MemberRole.staff, MemberRole.coordinator]
    if coordinates(user, organisation):
        return [MemberRole.staff]
    return []


# Joining and leaving a team: nobody grants themselves access to an organisation.

def is_own_coordinator(user, organisation: Organisation) -> bool:
    """A coordinator of this very organisation: not of a network, not as administrator."""
    own = membership(user, organisation)
    return own is not None and own.role == MemberRole.coordinator


def can_approve_members(user, organisation: Organisation) -> bool:
    """Approves or refuses an invitation that someone else (an administrator, a network
    coordinator) sent; an invitation sent by an own coordinator is approved by that."""
    return is_own_coordinator(user, organisation)


def can_change_members(user, organisation: Organisation) -> bool:
    """Removes a member, changes a member's role."""
    return is_own_coordinator(user, organisation)


def can_revoke_invitation(user, invitation: Invitation) -> bool:
    """The organisation's own coordinators, or the person who sent it."""
    return user.is_authenticated and (
        invitation.invited_by_id == user.id or is_own_coordinator(user, invitation.organisation))


def can_name_first_coordinator(user, organisation: Organisation) -> bool:
    """An administrator names the first coordinator of an organisation that has none, nor
    an approved invitation for one still open. The only join no own coordinator approves."""
    if not (user.is_authenticated and user.is_admin):
        return False
    has_coordinator = db.session.scalar(select(Membership.id).where(
        Membership.organisation_id == organisation.id,
        Membership.role == MemberRole.coordinator).limit(1))
    named = db.session.scalar(select(Invitation.id).where(
        Invitation.organisation_id == organisation.id, Invitation.role == MemberRole.coordinator,
        Invitation.approved_at.is_not(None), Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None)).limit(1))
    return has_coordinator is None and named is None


def is_staff(user, organisation: Organisation) -> bool:
    """Works for the organisation (staff or coordinator), coordinates it, or administers."""
    if not user.is_authenticated:
        return False
    return user.is_admin or membership(user, organisation) is not None or coordinates(
        user, organisation)


def can_coordinate_programme(user, programme) -> bool:
    """Screens volunteers, edits requirements: the organisation's or network's coordinators."""
    return can_manage_people(user, programme.organisation)


# Needs, material offers and the people organisations support.

def can_manage_needs(user, organisation: Organisation) -> bool:
    """Posts and edits the organisation's needs and material needs, pairs offers."""
    return is_staff(user, organisation)


def works_for(user, organisation: Organisation) -> bool:
    """A member (staff or coordinator) of the organisation itself: no admin, no network."""
    return membership(user, organisation) is not None


def can_register_people(user, organisation: Organisation) -> bool:
    return works_for(user, organisation)


def can_see_person(user, person) -> bool:
    """The registering organisation's staff, or the staff of the housing hosting programme
    the record is referred to. Administrators and network coordinators do not see it."""
    if works_for(user, person.organisation):
        return True
    programme = person.referred_to
    return (programme is not None and programme.kind == "housing_hosting"
            and works_for(user, programme.organisation))


def can_change_person(user, person) -> bool:
    return works_for(user, person.organisation)


def can_change_offer(user, offer) -> bool:
    return user.is_authenticated and offer.owner_id == user.id



# Lists: the organisations a person's home and navigation are about, as SQL to filter on.

def own_organisation_ids(user):
    """The organisations this person works for (staff or coordinator): a select of ids."""
    return select(Membership.organisation_id).where(Membership.user_id == user.id)


def coordinated_organisation_ids(user):
    """The list form of `coordinates`: organisations where this person is a coordinator,
    and the members of the networks they coordinate. Administration alone counts for none
    of them (an administrator's home shows the instance, not every programme)."""
    own = select(Membership.organisation_id).where(
        Membership.user_id == user.id, Membership.role == MemberRole.coordinator)
    members = select(NetworkMembership.member_id).where(NetworkMembership.network_id.in_(own))
    return own.union(members)
