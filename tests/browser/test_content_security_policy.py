"""The main pages work in a real Chromium under the Content-Security-Policy: no violation,
no script error, the language switcher still switches."""

from datetime import UTC, datetime

import pyotp
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PUBLIC = ["/", "/organisations/", "/organisations/cire", "/programmes/cire-sponsorship",
          "/help", "/account/login", "/account/register", "/account/forgot-password"]
SIGNED_IN = ["/account/", "/account/password", "/profile/", "/profile/hosting", "/applications/",
             "/offers/", "/offers/new", "/coordination/", "/organisations/cire/edit",
             "/organisations/cire/people", "/organisations/cire/supported",
             "/organisations/cire/supported/new", "/supported/{person}",
             "/supported/{person}/edit", "/organisations/cire/needs",
             "/organisations/cire/needs/new", "/organisations/cire/material",
             "/programmes/cire-sponsorship/applications", "/programmes/cire-sponsorship/settings",
             "/applications/{application}/review"]


@pytest.fixture
def site(live_server):
    from sqlalchemy import select

    from passerelle.extensions import db
    from passerelle.organisations.models import Organisation, Programme
    from passerelle.organisations.seed import load_directory, read_directory
    from passerelle.programmes import services
    from tests.factories import enrol_two_factor, make_membership, make_user
    from tests.needs.factories import make_person

    with live_server.app.app_context():
        load_directory(read_directory())
        cire = db.session.scalar(select(Organisation).where(Organisation.slug == "cire"))
        programme = db.session.scalar(select(Programme).where(
            Programme.slug == "cire-sponsorship"))
        coordinator = make_user(email="coord@cire.example", locale="en")
        make_membership(coordinator, cire, "coordinator")
        live_server.secret = enrol_two_factor(coordinator)
        application = services.apply(make_user(), programme, "Nearby.",
                                     datetime(2026, 6, 1, 8, tzinfo=UTC))
        live_server.ids = {"person": make_person(cire, "Zainab").id,
                           "application": application.id}
    return live_server


def watched(context):
    """A page that records every console error and uncaught script error."""
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error"
            and page.problems.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"{page.url}: {error}"))
    return page


def test_the_main_pages_run_under_the_policy_without_a_violation(browser, site):
    from tests.factories import PASSWORD

    context = browser.new_context(locale="en-GB")
    page = watched(context)
    for path in PUBLIC:
        assert page.goto(site.url + path).status == 200, path

    page.goto(site.url + "/account/login")
    page.get_by_label("E-mail address").fill("coord@cire.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("The 6-digit code from your app, or a recovery code").fill(
        pyotp.TOTP(site.secret).now())
    page.get_by_role("button", name="Continue").click()
    for path in SIGNED_IN:
        url = site.url + path.format(**site.ids)
        assert page.goto(url).status == 200, path
        assert page.url == url, path  # the page itself, not a detour to the second factor

    page.goto(site.url + "/organisations/")
    page.get_by_role("button", name="NL").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_url(site.url + "/organisations/")
    assert page.problems == []
    context.close()


def test_the_policy_is_enforced_and_a_violation_would_be_seen(browser, site):
    context = browser.new_context(locale="en-GB")
    page = watched(context)
    response = page.goto(site.url + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    ran = page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.append(script);
        return window.injected === true;
    }""")
    assert ran is False
    assert any("Content Security Policy" in problem for problem in page.problems)
    context.close()
