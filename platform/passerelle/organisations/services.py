"""Memberships and invitations. Each operation commits once or raises DomainError."""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from passerelle.accounts import services as accounts
from passerelle.accounts.models import User
from passerelle.core import access, audit
from passerelle.core.errors import NOT_FOUND, DomainError, NotFound
from passerelle.core.tokens import make_token, read_token
from passerelle.extensions import db
from passerelle.organisations import queries
from passerelle.organisations.models import (
    MAX_RETENTION_MONTHS,
    Invitation,
    MemberRole,
    Membership,
    Organisation,
)
from passerelle.reminders import outbox
from passerelle.reminders.outbox import external_url

INVITATION_INVALID = _l("This invitation is invalid, has expired or was already used.")


def invite(inviter: User, organisation: Organisation, email: str, role: str,
           now: datetime) -> Invitation:
    """Send an invitation. Sent by one of the organisation's own coordinators (or naming
    its first coordinator, by an administrator), its link goes out at once; otherwise the
    organisation's coordinators are asked to approve it first."""
    if role not in access.invitable_roles(inviter, organisation):
        raise DomainError(_l("You may not invite someone with this role."), field="role")
    email = email.strip().lower()
    if email == inviter.email:
        raise DomainError(_l("You cannot invite yourself. Ask a coordinator of %(name)s to "
                             "invite you.", name=organisation.name), field="email")
    invitee = accounts.user_by_email(email)
    if invitee is not None and db.session.scalar(select(Membership.id).where(
            Membership.user_id == invitee.id, Membership.organisation_id == organisation.id)):
        raise DomainError(_l("This person is already a member of the organisation."),
                          field="email")
    approval = _approval_by_sending(inviter, organisation, MemberRole(role))
    if approval is None and not queries.coordinators_of(organisation):
        raise DomainError(_l("%(name)s has no coordinator yet who could approve this "
                             "invitation.", name=organisation.name), field="role")
    invitation = Invitation(
        email=email, organisation=organisation, role=MemberRole(role), invited_by=inviter,
        created_at=now, expires_at=_expiry(now), approved_at=now if approval else None)
    db.session.add(invitation)
    db.session.flush()
    audit.log(inviter, "invited", invitation, now)
    if approval == "first_coord":
        audit.log(inviter, "first_coord", invitation, now)
    if approval:
        _send_invitation(invitation, inviter)
    else:
        _ask_coordinators(invitation)
    db.session.commit()
    return invitation


def _approval_by_sending(inviter: User, organisation: Organisation, role: MemberRole):
    """How sending approves the invitation: "approved", "first_coord", or None (it waits)."""
    if access.can_approve_members(inviter, organisation):
        return "approved"
    if role == MemberRole.coordinator and access.can_name_first_coordinator(
            inviter, organisation):
        return "first_coord"
    return None


def approve(user: User, organisation: Organisation, invitation_id: int,
            now: datetime) -> Invitation:
    """An own coordinator approves an invitation; its link goes to the invitee."""
    if not access.can_approve_members(user, organisation):
        raise NotFound(NOT_FOUND)
    invitation = _waiting(organisation, invitation_id)
    invitation.approved_at = now
    invitation.expires_at = _expiry(now)  # the invitee gets the full time from now
    audit.log(user, "invite_approved", invitation, now)
    _send_invitation(invitation, invitation.invited_by or user)
    db.session.commit()
    return invitation


def refuse(user: User, organisation: Organisation, invitation_id: int,
           now: datetime) -> Invitation:
    if not access.can_approve_members(user, organisation):
        raise NotFound(NOT_FOUND)
    invitation = _waiting(organisation, invitation_id)
    invitation.revoked_at = now
    audit.log(user, "invite_refused", invitation, now)
    db.session.commit()
    return invitation


