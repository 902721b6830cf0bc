"""Nobody grants themselves access to an organisation: its own coordinators decide who joins,
who stays and with which role. Access is proved on the real page of the people it supports."""

import pytest
from sqlalchemy import select

from passerelle.core.audit import AuditEntry
from passerelle.core.tokens import make_token
from passerelle.organisations.models import Invitation, Membership, NetworkMembership
from tests.factories import PASSWORD, mail_text, make_membership, make_organisation, make_user
from tests.needs.factories import make_person, signed_in, staff_of

SUPPORTED = "/organisations/{slug}/supported"
TEAM = "/organisations/{slug}/people"


@pytest.fixture
def organisation(db):
    organisation = make_organisation(slug="safe-space", name="Safe Space")
    make_person(organisation, first_name="Zainab")
    return organisation


@pytest.fixture
def coordinator(organisation):
    return staff_of(organisation, "coordinator")


def links_in(smtp, email):
    """Every invitation link mailed to `email`, as a path."""
    return [line.replace("http://passerelle.test", "")
            for mail in smtp.messages_to(email)
            for line in mail_text(mail).splitlines() if "/invitations/" in line]


def leaked_link(invitation):
    """The link of an invitation, as if it had reached the invitee some other way."""
    return "/invitations/" + make_token("invitation", {"i": invitation.id})


def is_member(response) -> bool:
    """A new member is asked to set up two-step verification; others get 404."""
    return response.status_code == 302 and "/account/two-factor/setup" in response.location


def anonymous(app):
    """Another browser (English), not signed in."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def invitation_to(db, email):
    """As the database holds it now (requests change it in their own session)."""
    return db.session.scalar(select(Invitation).where(Invitation.email == email)
                             .execution_options(populate_existing=True))


def membership_of(db, user, organisation):
    return db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.organisation_id == organisation.id)
        .execution_options(populate_existing=True))


def log(db, record_type=None):
    """The audit log but for reads of people's records: (action, type, by, about)."""
    query = select(AuditEntry).where(AuditEntry.action != "read").order_by(AuditEntry.id)
    if record_type:
        query = query.where(AuditEntry.record_type == record_type)
    return [(entry.action, entry.record_type, entry.user_id, entry.subject_user_id)
            for entry in db.session.scalars(query)]


def test_admin_cannot_invite_themselves_into_an_organisation_with_coordinators(
        client, db, login_as, smtp, organisation, coordinator):
    admin = login_as("admin")
    for role in ("coordinator", "staff"):
        page = client.post(TEAM.format(slug="safe-space"),
                           data={"email": admin.email, "role": role}).get_data(as_text=True)
        assert "You cannot invite yourself" in page
    for link in links_in(smtp, admin.email):  # the attack: take the link at once
        client.post(link)
    assert membership_of(db, admin, organisation) is None
    assert client.get(SUPPORTED.format(slug="safe-space")).status_code == 404


def test_network_coordinator_cannot_invite_themselves_into_a_member_organisation(
        client, db, login_as, smtp, organisation, coordinator):
    network = make_organisation(slug="transit", name="Transit", kind="network")
    db.session.add(NetworkMembership(network=network, member=organisation, is_coordinator=True))
    db.session.commit()
    me = login_as("network_coordinator", organisation=network)
    page = client.post(TEAM.format(slug="safe-space"),
                       data={"email": me.email, "role": "staff"}).get_data(as_text=True)
    assert "You cannot invite yourself" in page
    for link in links_in(smtp, me.email):
        client.post(link)
    assert membership_of(db, me, organisation) is None
    assert client.get(SUPPORTED.format(slug="safe-space")).status_code == 404


