"""Staff of the registering organisation download a person's record; erasing it is the
delete that was there: the fields and links go, the needs and the log stay, anonymous."""

import pytest
from sqlalchemy import select

from passerelle.core.audit import AuditEntry
from passerelle.needs.models import Need, Person
from passerelle.organisations.models import NetworkMembership
from tests.factories import make_organisation
from tests.needs.factories import make_need, make_person, make_programme
from tests.privacy.helpers import sections, unzip


@pytest.fixture
def organisation(db):
    return make_organisation(name="Safe Space")


def test_staff_download_a_record_and_the_download_is_logged(client, db, login_as,
                                                            organisation):
    user = login_as("staff", organisation=organisation)
    person = make_person(organisation, "Zainab", needs="A room near the school",
                         languages=["ar"])
    make_need(make_programme(organisation), title="A host for Zainab's family",
              person_id=person.id)
    assert "Download this record" in client.get(f"/supported/{person.id}").get_data(
        as_text=True)
    response = client.post(f"/supported/{person.id}/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    data = sections(response.data)
    assert data["record"][0]["first_name"] == "Zainab"
    assert data["record"][0]["needs"] == "A room near the school"
    assert [n["title"] for n in data["needs"]] == ["A host for Zainab's family"]
    assert [e["action"] for e in data["log"]] == ["read"]
    assert "record.csv" in unzip(response.data)
    exported = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "exported"))
    assert (exported.user_id, exported.record_id) == (user.id, person.id)


@pytest.mark.parametrize("role", ["volunteer", "admin", "staff_elsewhere", "network",
                                  "referral_partner"])
def test_nobody_else_downloads_a_record(client, db, login_as, organisation, role):
    person = make_person(organisation, "Zainab")
    if role == "staff_elsewhere":
        login_as("staff")
    elif role == "network":
        network = make_organisation(kind="network")
        db.session.add(NetworkMembership(network=network, member=organisation))
        db.session.commit()
        login_as("network_coordinator", organisation=network)
    elif role == "referral_partner":
        partner = make_organisation()
        person.referred_to = make_programme(partner, kind="housing_hosting")
        db.session.commit()
        login_as("staff", organisation=partner)
    else:
        login_as(role)
    assert client.post(f"/supported/{person.id}/export").status_code == 404
    assert client.post("/supported/999999/export").status_code == 404
    assert db.session.scalar(select(AuditEntry)) is None


def test_a_download_is_a_post(client, login_as, organisation):
    login_as("staff", organisation=organisation)
    person = make_person(organisation, "Zainab")
    assert client.get(f"/supported/{person.id}/export").status_code == 405


def test_anonymous_people_are_sent_to_log_in(client, organisation):
    person = make_person(organisation, "Zainab")
    response = client.post(f"/supported/{person.id}/export")
    assert response.status_code == 302 and "/account/login" in response.location


def test_erasing_a_record_removes_it_and_keeps_the_need_for_nobody(client, db, login_as,
                                                                 organisation):
    login_as("staff", organisation=organisation)
    person = make_person(organisation, "Zainab", needs="A room near the school")
    need = make_need(make_programme(organisation), person_id=person.id)
    assert client.post(f"/supported/{person.id}/delete").status_code == 302
    assert db.session.scalar(select(Person)) is None
    db.session.expire_all()
    assert db.session.get(Need, need.id).person_id is None
    assert [e.action for e in db.session.scalars(select(AuditEntry))] == ["deleted"]
