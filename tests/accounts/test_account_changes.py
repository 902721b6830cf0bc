"""An open session is not enough to take an account over (holes 4 and 10)."""

from sqlalchemy import select

from passerelle.accounts.models import User
from tests.factories import PASSWORD, mail_text, make_user


def link_in(mail, path):
    line = next(line for line in mail_text(mail).splitlines() if path in line)
    return line.replace("http://passerelle.test", "")


def reload(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def change(client, email, current=PASSWORD, name="Jef Claes"):
    return client.post("/account/", data={"name": name, "email": email, "locale": "en",
                                          "current": current})


def test_changing_the_address_needs_the_current_password(client, db, login_as, smtp):
    user = login_as(email="jef@example.org", name="Jef")
    for current, message in (("", "Enter your current password to change your e-mail"),
                             ("not my password", "The current password is not right.")):
        page = change(client, "thief@example.org", current=current).get_data(as_text=True)
        assert message in page and 'value="thief@example.org"' in page
    user = reload(db, user)
    assert (user.name, user.email, user.pending_email) == ("Jef", "jef@example.org", None)
    assert smtp.deliver().sent == 0 and smtp.envelopes == []


def test_the_name_changes_without_the_password(client, db, login_as):
    user = login_as(email="jef@example.org", name="Jef")
    assert change(client, "jef@example.org", current="").status_code == 302
    assert reload(db, user).name == "Jef Claes"


def test_a_new_address_waits_for_its_link_and_the_old_address_is_told(client, db, login_as,
                                                                      smtp):
    user = login_as(email="jef@example.org", locale="nl")
    page = client.post("/account/", data={"name": "Jef", "email": "Jef.Claes@example.org",
                                          "locale": "nl", "current": PASSWORD},
                       follow_redirects=True).get_data(as_text=True)
    assert "jef.claes@example.org" in page  # "waiting for confirmation of ..."
    user = reload(db, user)
    assert (user.email, user.pending_email) == ("jef@example.org", "jef.claes@example.org")
    [told] = smtp.messages_to("jef@example.org")
    assert "nieuw e-mailadres" in told["Subject"]
    assert "jef.claes@example.org" in mail_text(told)
    [confirm] = smtp.messages_to("jef.claes@example.org")
    client.get(link_in(confirm, "/account/confirm/"))
    user = reload(db, user)
    assert (user.email, user.pending_email, user.email_confirmed) == (
        "jef.claes@example.org", None, True)


def test_a_taken_address_answers_the_same_and_its_confirmation_fails(client, db, login_as,
                                                                     smtp):
    other = make_user(email="taken@example.org")
    user = login_as(email="jef@example.org")
    free = change(client, "free@example.org")
    taken = change(client, "taken@example.org")
    assert (taken.status_code, taken.headers["Location"]) == (
        free.status_code, free.headers["Location"])
    [mail] = smtp.messages_to("taken@example.org")
    page = client.get(link_in(mail, "/account/confirm/"),
                      follow_redirects=True).get_data(as_text=True)
    assert "Another account uses this address already" in page
    assert reload(db, user).email == "jef@example.org"
    assert reload(db, other).email == "taken@example.org"


def test_a_confirmation_link_for_a_replaced_pending_address_is_refused(client, db, login_as,
                                                                       smtp):
    user = login_as(email="jef@example.org")
    change(client, "first@example.org")
    change(client, "second@example.org")
    [first] = smtp.messages_to("first@example.org")
    page = client.get(link_in(first, "/account/confirm/"),
                      follow_redirects=True).get_data(as_text=True)
    assert "This link is invalid or has expired" in page
    assert reload(db, user).email == "jef@example.org"


def test_the_owner_is_told_when_the_password_changes(client, login_as, smtp):
    login_as(email="jef@example.org", locale="fr")
    client.post("/account/password", data={
        "current": PASSWORD, "password": "a brand new password",
        "confirm": "a brand new password"})
    [mail] = smtp.messages_to("jef@example.org")
    assert mail["Subject"] == "Votre mot de passe Passerelle a été changé"
    assert "/account/forgot-password" in mail_text(mail)


def test_a_weak_new_password_is_refused_beside_the_field(client, db, login_as):
    user = login_as()
    page = client.post("/account/password", data={
        "current": PASSWORD, "password": "password1234",
        "confirm": "password1234"}).get_data(as_text=True)
    assert "This password is too easy to guess." in page
    assert reload(db, user).password_hash == user.password_hash


def test_a_weak_password_is_refused_on_the_reset_form(client, db, smtp):
    user = make_user(email="jef@example.org")
    client.post("/account/forgot-password", data={"email": "jef@example.org"})
    [mail] = smtp.messages_to("jef@example.org")
    page = client.post(link_in(mail, "/reset-password/"), data={
        "password": "qwertyuiop", "confirm": "qwertyuiop"}).get_data(as_text=True)
    assert "This password is too easy to guess." in page
    assert reload(db, user).password_hash == user.password_hash


def test_a_weak_password_is_refused_when_accepting_an_invitation(app, client, db, login_as,
                                                                 smtp):
    from tests.factories import make_organisation

    login_as("coordinator", organisation=make_organisation(slug="safe-space"))
    client.post("/organisations/safe-space/people",
                data={"email": "new@example.org", "role": "staff"})
    [mail] = smtp.messages_to("new@example.org")
    newcomer = app.test_client()
    newcomer.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = newcomer.post(link_in(mail, "/invitations/"), data={
        "name": "Hanne", "password": "1234567890", "confirm": "1234567890",
        "locale": "en"}).get_data(as_text=True)
    assert "This password is too easy to guess." in page
    assert db.session.scalar(select(User).where(User.email == "new@example.org")) is None
