"""Decisions at the same time on PostgreSQL, each in its own thread, app context, session
and transaction: all of them read first and wait at a barrier, so that each has read the
records as they were before any writes; only the services' row locks can then make one
see another."""

import threading

from flask_babel import force_locale

from passerelle.core.errors import DomainError
from passerelle.extensions import db


def at_once(app, steps) -> list[str]:
    """Each step is (read, act): `read()` loads what `act` needs, in the thread, and
    returns it as a tuple; then, once every thread has read, `act(*what)`. What each gave:
    "done", or the DomainError's message (in English)."""
    barrier = threading.Barrier(len(steps))
    outcomes: list = [None] * len(steps)

    def one(index: int) -> None:
        read, act = steps[index]
        with app.app_context(), force_locale("en"):
            try:
                loaded = read()
                barrier.wait(timeout=30)  # all have read before any writes
                act(*loaded)
                outcomes[index] = "done"
            except DomainError as refused:
                db.session.rollback()
                outcomes[index] = str(refused.message)
            except Exception as error:  # noqa: BLE001 - reported by the test's thread
                db.session.rollback()
                barrier.abort()
                outcomes[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(steps))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a decision never finished"
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    # The thread that failed first, not the others' broken barrier it left behind.
    errors.sort(key=lambda error: isinstance(error, threading.BrokenBarrierError))
    if errors:
        raise errors[0]
    return outcomes
