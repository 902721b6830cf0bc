"""From an open need to an active match in a real Chromium on a 360-px phone, in English:
a coordinator reads who is excluded and why, proposes matches for the whole programme and
approves them; the volunteer accepts; the need is filled. Each matching page is checked to
fit the screen, and kept as a screenshot in tests/browser/artefacts/ (git-ignored)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ARTEFACTS = Path(__file__).parent / "artefacts"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def world(live_server):
    """A sponsorship programme with two open needs, one in French and one in Dutch; Ada
    speaks French, Bea Dutch, Dari only Dari; a coordinator with two-step verification."""
    import pyotp

    from tests.factories import enrol_two_factor, make_membership, make_user
    from tests.matching.factories import MON_EVENING, TUE_EVENING, need, open_programme
    from tests.matching.factories import volunteer as make_volunteer

    with live_server.app.app_context():
        programme = open_programme(slug="sponsors")
        coordinator = make_user(email="colette@example.org", name="Colette", locale="en")
        make_membership(coordinator, programme.organisation, "coordinator")
        live_server.totp = pyotp.TOTP(enrol_two_factor(coordinator))
        french = need(programme, title="A sponsor for a family in Saint-Gilles",
                      languages=("fr",), weekly_mask=MON_EVENING)
        need(programme, title="Dutch conversation on Tuesday evenings", languages=("nl",),
             weekly_mask=TUE_EVENING)
        ada = make_volunteer(programme, "Ada Peeters", languages={"fr": 4})
        make_volunteer(programme, "Bea Janssens", languages={"nl": 4})
        make_volunteer(programme, "Dari Only", languages={"prs": 4})
        live_server.need_id, live_server.ada = french.id, ada.email
        live_server.programme = programme.slug
    return live_server


def fits(page, name: str) -> None:
    """No sideways scrolling on the phone; the screenshot kept to be looked at."""
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"matching-{name}.png"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name} is {widths[0]} px wide on a {widths[1]} px screen"
    # A score's points are never broken over two lines ("1" above "0").
    broken = page.evaluate("[...document.querySelectorAll('.parts td')].filter(td => {"
                           " const text = document.createRange(); text.selectNodeContents(td);"
                           " return text.getClientRects().length > 1; }).map(td => td.innerText)")
    assert broken == [], f"{name}: points {broken} broken over lines"


def log_in(page, server, email, totp=None):
    from tests.factories import PASSWORD

    page.goto(server.url + "/account/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if totp is not None:
        page.get_by_label("The 6-digit code from your app, or a recovery code").fill(totp.now())
        page.get_by_role("button", name="Continue").click()
        expect(page.locator("input[name=code]")).to_have_count(0)


def test_from_an_open_need_to_an_active_match_on_a_phone(browser, world):
    coordinator = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    log_in(coordinator, world, "colette@example.org", world.totp)
    candidates = f"{world.url}/needs/{world.need_id}/candidates"
    coordinator.goto(candidates)
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text(
        "A sponsor for a family in Saint-Gilles")
    expect(coordinator.get_by_role("heading", name="1 volunteer fits")).to_be_visible()
    expect(coordinator.get_by_role("heading", name=re.compile("Ada Peeters"))).to_be_visible()
    fits(coordinator, "candidates")

    # Why the two others are not candidates: the count, then a sentence for each.
    coordinator.get_by_role("link", name="2 excluded: No common language").click()
    excluded = coordinator.locator("#excluded")
    expect(excluded.get_by_role("heading", name="No common language")).to_be_visible()
    expect(excluded.locator("li", has_text="Dari Only")).to_contain_text(
        "No common language: the need asks for French")
    expect(excluded.locator("li", has_text="Bea Janssens")).to_be_visible()
    fits(coordinator, "candidates-excluded")

    coordinator.get_by_role("link", name="Propose matches for all open needs of the programme"
                            ).click()
    expect(coordinator.get_by_label("The best total score")).to_be_checked()
    fits(coordinator, "new-batch")
    coordinator.get_by_role("button", name="Compute the proposals").click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Proposals of")
    ticked = coordinator.locator("input[type=checkbox][name=match]")
    expect(ticked).to_have_count(2)
    for box in ticked.all():
        expect(box).to_be_checked()
    expect(coordinator.get_by_role("checkbox", name=re.compile(
        "Approve Ada Peeters for A sponsor for a family"))).to_be_visible()
    fits(coordinator, "batch")
    # The coordinator's page of one proposal: approve, or refuse with a reason.
    proposal = coordinator.context.new_page()
    proposal.goto(world.url + coordinator.get_by_role("link", name="Ada Peeters")
                  .get_attribute("href"))
    expect(proposal.get_by_role("button", name="Approve")).to_be_visible()
    expect(proposal.get_by_role("button", name="Refuse")).to_be_visible()
    fits(proposal, "match-proposed")
    proposal.close()
    coordinator.get_by_role("button", name="Approve the ticked proposals").click()
    expect(coordinator.locator(".flash-success")).to_have_text("2 approved.")
    expect(coordinator.get_by_text("Approved, waiting for the volunteer")).to_have_count(2)
    expect(ticked).to_have_count(0)
    fits(coordinator, "batch-approved")

    volunteer = browser.new_context(viewport=PHONE, locale="en-GB").new_page()
    log_in(volunteer, world, world.ada)
    volunteer.locator(".site-header nav").get_by_role("link", name="My matches").click()
    expect(volunteer).to_have_url(world.url + "/my/matches")
    waiting = volunteer.locator("section", has=volunteer.get_by_role(
        "heading", name="Proposed to you: your answer is awaited"))
    expect(waiting.get_by_role("link")).to_have_text(["A sponsor for a family in Saint-Gilles"])
    # The need proposed to her is not also listed as not open to her (she is at her limit).
    not_yet = volunteer.locator("h2:text-is('Not open to you yet') + ul > li")
    expect(not_yet).to_have_count(1)
    expect(not_yet).to_contain_text("Dutch conversation on Tuesday evenings")
    fits(volunteer, "my-matches")
    waiting.get_by_role("link", name="A sponsor for a family in Saint-Gilles").click()
    expect(volunteer.get_by_text("Approved, waiting for the volunteer")).to_be_visible()
    expect(volunteer.get_by_text(re.compile(r"^To answer by "))).to_be_visible()
    fits(volunteer, "match-to-answer")
    volunteer.get_by_role("button", name="Accept").click()
    expect(volunteer.locator(".flash-success")).to_have_text("Thank you: the match is active.")
    expect(volunteer.locator("main > p strong")).to_have_text("Active")
    fits(volunteer, "match-active")
    volunteer.goto(world.url + "/my/matches")
    active = volunteer.locator("section", has=volunteer.get_by_role("heading", name="Active"))
    expect(active.get_by_role("link")).to_have_text(["A sponsor for a family in Saint-Gilles"])

    coordinator.goto(candidates)
    expect(coordinator.locator("main > p strong").first).to_have_text("Filled")
    expect(coordinator.locator("li", has_text="Ada Peeters").first).to_contain_text("Active")
    # Filled: nobody more is proposed for it.
    expect(coordinator.get_by_role("button", name=re.compile("^Propose "))).to_have_count(0)
    fits(coordinator, "candidates-filled")
