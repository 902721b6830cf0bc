"""What the scheduler (or cron) runs for this feature."""

from datetime import date

from passerelle.core.time import today_in_brussels
from passerelle.needs import people


def purge_expired(today: date | None = None) -> int:
    """Delete the records of people supported whose delete-after date has passed."""
    return people.delete_expired(today or today_in_brussels())
