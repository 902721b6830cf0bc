"""The privacy notice: who sees what, how long, whom to contact; linked from every page."""

import pytest


@pytest.mark.parametrize(("locale", "heading", "who"), [
    ("fr", "Comment Passerelle protège les données personnelles", "Qui voit quoi"),
    ("nl", "Hoe Passerelle persoonsgegevens beschermt", "Wie ziet wat"),
    ("en", "How Passerelle protects personal data", "Who sees what"),
])
def test_the_notice_comes_in_three_languages(client, locale, heading, who):
    page = client.get("/privacy", headers={"Accept-Language": locale}).get_data(as_text=True)
    assert heading in page and who in page


def test_the_notice_says_who_sees_how_long_and_whom_to_contact(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert "Administrators and network coordinators do not see it." in page
    assert "Volunteers see only what their match needs" in page
    assert "24 months" in page and "retention job" in page
    assert "the team that runs this Passerelle" in page


def test_the_operator_s_address_is_configurable(app, client):
    app.config["PASSERELLE_PRIVACY_CONTACT"] = "privacy@passerelle.example"
    page = client.get("/privacy").get_data(as_text=True)
    assert 'href="mailto:privacy@passerelle.example"' in page


@pytest.mark.parametrize("url", ["/", "/organisations/", "/help", "/account/login",
                                 "/account/register", "/no-such-page"])
def test_every_page_links_to_the_notice(client, url):
    assert 'href="/privacy"' in client.get(url).get_data(as_text=True)


def test_sign_up_points_to_the_notice_beside_the_form(client):
    page = client.get("/account/register").get_data(as_text=True)
    form = page[page.index("<form method=\"post\" novalidate"):]
    assert "How we handle your data:" in form and 'href="/privacy"' in form


def test_the_account_page_leads_to_my_data(client, login_as):
    login_as()
    assert 'href="/account/data"' in client.get("/account/").get_data(as_text=True)
