"""A volunteer applies in Dutch, a coordinator plans the interview from the review page on a
360-px phone in French, one dispatcher pass sends the mail to a real SMTP server: the
volunteer reads the date in Dutch, with an .ics in Brussels time. The screenshot of the
review page after planning goes to tests/browser/artefacts/ (git-ignored)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar
from playwright.sync_api import expect

from tests.conftest import Inbox, _free_port

pytestmark = pytest.mark.browser

ARTEFACTS = Path(__file__).parent / "artefacts"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def server(live_server):
    """The live server, the seed directory, CIRÉ's sponsorship asking for an interview, a
    French coordinator with two-step verification, a Dutch volunteer; and its mail going
    to an SMTP server on loopback."""
    import pyotp
    from sqlalchemy import select

    from passerelle.extensions import db
    from passerelle.organisations.models import Organisation, Programme
    from passerelle.organisations.seed import load_directory, read_directory
    from passerelle.programmes.services import requirements_of
    from tests.factories import enrol_two_factor, make_membership, make_user

    app = live_server.app
    with app.app_context():
        load_directory(read_directory())
        programme = db.session.scalar(select(Programme).where(
            Programme.slug == "cire-sponsorship"))
        rules = requirements_of(programme)
        rules.interview = True
        db.session.add(rules)
        db.session.commit()
        cire = db.session.scalar(select(Organisation).where(Organisation.slug == "cire"))
        claire = make_user(email="claire@cire.example", name="Claire Dubois", locale="fr")
        make_membership(claire, cire, "coordinator")
        live_server.totp = pyotp.TOTP(enrol_two_factor(claire))
        make_user(email="fien@example.org", name="Fien Wouters", locale="nl")
        live_server.programme_nl = programme.text("name", "nl")
        live_server.programme_fr = programme.text("name", "fr")
    inbox = Inbox(app)
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    live_server.inbox = inbox
    yield live_server
    controller.stop()


def log_in(page, url, email, email_label, password_label, button):
    from tests.factories import PASSWORD

    page.goto(url + "/account/login")
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(PASSWORD)
    page.get_by_role("button", name=button).click()


def test_the_volunteer_reads_the_planned_interview_in_dutch_with_a_calendar_entry(
        browser, server):
    url = server.url
    volunteer = browser.new_context(locale="nl-BE").new_page()
    log_in(volunteer, url, "fien@example.org", "E-mailadres", "Wachtwoord", "Aanmelden")
    volunteer.goto(url + "/programmes/cire-sponsorship")
    volunteer.get_by_label("Waarom dit programma? (optioneel)").fill("Ik woon in Schaarbeek.")
    volunteer.get_by_role("button", name="Mijn kandidatuur indienen").click()
    expect(volunteer.get_by_role("heading", name="Mijn kandidaturen")).to_be_visible()

    context = browser.new_context(viewport=PHONE, locale="fr-BE")
    coordinator = context.new_page()
    log_in(coordinator, url, "claire@cire.example", "Adresse e-mail", "Mot de passe",
           "Se connecter")
    coordinator.get_by_label("Le code à 6 chiffres de votre application, ou un code de "
                             "secours").fill(server.totp.now())
    coordinator.get_by_role("button", name="Continuer").click()
    coordinator.goto(url + "/coordination/")
    coordinator.get_by_role("link", name=server.programme_fr, exact=False).first.click()
    coordinator.get_by_role("link", name="Fien Wouters").click()
    # Sunday 28 March 2027, the day summer time begins: 10:00 in Brussels is 08:00 UTC.
    coordinator.get_by_label("Date et heure de l’entretien").fill("2027-03-28T10:00")
    coordinator.get_by_role("button", name="Planifier", exact=True).click()
    expect(coordinator.get_by_role("status").first).to_contain_text("Enregistré")
    expect(coordinator.get_by_text("Entretien planifié").first).to_be_visible()
    ARTEFACTS.mkdir(exist_ok=True)
    coordinator.screenshot(path=str(ARTEFACTS / "review-after-planning-360-fr.png"),
                           full_page=True)
    widths = coordinator.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]

    # One dispatcher pass, as `flask reminders send-due` does, then the volunteer's inbox.
    received = server.inbox.messages_to("fien@example.org")
    [mail] = [m for m in received if m["Message-ID"].strip().startswith(
        "<application-interview.")]
    assert mail["Subject"] == f"Je gesprek voor {server.programme_nl}"
    assert mail["Content-Language"] == "nl"
    body = mail.get_body(("plain",)).get_content()
    assert "zondag 28 maart 2027, 10:00 (Brusselse tijd)" in body
    [attachment] = [p for p in mail.iter_attachments()
                    if p.get_content_type() == "text/calendar"]
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert event["dtstart"].params["TZID"] == "Europe/Brussels"
    assert event.start.replace(tzinfo=None) == datetime(2027, 3, 28, 10)
    assert event.start.astimezone(UTC) == datetime(2027, 3, 28, 8, tzinfo=UTC)
    assert str(event["summary"]) == f"Gesprek: {server.programme_nl}"
    # The coordinator was told of the application, in French, and the volunteer once.
    [told] = server.inbox.messages_to("claire@cire.example", deliver=False)
    assert told["Subject"] == f"Nouvelle candidature pour {server.programme_fr}"
    assert server.inbox.deliver().sent == 0

    volunteer.reload()
    expect(volunteer.get_by_text("Je gesprek:", exact=False)).to_contain_text("10:00")
    context.close()
