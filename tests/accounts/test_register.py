import re

import pytest
from sqlalchemy import func, select

from passerelle.accounts.models import User
from tests.factories import PASSWORD, mail_text, make_user


def register(client, **fields):
    data = {"name": "Lotte Maes", "email": "lotte@example.org", "password": PASSWORD,
            "confirm": PASSWORD, "locale": "en"} | fields
    return client.post("/account/register", data=data)


def user_count(db):
    return db.session.scalar(select(func.count()).select_from(User))


def test_registration_creates_an_unconfirmed_account_and_mails_the_link(client, db, smtp):
    response = register(client, email="  Lotte@Example.org ", locale="nl")
    assert response.headers["Location"] == "/account/login"
    user = db.session.scalar(select(User))
    assert (user.email, user.name, user.locale) == ("lotte@example.org", "Lotte Maes", "nl")
    assert user.password_hash != PASSWORD and not user.email_confirmed
    [mail] = smtp.messages_to("lotte@example.org")
    assert "Bevestig" in mail["Subject"]
    # Not signed in: the person confirms the address, then logs in.
    assert client.get("/account/").status_code == 302
    assert client.post("/account/login", data={"email": "lotte@example.org",
                                                "password": PASSWORD}).status_code == 302


def test_confirmation_link_from_the_mail_confirms_the_address(client, db, smtp):
    register(client)
    body = smtp.messages_to("lotte@example.org")[0].get_body(("plain",)).get_content()
    link = next(line for line in body.splitlines() if "/account/confirm/" in line)
    client.get(link.replace("http://passerelle.test", ""))
    assert db.session.scalar(select(User)).email_confirmed


def test_a_forged_confirmation_link_is_refused(client, db):
    register(client)
    response = client.get("/account/confirm/forged-token", follow_redirects=True)
    assert "This link is invalid or has expired" in response.get_data(as_text=True)
    assert not db.session.scalar(select(User)).email_confirmed


def test_registering_a_taken_address_answers_the_same_and_mails_its_owner(app, db, smtp):
    owner = make_user(email="lotte@example.org", name="Lotte", locale="fr")
    answers = []
    for email in ("LOTTE@example.org", "new.person@example.org"):
        browser = app.test_client()
        browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        response = register(browser, email=email, name="Another Lotte")
        page = browser.get(response.headers["Location"]).get_data(as_text=True)
        page = re.sub(r'name="csrf_token" value="[^"]*"', "", page)  # one per browser
        answers.append((response.status_code, response.headers["Location"],
                        page.replace(email.lower(), "ADDRESS")))
        assert browser.get("/account/").status_code == 302
    assert answers[0] == answers[1]
    assert "follow the link in it to confirm your address" in answers[0][2]
    [mail] = smtp.messages_to("lotte@example.org")
    assert mail["Subject"] == "Quelqu'un a essayé de s'inscrire avec votre adresse"
    assert "/account/forgot-password" in mail_text(mail)
    db.session.expire_all()
    assert db.session.get(User, owner.id).name == "Lotte"
    assert user_count(db) == 2


def test_registering_again_while_unconfirmed_sends_the_confirmation_again(client, db, smtp):
    make_user(email="lotte@example.org", confirmed=False)
    register(client)
    [mail] = smtp.messages_to("lotte@example.org")
    assert mail["Subject"] == "Confirm your e-mail address"
    assert user_count(db) == 1


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": "not-an-address"}, "Enter a valid e-mail address"),
    ({"name": "x" * 121}, "At most 120 characters."),
    ({"email": "a" * 250 + "@example.org"}, "At most 254 characters."),
    ({"password": "short", "confirm": "short"}, "between 10 and 128 characters long"),
    ({"confirm": "something else entirely"}, "The two passwords differ."),
    ({"locale": "xx"}, "This language is not available"),
    ({"password": "password123", "confirm": "password123"}, "too easy to guess"),
    ({"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"}, "too easy to guess"),
    ({"password": "lotte@example.org", "confirm": "lotte@example.org"}, "too easy to guess"),
    ({"name": ""}, "This field is required."),
])
def test_bad_input_is_shown_beside_the_field_and_nothing_is_written(client, db, fields, message):
    response = client.post("/account/register",
                           data={"name": "Lotte Maes", "email": "lotte@example.org",
                                 "password": PASSWORD, "confirm": PASSWORD,
                                 "locale": "nl"} | fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'aria-invalid="true"' in page
    assert user_count(db) == 0
    if "name" not in fields:
        assert 'value="Lotte Maes"' in page
