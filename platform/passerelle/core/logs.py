"""Logs that never carry what people wrote.

An exception's message can quote a value: PostgreSQL's "Failing row contains (...)", a
unique key's "Key (email)=(...)". So a logged exception keeps its traceback (files, lines,
code) and its types, and drops its messages; a database error adds its SQL statement (whose
values are bound, not written in it) and the names of the table, column or constraint.
"""

import logging
import traceback

from sqlalchemy.exc import StatementError

CAUSE = "\nwhich led to:\n\n"


class ScrubExceptions(logging.Filter):
    """On a logger: its records' exceptions are written without their messages."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()}\n{scrubbed(record.exc_info[1])}"
            record.args, record.exc_info, record.exc_text = None, None, None
        return True


def install(logger: logging.Logger) -> None:
    if not any(isinstance(existing, ScrubExceptions) for existing in logger.filters):
        logger.addFilter(ScrubExceptions())


def scrubbed(error: BaseException) -> str:
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return CAUSE.join(
        "Traceback (most recent call last):\n"
        + "".join(traceback.format_list(traceback.extract_tb(each.__traceback__)))
        + _name(each) + _detail(each) for each in reversed(chain))


def _name(error: BaseException) -> str:
    kind = type(error)
    return f"{kind.__module__}.{kind.__qualname__}"


def _detail(error: BaseException) -> str:
    if isinstance(error, StatementError):
        return f" [SQL: {error.statement}]"
    diag = getattr(error, "diag", None)  # psycopg: names, never values
    if diag is not None:
        names = [f"{key}={getattr(diag, key)}" for key in (
            "table_name", "column_name", "constraint_name") if getattr(diag, key, None)]
        return f" ({', '.join(names)})" if names else ""
    if type(error).__module__ == "sqlite3":
        return f": {error}"  # SQLite's messages name a column or a constraint, never a value
    return ""
