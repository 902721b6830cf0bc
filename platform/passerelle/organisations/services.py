"""Memberships and invitations. Each operation commits once or raises DomainError."""

from datetime import timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from passerelle.accounts import services as accounts
from passerelle.accounts.models import User
from passerelle.core import access
from passerelle.core.errors import DomainError
from passerelle.core.mail import send_mail
from passerelle.core.time import utcnow
from passerelle.core.tokens import make_token, read_token
from passerelle.extensions import db
from passerelle.organisations.models import (
    MAX_RETENTION_MONTHS,
    Invitation,
    MemberRole,
    Membership,
    Organisation,
)

INVITATION_INVALID = _l("This invitation is invalid, has expired or was already used.")


def invite(inviter: User, organisation: Organisation, email: str, role: str) -> Invitation:
    if role not in access.invitable_roles(inviter, organisation):
        raise DomainError(_l("You may not invite someone with this role."), field="role")
    email = email.strip().lower()
    invitee = accounts.user_by_email(email)
    if invitee is not None and db.session.scalar(select(Membership.id).where(
            Membership.user_id == invitee.id, Membership.organisation_id == organisation.id)):
        raise DomainError(_l("This person is already a member of the organisation."),
                          field="email")
    now = utcnow()
    invitation = Invitation(
        email=email, organisation=organisation, role=MemberRole(role), invited_by_id=inviter.id,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["PASSERELLE_INVITATION_DAYS"]))
    db.session.add(invitation)
    db.session.commit()
    _send_invitation(invitation, inviter, invitee.locale if invitee else inviter.locale)
    return invitation


def invitation_from_token(token: str) -> Invitation:
    payload = read_token("invitation", token,
                         max_age=current_app.config["PASSERELLE_INVITATION_DAYS"] * 86400)
    invitation = db.session.get(Invitation, payload.get("i")) if payload else None
    if invitation is None or invitation.accepted_at or invitation.expires_at < utcnow():
        raise DomainError(INVITATION_INVALID)
    return invitation


def accept(invitation: Invitation, user: User) -> Membership:
    """The signed-in person takes the invitation sent to their own address."""
    if user.email != invitation.email:
        raise DomainError(_l("This invitation was sent to another e-mail address. Log in with "
                             "that address to accept it."))
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.organisation_id == invitation.organisation_id))
    if membership is None:
        membership = Membership(user=user, organisation=invitation.organisation,
                                role=invitation.role)
        db.session.add(membership)
    else:
        membership.role = invitation.role
    invitation.accepted_at = utcnow()
    # The link came to this address, so the address is confirmed.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.session.commit()
    return membership


def accept_as_new_person(invitation: Invitation, name: str, password: str,
                         locale: str) -> User:
    user = accounts.new_user(name, invitation.email, password, locale)
    accept(invitation, user)
    return user


def _send_invitation(invitation: Invitation, inviter: User, locale: str) -> None:
    token = make_token("invitation", {"i": invitation.id})
    link = current_app.config["PASSERELLE_BASE_URL"].rstrip("/") + url_for(
        "organisations.accept_invitation", token=token)
    with force_locale(locale):
        subject = str(_l("You are invited to join %(name)s on Passerelle",
                         name=invitation.organisation.name))
        body = render_template("organisations/mail/invitation.txt", invitation=invitation,
                               inviter=inviter, link=link)
    send_mail(invitation.email, subject, body)


PROFILE_FIELDS = ("full_name", "address", "postcode", "phone", "email", "website",
                  "description_fr", "description_nl", "description_en")


def update_profile(organisation: Organisation, values: dict, place) -> None:
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
        setattr(organisation, name, value if name.startswith("description_") else value or None)
    if months is not None:
        organisation.max_retention_months = months
    if place is not None:
        organisation.place_refnis, organisation.city = place.refnis, place.name_fr
    organisation.edited_at = utcnow()
    db.session.commit()


def forget_member(user: User) -> None:
    """A person erasing their account leaves every organisation, and the invitations sent to
    their address go. Does not commit: the erasure (privacy.services) commits once."""
    for membership in db.session.scalars(select(Membership).where(Membership.user_id == user.id)):
        db.session.delete(membership)
    for invitation in db.session.scalars(select(Invitation).where(Invitation.email == user.email)):
        db.session.delete(invitation)
