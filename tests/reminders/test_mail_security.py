"""MAIL_SECURITY: plain, STARTTLS or TLS from the first byte; anything else stops the app."""

import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller

from passerelle import create_app
from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.reminders import outbox
from passerelle.reminders.dispatcher import send_due
from passerelle.reminders.models import OutboxMessage, Status
from tests.conftest import _free_port
from tests.factories import make_user


class Received:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1, trusted by this process only."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _serve(**kwargs):
    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=_free_port(), **kwargs)
    controller.start()
    return received, controller


def _one_message(app, security, port):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY=security)
    user = make_user(email="secure@example.org")
    message = outbox.write("account-reset", user, "Subject", "accounts/mail/reset.txt",
                           about=f"user-{user.id}", occurrence="one", link="http://x.test/r")
    db.session.commit()
    return send_due(utcnow()), db.session.get(OutboxMessage, message.id)


def test_starttls_upgrades_the_connection_before_sending(app, certificate):
    received, controller = _serve(tls_context=certificate, require_starttls=True)
    try:
        done, row = _one_message(app, "starttls", controller.port)
    finally:
        controller.stop()
    assert done.sent == 1 and row.status == Status.SENT
    assert len(received.envelopes) == 1


def test_tls_speaks_tls_from_the_first_byte(app, certificate):
    received, controller = _serve(ssl_context=certificate)
    try:
        done, row = _one_message(app, "tls", controller.port)
    finally:
        controller.stop()
    assert done.sent == 1 and row.status == Status.SENT
    assert len(received.envelopes) == 1


def test_a_server_that_demands_starttls_gets_nothing_in_clear(app, certificate):
    received, controller = _serve(tls_context=certificate, require_starttls=True)
    try:
        done, row = _one_message(app, "", controller.port)
    finally:
        controller.stop()
    assert done.sent == 0 and received.envelopes == []
    assert row.status == Status.FAILED and "STARTTLS" in row.last_error  # 530: for good


def test_starttls_with_a_certificate_nobody_vouches_for_sends_nothing(app, certificate,
                                                                   monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    received, controller = _serve(tls_context=certificate, require_starttls=True)
    try:
        done, row = _one_message(app, "starttls", controller.port)
    finally:
        controller.stop()
    assert done.sent == 0 and received.envelopes == []
    assert "certificate" in row.last_error.lower()


@pytest.mark.parametrize("value", ["STARTTLS ", "ssl", "yes"])
def test_an_unknown_mail_security_refuses_to_start_the_app(tmp_path, value):
    with pytest.raises(RuntimeError, match="MAIL_SECURITY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
                    "SECRET_KEY": "s", "MAIL_SECURITY": value})


@pytest.mark.parametrize("value", ["", "starttls", "tls"])
def test_the_three_mail_securities_are_accepted(tmp_path, value):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
                      "SECRET_KEY": "s", "MAIL_SECURITY": value})
    assert app.config["MAIL_SECURITY"] == value
