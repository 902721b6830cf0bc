"""The messages of an application, each written with its fact and delivered once over SMTP
to the right person, in their language."""

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from passerelle.core.errors import DomainError
from passerelle.core.time import BRUSSELS
from passerelle.extensions import db as _db
from passerelle.organisations.models import NetworkMembership
from passerelle.programmes import services, setup
from passerelle.programmes.models import ApplicationStatus
from passerelle.reminders.models import OutboxMessage, Status
from passerelle.reminders.services import save_choices
from tests.factories import mail_text, make_membership, make_organisation, make_programme, make_user

NOW = datetime(2026, 6, 1, 8, tzinfo=UTC)
INTERVIEW = datetime(2026, 6, 3, 14, 30, tzinfo=BRUSSELS)  # 12:30 UTC
AFTER = NOW + timedelta(days=5)


@pytest.fixture
def programme(db):
    organisation = make_organisation(slug="jrs", name="JRS Belgium", email="visits@jrs.example")
    return make_programme(organisation, slug="visits", kind="detention_visits",
                          places=["caricole"], trainings=["Visiting well"])


@pytest.fixture
def volunteer(db):
    return make_user(email="amina@example.org", name="Amina Diallo", locale="fr")


def outbox_rows(kind=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(_db.session.scalars(query))


def count_rows():
    return _db.session.scalar(select(func.count()).select_from(OutboxMessage))



def of_kind(received, kind):
    """The mails of one kind (the key, hence the Message-ID, starts with it; a long one
    is folded onto its own line)."""
    return [mail for mail in received if mail["Message-ID"].strip().startswith(f"<{kind}.")]


def charter_rows_of(user):
    return [(row.key.split(".")[2]) for row in outbox_rows("application-charter")
            if row.recipient_id == user.id]


def calendar_of(mail):
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


def screened(programme, volunteer, coordinator):
    application = services.apply(volunteer, programme, "", NOW)
    services.plan_interview(coordinator, application, INTERVIEW, NOW)
    services.record_screening(coordinator, application, True, "Calm, reliable.", AFTER)
    return application


# To the coordinators ----------------------------------------------------------------------

def test_an_application_is_announced_to_the_organisations_own_coordinators(
        app, smtp, programme, volunteer):
    lieve = make_user(email="lieve@example.org", name="Lieve", locale="nl")
    make_membership(lieve, programme.organisation, "coordinator")
    quiet = make_user(email="quiet@example.org")
    make_membership(quiet, programme.organisation, "coordinator")
    save_choices(quiet, {"new-application": False})  # only in the daily summary
    staff = make_user(email="staff@example.org")
    make_membership(staff, programme.organisation, "staff")
    network = make_organisation(slug="ngo-visitors", kind="network")
    _db.session.add(NetworkMembership(network_id=network.id,
                                      member_id=programme.organisation.id))
    _db.session.commit()
    watcher, bystander = (make_user(email="watcher@example.org", locale="en"),
                          make_user(email="bystander@example.org"))
    for person in (watcher, bystander):
        make_membership(person, network, "coordinator")
    save_choices(watcher, {"network-digest": True})
    make_user(email="admin@example.org", is_admin=True)  # not opted in
    opted_admin = make_user(email="opted-admin@example.org", is_admin=True, locale="fr")
    save_choices(opted_admin, {"network-digest": True})

    application = services.apply(volunteer, programme, "Je parle arabe.", NOW)

    [mail] = smtp.messages_to("lieve@example.org")
    assert mail["Subject"] == "Nieuwe kandidatuur voor name_nl text"
    body = mail_text(mail)
    assert "Amina Diallo heeft zich op 1 juni 2026" in body
    assert f"http://passerelle.test/applications/{application.id}/review" in body
    assert "Je parle arabe" not in body  # the motivation stays on the platform
    assert mail["List-Unsubscribe"]  # a kind the coordinator can stop
    assert len(smtp.messages_to("watcher@example.org", deliver=False)) == 1
    [french] = smtp.messages_to("opted-admin@example.org", deliver=False)
    assert french["Subject"] == "Nouvelle candidature pour name_fr text"
    for nobody in ("quiet@example.org", "staff@example.org", "bystander@example.org",
                   "admin@example.org", "amina@example.org"):
        assert smtp.messages_to(nobody, deliver=False) == []
    assert smtp.deliver().sent == 0  # once


# To the volunteer ---------------------------------------------------------------------

def test_the_interview_date_reaches_the_volunteer_in_french_with_a_calendar_entry(
        app, smtp, programme, volunteer, login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    application = services.apply(volunteer, programme, "", NOW)
    services.plan_interview(coordinator, application, INTERVIEW, NOW)

    [mail] = smtp.messages_to("amina@example.org")
    assert mail["Subject"] == "Votre entretien pour name_fr text"
    assert mail["Content-Language"] == "fr"  # also with an attachment
    body = mail_text(mail)
    assert "mercredi 3 juin 2026, 14:30 (heure de Bruxelles)" in body
    assert "JRS Belgium" in body and "Contact : visits@jrs.example" in body
    assert "http://passerelle.test/applications/" in body
    [event] = calendar_of(mail).walk("VEVENT")
    assert str(event["uid"]) == f"interview-{application.id}@passerelle.local"
    assert event["dtstart"].params["TZID"] == "Europe/Brussels"
    assert event.start.astimezone(UTC) == datetime(2026, 6, 3, 12, 30, tzinfo=UTC)
    assert str(event["summary"]) == "Entretien : name_fr text"
    assert int(event["sequence"]) == 0
    assert smtp.deliver().sent == 0


def test_an_interview_planned_again_replaces_the_pending_message_and_moves_the_entry(
        app, smtp, programme, volunteer, login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    application = services.apply(volunteer, programme, "", NOW)
    services.plan_interview(coordinator, application, INTERVIEW, NOW)
    later = INTERVIEW + timedelta(days=1)
    services.plan_interview(coordinator, application, later, NOW + timedelta(minutes=5))
    services.plan_interview(coordinator, application, later, NOW + timedelta(minutes=6))

    statuses = [row.status for row in outbox_rows("application-interview")]
    assert statuses == [Status.CANCELLED, Status.PENDING]  # the same date again: nothing
    [mail] = smtp.messages_to("amina@example.org")
    assert "jeudi 4 juin 2026, 14:30" in mail_text(mail)
    assert "déplacé" in mail_text(mail)
    [event] = calendar_of(mail).walk("VEVENT")
    assert str(event["uid"]) == f"interview-{application.id}@passerelle.local"
    assert int(event["sequence"]) == 1

    # Back to the first date, after the mail of the second went out: a new message.
    services.plan_interview(coordinator, application, INTERVIEW, NOW + timedelta(minutes=7))
    [_, back] = smtp.messages_to("amina@example.org")
    assert "mercredi 3 juin 2026" in mail_text(back)
    assert int(calendar_of(back).walk("VEVENT")[0]["sequence"]) == 3


def test_the_screening_outcome_without_the_coordinators_note_then_the_charter_to_sign(
        app, smtp, programme, volunteer, login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    application = screened(programme, volunteer, coordinator)

    received = smtp.messages_to("amina@example.org")
    assert [m["Subject"] for m in received] == [
        "Votre entretien pour name_fr text", "Votre candidature pour name_fr text",
        "La charte de name_fr text attend votre signature"]
    screening, charter = received[1:]
    assert "Bonne nouvelle" in mail_text(screening)
    assert "Calm, reliable" not in mail_text(screening)
    assert (f"http://passerelle.test/applications/{application.id}/charter"
            in mail_text(charter))
    assert "avant votre premier contact" in mail_text(charter)


def test_a_volunteer_not_retained_is_told_without_the_note(app, smtp, programme, volunteer,
                                                           login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    application = services.apply(volunteer, programme, "", NOW)
    services.record_screening(coordinator, application, False, "Not reliable.", NOW)
    [mail] = smtp.messages_to("amina@example.org")
    assert "ne pas retenir votre candidature" in mail_text(mail)
    assert "reliable" not in mail_text(mail)
    assert outbox_rows("application-charter") == []


def test_a_new_charter_version_is_sent_to_those_it_is_asked_of(app, smtp, programme,
                                                               login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    signed = make_user(email="signed@example.org", locale="nl")
    signer_application = screened(programme, signed, coordinator)
    services.sign_charter(signed, signer_application, 1, AFTER)
    before_interview = make_user(email="early@example.org")
    services.apply(before_interview, programme, "", NOW)
    gone = make_user(email="gone@example.org")
    services.withdraw(gone, screened(programme, gone, coordinator), "", AFTER)
    smtp.deliver()

    setup.publish_charter(programme, {"body_fr": "v2", "body_nl": "v2", "body_en": "v2"},
                          12, AFTER + timedelta(days=1))
    first, new = of_kind(smtp.messages_to("signed@example.org"), "application-charter")
    assert new["Subject"] == "Het charter van name_nl text wacht op je handtekening"
    assert "nieuwe versie van het charter" in mail_text(new)
    assert charter_rows_of(signed) == ["v1", "v2"]
    assert charter_rows_of(before_interview) == []  # asked once past the interview
    assert charter_rows_of(gone) == ["v1"]  # withdrawn: not asked again


def test_each_step_done_then_becoming_active_once(app, smtp, programme, volunteer,
                                                  login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    application = screened(programme, volunteer, coordinator)
    services.record_charter_on_paper(coordinator, application, AFTER)
    training = services.trainings_of(programme)[0]
    services.record_training(coordinator, application, training, date(2026, 6, 5), AFTER)
    services.grant_accreditation(coordinator, application, "caricole", date(2026, 6, 5),
                                 None, AFTER)
    assert application.status == ApplicationStatus.active
    services.refresh_status(application, AFTER + timedelta(days=1))  # as the daily job
    services.refresh_status(application, AFTER + timedelta(days=2))

    received = smtp.messages_to("amina@example.org")
    steps = [mail_text(m) for m in of_kind(received, "application-step")]
    assert len(steps) == 3
    assert "la charte que vous avez signée sur papier" in steps[0]
    assert "votre formation : Visiting well" in steps[1]
    assert "accrédité·e pour Caricole (Steenokkerzeel)" in steps[2]
    [active] = of_kind(received, "application-active")
    assert active["Subject"] == "Vous êtes actif·ve dans name_fr text"
    assert "maintenant actif·ve" in mail_text(active)
    assert len(outbox_rows("application-active")) == 1


def test_suspension_is_told_without_the_internal_reason_and_so_is_reinstatement(
        app, smtp, programme, volunteer, login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    application = services.apply(volunteer, programme, "", NOW)
    services.suspend(coordinator, application, "Complaint from the centre staff", NOW)
    services.reinstate(coordinator, application, NOW + timedelta(days=3))

    suspended, reinstated = smtp.messages_to("amina@example.org")
    assert suspended["Subject"] == "Votre participation à name_fr text est suspendue"
    assert "Complaint" not in mail_text(suspended)
    assert "Contactez-les" in mail_text(suspended)
    assert reinstated["Subject"] == "Votre participation à name_fr text est rétablie"


def test_a_volunteer_who_turned_application_news_off_gets_none(app, smtp, programme,
                                                                volunteer, login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    save_choices(volunteer, {"applications": False})
    application = screened(programme, volunteer, coordinator)
    services.suspend(coordinator, application, "Pause", AFTER)
    assert smtp.messages_to("amina@example.org") == []
    assert [row for row in outbox_rows() if row.recipient_id == volunteer.id] == []


def test_nothing_is_written_when_the_service_refuses(app, programme, volunteer, login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    application = services.apply(volunteer, programme, "", NOW)
    services.plan_interview(coordinator, application, INTERVIEW, NOW)
    before = count_rows()
    with pytest.raises(DomainError):  # the interview has not taken place yet
        services.record_screening(coordinator, application, True, "", NOW)
    with pytest.raises(DomainError):
        services.record_training(coordinator, application, services.trainings_of(programme)[0],
                                 date(2026, 7, 1), NOW)
    with pytest.raises(DomainError):
        services.reinstate(coordinator, application, NOW)
    with pytest.raises(DomainError):  # applied already
        services.apply(volunteer, programme, "", NOW)
    _db.session.rollback()
    services.withdraw(volunteer, application, "", NOW)
    with pytest.raises(DomainError):
        services.plan_interview(coordinator, application, INTERVIEW, NOW)
    with pytest.raises(DomainError):
        services.suspend(coordinator, application, "Pause", NOW)
    _db.session.rollback()
    assert count_rows() == before


def test_withdrawing_cancels_what_was_still_to_be_sent(app, smtp, programme, volunteer,
                                                       login_as):
    coordinator = login_as("coordinator", organisation=programme.organisation)
    application = services.apply(volunteer, programme, "", NOW)
    services.plan_interview(coordinator, application, INTERVIEW, NOW)
    services.withdraw(volunteer, application, "", NOW)
    assert [row.status for row in outbox_rows("application-interview")] == [Status.CANCELLED]
    assert smtp.messages_to("amina@example.org") == []


def test_in_a_programme_without_interview_the_charter_waits_from_the_application_on(
        app, smtp, volunteer):
    programme = make_programme(make_organisation(), slug="sponsors", interview=False)
    application = services.apply(volunteer, programme, "", NOW)
    setup.publish_charter(programme, {"body_fr": "v2", "body_nl": "v2", "body_en": "v2"},
                          12, AFTER)
    first, new = of_kind(smtp.messages_to("amina@example.org"), "application-charter")
    assert "avant votre premier contact" in mail_text(first)
    assert "nouvelle version" in mail_text(new)
    services.sign_charter(volunteer, application, 2, AFTER)
    [active] = of_kind(smtp.messages_to("amina@example.org"), "application-active")
    assert "maintenant actif·ve" in mail_text(active)


def test_a_volunteer_made_active_by_the_daily_refresh_is_told_once(app, smtp, volunteer):
    programme = make_programme(make_organisation(), slug="open-doors", interview=False,
                               charter=False)
    application = services.apply(volunteer, programme, "", NOW)
    services.refresh_status(application, NOW)  # as the view does right after applying
    services.refresh_status(application, AFTER)  # as the daily job does
    [mail] = smtp.messages_to("amina@example.org")
    assert mail["Subject"] == "Vous êtes actif·ve dans name_fr text"
    assert len(outbox_rows("application-active")) == 1