def revoke(user: User, organisation: Organisation, invitation_id: int,
           now: datetime) -> Invitation:
    """Withdraw an open invitation: its link no longer works."""
    invitation = _invitation_of(organisation, invitation_id)
    if not access.can_revoke_invitation(user, invitation):
        raise NotFound(NOT_FOUND)
    if not invitation.is_open:
        raise DomainError(_l("This invitation was already accepted or revoked."))
    invitation.revoked_at = now
    audit.log(user, "invite_revoked", invitation, now)
    db.session.commit()
    return invitation


def _invitation_of(organisation: Organisation, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        raise NotFound(NOT_FOUND)
    return invitation


def _waiting(organisation: Organisation, invitation_id: int) -> Invitation:
    invitation = _invitation_of(organisation, invitation_id)
    if not invitation.is_open or invitation.approved_at is not None:
        raise DomainError(_l("This invitation is no longer waiting for approval."))
    return invitation


def _expiry(now):
    return now + timedelta(days=current_app.config["PASSERELLE_INVITATION_DAYS"])


def invitation_from_token(token: str, now: datetime) -> Invitation:
    payload = read_token("invitation", token,
                         max_age=current_app.config["PASSERELLE_INVITATION_DAYS"] * 86400)
    invitation = db.session.get(Invitation, payload.get("i")) if payload else None
    if invitation is None or not invitation.is_open or invitation.expires_at < now:
        raise DomainError(INVITATION_INVALID)
    if invitation.approved_at is None:
        raise DomainError(_waiting_message(invitation))
    return invitation


def _waiting_message(invitation: Invitation):
    return _l("This invitation waits for the approval of a coordinator of %(name)s.",
              name=invitation.organisation.name)


def accept(invitation: Invitation, user: User, now: datetime) -> Membership:
    """The signed-in person takes the invitation sent to their own address."""
    if user.email != invitation.email:
        raise DomainError(_l("This invitation was sent to another e-mail address. Log in with "
                             "that address to accept it."))
    if invitation.invited_by_id == user.id:
        raise DomainError(_l("You sent this invitation yourself, so you cannot accept it. Ask "
                             "a coordinator of %(name)s to invite you.",
                             name=invitation.organisation.name))
    if invitation.approved_at is None or not invitation.is_open:
        raise DomainError(_waiting_message(invitation) if invitation.is_open
                          else INVITATION_INVALID)
    if access.membership(user, invitation.organisation) is not None:
        # Roles change on the team page, where the last coordinator is protected.
        raise DomainError(_l("You are already a member of %(name)s.",
                             name=invitation.organisation.name))
    membership = Membership(user=user, organisation=invitation.organisation,
                            role=invitation.role)
    db.session.add(membership)
    invitation.accepted_at = now
    # The link came to this address, so the address is confirmed.
    user.email_confirmed_at = user.email_confirmed_at or now
    db.session.flush()
    audit.log(user, "member_added", invitation.organisation, now, subject=user)
    db.session.commit()
    return membership


def accept_as_new_person(invitation: Invitation, name: str, password: str,
                         locale: str, now: datetime) -> User:
    user = accounts.new_user(name, invitation.email, password, locale)
    accept(invitation, user, now)
    return user


def remove_member(user: User, organisation: Organisation, membership_id: int,
                  now: datetime) -> Membership:
    """An own coordinator removes a member, or leaves; access ends with the next request."""
    member = _member_of(user, organisation, membership_id)
    if member.role == MemberRole.coordinator:
        _keep_a_coordinator(organisation, member)
    audit.log(user, "member_removed", organisation, now, subject=member.user)
    db.session.delete(member)
    db.session.commit()
    return member


def change_role(user: User, organisation: Organisation, membership_id: int,
                role: str, now: datetime) -> Membership:
    """Staff become coordinators and back, as an own coordinator decides."""
    member = _member_of(user, organisation, membership_id)
    if role not in set(MemberRole):
        raise DomainError(_l("Choose a role from the list."))
    if member.role == role:
        return member
    if member.role == MemberRole.coordinator:
        _keep_a_coordinator(organisation, member)
    member.role = MemberRole(role)
    audit.log(user, "role_changed", organisation, now, subject=member.user)
    db.session.commit()
    return member


def _member_of(user: User, organisation: Organisation, membership_id: int) -> Membership:
    if not access.can_change_members(user, organisation):
        raise NotFound(NOT_FOUND)
    member = db.session.get(Membership, membership_id)
    if member is None or member.organisation_id != organisation.id:
        raise NotFound(NOT_FOUND)
    return member


def _keep_a_coordinator(organisation: Organisation, leaving: Membership) -> None:
    """Refuse to remove or demote the organisation's last coordinator. The rows are locked
    (on PostgreSQL) so that two coordinators cannot remove each other at once."""
    coordinators = db.session.scalars(select(Membership.id).where(
        Membership.organisation_id == organisation.id,
        Membership.role == MemberRole.coordinator).with_for_update()).all()
    if set(coordinators) <= {leaving.id}:
        raise DomainError(_l("%(name)s is the last coordinator of %(organisation)s: make "
                             "someone else coordinator first.", name=leaving.user.name,
                             organisation=organisation.name))


def _send_invitation(invitation: Invitation, inviter: User) -> None:
    """The link, to the invited address, in the invitee's language if they have an account
    (else the inviter's). Does not commit."""
    invitee = accounts.user_by_email(invitation.email)
    token = make_token("invitation", {"i": invitation.id})
    subject = _l("You are invited to join %(name)s on Passerelle",
                 name=invitation.organisation.name)
    outbox.write("invitation", invitee, subject, "organisations/mail/invitation.txt",
                 about=f"invitation-{invitation.id}", occurrence=outbox.each_time(),
                 address=invitation.email,
                 locale=invitee.locale if invitee else inviter.locale, invitation=invitation,
                 inviter=inviter,
                 link=external_url("organisations.accept_invitation", token=token))


def _ask_coordinators(invitation: Invitation) -> None:
    """Tell the organisation's own coordinators, each in their language, that an
    invitation waits for their approval. Does not commit."""
    link = external_url("organisations.people", slug=invitation.organisation.slug)
    for coordinator in queries.coordinators_of(invitation.organisation):
        outbox.write("membership", coordinator.user,
                     _l("An invitation to %(name)s waits for your approval",
                        name=invitation.organisation.name),
                     "organisations/mail/approval.txt", about=f"invitation-{invitation.id}",
                     occurrence="approval", invitation=invitation, link=link)


PROFILE_FIELDS = ("full_name", "address", "postcode", "phone", "email", "website",
                  "emergency_contact", "description_fr", "description_nl", "description_en")
# Kept as "" when empty (the others become None).
TEXT_FIELDS = ("emergency_contact", "description_fr", "description_nl", "description_en")


def update_profile(organisation: Organisation, values: dict, place, now: datetime) -> None:
    """The organisation's public profile, as its coordinators keep it up to date.
    `place` is the Belgian municipality (None for an organisation abroad). The longest
    retention of the records of people supported is in `values` too."""
    months = values.get("max_retention_months")
    if months is not None and not (isinstance(months, int)
                                   and 1 <= months <= MAX_RETENTION_MONTHS):
        raise DomainError(_l("Between %(min)s and %(max)s.", min=1, max=MAX_RETENTION_MONTHS),
                          field="max_retention_months")
    for name in PROFILE_FIELDS:
        value = (values.get(name) or "").strip()
        setattr(organisation, name, value if name in TEXT_FIELDS else value or None)
    if months is not None:
        organisation.max_retention_months = months
    if place is not None:
        organisation.place_refnis, organisation.city = place.refnis, place.name_fr
    organisation.edited_at = now
    db.session.commit()


def forget_member(user: User) -> None:
    """A person erasing their account leaves every organisation, and the invitations sent to
    their address go. Does not commit: the erasure (privacy.services) commits once."""
    for membership in db.session.scalars(select(Membership).where(Membership.user_id == user.id)):
        db.session.delete(membership)
    for invitation in db.session.scalars(select(Invitation).where(Invitation.email == user.email)):
        db.session.delete(invitation)
