"""A mail server whose answers a test chooses, and many due messages written at once."""

import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import insert

from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.reminders.models import OutboxMessage, Status
from tests.conftest import _free_port


class Server:
    """Records what it accepts. `answers[address]` replaces "250 OK" for that recipient
    ("451 ..." or "550 ..."); `answer` for everyone. `wait_for(n)` blocks (with a
    deadline) until n messages were accepted."""

    def __init__(self):
        self.envelopes = []
        self.answers: dict[str, str] = {}
        self.answer = "250 OK"
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        answer = next((self.answers[a] for a in envelope.rcpt_tos if a in self.answers),
                      self.answer)
        if answer.startswith("250"):
            with self._changed:
                self.envelopes.append(envelope)
                self._changed.notify_all()
        return answer

    def wait_for(self, count: int, timeout: float = 60) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.envelopes) >= count, timeout)

    def mails(self):
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


@pytest.fixture
def server(app):
    """A real SMTP server on loopback; the app (and its dispatcher) sends there."""
    found = Server()
    controller = Controller(found, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    found.port = controller.port
    yield found
    controller.stop()


def write_due(count: int, now=None, prefix: str = "bulk") -> None:
    """`count` messages due now, each to its own address, written in one statement."""
    now = now or utcnow()
    rows = [{"key": f"{prefix}.{n}", "kind": "account-reset", "topic": f"{prefix}-{n}",
             "to_address": f"{prefix}{n}@example.org", "locale": "fr",
             "subject": f"Message {n}", "body_text": f"Bonjour {n}",
             "body_html": f"<p>Bonjour {n}</p>", "due_at": now, "status": Status.PENDING,
             "attempts": 0} for n in range(count)]
    db.session.execute(insert(OutboxMessage), rows)
    db.session.commit()