def test_admin_invitation_waits_for_the_approval_of_an_own_coordinator(
        app, client, db, login_as, smtp, organisation, coordinator):
    coordinator.locale = "fr"
    db.session.commit()
    admin = login_as("admin")
    response = client.post(TEAM.format(slug="safe-space"),
                           data={"email": "alias@example.org", "role": "staff"},
                           follow_redirects=True)
    assert "waits for the approval of a coordinator" in response.get_data(as_text=True)
    assert links_in(smtp, "alias@example.org") == []
    [asked] = smtp.messages_to(coordinator.email)
    assert asked["Subject"] == "Une invitation à Safe Space attend votre approbation"
    assert "alias@example.org" in mail_text(asked)

    # Even with the link in hand, the invitation cannot be taken before approval.
    alias = make_user(email="alias@example.org", locale="nl")
    alias_client = signed_in(app, alias)
    invitation = invitation_to(db, "alias@example.org")
    page = alias_client.post(leaked_link(invitation), follow_redirects=True).get_data(
        as_text=True)
    assert "wacht op de goedkeuring van een coördinator van Safe Space" in page
    assert alias_client.get(SUPPORTED.format(slug="safe-space")).status_code == 404

    approver = signed_in(app, coordinator)
    approve = f"/organisations/safe-space/invitations/{invitation.id}/approve"
    assert approve in approver.get(TEAM.format(slug="safe-space")).get_data(as_text=True)
    approver.post(approve)
    [told] = smtp.messages_to("alias@example.org")
    assert told["Subject"] == "Je bent uitgenodigd bij Safe Space op Passerelle"
    [link] = links_in(smtp, "alias@example.org")
    assert alias_client.post(link).status_code == 302
    assert alias_client.get(SUPPORTED.format(slug="safe-space")).status_code == 200
    assert log(db, "invitation") == [("invited", "invitation", admin.id, None),
                                     ("invite_approved", "invitation", coordinator.id, None)]
    assert ("member_added", "organisation", alias.id, alias.id) in log(db)


def test_coordinator_refuses_an_invitation_and_its_link_never_works(
        app, client, db, login_as, smtp, organisation, coordinator):
    login_as("admin")
    client.post(TEAM.format(slug="safe-space"), data={"email": "x@example.org", "role": "staff"})
    invitation = invitation_to(db, "x@example.org")
    signed_in(app, coordinator).post(
        f"/organisations/safe-space/invitations/{invitation.id}/refuse")
    assert ("invite_refused", "invitation", coordinator.id, None) in log(db)
    newcomer = anonymous(app)
    page = newcomer.get(leaked_link(invitation), follow_redirects=True).get_data(as_text=True)
    assert "invalid, has expired or was already used" in page
    assert links_in(smtp, "x@example.org") == []


def test_admin_names_the_first_coordinator_of_an_organisation_that_has_none(
        app, client, db, login_as, smtp):
    organisation = make_organisation(slug="new-org", name="New Org")
    admin = login_as("admin")
    client.post(TEAM.format(slug="new-org"),
                data={"email": "first@example.org", "role": "coordinator"})
    assert log(db, "invitation") == [("invited", "invitation", admin.id, None),
                                     ("first_coord", "invitation", admin.id, None)]

    # One first coordinator at a time: a second waits for nobody, so it is refused.
    page = client.post(TEAM.format(slug="new-org"), data={
        "email": "second@example.org", "role": "coordinator"}).get_data(as_text=True)
    assert "New Org has no coordinator yet who could approve this invitation." in page

    [link] = links_in(smtp, "first@example.org")
    newcomer = anonymous(app)
    newcomer.post(link, data={"name": "Fatou", "password": PASSWORD, "confirm": PASSWORD,
                              "locale": "en"})
    assert is_member(newcomer.get(SUPPORTED.format(slug="new-org")))
    assert membership_of(db, admin, organisation) is None
    team_page = client.get(TEAM.format(slug="new-org")).get_data(as_text=True)
    assert "first coordinator named by an administrator: first@example.org" in team_page
    assert "member added: Fatou" in team_page

    # Now that it has a coordinator, the administrator's invitations wait for them.
    client.post(TEAM.format(slug="new-org"),
                data={"email": "second@example.org", "role": "coordinator"})
    assert invitation_to(db, "second@example.org").approved_at is None
    assert invitation_to(db, "first@example.org").accepted_at is not None


