"""What the scheduler (or cron) runs for this feature."""

from datetime import date

from passerelle.needs import people
from passerelle.needs.services import today as brussels_today


def purge_expired(today: date | None = None) -> int:
    """Delete the records of people supported whose delete-after date has passed."""
    return people.delete_expired(today or brussels_today())
