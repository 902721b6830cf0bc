"""When the mail server says no: later (4xx, or down), never (5xx), and the outbox page."""

from sqlalchemy import select

from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.reminders.dispatcher import BACKOFF, MAX_ATTEMPTS, send_due
from passerelle.reminders.models import OutboxMessage, Status
from tests.reminders.conftest import write_due


def _row(address):
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == address))


def test_a_message_the_server_defers_is_tried_again_with_backoff_and_the_rest_go(app, server):
    write_due(5)
    server.answers["bulk2@example.org"] = "451 4.2.0 Mailbox busy, try later"
    now = utcnow()
    done = send_due(now)
    assert (done.sent, done.retried, done.failed) == (4, 1, 0)
    deferred = _row("bulk2@example.org")
    assert deferred.status == Status.PENDING and "451" in deferred.last_error
    assert deferred.due_at == now + BACKOFF[0]
    assert send_due(now + BACKOFF[0] / 2).retried == 0  # not before its time
    done = send_due(deferred.due_at)
    db.session.refresh(deferred)
    assert done.retried == 1 and deferred.due_at == now + BACKOFF[0] + BACKOFF[1]
    del server.answers["bulk2@example.org"]
    assert send_due(deferred.due_at).sent == 1
    assert sorted(e.rcpt_tos[0] for e in server.envelopes) == sorted(
        f"bulk{n}@example.org" for n in range(5))


def test_a_message_the_server_refuses_for_good_fails_at_once(app, server):
    write_due(3)
    server.answers["bulk1@example.org"] = "550 5.1.1 No such mailbox"
    done = send_due(utcnow())
    assert (done.sent, done.retried, done.failed) == (2, 0, 1)
    refused = _row("bulk1@example.org")
    assert refused.status == Status.FAILED and refused.attempts == 1
    assert "550" in refused.last_error and "No such mailbox" in refused.last_error


def test_after_the_last_attempt_a_deferred_message_fails(app, server):
    write_due(1)
    server.answer = "421 4.3.2 Service not available, closing"
    now = utcnow()
    for _attempt in range(1, MAX_ATTEMPTS):
        assert send_due(now).retried == 1
        now = _row("bulk0@example.org").due_at
    assert send_due(now).failed == 1
    row = _row("bulk0@example.org")
    assert row.status == Status.FAILED and row.attempts == MAX_ATTEMPTS
    assert server.envelopes == []


def test_the_server_down_defers_the_whole_batch_without_losing_any(app, server):
    write_due(3)
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there
    now = utcnow()
    assert send_due(now).retried == 3
    app.config["MAIL_PORT"] = port
    assert send_due(now + BACKOFF[0]).sent == 3


def test_with_the_server_down_a_pass_stops_after_one_batch(app, server):
    write_due(25)
    app.config["MAIL_PORT"] = 1  # nothing listens there
    done = send_due(utcnow(), batch=10)
    assert (done.sent, done.retried) == (0, 10)
    untouched = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.attempts == 0, OutboxMessage.status == Status.PENDING)).all()
    assert len(untouched) == 15  # not tried, so no attempt counted against them


# The administrators' page

def _fail_two(server):
    write_due(3)
    server.answers.update({"bulk0@example.org": "550 5.1.1 No such mailbox",
                           "bulk1@example.org": "554 5.7.1 Refused"})
    send_due(utcnow())
    server.answers.clear()


def test_an_administrator_sees_counts_and_last_errors(client, login_as, server):
    _fail_two(server)
    login_as("admin")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert ">Failed</a></dt><dd>2</dd>" in page and ">Sent</a></dt><dd>1</dd>" in page
    assert "No such mailbox" in page and "bulk1@example.org" in page
    assert "Send every failed message again" in page


def test_an_administrator_lists_the_messages_of_each_status(client, login_as, server):
    _fail_two(server)
    login_as("admin")
    sent = client.get("/admin/outbox?status=sent").get_data(as_text=True)
    assert "bulk2@example.org" in sent and "bulk0@example.org" not in sent
    failed = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "bulk0@example.org" in failed and "bulk2@example.org" not in failed
    assert "No messages." in client.get("/admin/outbox?status=cancelled").get_data(as_text=True)
    # An unknown status shows the errors, as without one.
    assert "No such mailbox" in client.get("/admin/outbox?status=nonsense").get_data(as_text=True)


def test_send_again_puts_one_failed_message_back(client, login_as, server):
    _fail_two(server)
    login_as("admin")
    row = _row("bulk0@example.org")
    response = client.post(f"/admin/outbox/{row.id}/retry", follow_redirects=True)
    assert "The message will be sent again." in response.get_data(as_text=True)
    db.session.refresh(row)
    assert row.status == Status.PENDING and row.attempts == 0
    assert _row("bulk1@example.org").status == Status.FAILED
    assert send_due(utcnow()).sent == 1


def test_send_every_failed_message_again(client, login_as, server):
    _fail_two(server)
    login_as("admin")
    response = client.post("/admin/outbox/retry-failed", follow_redirects=True)
    assert "2 message(s) will be sent again." in response.get_data(as_text=True)
    assert send_due(utcnow()).sent == 2
    assert len(server.envelopes) == 3


def test_a_sent_message_cannot_be_sent_again(client, login_as, server):
    write_due(1)
    send_due(utcnow())
    login_as("admin")
    row = _row("bulk0@example.org")
    response = client.post(f"/admin/outbox/{row.id}/retry", follow_redirects=True)
    assert "Only a failed message can be sent again." in response.get_data(as_text=True)
    assert client.post("/admin/outbox/999999/retry").status_code == 404


def test_the_outbox_is_for_administrators_only(client, login_as, server):
    _fail_two(server)
    row = _row("bulk0@example.org")
    login_as("coordinator")
    assert client.get("/admin/outbox").status_code == 404
    assert client.post(f"/admin/outbox/{row.id}/retry").status_code == 404
    assert client.post("/admin/outbox/retry-failed").status_code == 404
    assert _row("bulk0@example.org").status == Status.FAILED


def test_an_administrator_without_the_second_factor_is_asked_for_it(client, login_as):
    login_as("admin", second_factor=False)
    response = client.get("/admin/outbox")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/two-factor/")
