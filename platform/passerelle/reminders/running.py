"""`flask reminders run`: the one long-running dispatcher, beside the web server.

One APScheduler process: an interval job that sends what is due, and the daily jobs at
their Brussels hour. Never inside web workers. Only one dispatcher runs at a time: on
PostgreSQL it holds an advisory lock, on SQLite a lock file (REMINDERS_LOCK_FILE); a
second one waits for the first to stop instead of sending beside it.
"""

import fcntl
import logging
import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import text

from passerelle.core.time import BRUSSELS, utcnow
from passerelle.extensions import db

# Any constant number: the advisory lock that says "a dispatcher runs".
LOCK_KEY = 7_305_501


@contextmanager
def dispatcher_lock(app: Flask):
    """Held for the life of the dispatcher; blocks while another dispatcher holds it."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                connection.commit()
        return
    path = Path(app.config["REMINDERS_LOCK_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def run(app: Flask, daily_jobs: list[tuple[str, int, Callable]], echo=print) -> None:
    """Run until SIGINT or SIGTERM. `daily_jobs`: (name, Brussels hour, function of now)."""
    from passerelle.reminders.dispatcher import release_stale_claims, send_due

    interval = app.config["REMINDERS_INTERVAL_SECONDS"]
    with app.app_context():
        echo("Dispatcher: waiting for the dispatcher lock…")
        with dispatcher_lock(app):
            # With the lock, every claim left is an orphan of a dispatcher that died.
            released = release_stale_claims(utcnow())
            echo(f"Dispatcher: running (every {interval} s; {released} claims released).")
            # A tick skipped because the pass before is still sending is normal.
            logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
            scheduler = BlockingScheduler(timezone="UTC")

            stopping = threading.Event()

            def tick():
                with app.app_context():
                    try:
                        done = send_due(utcnow(), stop=stopping)
                    finally:
                        db.session.remove()
                    if done.handled:
                        echo(f"Dispatcher: {done.sent} sent, {done.retried} to retry, "
                             f"{done.failed} failed.")

            scheduler.add_job(tick, "interval", seconds=interval, id="send-due",
                              misfire_grace_time=None, coalesce=True, max_instances=1,
                              next_run_time=utcnow())
            for name, hour, job in daily_jobs:
                scheduler.add_job(_daily(app, name, job, echo), "cron", hour=hour,
                                  timezone=BRUSSELS, id=name, misfire_grace_time=None,
                                  coalesce=True, max_instances=1)

            def stop(signum, frame):
                if stopping.is_set():
                    return  # asked twice (Ctrl-C, then `make run`'s shell): still stopping
                echo("Dispatcher: stopping after the batch in hand…")
                stopping.set()
                # Wait for the pass in hand: the lock must outlive the last send.
                scheduler.shutdown(wait=True)

            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
            scheduler.start()
            echo("Dispatcher: stopped.")


def _daily(app: Flask, name: str, job: Callable, echo) -> Callable:
    def daily():
        with app.app_context():
            echo(f"Dispatcher: {name}: {job(utcnow())}")
            db.session.remove()
    return daily
