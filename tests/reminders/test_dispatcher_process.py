"""`flask reminders run` as its own process: killed mid-batch, or started twice."""

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from threading import Thread

import pytest
from sqlalchemy import func, select, text

from passerelle.extensions import db
from passerelle.reminders.models import OutboxMessage, Status
from tests.reminders.conftest import write_due

ROOT = Path(__file__).resolve().parents[2]


class Dispatcher:
    """`flask reminders run` in a subprocess; its output lines are read as they come."""

    def __init__(self, app, server, tmp_path):
        self.lines: list[str] = []
        self._changed = threading.Condition()
        env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "SECRET_KEY": "test-secret", "PASSERELLE_ENV": "development",
               "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(server.port),
               "MAIL_DIR": str(tmp_path / "mail"), "REMINDERS_INTERVAL_SECONDS": "1",
               "REMINDERS_BATCH": "100",
               "REMINDERS_LOCK_FILE": str(tmp_path / "dispatcher.lock"),
               "PYTHONPATH": str(ROOT / "platform"), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", "run"], cwd=ROOT,
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self._reader = Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def said(self, words: str) -> bool:
        with self._changed:
            return any(words in line for line in self.lines)

    def wait_for_line(self, words: str, timeout: float = 60) -> bool:
        with self._changed:
            return self._changed.wait_for(
                lambda: any(words in line for line in self.lines)
                or self.process.poll() is not None, timeout) and self.said(words)

    def kill(self):
        self.process.kill()  # SIGKILL: no cleanup at all
        self._finish(30)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self._finish(60)

    def _finish(self, timeout: float) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        self.process.stdout.close()
        return code

    def output(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def dispatchers(app, server, tmp_path):
    started = []

    def start():
        started.append(Dispatcher(app, server, tmp_path))
        return started[-1]

    yield start
    server.release.set()
    for dispatcher in started:
        if dispatcher.process.poll() is None:
            dispatcher.kill()


def _statuses() -> Counter:
    db.session.remove()
    return Counter(dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()))


def test_a_dispatcher_killed_mid_batch_loses_nothing_and_repeats_only_the_one_in_flight(
        app, server, dispatchers):
    write_due(1000)
    server.hold_at = 250  # the 250th is received, then the sender is killed before "250 OK"
    first = dispatchers()
    assert server.holding.wait(120), first.output()
    first.kill()
    server.release.set()
    assert len(server.envelopes) == 250

    second = dispatchers()
    addresses = lambda envelopes: {e.rcpt_tos[0] for e in envelopes}  # noqa: E731
    assert server.wait_until(lambda envelopes: len(addresses(envelopes)) == 1000), (
        second.output())
    assert second.wait_for_line("sent"), second.output()
    assert second.stop() == 0, second.output()

    # The batch in hand (bulk200 to bulk299) had 51 claimed, from the one in flight on.
    assert "; 51 claims released" in second.output()
    twice = [address for address, n in Counter(e.rcpt_tos[0] for e in server.envelopes)
             .items() if n > 1]
    assert len(twice) <= 1 and len(server.envelopes) == 1000 + len(twice)
    assert twice == ["bulk249@example.org"]  # the one in flight at the kill
    ids = {m["Message-ID"] for m in server.mails() if m["To"] == twice[0]}
    assert ids == {"<bulk.249@passerelle.local>"}
    assert len({m["Message-ID"] for m in server.mails()}) == 1000
    assert _statuses() == Counter({Status.SENT: 1000})


@pytest.fixture
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the advisory lock and SKIP LOCKED are PostgreSQL's")


def test_a_second_dispatcher_waits_for_the_first_to_stop(app, server, dispatchers,
                                                         postgresql):
    first = dispatchers()
    assert first.wait_for_line("Dispatcher: running"), first.output()
    second = dispatchers()
    assert second.wait_for_line("waiting for the dispatcher lock"), second.output()
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    assert _poll(lambda: db.session.scalar(waiting) == 1)

    write_due(20, prefix="during")
    assert server.wait_for(20)
    assert first.wait_for_line("20 sent"), first.output()
    assert not second.said("Dispatcher: running") and not second.said("sent")
    assert first.stop() == 0

    assert second.wait_for_line("Dispatcher: running"), second.output()
    write_due(5, prefix="after")
    assert server.wait_for(25)
    assert second.wait_for_line("5 sent"), second.output()
    assert second.stop() == 0
    assert len(server.envelopes) == 25
    assert _statuses() == Counter({Status.SENT: 25})


def _poll(test, timeout: float = 30) -> bool:
    """Ask again until true, waiting a little between two questions, up to a deadline."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.05)):
        db.session.remove()
        if test():
            return True
        pause.wait(0.05)
    return False


def test_two_passes_at_once_on_postgresql_send_each_message_once(app, server, postgresql):
    from passerelle.core.time import utcnow
    from passerelle.reminders.dispatcher import send_due

    write_due(500)
    now, results, start = utcnow(), [], threading.Barrier(2)

    def one_pass():
        with app.app_context():
            start.wait()
            results.append(send_due(now, batch=20))
            db.session.remove()

    threads = [Thread(target=one_pass) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(done.sent for done in results) == 500
    assert all(done.sent > 0 for done in results)  # both took part
    assert len(server.envelopes) == 500
    assert len({e.rcpt_tos[0] for e in server.envelopes}) == 500
    assert _statuses() == Counter({Status.SENT: 500})
