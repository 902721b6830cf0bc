import pytest
from sqlalchemy import func, select

from passerelle.accounts.models import User
from tests.factories import PASSWORD, make_user


def register(client, **fields):
    data = {"name": "Lotte Maes", "email": "lotte@example.org", "password": PASSWORD,
            "confirm": PASSWORD, "locale": "en"} | fields
    return client.post("/account/register", data=data)


def user_count(db):
    return db.session.scalar(select(func.count()).select_from(User))


def test_registration_creates_an_unconfirmed_account_and_signs_in(client, db, smtp):
    response = register(client, email="  Lotte@Example.org ", locale="nl")
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert (user.email, user.name, user.locale) == ("lotte@example.org", "Lotte Maes", "nl")
    assert user.password_hash != PASSWORD and not user.email_confirmed
    assert "Mijn account" in client.get("/account/").get_data(as_text=True)
    [mail] = smtp.messages_to("lotte@example.org")
    assert "Bevestig" in mail["Subject"]


def test_confirmation_link_from_the_mail_confirms_the_address(client, db, smtp):
    register(client)
    body = smtp.messages_to("lotte@example.org")[0].get_content()
    link = next(line for line in body.splitlines() if "/account/confirm/" in line)
    client.get(link.replace("http://passerelle.test", ""))
    assert db.session.scalar(select(User)).email_confirmed


def test_a_forged_confirmation_link_is_refused(client, db):
    register(client)
    response = client.get("/account/confirm/forged-token", follow_redirects=True)
    assert "This link is invalid or has expired" in response.get_data(as_text=True)
    assert not db.session.scalar(select(User)).email_confirmed


def test_duplicate_registration_is_refused_beside_the_field(client, db):
    make_user(email="lotte@example.org")
    response = register(client, email="LOTTE@example.org", name="Another Lotte")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "An account with this e-mail address already exists" in page
    assert 'value="Another Lotte"' in page
    assert user_count(db) == 1


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": "not-an-address"}, "Enter a valid e-mail address"),
    ({"name": "x" * 121}, "At most 120 characters."),
    ({"email": "a" * 250 + "@example.org"}, "At most 254 characters."),
    ({"password": "short", "confirm": "short"}, "between 10 and 128 characters long"),
    ({"confirm": "something else entirely"}, "The two passwords differ."),
    ({"locale": "xx"}, "This language is not available"),
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
