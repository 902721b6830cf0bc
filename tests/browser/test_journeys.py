"""A newcomer's first visit, in a real Chromium: sign up in Dutch, log in, browse."""

import pytest
from playwright.sync_api import expect

from tests.factories import mail_text

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded_server(live_server):
    from passerelle.organisations.seed import load_directory, read_directory

    with live_server.app.app_context():
        load_directory(read_directory())
    return live_server


def confirmation_link(server, email):
    """The link in the confirmation mail, written as an .eml file by the dispatcher."""
    from email import message_from_bytes, policy
    from pathlib import Path

    from tests.conftest import deliver_mail

    deliver_mail(server.app)

    for path in Path(server.app.config["MAIL_DIR"]).glob("*.eml"):
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        if mail["To"] == email:
            line = next(line for line in mail_text(mail).splitlines()
                        if "/account/confirm/" in line)
            return line.replace("http://passerelle.test", server.url)
    raise AssertionError(f"no mail to {email}")


def test_register_in_dutch_confirm_log_in_and_find_an_organisation(browser, seeded_server):
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    url = seeded_server.url
    page.goto(url + "/account/register")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.get_by_label("Naam").fill("Fien Wouters")
    page.get_by_label("E-mailadres").fill("fien@example.org")
    page.get_by_label("Wachtwoord", exact=True).fill("een lang wachtwoord")
    page.get_by_label("Herhaal het wachtwoord").fill("een lang wachtwoord")
    page.get_by_label("Voorkeurstaal").select_option("nl")
    page.get_by_role("button", name="Mijn account aanmaken").click()
    # Not signed in yet: the address is confirmed from the e-mail first.
    expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("fien@example.org")
    page.goto(confirmation_link(seeded_server, "fien@example.org"))
    expect(page.get_by_role("status").first).to_contain_text("bevestigd")

    page.get_by_label("E-mailadres").fill("fien@example.org")
    page.get_by_label("Wachtwoord").fill("een lang wachtwoord")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("status").first).to_contain_text("aangemeld")

    page.get_by_role("link", name="Organisaties", exact=True).click()
    page.get_by_label("Soort programma").select_option("mentoring")
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("link", name="DUO for a JOB")).to_be_visible()
    expect(page.get_by_role("link", name="Safe Space")).to_have_count(0)
    page.get_by_role("link", name="DUO for a JOB").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("DUO for a JOB")
    expect(page.get_by_role("heading", name="Programma's")).to_be_visible()
    context.close()


def test_volunteer_applies_to_cire_sponsorship_and_a_coordinator_screens(browser, seeded_server):

    import pyotp
    from sqlalchemy import select

    from passerelle.core.time import utcnow
    from passerelle.extensions import db
    from passerelle.organisations.models import Organisation, Programme
    from passerelle.programmes import setup
    from passerelle.programmes.services import requirements_of
    from tests.factories import PASSWORD, enrol_two_factor, make_membership, make_user

    with seeded_server.app.app_context():
        programme = db.session.scalar(select(Programme).where(Programme.slug == "cire-sponsorship"))
        rules = requirements_of(programme)
        rules.interview, rules.charter = True, True
        db.session.add(rules)
        db.session.commit()
        setup.publish_charter(programme, {"body_fr": "Charte v1", "body_nl": "Charter v1",
                                          "body_en": "Charter v1"}, None, utcnow())
        cire = db.session.scalar(select(Organisation).where(Organisation.slug == "cire"))
        claire = make_user(email="coord@cire.example", name="Claire", locale="en")
        make_membership(claire, cire, "coordinator")
        secret = enrol_two_factor(claire)
        make_user(email="lina@example.org", name="Lina Haddad", locale="en")

    def log_in(page, email):
        page.goto(seeded_server.url + "/account/login")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

    volunteer = browser.new_context(locale="en-GB").new_page()
    log_in(volunteer, "lina@example.org")
    volunteer.goto(seeded_server.url + "/programmes/cire-sponsorship")
    volunteer.get_by_label("Why this programme? (optional)").fill("I live in Schaerbeek.")
    volunteer.get_by_role("button", name="Apply").click()
    expect(volunteer.get_by_text("The charter is not signed yet.")).to_be_visible()

    coordinator = browser.new_context(locale="en-GB").new_page()
    log_in(coordinator, "coord@cire.example")
    coordinator.get_by_label("The 6-digit code from your app, or a recovery code").fill(
        pyotp.TOTP(secret).now())
    coordinator.get_by_role("button", name="Continue").click()
    coordinator.goto(seeded_server.url + "/coordination/")
    coordinator.get_by_role("link", name="Sponsorship of asylum seekers", exact=False).click()
    coordinator.get_by_role("link", name="Lina Haddad").click()
    expect(coordinator.get_by_text("I live in Schaerbeek.")).to_be_visible()
    coordinator.get_by_label("Interview date and time").fill("2026-01-05T18:30")
    coordinator.get_by_role("button", name="Plan", exact=True).click()
    expect(coordinator.get_by_text("Interview planned").first).to_be_visible()
    coordinator.get_by_label("Passed").check()
    coordinator.get_by_label("Private note (coordinators only)").fill("Very motivated.")
    coordinator.get_by_role("button", name="Record the screening").click()
    coordinator.get_by_role("button", name="Mark the charter signed").click()
    expect(coordinator.locator("main > p strong")).to_have_text("Active")

    volunteer.reload()
    expect(volunteer.get_by_text("Active", exact=True)).to_be_visible()
    expect(volunteer.get_by_text("Very motivated.")).to_have_count(0)