def test_nobody_accepts_an_invitation_they_sent_themselves(
        app, client, db, login_as, smtp, organisation, coordinator):
    admin = login_as("admin")
    client.post(TEAM.format(slug="safe-space"),
                data={"email": "colleague@example.org", "role": "staff"})
    invitation = invitation_to(db, "colleague@example.org")
    signed_in(app, coordinator).post(
        f"/organisations/safe-space/invitations/{invitation.id}/approve")
    [link] = links_in(smtp, "colleague@example.org")
    admin.email = "colleague@example.org"  # the sender takes the invited address
    db.session.commit()
    page = client.post(link, follow_redirects=True).get_data(as_text=True)
    assert "You sent this invitation yourself" in page
    assert membership_of(db, admin, organisation) is None
    assert client.get(SUPPORTED.format(slug="safe-space")).status_code == 404


def test_coordinator_invitation_is_its_own_approval(app, db, smtp, organisation, coordinator):
    signed_in(app, coordinator).post(TEAM.format(slug="safe-space"),
                                     data={"email": "staff@example.org", "role": "staff"})
    [link] = links_in(smtp, "staff@example.org")
    newcomer = anonymous(app)
    newcomer.post(link, data={"name": "Lena", "password": PASSWORD, "confirm": PASSWORD,
                              "locale": "en"})
    assert is_member(newcomer.get(SUPPORTED.format(slug="safe-space")))


def test_removed_member_loses_access_at_once(app, db, organisation, coordinator):
    member = staff_of(organisation)
    member_client = signed_in(app, member)
    assert member_client.get(SUPPORTED.format(slug="safe-space")).status_code == 200
    membership = membership_of(db, member, organisation)
    team = signed_in(app, coordinator)
    page = team.get(TEAM.format(slug="safe-space")).get_data(as_text=True)
    assert "will lose access to Safe Space at once" in page
    team.post(f"/organisations/safe-space/people/{membership.id}/remove")
    assert member_client.get(SUPPORTED.format(slug="safe-space")).status_code == 404
    assert log(db) == [("member_removed", "organisation", coordinator.id, member.id)]


def test_coordinator_changes_a_members_role_both_ways(app, db, organisation, coordinator):
    member = staff_of(organisation)
    membership = membership_of(db, member, organisation)
    team = signed_in(app, coordinator)
    member_client = signed_in(app, member)
    assert member_client.get(TEAM.format(slug="safe-space")).status_code == 404
    team.post(f"/organisations/safe-space/people/{membership.id}/role",
              data={"role": "coordinator"})
    assert member_client.get(TEAM.format(slug="safe-space")).status_code == 200
    team.post(f"/organisations/safe-space/people/{membership.id}/role", data={"role": "staff"})
    assert member_client.get(TEAM.format(slug="safe-space")).status_code == 404
    assert log(db) == [("role_changed", "organisation", coordinator.id, member.id)] * 2
    page = team.post(f"/organisations/safe-space/people/{membership.id}/role",
                     data={"role": "owner"}, follow_redirects=True).get_data(as_text=True)
    assert "Choose a role from the list." in page


def test_last_coordinator_can_be_neither_removed_nor_demoted(
        app, db, organisation, coordinator):
    own = membership_of(db, coordinator, organisation)
    team = signed_in(app, coordinator)
    page = team.get(TEAM.format(slug="safe-space")).get_data(as_text=True)
    assert "The last coordinator: make someone else" in page and "Yes, remove" not in page
    for action, data in (("remove", {}), ("role", {"role": "staff"})):
        page = team.post(f"/organisations/safe-space/people/{own.id}/{action}", data=data,
                         follow_redirects=True).get_data(as_text=True)
        assert "is the last coordinator of Safe Space" in page
    db.session.refresh(own)
    assert own.role == "coordinator"
    assert log(db) == []


def test_a_coordinator_may_leave_when_another_remains(app, db, organisation, coordinator):
    staff_of(organisation, "coordinator")
    own = membership_of(db, coordinator, organisation)
    team = signed_in(app, coordinator)
    assert "Leave the team" in team.get(TEAM.format(slug="safe-space")).get_data(as_text=True)
    response = team.post(f"/organisations/safe-space/people/{own.id}/remove")
    assert response.headers["Location"] == "/organisations/safe-space"
    assert team.get(TEAM.format(slug="safe-space")).status_code == 404
    assert team.get(SUPPORTED.format(slug="safe-space")).status_code == 404


