"""Hole 11: a need keeps its person, records are kept no longer than the organisation allows,
the need form logs exactly the reads it makes, and a record's log comes in pages."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from passerelle.core.audit import AuditEntry
from passerelle.core.time import add_months, today_in_brussels, utcnow
from passerelle.extensions import db as _db
from passerelle.needs.models import Need, Person
from tests.factories import make_organisation
from tests.needs.factories import make_need, make_person, make_programme, staff_of
from tests.needs.test_people import person_form
from tests.needs.test_staff_needs import need_form


@pytest.fixture
def organisation(db):
    return make_organisation(name="Exil")


@pytest.fixture
def programme(organisation):
    return make_programme(organisation, kind="sponsorship", name="Parrainage ados")


def entries(db, action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def edit_form_of(need, **fields):
    """What a browser sends back when the need form is saved unchanged."""
    return need_form(need.programme, title_en=need.title_en, **fields)


@pytest.mark.parametrize("role", ["admin", "network_coordinator"])
def test_an_editor_who_cannot_see_people_keeps_the_need_linked(client, db, login_as,
                                                              organisation, programme, role):
    if role == "network_coordinator":
        from passerelle.organisations.models import NetworkMembership
        network = make_organisation(kind="network")
        db.session.add(NetworkMembership(network=network, member=organisation))
        db.session.commit()
        login_as(role, organisation=network)
    else:
        login_as(role)
    person = make_person(organisation, "Zainab")
    need = make_need(programme, person_id=person.id)
    page = client.get(f"/organisations/{organisation.slug}/needs/{need.id}/edit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Zainab" not in text and 'name="person"' not in text
    assert "only its staff see who" in text
    # The select used to hold only "Nobody in particular", so the browser sent it back empty.
    response = client.post(f"/organisations/{organisation.slug}/needs/{need.id}/edit",
                           data=edit_form_of(need, person="", status="open"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Need, need.id).person_id == person.id
    assert entries(db) == []


def test_an_administrator_cannot_link_a_need_to_a_person(client, db, login_as, organisation,
                                                        programme):
    login_as("admin")
    person = make_person(organisation, "Zainab")
    client.post(f"/organisations/{organisation.slug}/needs/new",
                data=need_form(programme, person=str(person.id)))
    assert db.session.scalar(select(Need)).person_id is None
    assert entries(db) == []


def test_every_change_of_the_link_is_logged(client, db, login_as, organisation, programme):
    user = login_as("staff", organisation=organisation)
    first, second = make_person(organisation, "Zainab"), make_person(organisation, "Omid")
    client.post(f"/organisations/{organisation.slug}/needs/new",
                data=need_form(programme, person=str(first.id)))
    need = db.session.scalar(select(Need))
    assert need.person_id == first.id
    url = f"/organisations/{organisation.slug}/needs/{need.id}/edit"
    client.post(url, data=edit_form_of(need, person=str(first.id), status="open"))
    client.post(url, data=edit_form_of(need, person=str(second.id), status="open"))
    client.post(url, data=edit_form_of(need, person="", status="open"))
    db.session.expire_all()
    assert db.session.get(Need, need.id).person_id is None
    changes = [(e.action, e.record_id, e.user_id) for e in entries(db)
               if e.action in ("linked", "unlinked")]
    assert changes == [("linked", first.id, user.id), ("unlinked", first.id, user.id),
                       ("linked", second.id, user.id), ("unlinked", second.id, user.id)]
    page = client.get(f"/supported/{first.id}").get_data(as_text=True)
    assert "linked to a need" in page and "unlinked from a need" in page


def test_the_need_form_logs_the_first_names_it_shows_on_that_page(client, db, login_as,
                                                                 organisation, programme):
    login_as("staff", organisation=organisation)
    first, second = make_person(organisation, "Zainab"), make_person(organisation, "Omid")
    make_person(make_organisation(), "Elsewhere")
    page = client.get(f"/organisations/{organisation.slug}/needs/new").get_data(as_text=True)
    assert "Zainab" in page and "Omid" in page and "Elsewhere" not in page
    reads = entries(db, "read")
    assert sorted(e.record_id for e in reads) == sorted([first.id, second.id])
    assert {e.page for e in reads} == {"need_form"}
    # A save that succeeds shows no names: no read.
    client.post(f"/organisations/{organisation.slug}/needs/new", data=need_form(programme))
    assert len(entries(db, "read")) == 2
    # A refused save shows the form again, and so the names again.
    client.post(f"/organisations/{organisation.slug}/needs/new",
                data=need_form(programme, title_en=""))
    assert len(entries(db, "read")) == 4
    record = client.get(f"/supported/{first.id}").get_data(as_text=True)
    assert "its first name, in a need form" in record and "on its page" in record


def test_reads_say_on_which_page_they_happened(client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    person = make_person(organisation, "Zainab")
    client.get(f"/organisations/{organisation.slug}/supported")
    client.get(f"/supported/{person.id}")
    client.get(f"/supported/{person.id}/edit")
    assert [e.page for e in entries(db, "read")] == ["list", "record", "edit_form"]


# Retention

def test_a_date_beyond_the_organisation_maximum_is_refused(client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    url = f"/organisations/{organisation.slug}/supported/new"
    page = client.post(url, data=person_form(delete_after="9999-12-31")).get_data(as_text=True)
    limit = add_months(today_in_brussels(), 24)
    assert "Records are kept at most 24 months" in page and 'value="9999-12-31"' in page
    assert db.session.scalar(select(Person)) is None and entries(db) == []
    too_late = (limit + timedelta(days=1)).isoformat()
    assert "at most 24 months" in client.post(url, data=person_form(
        delete_after=too_late)).get_data(as_text=True)
    assert client.post(url, data=person_form(delete_after=limit.isoformat())).status_code == 302
    assert db.session.scalar(select(Person)).delete_after == limit


def test_an_edit_cannot_push_a_record_past_the_maximum(client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    person = make_person(organisation, "Zainab", delete_after=today_in_brussels() + timedelta(30))
    page = client.post(f"/supported/{person.id}/edit",
                       data=person_form(delete_after="9999-12-31")).get_data(as_text=True)
    assert "at most 24 months" in page
    db.session.expire_all()
    assert db.session.get(Person, person.id).delete_after == today_in_brussels() + timedelta(30)


def test_the_new_record_form_suggests_the_longest_date_allowed(client, login_as, organisation):
    organisation.max_retention_months = 6
    _db.session.commit()
    login_as("staff", organisation=organisation)
    page = client.get(f"/organisations/{organisation.slug}/supported/new").get_data(as_text=True)
    assert f'value="{add_months(today_in_brussels(), 6).isoformat()}"' in page
    assert "at most 6 months from today" in page


def test_coordinators_set_the_maximum_on_the_profile(client, db, login_as, organisation):
    login_as("coordinator", organisation=organisation)
    url = f"/organisations/{organisation.slug}/edit"
    form = {"description_fr": "Une association.", "description_nl": "Een vereniging.",
            "description_en": "An association.", "max_retention_months": "6"}
    assert 'value="24"' in client.get(url).get_data(as_text=True)
    assert client.post(url, data=form).status_code == 302
    db.session.refresh(organisation)
    assert organisation.max_retention_months == 6
    staff = staff_of(organisation)
    from tests.needs.factories import signed_in
    page = signed_in(client.application, staff).post(
        f"/organisations/{organisation.slug}/supported/new",
        data=person_form(delete_after=add_months(today_in_brussels(), 7).isoformat()))
    assert "Records are kept at most 6 months" in page.get_data(as_text=True)


@pytest.mark.parametrize("value", ["0", "121", "many", ""])
def test_a_bad_maximum_is_refused_beside_the_field(client, db, login_as, organisation, value):
    login_as("coordinator", organisation=organisation)
    response = client.post(f"/organisations/{organisation.slug}/edit", data={
        "description_fr": "Changée.", "description_nl": "Een vereniging.",
        "description_en": "An association.", "max_retention_months": value})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Between 1 and 120." in page or "This field is required." in page
    db.session.refresh(organisation)
    assert organisation.max_retention_months == 24
    assert organisation.description_fr == "Une association."


def test_staff_cannot_change_the_maximum(client, db, login_as, organisation):
    login_as("staff", organisation=organisation)
    response = client.post(f"/organisations/{organisation.slug}/edit", data={
        "description_fr": "x", "description_nl": "x", "description_en": "x",
        "max_retention_months": "120"})
    assert response.status_code == 404
    db.session.refresh(organisation)
    assert organisation.max_retention_months == 24


# The log, in pages

def test_a_long_log_comes_in_pages_newest_first(client, db, login_as, organisation):
    login_as("staff", organisation=organisation, name="Nadia Staff")
    person = make_person(organisation, "Zainab")
    start = utcnow() - timedelta(days=100)
    db.session.add_all(AuditEntry(user_id=None, action="updated", record_type="person",
                                  record_id=person.id, at=start + timedelta(hours=n))
                       for n in range(44))
    db.session.commit()
    # 44 old entries, and this visit's read on top: 45 in all, 20 per page.
    first = client.get(f"/supported/{person.id}").get_data(as_text=True)
    assert first.count("<tr><td data-label=") == 20 and "Nadia Staff" in first
    assert "?log_page=2" in first and "log_page=0" not in first
    third = client.get(f"/supported/{person.id}?log_page=3").get_data(as_text=True)
    # 46 entries now: page 3 holds the oldest 6, and nothing follows.
    assert third.count("<tr><td data-label=") == 6
    assert "?log_page=2" in third and "log_page=4" not in third
    for page in ("0", "-3", "abc", "99999999999999999999999"):
        assert client.get(f"/supported/{person.id}?log_page={page}").status_code == 200
