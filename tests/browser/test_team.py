"""A coordinator keeps their team on a phone, in a real Chromium, with CSRF on."""

from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_coordinator_manages_the_team_on_a_phone(browser, live_server):
    from passerelle.core.time import utcnow
    from passerelle.extensions import db
    from passerelle.organisations.models import Invitation
    from tests.factories import (
        PASSWORD,
        enrol_two_factor,
        make_membership,
        make_organisation,
        make_user,
    )

    with live_server.app.app_context():
        organisation = make_organisation(slug="safe-space", name="Safe Space")
        claire = make_user(email="coord@example.org", name="Claire")
        make_membership(claire, organisation, "coordinator")
        secret = enrol_two_factor(claire)
        make_membership(make_user(email="sam@example.org", name="Sam"), organisation)
        make_membership(make_user(email="noor@example.org", name="Noor"), organisation)
        admin = make_user(email="admin@example.org", name="Admin", is_admin=True)
        now = utcnow()
        db.session.add(Invitation(email="new.person.with.a.long.address@example.org",
                                  organisation=organisation, role="staff",
                                  invited_by_id=admin.id, created_at=now,
                                  expires_at=now + timedelta(days=14)))
        db.session.commit()

    context = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/account/login")
    page.get_by_label("E-mail address").fill("coord@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("The 6-digit code from your app, or a recovery code").fill(
        pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.goto(live_server.url + "/organisations/safe-space/people")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    team = page.get_by_role("region", name="People who work for the organisation")
    sam = team.get_by_role("listitem").filter(has_text="Sam")
    sam.get_by_role("button", name="Make coordinator").click()
    expect(page.get_by_role("status")).to_have_text("The role is changed.")
    expect(sam).to_contain_text("Coordinator")

    noor = team.get_by_role("listitem").filter(has_text="Noor")
    noor.get_by_text("Remove…").click()
    expect(noor).to_contain_text("Noor will lose access to Safe Space at once")
    noor.get_by_role("button", name="Yes, remove Noor").click()
    expect(page.get_by_role("status")).to_have_text("The member is removed from Safe Space.")
    expect(noor).to_have_count(0)
    changes = page.get_by_role("region", name="Latest changes to the team")
    expect(changes).to_contain_text("member removed: Noor")

    waiting = page.locator(".team li", has_text="new.person.with.a.long.address")
    expect(waiting).to_contain_text("Invited by Admin")
    waiting.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_have_text("The invitation is approved and on its way.")
    expect(page.get_by_role("heading", name="Invitations not yet accepted")).to_be_visible()
    context.close()
