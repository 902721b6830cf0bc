"""Events and their occurrences for tests, written as the models hold them."""

from datetime import datetime, timedelta

from passerelle.core.time import BRUSSELS
from passerelle.extensions import db
from passerelle.scheduling.models import Event, EventKind, EventRole, Occurrence
from tests.matching.factories import NOW

# A Tuesday in Liège, a week after tests.matching.factories.NOW.
TUESDAY = datetime(2026, 12, 8, 14, 0)


def make_event(programme, *, kind=EventKind.session, start=TUESDAY, minutes=180, rule=None,
               places=2, city="Liège", title="Housing café", roles=None, centre=None):
    """An event with its roles (`roles`: [(places, skill, language)]) and, for a single
    one, its occurrence. A recurring one gets its occurrences from the services."""
    event = Event(programme_id=programme.id, kind=kind, title_fr=title, title_nl=title,
                  title_en=title, address="Rue Saint-Gilles 1", city=city, centre=centre,
                  starts_local=start, minutes=minutes, rule=rule, exdates=[],
                  created_at=NOW, updated_at=NOW)
    for count, skill, language in roles or [(places, None, None)]:
        event.roles.append(EventRole(places=count, skill=skill, language=language))
    db.session.add(event)
    db.session.flush()
    if rule is None:
        starts = start.replace(tzinfo=BRUSSELS)
        db.session.add(Occurrence(event_id=event.id, original_at=starts, starts_at=starts,
                                  ends_at=starts + timedelta(minutes=minutes)))
    db.session.commit()
    return event


def occurrence_of(event) -> Occurrence:
    return db.session.query(Occurrence).filter_by(event_id=event.id).order_by(
        Occurrence.starts_at).first()
