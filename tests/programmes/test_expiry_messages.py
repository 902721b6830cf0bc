"""Volunteers are told before a charter, training or accreditation expires, and what to
renew once an expiry made them inactive."""

from datetime import date

import pytest
from sqlalchemy import func, select

from passerelle.extensions import db as _db
from passerelle.programmes import services
from passerelle.programmes.jobs import refresh_statuses
from passerelle.programmes.models import Application, Training
from passerelle.reminders import preferences
from passerelle.reminders.models import OutboxMessage
from tests.factories import at, mail_text, make_organisation, make_programme, make_user

SIGNED = date(2025, 6, 10)  # the charter is valid 12 months: it expires on 10 June 2026


@pytest.fixture
def cire(db):
    return make_organisation(slug="cire", name="CIRÉ")


def active_volunteer(programme, email=None, locale="en", signed=SIGNED):
    """Applied and signed the charter: active when the programme asks nothing else."""
    volunteer = make_user(email=email, locale=locale)
    application = services.apply(volunteer, programme, "", at(signed))
    services.sign_charter(volunteer, application, 1, at(signed))
    return volunteer, application


def outbox(kind=None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(_db.session.scalars(query))



def test_a_charter_expiring_within_30_days_is_announced_once_in_the_volunteers_language(
        smtp, cire):
    programme = make_programme(cire, interview=False)
    active_volunteer(programme, "anne@example.org", "fr")
    refresh_statuses(at(date(2026, 5, 1)))  # 40 days before: not yet
    assert outbox("expiry-soon") == []
    refresh_statuses(at(date(2026, 5, 20)))
    refresh_statuses(at(date(2026, 5, 21)))  # the next day: nothing new
    [message] = outbox("expiry-soon")
    assert message.key.endswith("2026-06-10.user-" + str(message.recipient_id))
    [mail] = [m for m in smtp.messages_to("anne@example.org")
              if m["Subject"].startswith("À renouveler")]
    assert mail["Subject"] == "À renouveler avant le 10 juin 2026 : votre signature de la charte"
    text = mail_text(mail)
    assert ("Pour le programme name_fr text, votre signature de la charte expire le "
            "10 juin 2026.") in text
    assert "http://passerelle.test/applications/" in text
    assert "http://passerelle.test/messages/" in text  # the footer's choices


def test_trainings_and_accreditations_expiring_are_announced_each_once(smtp, db, cire):
    programme = make_programme(cire, interview=False, places=["caricole"],
                               trainings=["Visiting detainees"])
    coordinator = make_user()
    volunteer, application = active_volunteer(programme, "wim@example.org", "nl",
                                              signed=date(2026, 1, 5))
    training = db.session.scalar(select(Training))
    training.valid_months = 6
    db.session.commit()
    services.record_training(coordinator, application, training, date(2025, 12, 1),
                             at(date(2026, 1, 5)))
    services.grant_accreditation(coordinator, application, "caricole", date(2026, 1, 5),
                                 date(2026, 6, 20), at(date(2026, 1, 5)))
    refresh_statuses(at(date(2026, 5, 25)))
    refresh_statuses(at(date(2026, 5, 25)))
    subjects = sorted(m["Subject"] for m in smtp.messages_to("wim@example.org")
                      if m["Subject"].startswith("Te vernieuwen"))
    assert subjects == ["Te vernieuwen voor 1 juni 2026: de opleiding Visiting detainees",
                        "Te vernieuwen voor 20 juni 2026: je accreditatie voor Caricole "
                        "(Steenokkerzeel)"]


def test_renewed_with_a_new_expiry_date_is_announced_again(db, cire):
    programme = make_programme(cire, interview=False)
    volunteer, application = active_volunteer(programme)
    refresh_statuses(at(date(2026, 5, 20)))
    services.sign_charter(volunteer, application, 1, at(date(2026, 5, 22)))  # to 22 May 2027
    refresh_statuses(at(date(2027, 5, 1)))
    assert [m.key.split(".")[2] for m in outbox("expiry-soon")] == ["2026-06-10", "2027-05-22"]


def test_a_volunteer_made_inactive_by_an_expiry_is_told_what_to_renew(smtp, cire):
    programme = make_programme(cire, interview=False)
    _, application = active_volunteer(programme, "ahmed@example.org")
    assert application.status == "active"
    assert refresh_statuses(at(date(2026, 6, 11))) == 1
    assert refresh_statuses(at(date(2026, 6, 12))) == 0
    assert _db.session.get(Application, application.id).status == "charter_signed"
    [message] = outbox("expiry-inactive")
    [mail] = [m for m in smtp.messages_to("ahmed@example.org")
              if m["Subject"].startswith("Something to renew")]
    assert mail["Subject"] == ("Something to renew before you can take part again in "
                               "name_en text")
    assert "- The charter signature has expired: sign it again." in mail_text(mail)


def test_a_volunteer_who_turned_expiry_off_is_not_told(db, cire):
    programme = make_programme(cire, interview=False)
    volunteer, _ = active_volunteer(programme)
    preferences.set_choice(volunteer, "expiry", False)
    db.session.commit()
    refresh_statuses(at(date(2026, 5, 20)))
    assert refresh_statuses(at(date(2026, 6, 11))) == 1
    assert outbox("expiry-soon") == outbox("expiry-inactive") == []


def test_a_closed_application_is_not_warned(db, cire):
    programme = make_programme(cire, interview=False)
    volunteer, application = active_volunteer(programme)
    services.withdraw(volunteer, application, "", at(date(2026, 1, 1)))
    refresh_statuses(at(date(2026, 5, 20)))
    assert outbox("expiry-soon") == outbox("expiry-inactive") == []


def test_the_jobs_queries_do_not_grow_with_the_volunteers(db, cire, count_queries):
    programme = make_programme(cire, interview=False, trainings=["Intro"])
    active_volunteer(programme)  # the one whose charter expires soon

    def run(day):
        with count_queries() as queries:
            refresh_statuses(at(day))
        return queries.count

    def more_volunteers(count):
        for _ in range(count):
            active_volunteer(programme, signed=date(2026, 1, 5))

    more_volunteers(2)
    small = run(date(2026, 5, 20)), run(date(2026, 5, 21))
    db.session.execute(OutboxMessage.__table__.delete())
    db.session.commit()
    more_volunteers(12)
    large = run(date(2026, 5, 20)), run(date(2026, 5, 21))
    assert large == small
    assert db.session.scalar(select(func.count()).select_from(Application)) == 15
