"""An erased account: its pending messages are cancelled and its sent ones forgotten."""

from datetime import timedelta

from sqlalchemy import select

from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.reminders import outbox, preferences
from passerelle.reminders.dispatcher import send_due
from passerelle.reminders.models import MessagePreference, OutboxMessage, Status
from tests.factories import PASSWORD, make_user


def _reset_mail(user, occurrence, due_at=None):
    return outbox.write("account-reset", user, "Your password", "accounts/mail/reset.txt",
                        about=f"user-{user.id}", occurrence=occurrence, due_at=due_at,
                        link="http://passerelle.test/reset")


def test_erasing_an_account_cancels_its_pending_messages_and_forgets_the_rest(
        app, client, login_as, server):
    user = login_as(email="erase.me@example.org", name="Lotte Maes")
    other = make_user(email="stays@example.org")
    sent = _reset_mail(user, "earlier")
    db.session.commit()
    send_due(utcnow())
    later = utcnow() + timedelta(hours=1)
    pending, kept = _reset_mail(user, "later", due_at=later), _reset_mail(other, "x", later)
    preferences.set_choice(user, "digest", False)
    db.session.commit()
    ids = (sent.id, pending.id, kept.id)

    assert client.post("/account/erase", data={"password": PASSWORD}).status_code == 302

    db.session.expire_all()
    sent, pending, kept = (db.session.get(OutboxMessage, i) for i in ids)
    assert (sent.status, pending.status, kept.status) == (
        Status.SENT, Status.CANCELLED, Status.PENDING)
    for row in (sent, pending):
        assert (row.to_address, row.subject, row.body_text, row.body_html) == ("", "", "", "")
    assert kept.to_address == "stays@example.org" and kept.body_text
    assert db.session.scalar(select(MessagePreference)) is None
    assert send_due(later).sent == 1
    assert [e.rcpt_tos for e in server.envelopes] == [["erase.me@example.org"],
                                                      ["stays@example.org"]]
