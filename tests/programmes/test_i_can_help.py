"""'I can help' on a public need leads to applying to its programme, with the need
remembered through log-in, or through registration and the confirmation mail."""

import re
from urllib.parse import unquote

from sqlalchemy import select

from passerelle.needs.models import NeedStatus
from passerelle.programmes.models import Application
from tests.factories import PASSWORD, mail_text, make_organisation, make_user
from tests.needs.factories import make_need, make_programme, signed_in, staff_of


def a_need(**fields):
    organisation = make_organisation()
    programme = make_programme(organisation, name="Parrainage", kind="sponsorship")
    need = make_need(programme, title="Sponsor for a family in Ixelles",
                     title_fr="Parrain pour une famille à Ixelles", **fields)
    return organisation, programme, need


def apply_url(programme, need):
    return f"/programmes/{programme.slug}?need={need.id}"


def test_the_need_card_leads_to_its_programme_with_the_need(client, db):
    _organisation, programme, need = a_need()
    page = client.get("/help").get_data(as_text=True)
    assert f'href="{apply_url(programme, need)}#join"' in page
    assert ">I can help</a>" in page


def test_a_logged_in_volunteer_applies_and_the_coordinator_sees_the_need(app, client, db,
                                                                          login_as):
    organisation, programme, need = a_need()
    login_as()
    page = client.get(apply_url(programme, need)).get_data(as_text=True)
    assert "You are answering this need: Sponsor for a family in Ixelles" in page
    assert f'name="need" type="hidden" value="{need.id}"' in page
    response = client.post(f"/programmes/{programme.slug}/apply",
                           data={"motivation": "I live nearby.", "need": str(need.id)})
    assert response.headers["Location"] == "/applications/"
    application = db.session.scalar(select(Application))
    assert application.need_id == need.id
    coordinator = signed_in(app, staff_of(organisation, "coordinator"))
    review = coordinator.get(f"/applications/{application.id}/review").get_data(as_text=True)
    assert "Answered the need: Sponsor for a family in Ixelles" in review


def test_an_application_without_a_need_says_nothing_of_one(app, client, db, login_as):
    organisation, programme, _need = a_need()
    login_as()
    client.post(f"/programmes/{programme.slug}/apply", data={"motivation": ""})
    application = db.session.scalar(select(Application))
    assert application.need_id is None
    coordinator = signed_in(app, staff_of(organisation, "coordinator"))
    review = coordinator.get(f"/applications/{application.id}/review").get_data(as_text=True)
    assert "Answered the need" not in review


def test_a_need_of_another_programme_is_not_recorded(client, db, login_as):
    _organisation, programme, _need = a_need()
    _other_organisation, _other, elsewhere = a_need()
    login_as()
    client.post(f"/programmes/{programme.slug}/apply", data={"need": str(elsewhere.id)})
    assert db.session.scalar(select(Application)).need_id is None


def test_a_closed_need_is_not_shown_on_the_programme_page(client, db, login_as):
    _organisation, programme, need = a_need(status=NeedStatus.closed)
    login_as()
    page = client.get(apply_url(programme, need)).get_data(as_text=True)
    assert "You are answering this need" not in page and 'name="need"' not in page


def test_the_need_is_remembered_through_log_in(client, db):
    _organisation, programme, need = a_need()
    make_user(email="lotte@example.org")
    page = client.get(apply_url(programme, need)).get_data(as_text=True)
    login = re.search(r'href="(/account/login\?next=[^"]+)"', page).group(1)
    assert unquote(login) == f"/account/login?next={apply_url(programme, need)}"
    response = client.post(login, data={"email": "lotte@example.org", "password": PASSWORD})
    assert response.headers["Location"] == apply_url(programme, need)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You are answering this need: Sponsor for a family in Ixelles" in page


def test_the_need_is_remembered_through_registration_and_the_confirmation_mail(
        app, client, db, smtp):
    _organisation, programme, need = a_need()
    page = client.get(apply_url(programme, need)).get_data(as_text=True)
    register = re.search(r'href="(/account/register\?next=[^"]+)"', page).group(1)
    response = client.post(register, data={
        "name": "Lotte Maes", "email": "lotte@example.org", "password": PASSWORD,
        "confirm": PASSWORD, "locale": "fr"})
    assert unquote(response.headers["Location"]) == (
        f"/account/login?next={apply_url(programme, need)}")
    [mail] = smtp.messages_to("lotte@example.org")
    link = next(line for line in mail_text(mail).splitlines() if "/account/confirm/" in line)
    # The link is opened in another browser (a phone's mail app): the need comes with it.
    phone = app.test_client()
    confirmed = phone.get(link.replace("http://passerelle.test", ""))
    login = confirmed.headers["Location"]
    assert unquote(login) == f"/account/login?next={apply_url(programme, need)}"
    logged_in = phone.post(login, data={"email": "lotte@example.org", "password": PASSWORD})
    assert logged_in.headers["Location"] == apply_url(programme, need)
    page = phone.get(apply_url(programme, need)).get_data(as_text=True)
    assert "Vous répondez à ce besoin : Parrain pour une famille à Ixelles" in page
    phone.post(f"/programmes/{programme.slug}/apply", data={"need": str(need.id)})
    assert db.session.scalar(select(Application)).need_id == need.id


def test_a_confirmation_link_never_leads_off_the_site(client, db, smtp):
    client.post("/account/register?next=https://evil.example/x", data={
        "name": "Lotte Maes", "email": "lotte@example.org", "password": PASSWORD,
        "confirm": PASSWORD, "locale": "en"})
    [mail] = smtp.messages_to("lotte@example.org")
    link = next(line for line in mail_text(mail).splitlines() if "/account/confirm/" in line)
    assert "evil" not in link
    forged = link.replace("http://passerelle.test", "") + "?next=https://evil.example/x"
    assert client.get(forged).headers["Location"] == "/account/login"
