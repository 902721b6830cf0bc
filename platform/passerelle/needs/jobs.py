"""What the scheduler (or cron) runs for this feature."""

from datetime import datetime

from passerelle.core.time import utcnow
from passerelle.needs import people


def purge_expired(now: datetime | None = None) -> int:
    """Delete the records of people supported whose delete-after date has passed. A job:
    it reads the clock unless given the time."""
    return people.delete_expired(now or utcnow())
