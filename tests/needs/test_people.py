from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from passerelle.core.audit import AuditEntry
from passerelle.core.time import today_in_brussels
from passerelle.needs.models import Need, Person
from tests.factories import make_organisation
from tests.needs.factories import make_need, make_person, make_programme, signed_in, staff_of


@pytest.fixture
def organisation(db):
    return make_organisation(name="Safe Space")


# Within the organisation's retention (24 months by default) whatever day the tests run.
IN_A_YEAR = today_in_brussels() + timedelta(days=365)


def person_form(**fields):
    data = {
        "first_name": "Zainab", "languages": ["ar", "fr"], "household_size": "3",
        "place": "Schaerbeek", "needs": "A room for a few months", "waiting_since": "2026-09-01",
        "isolated": "y", "no_outside_contact": "", "referred_by": "", "referred_to": "",
        "delete_after": IN_A_YEAR.isoformat(),
    }
    data.update({key: value for key, value in fields.items()})
    return {key: value for key, value in data.items() if value != ""}


def reads(db, person_id=None):
    query = select(AuditEntry).where(AuditEntry.action == "read")
    if person_id is not None:
        query = query.where(AuditEntry.record_id == person_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def count_people(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Person))


def test_staff_register_a_person_with_the_least_data(client, db, login_as, organisation):
    partner = make_organisation(name="CIRÉ")
    user = login_as("staff", organisation=organisation)
    response = client.post(f"/organisations/{organisation.slug}/supported/new",
                           data=person_form(referred_by=str(partner.id)))
    person = db.session.scalar(select(Person))
    assert response.status_code == 302 and response.location.endswith(f"/supported/{person.id}")
    assert (person.first_name, person.household_size, person.languages) == (
        "Zainab", 3, ["ar", "fr"])
    assert person.language_mask and (person.place_refnis, person.region) == ("21015", "brussels")
    assert (person.waiting_since, person.delete_after) == (date(2026, 9, 1), IN_A_YEAR)
    assert person.isolated and not person.no_outside_contact
    assert person.referred_by_id == partner.id and person.organisation_id == organisation.id
    created = db.session.scalar(select(AuditEntry))
    assert (created.user_id, created.action, created.record_type, created.record_id) == (
        user.id, "created", "person", person.id)


def test_every_read_is_logged(client, db, login_as, organisation):
    user = login_as("staff", organisation=organisation)
    first, second = make_person(organisation, "Zainab"), make_person(organisation, "Omid")
    page = client.get(f"/organisations/{organisation.slug}/supported").get_data(as_text=True)
    assert "Zainab" in page and "Omid" in page
    assert sorted(entry.record_id for entry in reads(db)) == [first.id, second.id]
    client.get(f"/supported/{first.id}")
    client.get(f"/supported/{first.id}/edit")
    logged = reads(db, first.id)
    assert len(logged) == 3 and {entry.user_id for entry in logged} == {user.id}
    assert all(entry.at.tzinfo is not None for entry in logged)


def test_offering_people_in_the_need_form_is_a_logged_read(client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    make_programme(organisation)
    person = make_person(organisation, "Zainab")
    page = client.get(f"/organisations/{organisation.slug}/needs/new").get_data(as_text=True)
    assert "Zainab" in page
    assert [entry.record_id for entry in reads(db)] == [person.id]


def test_the_record_page_shows_its_log(client, db, login_as, organisation):
    login_as("staff", organisation=organisation, name="Nadia Staff")
    person = make_person(organisation, "Zainab")
    client.get(f"/supported/{person.id}")
    page = client.get(f"/supported/{person.id}").get_data(as_text=True)
    assert "Who saw or changed this record" in page
    assert page.count("Nadia Staff") == 2 and "read" in page


def test_staff_edit_a_record(client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    person = make_person(organisation, "Zainab")
    response = client.post(f"/supported/{person.id}/edit",
                           data=person_form(first_name="Zaina", household_size="4"))
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.first_name, person.household_size) == ("Zaina", 4)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["read", "updated"]


def test_staff_delete_a_record_and_its_log_stays(client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    person = make_person(organisation, "Zainab")
    need = make_need(make_programme(organisation), person_id=person.id)
    client.get(f"/supported/{person.id}")
    response = client.post(f"/supported/{person.id}/delete")
    assert response.status_code == 302
    assert count_people(db) == 0
    db.session.refresh(need)
    assert need.person_id is None
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.record_id == person.id).order_by(AuditEntry.id)).all()
    assert actions == ["read", "deleted"]
    assert client.get(f"/supported/{person.id}").status_code == 404


@pytest.mark.parametrize(("fields", "message"), [
    ({"delete_after": "2020-01-01"}, "Choose a date in the future"),
    ({"delete_after": ""}, "This field is required."),
    ({"delete_after": "someday"}, "Not a valid date value."),
    ({"waiting_since": "2099-01-01"}, "This date cannot be in the future."),
    ({"household_size": "0"}, "Between 1 and 30."),
    ({"place": "9999"}, "We do not know this Belgian municipality"),
    ({"languages": ["ar", "elvish"]}, "Choose languages from the list."),
    ({"first_name": ""}, "This field is required."),
    ({"first_name": "Z" * 81}, "At most 80 characters."),
    ({"needs": "x" * 501}, "At most 500 characters."),
    ({"referred_by": "999999"}, "Choose an organisation from the list."),
    ({"referred_to": "999999"}, "Choose a housing hosting programme from the list."),
])
def test_bad_person_input_changes_nothing(client, db, login_as, organisation, fields, message):
    login_as("staff", organisation=organisation)
    response = client.post(f"/organisations/{organisation.slug}/supported/new",
                           data=person_form(**fields))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert count_people(db) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    assert "A room for a few months" in page or "needs" in fields


