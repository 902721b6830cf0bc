"""Language duos in a real Chromium on a 360-px phone: the coordinator of a language
exchange proposes duos, reads why (languages both ways, shared interests) and approves;
Ada accepts in French and Farah in Dutch, and the duo is active. Each page is checked to
fit the screen and kept as a screenshot in tests/browser/artefacts/ (git-ignored)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_matching_journey import PHONE, fits, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world(live_server):
    import pyotp

    from passerelle.extensions import db
    from tests.duos.factories import exchange_programme, participant
    from tests.factories import enrol_two_factor, make_membership, make_user

    with live_server.app.app_context():
        programme = exchange_programme(slug="langue-culture")
        coordinator = make_user(email="colette@example.org", name="Colette", locale="en")
        make_membership(coordinator, programme.organisation, "coordinator")
        live_server.totp = pyotp.TOTP(enrol_two_factor(coordinator))
        ada = participant(programme, "Ada Local", {"fr": 4}, ["ar"], interests=["cooking"],
                          locale="fr")
        farah = participant(programme, "Farah New", {"ar": 4}, ["fr"], interests=["cooking"],
                            newcomer=True, locale="nl")
        db.session.commit()
        live_server.programme, live_server.people = programme.slug, [ada.email, farah.email]
    return live_server


def test_a_language_duo_from_batch_to_active_on_a_phone(browser, world):
    coordinator = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    log_in(coordinator, world, "colette@example.org", world.totp)
    coordinator.goto(f"{world.url}/duos/programmes/{world.programme}")
    fits(coordinator, "duos-programme")
    coordinator.get_by_role("button", name="Propose duos").click()
    expect(coordinator.get_by_text("Ada Local helps Farah New practise: French")).to_be_visible()
    fits(coordinator, "duos-batch")
    coordinator.get_by_role("button", name="Approve the ticked duos").click()
    for email, accept in zip(world.people, ("Accepter le duo", "Het duo aanvaarden"),
                             strict=True):
        page = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
        log_in(page, world, email)
        page.goto(world.url + "/my/duos")
        page.locator("main a[href^='/duos/']").first.click()
        fits(page, f"duos-duo-{email.split('@')[0]}")
        page.get_by_role("button", name=accept).click()
    coordinator.goto(f"{world.url}/duos/programmes/{world.programme}")
    expect(coordinator.get_by_text("Active").first).to_be_visible()
