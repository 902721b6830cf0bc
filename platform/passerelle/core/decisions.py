"""Deciding several records at once (the chosen proposals of a batch): each one that can be
is decided, and each one that cannot says why; the caller commits once."""

from collections.abc import Callable, Iterable

from passerelle.core.errors import DomainError
from passerelle.extensions import db


def each(records: Iterable, decide: Callable) -> tuple[int, list[tuple[object, str]]]:
    """`decide(record)` for each; how many were decided, and (record, reason) for the
    others. Each success is flushed before the next is tried."""
    done, failed = 0, []
    for record in records:
        try:
            decide(record)
            db.session.flush()
            done += 1
        except DomainError as error:
            failed.append((record, str(error.message)))
    return done, failed
