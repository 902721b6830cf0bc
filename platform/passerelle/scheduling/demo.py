"""The demo's rhythm: the programmes' real recurring events, as their seed texts describe
them. Caritas runs housing-cafés in Liège, Brussels and Antwerp (2 to 3 sessions a week
per city); Aide aux Personnes Déplacées visits the Caricole at Steenokkerzeel each week.

The series began some weeks ago, so that the pages show a past as well as a future: past
sessions with their attendance and hours, past visits with their reports, the coming
weeks partly filled (the next café full, with a waitlist). The people are a team of demo
volunteers with an active application (and, for the visitors, an accreditation)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from passerelle.core.time import day_in_brussels, to_brussels
from passerelle.extensions import db
from passerelle.matching.rules import CONVERSATIONAL
from passerelle.organisations.models import Programme
from passerelle.programmes.models import Accreditation, ApplicationStatus
from passerelle.scheduling import services
from passerelle.scheduling.models import (
    Event,
    EventKind,
    EventRole,
    Occurrence,
    Signup,
    SignupStatus,
    VisitReport,
)
from passerelle.scheduling.visits import THEMES


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


PAST_WEEKS = 6    # the series began this long ago
AHEAD_WEEKS = 4   # the coming weeks partly filled
TEAMS = {"caritas-housing-cafes": 30, "apd-caricole-visits": 8}  # demo volunteers in each


def recruit(book, people: list, rng) -> dict[str, list]:
    """Each rhythm programme's team: demo volunteers (volunteers.demo.DemoVolunteer) given
    an active application in `book` (volunteers.demo.Applications), the first demo
    volunteer among Caritas's so that their schedule and hours have something to show."""
    teams: dict[str, list] = {}
    for slug, size in TEAMS.items():
        programme_id = db.session.scalar(select(Programme.id).where(Programme.slug == slug))
        if programme_id is None or not people:
            continue
        pool = people[:1] + rng.sample(people[1:], min(len(people) - 1, size * 3))
        team = [person for person in pool if not book.has(person.user_id, programme_id)][:size]
        for person in team:
            book.add(person.user_id, programme_id, ApplicationStatus.active)
        teams[slug] = team
    return teams


def add_rhythm(now: datetime, rng=None, teams: dict[str, list] | None = None) -> int:
    """The events above, from the Monday PAST_WEEKS ago, with their occurrences 12 months
    ahead, and their teams' sign-ups; returns how many events were added (none for a
    programme missing from the directory, and none twice)."""
    today = to_brussels(now).date()
    monday = today - timedelta(days=today.weekday() + 7 * PAST_WEEKS)
    began = datetime.combine(monday, datetime.min.time(), tzinfo=to_brussels(now).tzinfo)
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
        services.materialise(event, began)  # as the job did then, and does each day since
        services.materialise(event, now)
        if rng is not None and (teams or {}).get(rhythm.programme):
            _fill(event, teams[rhythm.programme], rng, now)
        added += 1
    db.session.commit()
    return added


def _fill(event: Event, team: list, rng, now: datetime) -> None:
    """The team's sign-ups: past occurrences with attendance, hours (and reports, for
    visits); the coming weeks partly filled, the first coming one full with a waitlist."""
    occurrences = db.session.scalars(select(Occurrence).where(
        Occurrence.event_id == event.id,
        Occurrence.starts_at < now + timedelta(weeks=AHEAD_WEEKS))
        .order_by(Occurrence.starts_at)).all()
    if event.kind == EventKind.visit:
        _accredit(event, team, now)
    first_coming = True
    for occurrence in occurrences:
        past, there = occurrence.ends_at <= now, set()
        for role in event.roles:
            able = [p for p in team if p.user_id not in there and (
                role.language is None or p.languages.get(role.language, 0) >= CONVERSATIONAL)]
            if past:
                count = role.places
            elif event.kind == EventKind.visit:
                count = 0  # the coordinator proposes the coming pairs
            elif first_coming:
                count = role.places + 2  # two on the waitlist
            else:
                count = rng.randrange(role.places + 1)
            people = rng.sample(able, min(count, len(able)))
            there.update(person.user_id for person in people)
            for number, person in enumerate(people):
                _sign(occurrence, role, person.user_id, number, past, rng)
            if event.kind == EventKind.visit and past and len(people) == 2:
                _report(occurrence, event, people[0].user_id, rng, now)
        first_coming = first_coming and past


def _sign(occurrence: Occurrence, role: EventRole, user_id: int, number: int, past: bool,
          rng) -> None:
    place = number < role.places
    signup = Signup(occurrence_id=occurrence.id, role_id=role.id, user_id=user_id,
                    status=SignupStatus.confirmed if place else SignupStatus.waitlisted,
                    since=occurrence.starts_at - timedelta(days=7, minutes=90 - number),
                    pair=1 if occurrence.event.kind == EventKind.visit else None)
    if past and place:
        if rng.random() < 0.1:
            signup.no_show = True
        else:
            signup.checked_in_at = occurrence.starts_at
            signup.minutes = int((occurrence.ends_at - occurrence.starts_at).total_seconds()
                                 // 60)
    db.session.add(signup)


def _report(occurrence: Occurrence, event: Event, writer_id: int, rng, now) -> None:
    db.session.add(VisitReport(
        occurrence_id=occurrence.id, pair=1, centre=event.centre,
        visited_on=day_in_brussels(occurrence.starts_at), people_met=rng.randrange(2, 10),
        themes=sorted(rng.sample(sorted(THEMES), rng.randrange(1, 4))),
        written_by_id=writer_id, written_at=occurrence.ends_at + timedelta(hours=20)))


def _accredit(event: Event, team: list, now: datetime) -> None:
    granted = day_in_brussels(now) - timedelta(days=400)
    for person in team:
        db.session.add(Accreditation(user_id=person.user_id, programme_id=event.programme_id,
                                     place=event.centre, granted_on=granted))
