"""A staff member sets up two-step verification on a phone-sized screen, then sees the
people the organisation supports."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 780}


def test_staff_member_sets_up_two_step_verification_then_sees_the_people(
        browser, live_server, tmp_path):
    from tests.factories import PASSWORD, make_membership, make_organisation, make_user
    from tests.needs.factories import make_person

    with live_server.app.app_context():
        safe_space = make_organisation(slug="safe-space", name="Safe Space")
        make_membership(make_user(email="nora@safe.example", name="Nora", locale="en"),
                        safe_space, "staff")
        make_person(safe_space, first_name="Zainab")

    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/account/login")
    page.get_by_label("E-mail address").fill("nora@safe.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(live_server.url + "/organisations/safe-space/supported")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step verification")
    expect(page.get_by_text("Zainab")).to_have_count(0)
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    page.screenshot(path=str(tmp_path / "two-factor-setup-360.png"), full_page=True)

    secret = re.sub(r"\s", "", page.locator("#secret").inner_text())
    page.get_by_label("The 6-digit code your app shows").fill(pyotp.TOTP(secret).now())
    page.get_by_label("Do not ask again on this device for 30 days").check()
    page.get_by_role("button", name="Turn on two-step verification").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.screenshot(path=str(tmp_path / "two-factor-codes-360.png"), full_page=True)
    page.get_by_role("link", name="I have kept them: continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("People we support")
    expect(page.get_by_role("link", name="Zainab")).to_be_visible()
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["passerelle_device"]["httpOnly"]

    page.get_by_role("link", name="My account").click()
    page.get_by_role("link", name="Two-step verification").click()
    expect(page.get_by_text("10 recovery codes left. 1 device trusted.")).to_be_visible()
    page.screenshot(path=str(tmp_path / "two-factor-overview-360.png"), full_page=True)
    context.close()
