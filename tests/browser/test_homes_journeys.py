"""Each person's home on a 360-px phone, in Dutch and in French: a volunteer's, a
coordinator's with the review page, a staff member's. Screenshots are kept in
tests/browser/artefacts/ (git-ignored) to be looked at."""

from datetime import date, timedelta
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
ARTEFACTS = Path(__file__).parent / "artefacts"
LOCALES = {"nl": "nl-BE", "fr": "fr-BE"}
WORDS = {
    "nl": {"email": "E-mailadres", "password": "Wachtwoord", "log_in": "Aanmelden",
           "code": "De code van 6 cijfers uit je app, of een herstelcode", "go": "Doorgaan",
           "next": "Volgende stap:", "interview": "Een gesprek met de coördinatoren",
           "coordination": "Coördinatie", "fitting": "Programma's die bij je profiel passen",
           "interviews": "Komende gesprekken", "profile": "Profiel",
           "languages": "Arabisch (Moedertaal)", "waiting": "2 personen wachten",
           "needs": "1 openstaande vraag", "plan": "Het gesprek plannen",
           "screening": "Screening", "training": "Gevolgde opleiding"},
    "fr": {"email": "Adresse e-mail", "password": "Mot de passe", "log_in": "Se connecter",
           "code": "Le code à 6 chiffres de votre application, ou un code de secours",
           "go": "Continuer", "next": "Prochaine étape :",
           "interview": "Un entretien avec les coordinateurs", "coordination": "Coordination",
           "fitting": "Programmes qui correspondent à votre profil",
           "interviews": "Entretiens à venir", "profile": "Profil",
           "languages": "Arabe (Langue maternelle)", "waiting": "2 personnes en attente",
           "needs": "1 besoin ouvert", "plan": "Planifier l’entretien",
           "screening": "Sélection", "training": "Formation suivie"},
}


def shot(page, name: str) -> Path:
    ARTEFACTS.mkdir(exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"


def log_in(page, server, locale, email, secret=None):
    words = WORDS[locale]
    page.goto(server.url + "/account/login")
    page.get_by_label(words["email"]).fill(email)
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["log_in"]).click()
    if secret:
        page.get_by_label(words["code"]).fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name=words["go"]).click()


def world(server, locale):
    """A sponsorship programme in Brussels with a coordinator, a staff member and Lina, a
    volunteer from Saint-Gilles whose interview is in three days."""
    from passerelle.core.time import utcnow
    from passerelle.data import places
    from passerelle.extensions import db
    from passerelle.programmes import services
    from passerelle.volunteers import services as volunteers
    from tests.factories import (
        enrol_two_factor,
        make_membership,
        make_organisation,
        make_programme,
        make_user,
    )
    from tests.needs.factories import make_need, make_person
    from tests.needs.factories import make_programme as make_plain_programme

    with server.app.app_context():
        organisation = make_organisation(slug="maison", name="Maison Ouverte")
        programme = make_programme(organisation, slug="parrainage", trainings=["Accueil"])
        programme.name_fr, programme.name_nl = "Parrainage à Bruxelles", "Peterschap in Brussel"
        programme.cities = ["21004"]
        make_plain_programme(organisation, kind="mentoring", name="Duo pour l'emploi",
                             cities=["21015"])
        db.session.commit()
        lina = make_user(email="lina@example.org", name="Lina Haddad", locale=locale)
        volunteers.save_profile(lina, volunteers.ProfileData(
            place=places.resolve("1060"), travel_km=10, languages=[("ar", 4), ("fr", 3)],
            grid=[(0, 2), (2, 1), (5, 0)], skills=["interpreter"], sector=None,
            interests=["cooking"], birth_date=date(1991, 3, 14), max_matches=1))
        volunteers.save_hosting(lina, volunteers.HostingData(
            accompaniment_only=True, rooms=0, beds=0, guest_kinds=[], notes="", periods=[]))
        application = services.apply(lina, programme, "J'habite à Saint-Gilles.", utcnow())
        services.apply(make_user(name="Wim Peeters"), programme, "", utcnow())
        coordinator = make_user(email="claire@maison.example", name="Claire", locale=locale)
        make_membership(coordinator, organisation, "coordinator")
        services.plan_interview(coordinator, application, utcnow() + timedelta(days=3),
                                utcnow())
        staff = make_user(email="omar@maison.example", name="Omar", locale=locale)
        make_membership(staff, organisation, "staff")
        make_person(organisation, first_name="Zainab")
        make_person(organisation, first_name="Samir")
        make_need(make_plain_programme(organisation), title="Un parrain pour une famille")
        return {"coordinator": enrol_two_factor(coordinator), "staff": enrol_two_factor(staff),
                "application": application.id}


