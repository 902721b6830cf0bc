"""The outbox and one dispatcher pass, against a real SMTP server."""

from datetime import timedelta

from sqlalchemy import select

from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.reminders import outbox
from passerelle.reminders.dispatcher import send_due
from passerelle.reminders.models import OutboxMessage, Status
from tests.factories import make_user


def _write_reset(user, occurrence="one", due_at=None):
    message = outbox.write("account-reset", user, "Subject", "accounts/mail/reset.txt",
                           about=f"user-{user.id}", occurrence=occurrence, due_at=due_at,
                           link="http://passerelle.test/x")
    db.session.commit()
    return message


def test_a_due_message_is_delivered_once_with_its_key_as_message_id(app, smtp):
    user = make_user(email="lieve@example.org", locale="nl")
    message = _write_reset(user)
    assert send_due(utcnow()).sent == 1
    assert send_due(utcnow()).sent == 0
    [mail] = smtp.messages_to("lieve@example.org", deliver=False)
    assert mail["Message-ID"] == f"<{message.key}@passerelle.local>"
    assert mail["Content-Language"] == "nl"
    assert "wachtwoord" in mail.get_body(("plain",)).get_content()
    assert '<a href="http://passerelle.test/x">' in mail.get_body(("html",)).get_content()
    assert db.session.get(OutboxMessage, message.id).status == Status.SENT


def test_the_same_key_is_written_once(app):
    user = make_user()
    first, second = _write_reset(user), _write_reset(user)
    assert first.id == second.id
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 1


def test_a_message_waits_for_its_due_time(app, smtp):
    user = make_user(email="later@example.org")
    now = utcnow()
    _write_reset(user, due_at=now + timedelta(hours=2))
    assert send_due(now).sent == 0
    assert send_due(now + timedelta(hours=2)).sent == 1
    assert len(smtp.messages_to("later@example.org", deliver=False)) == 1


def test_with_the_server_down_a_message_is_kept_and_tried_again_later(app, smtp):
    user = make_user(email="patient@example.org")
    message = _write_reset(user)
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there
    now = utcnow()
    done = send_due(now)
    assert (done.sent, done.retried) == (0, 1)
    row = db.session.get(OutboxMessage, message.id)
    assert row.status == Status.PENDING and row.due_at > now and row.last_error
    app.config["MAIL_PORT"] = port
    assert send_due(now).sent == 0  # not before its next attempt
    assert send_due(now + timedelta(minutes=2)).sent == 1
    assert len(smtp.messages_to("patient@example.org", deliver=False)) == 1
