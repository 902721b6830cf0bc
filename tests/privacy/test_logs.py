"""Logs never hold nationality, legal status, health or free-text notes: not the Python
logs (SQL, errors), not the audit table. The flows run with distinctive values, and the
captured logs and every audit column are searched for them."""

import logging
from datetime import date

from sqlalchemy import select

from passerelle.core.audit import AuditEntry
from passerelle.extensions import db as _db
from passerelle.needs.models import Person
from passerelle.programmes.models import Application
from tests.factories import make_membership, make_organisation, make_programme, make_user
from tests.needs.factories import make_programme as make_needs_programme
from tests.needs.factories import signed_in
from tests.needs.test_people import person_form
from tests.needs.test_staff_needs import need_form
from tests.volunteers.test_profile import hosting_form

SENSITIVE = {
    "needs": "Nationality-Eritrean-7731, legal status rejected-asylum-7732",
    "edited": "Health-diabetic-insulin-7733",
    "refused": "Note-pregnant-7734 " + "x" * 500,
    "motivation": "Note-motivation-former-detainee-7735",
    "screening": "Note-screening-ptsd-7736",
    "suspension": "Note-suspension-7737",
    "hosting": "Note-hosting-hiv-7738",
    "crash": "Nationality-Afghan-7739",
}


def test_sensitive_values_never_reach_the_logs(app, client, db, login_as, caplog):
    # As when an operator turns SQL statement logging on to find a problem.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    organisation = make_organisation(name="Safe Space")
    staff = login_as("staff", organisation=organisation)
    slug = organisation.slug
    client.post(f"/organisations/{slug}/supported/new", data=person_form(
        first_name="Zainab", needs=SENSITIVE["needs"]))
    person = db.session.scalar(select(Person))
    client.get(f"/organisations/{slug}/supported")
    client.get(f"/supported/{person.id}")
    client.post(f"/supported/{person.id}/edit", data=person_form(needs=SENSITIVE["edited"]))
    client.post(f"/supported/{person.id}/edit", data=person_form(needs=SENSITIVE["refused"]))
    programme = make_needs_programme(organisation)
    client.post(f"/organisations/{slug}/needs/new",
                data=need_form(programme, person=str(person.id)))
    client.get(f"/organisations/{slug}/needs/new")
    client.post(f"/supported/{person.id}/export")
    client.post("/account/data")

    volunteer = signed_in(app, make_user(name="Vera Volunteer"))
    volunteer.post("/profile/hosting", data=hosting_form(notes=SENSITIVE["hosting"]))
    make_programme(organisation, slug="safe-hosting")
    volunteer.post("/programmes/safe-hosting/apply",
                   data={"motivation": SENSITIVE["motivation"]})
    application = db.session.scalar(select(Application))
    coordinator = make_user(name="Carla Coordinator")
    make_membership(coordinator, organisation, "coordinator")
    review = f"/applications/{application.id}/review"
    coordinating = signed_in(app, coordinator)
    coordinating.post(review + "/screening", data={
        "screening-outcome": "passed", "screening-note": SENSITIVE["screening"]})
    coordinating.post(review + "/suspend", data={"suspend-reason": SENSITIVE["suspension"]})
    db.session.expire_all()
    assert db.session.get(Application, application.id).screening_note == SENSITIVE["screening"]
    assert db.session.get(Person, person.id).needs == SENSITIVE["edited"]
    client.post(f"/supported/{person.id}/delete")

    text = caplog.text
    assert "INSERT INTO people" in text  # the statements were logged, their values not
    for value in SENSITIVE.values():
        assert value[:30] not in text
    columns = [c.key for c in AuditEntry.__table__.columns]
    audit = " ".join(str(getattr(e, c)) for e in db.session.scalars(select(AuditEntry))
                     for c in columns)
    assert "read" in audit and "updated" in audit and "linked" in audit
    for value in SENSITIVE.values():
        assert value[:30] not in audit
    assert staff.id


def test_a_database_error_is_logged_without_the_values(app, client, db, login_as, caplog):
    """A failed statement's error is logged with the request: its values stay out."""
    organisation = make_organisation()

    @app.post("/test-only/crash")
    def crash():
        _db.session.add(Person(organisation_id=organisation.id, first_name="Zainab",
                               needs=SENSITIVE["crash"], waiting_since=None,
                               delete_after=date(2027, 1, 1)))
        _db.session.commit()

    app.config["PROPAGATE_EXCEPTIONS"] = False
    caplog.set_level(logging.DEBUG)
    response = client.post("/test-only/crash")
    assert response.status_code == 500
    assert "Exception on /test-only/crash" in caplog.text and "IntegrityError" in caplog.text
    assert SENSITIVE["crash"] not in caplog.text and "Zainab" not in caplog.text


def test_any_logged_exception_keeps_its_type_and_place_but_not_its_message(app, caplog):
    try:
        int(SENSITIVE["edited"])
    except ValueError:
        app.logger.exception("While reading a record")
    assert "While reading a record" in caplog.text and "builtins.ValueError" in caplog.text
    assert "test_logs.py" in caplog.text and SENSITIVE["edited"] not in caplog.text