def test_a_bad_edit_leaves_the_record_as_it_was(client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    person = make_person(organisation, "Zainab")
    page = client.post(f"/supported/{person.id}/edit", data=person_form(
        first_name="Changed", delete_after="2001-01-01")).get_data(as_text=True)
    assert "Choose a date in the future" in page and 'value="Changed"' in page
    db.session.expire_all()
    assert person.first_name == "Zainab" and person.delete_after == date(2099, 1, 1)


def record_urls(organisation, person):
    return [("get", f"/organisations/{organisation.slug}/supported"),
            ("get", f"/organisations/{organisation.slug}/supported/new"),
            ("post", f"/organisations/{organisation.slug}/supported/new"),
            ("get", f"/supported/{person.id}"), ("get", f"/supported/{person.id}/edit"),
            ("post", f"/supported/{person.id}/edit"), ("post", f"/supported/{person.id}/delete")]


@pytest.mark.parametrize("role", ["staff_elsewhere", "volunteer", "admin", "network_coordinator"])
def test_anyone_else_gets_404_and_nothing_is_read(client, db, login_as, organisation, role):
    if role == "staff_elsewhere":
        login_as("staff", organisation=make_organisation())
    else:
        login_as(role)
    person = make_person(organisation, "Zainab")
    for method, url in record_urls(organisation, person):
        response = getattr(client, method)(url, data=person_form(first_name="Intruder"))
        assert response.status_code == 404, url
        assert "Zainab" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    db.session.expire_all()
    assert count_people(db) == 1 and person.first_name == "Zainab"


def test_a_network_coordinator_of_the_organisation_gets_404_too(client, db, login_as,
                                                                organisation):
    from passerelle.organisations.models import NetworkMembership

    network = make_organisation(kind="network")
    db.session.add(NetworkMembership(network=network, member=organisation))
    db.session.commit()
    login_as("network_coordinator", organisation=network)
    person = make_person(organisation, "Zainab")
    assert client.get(f"/organisations/{organisation.slug}/needs").status_code == 200
    assert client.get(f"/supported/{person.id}").status_code == 404


def test_unknown_ids_get_the_same_404(client, login_as, organisation):
    login_as("staff", organisation=organisation)
    assert client.get("/supported/987654").status_code == 404


def test_anonymous_people_are_sent_to_log_in(client, db, organisation):
    person = make_person(organisation, "Zainab")
    for method, url in record_urls(organisation, person):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/account/login" in response.location, url


def test_a_housing_hosting_partner_sees_a_record_referred_to_it_but_cannot_change_it(
        app, client, db, login_as, organisation):
    host = make_organisation(name="Up Together")
    hosting = make_programme(host, kind="housing_hosting", name="Home to home")
    login_as("staff", organisation=organisation)
    response = client.post(f"/organisations/{organisation.slug}/supported/new",
                           data=person_form(referred_to=str(hosting.id)))
    assert response.status_code == 302
    person = db.session.scalar(select(Person))
    partner = signed_in(app, staff_of(host))
    listing = partner.get(f"/organisations/{host.slug}/supported").get_data(as_text=True)
    assert "Referred to our housing hosting programme" in listing and "Zainab" in listing
    page = partner.get(f"/supported/{person.id}")
    assert page.status_code == 200 and "Zainab" in page.get_data(as_text=True)
    assert "Who saw or changed this record" not in page.get_data(as_text=True)
    assert partner.get(f"/supported/{person.id}/edit").status_code == 404
    assert partner.post(f"/supported/{person.id}/delete").status_code == 404
    assert len(reads(db, person.id)) == 2  # the list row and the page


def test_a_record_can_only_be_referred_to_a_housing_hosting_programme(client, db, login_as,
                                                                      organisation):
    mentoring = make_programme(make_organisation(), kind="mentoring")
    login_as("staff", organisation=organisation)
    page = client.post(f"/organisations/{organisation.slug}/supported/new",
                       data=person_form(referred_to=str(mentoring.id))).get_data(as_text=True)
    assert "Choose a housing hosting programme from the list." in page
    assert count_people(db) == 0


def test_a_record_referred_to_a_programme_no_longer_for_hosting_is_not_shown(app, db,
                                                                             organisation):
    host = make_organisation()
    programme = make_programme(host, kind="housing_hosting")
    person = make_person(organisation, "Zainab", referred_to_id=programme.id)
    programme.kind = "activities"
    db.session.commit()
    partner = signed_in(app, staff_of(host))
    assert partner.get(f"/supported/{person.id}").status_code == 404
    listing = partner.get(f"/organisations/{host.slug}/supported").get_data(as_text=True)
    assert "Zainab" not in listing


def test_volunteers_never_see_records_through_needs(client, db, login_as, organisation):
    login_as("volunteer")
    person = make_person(organisation, "Zainab")
    make_need(make_programme(organisation), person_id=person.id, title="Host for a stay")
    page = client.get("/help").get_data(as_text=True)
    assert "Host for a stay" in page and "Zainab" not in page
    assert db.session.scalar(select(func.count()).select_from(Need)) == 1
