"""The main pages on a 360-px phone, in Dutch and French: nothing wider than the screen,
the header in two rows, the focus on the error summary after a bad submit, and the steps
that cannot be undone asked twice. Screenshots go to tests/browser/artefacts/ (git-ignored)."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ARTEFACTS = Path(__file__).parent / "artefacts"
PHONE = {"width": 360, "height": 740}
# Two rows: the name and the language buttons (2.75rem), then the menu; never a third.
HEADER_MAX_PX = 120
LOCALES = {"nl": "nl-BE", "fr": "fr-BE"}


@pytest.fixture
def cire(live_server, locale):
    """The seeded directory, a coordinator of CIRÉ (two-step verification set up) with a
    person, needs, a material need and an application waiting, and a volunteer's offer."""
    import pyotp
    from sqlalchemy import select

    from passerelle.extensions import db
    from passerelle.organisations.models import Organisation, Programme
    from passerelle.organisations.seed import load_directory, read_directory
    from passerelle.programmes import services as programmes
    from tests.factories import at, enrol_two_factor, make_membership, make_user
    from tests.needs.factories import make_material_need, make_need, make_offer, make_person

    with live_server.app.app_context():
        load_directory(read_directory())
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == "cire"))
        programme = db.session.scalar(select(Programme).where(Programme.slug == "cire-sponsorship"))
        coordinator = make_user(email="claire@cire.example", name="Claire Dubois-Vandenberghe",
                                locale=locale)
        make_membership(coordinator, organisation, "coordinator")
        secret = enrol_two_factor(coordinator)
        person = make_person(organisation, first_name="Zainab", isolated=True,
                             no_outside_contact=True)
        make_need(programme, title="Un parrain ou une marraine pour une famille à Schaerbeek",
                  people_needed=2, weekly_mask=0b111)
        make_material_need(organisation, "Un frigo et une cuisinière pour un appartement")
        volunteer = make_user(email="lina@example.org", name="Lina Haddad", locale=locale)
        programmes.apply(volunteer, programme, "J'habite à Schaerbeek.", at(date(2026, 12, 1)))
        make_offer(volunteer, "Une table et quatre chaises en bon état")
        make_offer(coordinator, "Un canapé-lit")
        live_server.totp = pyotp.TOTP(secret)
        admin = make_user(email="alex@passerelle.example", name="Alex", locale=locale,
                          is_admin=True)
        live_server.admin_totp = pyotp.TOTP(enrol_two_factor(admin))
        live_server.slug = organisation.slug
        live_server.person_id = person.id
        live_server.programme = programme.slug
    return live_server


def phone(browser, locale):
    context = browser.new_context(viewport=PHONE, locale=LOCALES[locale])
    return context, context.new_page()


def check_fits(page, name):
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name} is {widths[0]} px wide on a {widths[1]} px screen"
    # No word of the weekly grid runs out of its column (nor is cut: words do not wrap).
    spilled = page.evaluate("[...document.querySelectorAll('.grid th')]"
                            ".filter(th => th.scrollWidth > th.clientWidth)"
                            ".map(th => th.innerText)")
    assert spilled == [], f"{name}: {spilled} wider than their column"
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= HEADER_MAX_PX, f"{name}: header {header['height']} px high"


def log_in(page, server, email, totp=None):
    from tests.factories import PASSWORD

    page.goto(server.url + "/account/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.locator("input[name=code]").fill((totp or server.totp).now())
    page.locator("main button[type=submit]").click()
    expect(page.locator("input[name=code]")).to_have_count(0)


@pytest.mark.parametrize("locale", ["nl", "fr"])
def test_the_main_pages_fit_a_phone(browser, cire, locale):
    context, page = phone(browser, locale)
    public = {"home": "/", "directory": "/organisations/", "organisation": "/organisations/cire",
              "programme": f"/programmes/{cire.programme}", "help": "/help",
              "login": "/account/login", "register": "/account/register", "privacy": "/privacy"}
    for name, path in public.items():
        page.goto(cire.url + path)
        check_fits(page, f"{locale}-public-{name}")

    log_in(page, cire, "claire@cire.example")
    slug = cire.slug
    signed_in = {
        "home": "/", "profile": "/profile/", "hosting": "/profile/hosting",
        "applications": "/applications/", "coordination": "/coordination/",
        "queue": f"/programmes/{cire.programme}/applications",
        "settings": f"/programmes/{cire.programme}/settings",
        "needs": f"/organisations/{slug}/needs", "need-form": f"/organisations/{slug}/needs/new",
        "people": f"/organisations/{slug}/supported", "person": f"/supported/{cire.person_id}",
        "person-form": f"/organisations/{slug}/supported/new",
        "material": f"/organisations/{slug}/material",
        "material-matches": f"/organisations/{slug}/material/matches",
        "offers": "/offers/", "team": f"/organisations/{slug}/people", "account": "/account/",
        "messages": "/account/messages", "news": f"/programmes/{cire.programme}/news",
    }
    for name, path in signed_in.items():
        response = page.goto(cire.url + path)
        assert response.ok, f"{path}: {response.status}"
        check_fits(page, f"{locale}-staff-{name}")
    context.close()


@pytest.mark.parametrize("locale", ["nl", "fr"])
def test_a_bad_submit_moves_the_focus_to_the_summary_that_links_to_each_field(
        browser, cire, locale):
    context, page = phone(browser, locale)
    page.goto(cire.url + "/account/register")
    page.locator("main button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
    check_fits(page, f"{locale}-register-errors")
    links = summary.locator("a")
    assert links.count() >= 3
    links.first.click()
    target = links.first.get_attribute("href")[1:]
    assert page.evaluate("document.activeElement.id") == target

    # A long form further down: the summary is above, and focused.
    log_in(page, cire, "claire@cire.example")
    page.goto(cire.url + f"/organisations/{cire.slug}/needs/new")
    page.locator("#people_needed").fill("0")
    page.locator("main form.stack button[type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check_fits(page, f"{locale}-need-errors")
    context.close()


@pytest.mark.parametrize("locale", ["nl", "fr"])
def test_closing_a_need_asks_first(browser, cire, locale):
    context, page = phone(browser, locale)
    log_in(page, cire, "claire@cire.example")
    page.goto(cire.url + f"/organisations/{cire.slug}/needs")
    confirm = page.locator("details.confirm")
    final = confirm.locator("button[type=submit]")
    expect(final).to_be_hidden()
    confirm.locator("summary").click()
    expect(final).to_be_visible()
    check_fits(page, f"{locale}-close-need-confirm")
    final.click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("details.confirm")).to_have_count(0)
    context.close()


@pytest.mark.parametrize("locale", ["nl", "fr"])
def test_the_outbox_page_fits_a_phone(browser, cire, locale):
    from tests.conftest import deliver_mail

    context, page = phone(browser, locale)
    deliver_mail(cire.app)  # the application's messages: sent, in the counts
    log_in(page, cire, "alex@passerelle.example", cire.admin_totp)
    pages = {"outbox": "/admin/outbox", "outbox-sent": "/admin/outbox?status=sent"}
    for name, path in pages.items():
        response = page.goto(cire.url + path)
        assert response.ok, f"{path}: {response.status}"
        check_fits(page, f"{locale}-admin-{name}")
    expect(page.locator("main table")).to_be_visible()  # the sent ones are listed
    context.close()

