from datetime import date, timedelta

from sqlalchemy import select

from passerelle.core.audit import AuditEntry, record_read
from passerelle.core.time import today_in_brussels as today
from passerelle.needs.jobs import purge_expired
from passerelle.needs.models import Person
from tests.factories import at, make_organisation, make_user
from tests.needs.factories import make_person


def remaining(db) -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Person.first_name)))


def test_the_job_deletes_only_records_past_their_date(db):
    organisation = make_organisation()
    expired = make_person(organisation, "Expired", delete_after=date(2030, 5, 31))
    make_person(organisation, "Last day", delete_after=date(2030, 6, 1))
    make_person(organisation, "Later", delete_after=date(2031, 1, 1))
    reader = make_user()
    record_read(reader, expired, at(date(2030, 5, 1)))
    db.session.commit()
    expired_id = expired.id

    assert purge_expired(now=at(date(2030, 6, 1))) == 1

    assert remaining(db) == ["Last day", "Later"]
    log = db.session.scalars(select(AuditEntry).where(
        AuditEntry.record_type == "person", AuditEntry.record_id == expired_id)
        .order_by(AuditEntry.id)).all()
    assert [(entry.action, entry.user_id) for entry in log] == [
        ("read", reader.id), ("purged", None)]


def test_running_the_job_again_deletes_nothing_more(db):
    make_person(make_organisation(), "Expired", delete_after=date(2030, 5, 1))
    assert purge_expired(now=at(date(2030, 6, 1))) == 1
    assert purge_expired(now=at(date(2030, 6, 1))) == 0


def test_the_command_purges_records_whose_date_has_passed(app, db):
    organisation = make_organisation()
    make_person(organisation, "Expired", delete_after=today() - timedelta(days=1))
    make_person(organisation, "Kept", delete_after=today() + timedelta(days=30))
    result = app.test_cli_runner().invoke(args=["people", "purge-expired"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 expired records." in result.output
    assert remaining(db) == ["Kept"]
