"""Sending what is due: claim in the database first, send, then mark sent, one by one.

A message is claimed (status "sending") and committed before it is handed to the mail
server, and marked sent right after. So a dispatcher killed at any moment leaves at most
the one message in flight delivered but not marked; when a dispatcher starts again it
sends that one again, with the same Message-ID. Two dispatchers never claim the same row:
the claim is an UPDATE of pending rows only, and on PostgreSQL the rows are picked with
FOR UPDATE SKIP LOCKED.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Event

from flask import current_app
from sqlalchemy import Connection, Row, func, select, text, update

from passerelle.extensions import db
from passerelle.reminders.models import OutboxMessage, Status
from passerelle.reminders.transport import PermanentFailure, Postman, TemporaryFailure, build

# After the n-th failed attempt, wait this long before the next one; then give up.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
           timedelta(hours=1), timedelta(hours=3), timedelta(hours=6), timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1
# A claim older than this belongs to a dispatcher that died.
LEASE = timedelta(minutes=15)


@dataclass
class Pass:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def send_due(now: datetime, batch: int | None = None, limit: int | None = None,
             stop: Event | None = None) -> Pass:
    """Send every message due at `now` (at most `limit`), `batch` claimed at a time;
    when `stop` is set, end after the batch in hand."""
    batch = batch or current_app.config["REMINDERS_BATCH"]
    done = Pass()
    release_stale_claims(now - LEASE)
    # Each message is marked on its own, at once: one statement in autocommit, not three
    # (BEGIN, UPDATE, COMMIT) through the session.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as marks, \
            Postman(current_app.config) as postman:
        if marks.dialect.name == "sqlite":
            # Without an fsync each: WAL keeps every commit through a crash of this
            # process, which is what marking one by one is for.
            marks.execute(text("PRAGMA synchronous=NORMAL"))
        while limit is None or done.handled < limit:
            if stop is not None and stop.is_set():
                break
            size = batch if limit is None else min(batch, limit - done.handled)
            claimed = claim(now, size)
            if not claimed or not _send_claimed(claimed, postman, marks, now, done):
                break  # nothing more is due, or the server is gone: the next pass tries
    return done


def claim(now: datetime, size: int) -> list[Row]:
    """Mark up to `size` due messages as ours, and commit before anything is sent."""
    # Two statements, not UPDATE ... WHERE id IN (SELECT ... SKIP LOCKED LIMIT n): PostgreSQL
    # may run such a subquery again for each row, each time skipping the rows just locked,
    # and so claim far more than `size` (all of them, in the tests).
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == Status.PENDING, OutboxMessage.due_at <= now)
        .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(size)
        .with_for_update(skip_locked=True)).all()
    ids = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due), OutboxMessage.status == Status.PENDING)
        .values(status=Status.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)).all() if due else []
    db.session.commit()
    if not ids:
        return []
    # Plain rows, not ORM objects: each commit of the batch would expire (and reload) them.
    table = OutboxMessage.__table__
    rows = list(db.session.execute(select(table).where(table.c.id.in_(ids))
                                   .order_by(table.c.due_at, table.c.id)))
    db.session.commit()  # not idle in a transaction while the batch is sent
    return rows


def _send_claimed(claimed: list[Row], postman: Postman, marks: Connection, now: datetime,
                  done: Pass) -> bool:
    """Send a claimed batch; False when the connection to the server was lost."""
    config = current_app.config
    ready = []
    for row in claimed:
        try:
            ready.append((row.id, row.attempts, build(row, config)))
        except (ValueError, TypeError, UnicodeError) as error:  # a row no server would take
            _fail(marks, row.id, f"{type(error).__name__}: {error}"[:500], done)
    for position, (row_id, attempts, message) in enumerate(ready):
        try:
            postman.deliver(message)
        except TemporaryFailure as error:
            _retry_or_fail(marks, row_id, attempts, now, str(error), done)
            if error.connection_lost:
                # The server is gone (or was never there): the rest of the batch waits too.
                for rest_id, rest_attempts, _message in ready[position + 1:]:
                    _retry_or_fail(marks, rest_id, rest_attempts, now, str(error), done)
                return False
        except PermanentFailure as error:
            _fail(marks, row_id, str(error), done)
        else:
            _set(marks, row_id, status=Status.SENT, sent_at=now, last_error=None)
            done.sent += 1
    return True


def _set(marks: Connection, row_id: int, **values) -> None:
    """Committed at once (autocommit): a crash repeats only the message in flight."""
    marks.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


def _retry_or_fail(marks: Connection, row_id: int, attempts: int, now: datetime, error: str,
                   done: Pass) -> None:
    if attempts >= MAX_ATTEMPTS:
        _fail(marks, row_id, error, done)
        return
    _set(marks, row_id, status=Status.PENDING, claimed_at=None, last_error=error,
         due_at=now + BACKOFF[attempts - 1])
    done.retried += 1


def _fail(marks: Connection, row_id: int, error: str, done: Pass) -> None:
    _set(marks, row_id, status=Status.FAILED, last_error=error)
    done.failed += 1


def release_stale_claims(claimed_before: datetime) -> int:
    """Claims left by a dispatcher that stopped mid-batch go back to the queue: those
    older than `claimed_before` (or all, given the dispatcher lock: see `run`)."""
    released = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == Status.SENDING,
               OutboxMessage.claimed_at < claimed_before)
        .values(status=Status.PENDING, claimed_at=None)).rowcount
    db.session.commit()
    return released


def counts() -> dict[str, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count())
                              .group_by(OutboxMessage.status)).all()
    found = {status: 0 for status in Status}
    found.update({Status(status): number for status, number in rows})
    return found
