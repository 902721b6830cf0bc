"""What the scheduler runs for events: open-ended series kept materialised 12 months ahead,
and the people signed up for a whole series given a place on the new occurrences."""

from datetime import datetime

from sqlalchemy import or_, select

from passerelle.extensions import db
from passerelle.scheduling import services, signups
from passerelle.scheduling.models import Event


def extend_series(now: datetime) -> int:
    """Occurrences made for every recurring event whose rows stop short of the horizon;
    returns how many were made. One event's failure does not stop the others."""
    horizon = services.horizon(now)
    made = 0
    for event_id in list(db.session.scalars(select(Event.id).where(
            Event.rule.is_not(None),
            or_(Event.materialised_until.is_(None), Event.materialised_until < horizon))
            .order_by(Event.id))):
        event = db.session.get(Event, event_id)
        new = services.materialise(event, now)
        signups.extend_series(event, new, now)
        db.session.commit()
        made += len(new)
    return made
