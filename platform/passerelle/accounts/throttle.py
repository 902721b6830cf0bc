"""How long an account waits after wrong passwords. Pure: plain numbers and times."""

from datetime import datetime, timedelta

FREE_FAILURES = 3  # wrong passwords in a row before any waiting
LOCK_AFTER = 10  # from this many on, the account is locked
LOCK = timedelta(minutes=15)
LONGEST_WAIT = timedelta(minutes=5)


def wait_after(failures: int) -> timedelta | None:
    """The wait before the next attempt, after this many wrong passwords in a row:
    none for the first few, then 15 s doubling up to 5 minutes, then a 15-minute lock."""
    if failures >= LOCK_AFTER:
        return LOCK
    if failures < FREE_FAILURES:
        return None
    return min(timedelta(seconds=15 * 2 ** (failures - FREE_FAILURES)), LONGEST_WAIT)


def next_attempt_at(failures: int, now: datetime) -> datetime | None:
    wait = wait_after(failures)
    return None if wait is None else now + wait


def is_locked(failures: int) -> bool:
    return failures >= LOCK_AFTER
