"""What the scheduler runs for events: recurring series kept materialised 12 months ahead,
and the people signed up for a whole series given a place on the new occurrences."""

from datetime import datetime

from sqlalchemy import select

from passerelle.extensions import db
from passerelle.scheduling import services, signups
from passerelle.scheduling.models import Event


def extend_series(now: datetime) -> int:
    """Occurrences made for every recurring event up to the horizon (the rows already made
    are left as they are); returns how many were made. One commit per event."""
    made = 0
    for event_id in list(db.session.scalars(select(Event.id).where(Event.rule.is_not(None))
                                            .order_by(Event.id))):
        event = db.session.get(Event, event_id)
        new = services.materialise(event, now)
        signups.extend_series(event, new, now)
        db.session.commit()
        made += len(new)
    return made
