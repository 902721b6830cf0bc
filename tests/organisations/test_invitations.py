from sqlalchemy import select

from passerelle.accounts.models import User
from passerelle.organisations.models import Invitation, Membership, NetworkMembership
from tests.factories import PASSWORD, mail_text, make_membership, make_organisation, make_user


def invitation_link(smtp, email):
    [mail] = smtp.messages_to(email)
    line = next(line for line in mail_text(mail).splitlines() if "/invitations/" in line)
    return line.replace("http://passerelle.test", "")


def test_admin_invites_a_new_person_as_coordinator_who_creates_an_account(
        app, client, db, login_as, smtp):
    organisation = make_organisation(slug="safe-space", name="Safe Space")
    login_as("admin")
    response = client.post("/organisations/safe-space/people",
                           data={"email": "Host.Coord@example.org", "role": "coordinator"})
    assert response.status_code == 302
    link = invitation_link(smtp, "host.coord@example.org")
    newcomer = app.test_client()
    response = newcomer.post(link, data={"name": "Hanne", "password": PASSWORD,
                                         "confirm": PASSWORD, "locale": "en"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "host.coord@example.org"))
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert (membership.organisation_id, membership.role) == (organisation.id, "coordinator")
    assert user.email_confirmed
    again = newcomer.get(link, follow_redirects=True).get_data(as_text=True)
    assert "already used" in again


def test_coordinator_invites_staff_but_not_coordinators(client, db, login_as, smtp):
    organisation = make_organisation(slug="singa", name="SINGA")
    login_as("coordinator", organisation=organisation)
    page = client.post("/organisations/singa/people",
                       data={"email": "x@example.org", "role": "coordinator"}
                       ).get_data(as_text=True)
    assert "Choose a role from the list." in page
    assert db.session.scalar(select(Invitation)) is None
    client.post("/organisations/singa/people", data={"email": "x@example.org", "role": "staff"})
    assert db.session.scalar(select(Invitation)).role == "staff"
    assert smtp.messages_to("x@example.org")


def test_existing_person_accepts_while_signed_in(app, client, db, login_as, smtp):
    organisation = make_organisation(slug="exil", name="Exil")
    login_as("coordinator", organisation=organisation)
    invitee = make_user(email="mentor@example.org")
    client.post("/organisations/exil/people", data={"email": "mentor@example.org",
                                                    "role": "staff"})
    link = invitation_link(smtp, "mentor@example.org")
    other = app.test_client()
    other.post("/account/login", data={"email": "mentor@example.org", "password": PASSWORD})
    assert other.post(link).status_code == 302
    assert db.session.scalar(select(Membership).where(Membership.user_id == invitee.id))


def test_invitation_for_someone_else_is_refused(app, client, db, login_as, smtp):
    organisation = make_organisation(slug="exil", name="Exil")
    login_as("coordinator", organisation=organisation)
    client.post("/organisations/exil/people", data={"email": "mentor@example.org",
                                                    "role": "staff"})
    link = invitation_link(smtp, "mentor@example.org")
    intruder = make_user(email="intruder@example.org")
    other = app.test_client()
    other.post("/account/login", data={"email": "intruder@example.org", "password": PASSWORD})
    page = other.post(link, follow_redirects=True).get_data(as_text=True)
    assert "sent to another e-mail address" in page
    assert db.session.scalar(select(Membership).where(Membership.user_id == intruder.id)) is None


def test_staff_and_volunteers_cannot_see_the_team_page(client, login_as):
    organisation = make_organisation(slug="convivial", name="Convivial")
    login_as("staff", organisation=organisation)
    assert client.get("/organisations/convivial/people").status_code == 404


def test_network_coordinator_manages_member_organisations(client, db, login_as, smtp):
    network = make_organisation(slug="groupe-transit", name="Transit", kind="network")
    member = make_organisation(slug="jrs", name="JRS")
    outsider = make_organisation(slug="other", name="Other")
    db.session.add(NetworkMembership(network=network, member=member))
    db.session.commit()
    login_as("network_coordinator", organisation=network)
    assert client.get("/organisations/jrs/people").status_code == 200
    assert client.get("/organisations/other/people").status_code == 404
    assert outsider.id


def test_inviting_an_existing_member_is_refused(client, db, login_as):
    organisation = make_organisation(slug="seso", name="SESO")
    member = make_user(email="member@example.org")
    make_membership(member, organisation)
    login_as("admin")
    page = client.post("/organisations/seso/people", data={
        "email": "member@example.org", "role": "staff"}).get_data(as_text=True)
    assert "already a member" in page
    assert db.session.scalar(select(Invitation)) is None
