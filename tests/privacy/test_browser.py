"""In a real Chromium, with CSRF on: read the notice from sign-up, download one's data,
erase the account, and be logged out."""

import json
import zipfile

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_volunteer_downloads_then_erases_their_account(browser, live_server):
    from passerelle.accounts.models import User
    from passerelle.extensions import db
    from tests.factories import PASSWORD, make_user

    with live_server.app.app_context():
        user_id = make_user(email="lea@example.org", name="Léa Dubois", locale="fr").id
    context = browser.new_context(locale="fr-BE", accept_downloads=True)
    page = context.new_page()
    page.goto(live_server.url + "/account/register")
    page.get_by_role("link", name="la déclaration de confidentialité").click()
    expect(page.get_by_role("heading", name="Qui voit quoi")).to_be_visible()

    page.goto(live_server.url + "/account/login")
    page.get_by_label("Adresse e-mail").fill("lea@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(live_server.url + "/account/")
    page.get_by_role("link", name="Télécharger ou effacer mes données").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger mes données").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert json.loads(archive.read("data.json"))["account"][0]["name"] == "Léa Dubois"

    page.get_by_role("link", name="Effacer mon compte et mes données personnelles").click()
    page.get_by_label("Votre mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Effacer définitivement mon compte").click()
    expect(page.get_by_role("status").first).to_contain_text("sont effacés")
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    with live_server.app.app_context():
        assert db.session.get(User, user_id).name == ""
    context.close()
