"""A guest's year of hosting, in a real Chromium on a 360-px phone: a partner association
refers Zainab to Up Together with the nights she needs a home for; the coordinator plans a
one-year trajectory of 8-week stays over three homes and approves it; each host accepts
their stays, one in French and one in Dutch. Each page is checked to fit the screen and kept
as a screenshot in tests/browser/artefacts/ (git-ignored)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.test_matching_journey import PHONE, fits, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world(live_server):
    import pyotp

    from passerelle.core.time import today_in_brussels
    from tests.factories import enrol_two_factor, make_membership, make_organisation, make_user
    from tests.hosting.factories import host, hosting_programme

    with live_server.app.app_context():
        programme = hosting_programme(slug="up-together")
        coordinator = make_user(email="colette@example.org", name="Colette", locale="en")
        make_membership(coordinator, programme.organisation, "coordinator")
        live_server.totp = pyotp.TOTP(enrol_two_factor(coordinator))
        partner = make_organisation(name="Partner association", slug="partner")
        referrer = make_user(email="paula@example.org", name="Paula", locale="en")
        make_membership(referrer, partner, "staff")
        live_server.partner_totp = pyotp.TOTP(enrol_two_factor(referrer))
        first = today_in_brussels() + timedelta(days=1)
        live_server.first, live_server.last = first, first + timedelta(days=364)
        live_server.hosts = []
        # Hanne is free the first eight months, Harry from the fifth, Hélène all year: a
        # guest alternating homes needs all three.
        for name, locale, (start, end) in (("Hanne", "nl", (0, 250)), ("Hélène", "fr", (0, 400)),
                                           ("Harry", "en", (120, 400))):
            user = host(programme, name=name, free=((first + timedelta(days=start),
                                                     first + timedelta(days=end)),))
            user.locale = locale
            live_server.hosts.append(user.email)
        from passerelle.extensions import db
        db.session.commit()
    return live_server


def test_a_year_of_stays_over_three_homes_on_a_phone(browser, world):
    partner = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    log_in(partner, world, "paula@example.org", world.partner_totp)
    partner.goto(world.url + "/organisations/partner/supported/new")
    partner.get_by_label("First name or alias").fill("Zainab")
    partner.get_by_label("French").check()
    partner.get_by_label("Municipality").fill("Saint-Gilles")
    partner.get_by_label("Needs a home from (first night)").fill(world.first.isoformat())
    partner.get_by_label("Until (last night)").fill(world.last.isoformat())
    # The only partner's hosting programme: Up Together.
    partner.get_by_label("Referred to a partner's housing hosting programme").select_option(
        index=1)
    fits(partner, "hosting-refer")
    partner.get_by_role("button", name="Save the record").click()
    expect(partner.get_by_role("heading", level=1)).to_contain_text("Zainab")

    coordinator = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    log_in(coordinator, world, "colette@example.org", world.totp)
    coordinator.goto(world.url + "/hosting/up-together")
    expect(coordinator.get_by_text("Zainab")).to_be_visible()
    fits(coordinator, "hosting-programme")
    coordinator.get_by_role("button", name="Plan trajectories for all waiting guests").click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Trajectory of Zainab")
    expect(coordinator.locator("ol.rows li")).to_have_count(7)
    expect(coordinator.get_by_role("heading", name="Nights without a home")).to_have_count(0)
    fits(coordinator, "hosting-trajectory")
    coordinator.get_by_role("button", name="Approve and ask the hosts").click()
    expect(coordinator.get_by_text("Approved: each host is asked")).to_be_visible()

    for email, accept in zip(world.hosts, ("Het verblijf aanvaarden", "Accepter le séjour",
                                           "Accept the stay"), strict=True):
        page = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
        log_in(page, world, email)
        page.goto(world.url + "/my/stays")
        stays = page.locator("ul.rows li a")
        count = stays.count()
        assert count >= 1  # 7 stays over the three homes
        for n in range(count):
            page.goto(world.url + "/my/stays")
            page.locator("ul.rows li a").nth(n).click()
            expect(page.get_by_text("Zainab").first).to_be_visible()
            fits(page, f"hosting-stay-{email.split('@')[0]}")
            page.get_by_role("button", name=accept).click()
    coordinator.reload()
    expect(coordinator.locator("ol.rows li", has_text="Accepted by the host")).to_have_count(7)