def test_revoked_invitation_link_no_longer_works(app, db, smtp, organisation, coordinator):
    team = signed_in(app, coordinator)
    team.post(TEAM.format(slug="safe-space"), data={"email": "late@example.org",
                                                     "role": "staff"})
    [link] = links_in(smtp, "late@example.org")
    invitation = invitation_to(db, "late@example.org")
    assert "Revoke" in team.get(TEAM.format(slug="safe-space")).get_data(as_text=True)
    team.post(f"/organisations/safe-space/invitations/{invitation.id}/revoke")
    late = make_user(email="late@example.org")
    late_client = signed_in(app, late)
    page = late_client.post(link, follow_redirects=True).get_data(as_text=True)
    assert "invalid, has expired or was already used" in page
    assert membership_of(db, late, organisation) is None
    assert ("invite_revoked", "invitation", coordinator.id, None) in log(db)


def test_staff_cannot_change_the_team(app, client, db, login_as, smtp, organisation,
                                      coordinator):
    other = staff_of(organisation)
    membership = membership_of(db, other, organisation)
    signed_in(app, coordinator).post(TEAM.format(slug="safe-space"),
                                     data={"email": "x@example.org", "role": "staff"})
    invitation = invitation_to(db, "x@example.org")
    login_as("staff", organisation=organisation)
    for path, data in ((f"people/{membership.id}/remove", {}),
                       (f"people/{membership.id}/role", {"role": "coordinator"}),
                       (f"invitations/{invitation.id}/revoke", {}),
                       (f"invitations/{invitation.id}/approve", {}),
                       (f"invitations/{invitation.id}/refuse", {})):
        assert client.post(f"/organisations/safe-space/{path}", data=data).status_code == 404
    db.session.refresh(membership)
    db.session.refresh(invitation)
    assert membership.role == "staff" and invitation.revoked_at is None
    assert [entry[0] for entry in log(db)] == ["invited"]


@pytest.mark.parametrize("role", ["admin", "network_coordinator"])
def test_only_own_coordinators_change_the_team_or_approve(
        app, client, db, login_as, smtp, organisation, coordinator, role):
    network = make_organisation(slug="transit", name="Transit", kind="network")
    db.session.add(NetworkMembership(network=network, member=organisation))
    db.session.commit()
    membership = membership_of(db, staff_of(organisation), organisation)
    login_as(role, organisation=network if role == "network_coordinator" else None)
    client.post(TEAM.format(slug="safe-space"), data={"email": "x@example.org", "role": "staff"})
    invitation = invitation_to(db, "x@example.org")
    page = client.get(TEAM.format(slug="safe-space")).get_data(as_text=True)
    assert "x@example.org" in page and "Yes, remove" not in page and "Approve" not in page
    for path, data in ((f"people/{membership.id}/remove", {}),
                       (f"people/{membership.id}/role", {"role": "coordinator"}),
                       (f"invitations/{invitation.id}/approve", {})):
        assert client.post(f"/organisations/safe-space/{path}", data=data).status_code == 404
    assert invitation_to(db, "x@example.org").approved_at is None
    # The sender may withdraw what they sent.
    client.post(f"/organisations/safe-space/invitations/{invitation.id}/revoke")
    assert invitation_to(db, "x@example.org").revoked_at is not None


def test_members_of_another_organisation_are_not_found(app, db, organisation, coordinator):
    elsewhere = make_organisation(slug="elsewhere")
    outsider = membership_of(db, staff_of(elsewhere), elsewhere)
    team = signed_in(app, coordinator)
    assert team.post(f"/organisations/safe-space/people/{outsider.id}/remove").status_code == 404
    assert team.post(f"/organisations/elsewhere/people/{outsider.id}/remove").status_code == 404
    assert db.session.get(Membership, outsider.id) is not None


def test_already_a_member_keeps_their_role_when_an_old_invitation_is_used(
        app, db, smtp, organisation, coordinator):
    team = signed_in(app, coordinator)
    team.post(TEAM.format(slug="safe-space"), data={"email": "two@example.org",
                                                     "role": "staff"})
    [link] = links_in(smtp, "two@example.org")
    member = make_user(email="two@example.org")
    make_membership(member, organisation, "coordinator")
    page = signed_in(app, member).post(link, follow_redirects=True).get_data(as_text=True)
    assert "You are already a member of Safe Space." in page
    assert membership_of(db, member, organisation).role == "coordinator"
