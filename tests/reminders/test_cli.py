"""`flask reminders send-due`: one pass, for cron; it says what it did."""

from passerelle.extensions import db
from passerelle.reminders.models import OutboxMessage, Status
from tests.reminders.conftest import write_due


def test_send_due_sends_and_prints_the_counts(app, server):
    write_due(3)
    server.answers["bulk1@example.org"] = "550 5.1.1 No such mailbox"
    server.answers["bulk2@example.org"] = "451 4.2.0 Try later"
    result = app.test_cli_runner().invoke(args=["reminders", "send-due"])
    assert result.exit_code == 0
    assert result.output.strip() == "1 sent, 1 to retry, 1 failed."
    db.session.expire_all()
    assert sorted(row.status for row in db.session.query(OutboxMessage)) == sorted(
        [Status.SENT, Status.PENDING, Status.FAILED])


def test_send_due_with_a_limit_sends_no_more(app, server):
    write_due(5)
    result = app.test_cli_runner().invoke(args=["reminders", "send-due", "--limit", "2"])
    assert result.output.strip() == "2 sent, 0 to retry, 0 failed."
    assert len(server.envelopes) == 2
