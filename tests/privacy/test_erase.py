"""Anyone erases their account: personal data goes, anonymous counts stay, logged out at once."""

import pytest
from sqlalchemy import func, select

from passerelle.accounts.models import User
from passerelle.core.audit import AuditEntry
from passerelle.needs.models import MaterialOffer
from passerelle.organisations.models import Invitation, Membership
from passerelle.programmes.models import Application
from passerelle.volunteers.models import (
    AvailabilitySlot,
    FreePeriod,
    HostingOffer,
    SpokenLanguage,
    VolunteerProfile,
)
from tests.factories import PASSWORD, make_membership, make_organisation, make_user
from tests.needs.factories import signed_in


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_volunteer_erases_their_account(app, client, db, login_as):
    from tests.privacy.helpers import a_full_account

    user, application = a_full_account(client, login_as)
    email, user_id = user.email, user.id
    other_device = signed_in(app, user)
    assert "Erase my account for good" in client.get("/account/erase").get_data(as_text=True)
    response = client.post("/account/erase", data={"password": PASSWORD})
    assert response.status_code == 302
    assert "erased" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    erased = db.session.get(User, user_id)
    assert erased.name == "" and email not in erased.email and erased.email_confirmed_at is None
    for model in (VolunteerProfile, SpokenLanguage, AvailabilitySlot, HostingOffer, FreePeriod):
        assert count(db, model) == 0, model
    kept = db.session.get(Application, application.id)
    assert kept.user_id == user_id and kept.status == "withdrawn"
    assert (kept.motivation, kept.screening_note) == ("", "")
    assert all(step.reason == "" for step in kept.steps)
    offer = db.session.scalar(select(MaterialOffer))
    assert offer.description == "" and offer.status == "withdrawn"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "erased"))
    assert (entry.record_type, entry.record_id) == ("account", user_id)
    # Logged out here and on every other device; the old password opens nothing.
    for browser in (client, other_device):
        assert browser.get("/account/").status_code == 302
    login = client.post("/account/login", data={"email": email, "password": PASSWORD})
    assert login.status_code == 200 and db.session.scalar(select(User).where(
        User.email == email)) is None
    # The coordinators still count the application, for nobody they can name.
    coordinator = make_user()
    make_membership(coordinator, kept.programme.organisation, "coordinator")
    queue = signed_in(app, coordinator).get(f"/programmes/{kept.programme.slug}/applications")
    assert "Erased account" in queue.get_data(as_text=True)
    assert "Ada Peeters" not in queue.get_data(as_text=True)


def test_a_wrong_password_erases_nothing(client, db, login_as):
    user = login_as(name="Ada Peeters")
    page = client.post("/account/erase", data={"password": "not it"}).get_data(as_text=True)
    assert "The current password is not right." in page
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Ada Peeters"
    assert client.get("/account/").status_code == 200
    assert "This field is required." in client.post(
        "/account/erase", data={"password": ""}).get_data(as_text=True)


def test_the_last_coordinator_hands_over_before_erasing(client, db, login_as):
    organisation = make_organisation(name="Caritas")
    user = login_as("coordinator", organisation=organisation)
    assert "You are the only coordinator of:" in client.get("/account/erase").get_data(
        as_text=True)
    page = client.post("/account/erase", data={"password": PASSWORD}).get_data(as_text=True)
    assert "You are the last coordinator of Caritas." in page
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Ada Peeters" and count(db, Membership) == 1
    make_membership(make_user(), organisation, "coordinator")
    assert client.post("/account/erase", data={"password": PASSWORD}).status_code == 302
    assert db.session.scalar(select(Membership.user_id)) != user.id and count(db, Membership) == 1


def test_staff_leave_their_organisations_and_invitations_to_them_go(client, db, login_as):
    organisation = make_organisation()
    user = login_as("staff", organisation=organisation)
    from passerelle.core.time import utcnow
    db.session.add(Invitation(email=user.email, organisation=organisation, role="coordinator",
                              created_at=utcnow(), expires_at=utcnow()))
    db.session.commit()
    assert client.post("/account/erase", data={"password": PASSWORD}).status_code == 302
    assert count(db, Membership) == 0 and count(db, Invitation) == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_people_are_sent_to_log_in(client, method):
    response = getattr(client, method)("/account/erase")
    assert response.status_code == 302 and "/account/login" in response.location


def test_erasing_needs_the_token(app, client, db, login_as):
    user = login_as(name="Ada Peeters")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/account/erase", data={"password": PASSWORD}).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Ada Peeters"
