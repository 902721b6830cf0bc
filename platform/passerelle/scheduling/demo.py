"""The demo's rhythm: the programmes' real recurring events, as their seed texts describe
them. Caritas runs housing-cafés in Liège, Brussels and Antwerp (2 to 3 sessions a week
per city); Aide aux Personnes Déplacées visits the Caricole at Steenokkerzeel each week."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from passerelle.core.time import to_brussels
from passerelle.extensions import db
from passerelle.organisations.models import Programme
from passerelle.scheduling import services
from passerelle.scheduling.models import Event, EventKind, EventRole


@dataclass(frozen=True)
class Rhythm:
    programme: str  # slug
    kind: EventKind
    titles: tuple[str, str, str]  # fr, nl, en
    city: str
    address: str
    rule: str
    hour: int
    minutes: int
    roles: tuple[tuple[int, str | None, str | None], ...]  # places, skill, language
    centre: str | None = None


CAFE = ("Housing-café", "Housing-café", "Housing café")
RHYTHMS = (
    Rhythm("caritas-housing-cafes", EventKind.session, CAFE, "Liège",
           "Rue Saint-Gilles 29, 4000 Liège", "FREQ=WEEKLY;BYDAY=TU,TH", 14, 180,
           ((3, None, None),)),
    Rhythm("caritas-housing-cafes", EventKind.session, CAFE, "Bruxelles",
           "Rue de la Charité 43, 1210 Saint-Josse-ten-Noode", "FREQ=WEEKLY;BYDAY=MO,WE,FR",
           10, 180, ((3, None, None), (1, None, "ar"))),
    Rhythm("caritas-housing-cafes", EventKind.session, CAFE, "Antwerpen",
           "Van Immerseelstraat 28, 2018 Antwerpen", "FREQ=WEEKLY;BYDAY=WE,SA", 10, 180,
           ((3, None, None),)),
    Rhythm("apd-caricole-visits", EventKind.visit,
           ("Visite au Caricole", "Bezoek aan het Caricole", "Visit to the Caricole"),
           "Steenokkerzeel", "Caricole, Tervuursesteenweg 300, 1820 Steenokkerzeel",
           "FREQ=WEEKLY;BYDAY=WE", 14, 120, ((2, None, None),), centre="caricole"),
)


def add_rhythm(now: datetime) -> int:
    """The events above, from next Monday, with their occurrences 12 months ahead; returns
    how many events were added (none for a programme missing from the directory, and none
    twice)."""
    monday = to_brussels(now).date() + timedelta(days=7 - to_brussels(now).weekday())
    added = 0
    for rhythm in RHYTHMS:
        programme = db.session.scalar(select(Programme).where(
            Programme.slug == rhythm.programme))
        if programme is None or db.session.scalar(select(Event.id).where(
                Event.programme_id == programme.id, Event.city == rhythm.city)):
            continue
        fr, nl, en = rhythm.titles
        event = Event(programme_id=programme.id, kind=rhythm.kind, title_fr=fr, title_nl=nl,
                      title_en=en, address=rhythm.address, city=rhythm.city,
                      centre=rhythm.centre,
                      starts_local=datetime.combine(monday, datetime.min.time()).replace(
                          hour=rhythm.hour),
                      minutes=rhythm.minutes, rule=rhythm.rule, exdates=[],
                      created_at=now, updated_at=now)
        for places, skill, language in rhythm.roles:
            event.roles.append(EventRole(places=places, skill=skill, language=language))
        db.session.add(event)
        db.session.flush()
        services.materialise(event, now)
        added += 1
    return added
