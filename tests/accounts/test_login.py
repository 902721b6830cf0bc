from sqlalchemy import select
from werkzeug.security import check_password_hash

from passerelle.accounts.models import User
from tests.factories import PASSWORD, mail_text, make_user


def login(client, email, password=PASSWORD):
    return client.post("/account/login", data={"email": email, "password": password})


def test_right_password_signs_in(client, app):
    make_user(email="jef@example.org", name="Jef Claes")
    assert login(client, "JEF@example.org").status_code == 302
    assert "Jef Claes" in client.get("/account/").get_data(as_text=True)


def test_wrong_password_and_unknown_address_say_the_same_and_keep_the_address(client, app):
    make_user(email="jef@example.org")
    wrong = login(client, "jef@example.org", "not the password").get_data(as_text=True)
    unknown = login(client, "nobody@example.org").get_data(as_text=True)
    for page, email in ((wrong, "jef@example.org"), (unknown, "nobody@example.org")):
        assert "do not match an account" in page
        assert f'value="{email}"' in page
    assert client.get("/account/").status_code == 302


def test_next_parameter_only_redirects_within_the_site(client, app):
    make_user(email="jef@example.org")
    response = client.post("/account/login?next=https://evil.example/",
                           data={"email": "jef@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_logout_ends_the_session(client, login_as):
    login_as()
    client.post("/account/logout")
    assert client.get("/account/").status_code == 302


def test_changing_the_password_ends_the_other_sessions(app, client, db):
    user = make_user(email="jef@example.org")
    other_device = app.test_client()
    login(client, "jef@example.org")
    login(other_device, "jef@example.org")
    response = client.post("/account/password", data={
        "current": PASSWORD, "password": "a brand new password", "confirm": "a brand new password"})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    assert other_device.get("/account/").status_code == 302
    assert login(other_device, "jef@example.org", "a brand new password").status_code == 302
    assert not check_password_hash(db.session.get(User, user.id).password_hash, PASSWORD)


def test_wrong_current_password_changes_nothing(client, db, login_as):
    user = login_as()
    before = user.password_hash
    page = client.post("/account/password", data={
        "current": "wrong", "password": "a brand new password",
        "confirm": "a brand new password"}).get_data(as_text=True)
    assert "The current password is not right." in page
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_logout_everywhere_ends_every_session(app, client, db):
    make_user(email="jef@example.org")
    other_device = app.test_client()
    login(client, "jef@example.org")
    login(other_device, "jef@example.org")
    client.post("/account/logout-everywhere")
    assert other_device.get("/account/").status_code == 302


def test_forgotten_password_link_works_once(client, db, smtp):
    make_user(email="jef@example.org", locale="en")
    client.post("/account/forgot-password", data={"email": "jef@example.org"})
    [mail] = smtp.messages_to("jef@example.org")
    assert mail["Subject"] == "Choose a new password"
    link = next(line for line in mail_text(mail).splitlines() if "/reset-password/" in line)
    path = link.replace("http://passerelle.test", "")
    data = {"password": "a brand new password", "confirm": "a brand new password"}
    assert client.post(path, data=data).headers["Location"] == "/account/login"
    assert login(client, "jef@example.org", "a brand new password").status_code == 302
    client.post("/account/logout")
    again = client.post(path, data={"password": "yet another password",
                                    "confirm": "yet another password"}, follow_redirects=True)
    assert "This link is invalid or has expired" in again.get_data(as_text=True)
    assert login(client, "jef@example.org", "yet another password").status_code == 200


def test_forgotten_password_for_an_unknown_address_sends_nothing_and_says_the_same(client, smtp):
    response = client.post("/account/forgot-password", data={"email": "nobody@example.org"},
                           follow_redirects=True)
    assert "If an account uses this address" in response.get_data(as_text=True)
    assert smtp.deliver().sent == 0 and smtp.envelopes == []


def test_create_admin_command_makes_an_administrator(app, db):
    result = app.test_cli_runner().invoke(args=[
        "create-admin", "--email", "Root@Example.org", "--name", "Root",
        "--password", "long enough password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "root@example.org"))
    assert user.is_admin and user.email_confirmed


def test_create_admin_refuses_a_short_password(app, db):
    result = app.test_cli_runner().invoke(args=[
        "create-admin", "--email", "root@example.org", "--name", "Root", "--password", "short"])
    assert result.exit_code != 0
    assert db.session.scalar(select(User)) is None


def test_create_admin_refuses_an_easily_guessed_password(app, db):
    result = app.test_cli_runner().invoke(args=[
        "create-admin", "--email", "root@example.org", "--name", "Root",
        "--password", "password1234"])
    assert result.exit_code != 0 and "too easy to guess" in result.output
    assert db.session.scalar(select(User)) is None
