"""The mail server down at sign-up: the account is saved, the page says the mail is on its
way, and the confirmation leaves once the server is back."""

import pytest
from sqlalchemy import select

from passerelle.accounts.models import User
from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.reminders.dispatcher import BACKOFF
from passerelle.reminders.models import OutboxMessage, Status
from tests.conftest import deliver_mail
from tests.factories import PASSWORD


@pytest.mark.parametrize("locale, created, sending", [
    ("en", "Your account is created.", "We are sending an e-mail to lotte@example.org"),
    ("fr", "Votre compte est créé.", "Nous envoyons un e-mail à lotte@example.org"),
    ("nl", "Je account is aangemaakt.", "We sturen een e-mail naar lotte@example.org"),
])
def test_sign_up_with_the_mail_server_down_saves_the_account_and_mails_later(
        app, client, server, locale, created, sending):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # the mail server is down: nothing listens there
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = locale
    response = client.post("/account/register", follow_redirects=True, data={
        "name": "Lotte Maes", "email": "lotte@example.org", "password": PASSWORD,
        "confirm": PASSWORD, "locale": locale})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and created in page and sending in page
    user = db.session.scalar(select(User).where(User.email == "lotte@example.org"))
    assert user is not None and not user.email_confirmed

    now = utcnow()
    assert deliver_mail(app, now).retried == 1  # the server is still down
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_id == user.id))
    assert row.status == Status.PENDING and row.kind == "account-confirm"
    assert server.envelopes == []

    app.config["MAIL_PORT"] = port  # back
    assert deliver_mail(app, now + BACKOFF[0]).sent == 1
    [mail] = server.mails()
    assert mail["To"] == "lotte@example.org"
    assert "/account/confirm/" in mail.get_body(("plain",)).get_content()
