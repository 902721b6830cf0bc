"""What the scheduler runs for programmes."""

from datetime import datetime

from sqlalchemy import select

from passerelle.extensions import db
from passerelle.programmes.models import Application
from passerelle.programmes.services import CLOSED, refresh_status


def refresh_statuses(now: datetime) -> int:
    """Make volunteers whose charter, training or accreditation expired inactive, and
    active again once renewed. Returns how many changed."""
    changed = 0
    for application in db.session.scalars(select(Application).where(
            Application.status.not_in(CLOSED))):
        before = application.status
        if refresh_status(application, now) != before:
            changed += 1
    return changed