@pytest.mark.parametrize("locale", ["nl", "fr"])
def test_volunteer_home_on_a_phone(browser, live_server, locale):
    world(live_server, locale)
    words = WORDS[locale]
    context = browser.new_context(locale=LOCALES[locale], viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, locale, "lina@example.org")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lina Haddad")
    card = page.locator(".home-item").first
    expect(card).to_contain_text(words["next"])
    expect(card).to_contain_text(words["interview"])
    expect(card.locator("time")).to_be_visible()
    fitting = page.locator("section", has=page.get_by_role("heading", name=words["fitting"]))
    expect(fitting).to_contain_text("Duo pour l'emploi")
    expect(page.get_by_role("navigation").first.get_by_role(
        "link", name=words["coordination"])).to_have_count(0)
    fits_the_screen(page)
    shot(page, f"volunteer-home-{locale}-360")
    context.close()


@pytest.mark.parametrize("locale", ["nl", "fr"])
def test_coordinator_home_and_review_on_a_phone(browser, live_server, locale):
    secrets = world(live_server, locale)
    words = WORDS[locale]
    context = browser.new_context(locale=LOCALES[locale], viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, locale, "claire@maison.example", secrets["coordinator"])
    interviews = page.locator("section[aria-labelledby=coordination]")
    expect(interviews).to_contain_text(words["interviews"])
    expect(interviews.get_by_role("link", name="Lina Haddad")).to_be_visible()
    expect(page.get_by_text("Zainab")).to_have_count(0)
    fits_the_screen(page)
    shot(page, f"coordinator-home-{locale}-360")

    interviews.get_by_role("link", name="Lina Haddad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lina Haddad")
    profile = page.locator("section.profile")
    expect(profile).to_contain_text(words["languages"])
    expect(profile).to_contain_text("1060")
    expect(profile).not_to_contain_text("1991")
    expect(page.get_by_role("heading", name=words["plan"])).to_be_visible()
    expect(page.get_by_role("heading", name=words["training"])).to_have_count(0)
    expect(page.locator("a[rel=next]")).to_have_count(1)  # Wim's application, next in line
    fits_the_screen(page)
    shot(page, f"review-{locale}-360")
    context.close()


@pytest.mark.parametrize("locale", ["nl", "fr"])
def test_staff_home_on_a_phone(browser, live_server, locale):
    secrets = world(live_server, locale)
    words = WORDS[locale]
    context = browser.new_context(locale=LOCALES[locale], viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, locale, "omar@maison.example", secrets["staff"])
    work = page.locator("section[aria-labelledby=organisation-work]")
    expect(work).to_contain_text(words["waiting"])
    expect(work).to_contain_text(words["needs"])
    expect(page.get_by_text("Zainab")).to_have_count(0)
    expect(page.get_by_role("navigation").first.get_by_role(
        "link", name=words["coordination"])).to_have_count(0)
    fits_the_screen(page)
    shot(page, f"staff-home-{locale}-360")
    # The organisation's pages in one tap, from the navigation.
    page.get_by_role("navigation").first.get_by_role("link", name="Maison Ouverte").click()
    expect(page).to_have_url(live_server.url + "/organisations/maison/needs")
    context.close()
