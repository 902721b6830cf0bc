"""A mail server whose answers a test chooses, and many due messages written at once."""

import asyncio
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
    ("451 ..." or "550 ..."); `answer` for everyone. `wait_until(test)` blocks (with a
    deadline) until test(envelopes) is true. With `hold_at = n`, the n-th message is
    received and then not answered until `release` is set: the sender is caught with
    that message in flight."""

    def __init__(self):
        self.envelopes = []
        self.answers: dict[str, str] = {}
        self.answer = "250 OK"
        self.hold_at: int | None = None
        self.holding, self.release = threading.Event(), threading.Event()
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        answer = next((self.answers[a] for a in envelope.rcpt_tos if a in self.answers),
                      self.answer)
        if answer.startswith("250"):
            with self._changed:
                self.envelopes.append(envelope)
                self._changed.notify_all()
                hold = len(self.envelopes) == self.hold_at
            if hold:
                self.holding.set()
                await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 120)
        return answer

    def wait_until(self, test, timeout: float = 120) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: test(self.envelopes), timeout)

    def wait_for(self, count: int, timeout: float = 120) -> bool:
        return self.wait_until(lambda envelopes: len(envelopes) >= count, timeout)

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
    found.release.set()
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
