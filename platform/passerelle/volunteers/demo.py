"""Deterministic, realistic demo data for the demo and for benchmarks.

The same seed always gives the same people, places, languages and needs. Rows are
inserted in bulk (executemany) with ids chosen here, so 100,000 volunteers take seconds.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from passerelle.accounts.models import User
from passerelle.core.languages import BIT, mask_of
from passerelle.core.skills import SKILLS
from passerelle.core.time import day_in_brussels
from passerelle.core.week import mask_of_range
from passerelle.data import places
from passerelle.duos import demo as duos_demo
from passerelle.extensions import db
from passerelle.hosting import demo as hosting_demo
from passerelle.needs.models import Need
from passerelle.organisations.models import Organisation, Programme, ProgrammeKind
from passerelle.programmes.models import Application, ApplicationStatus, ApplicationStep
from passerelle.scheduling import demo as scheduling_demo
from passerelle.volunteers import demo_matching
from passerelle.volunteers.choices import INTERESTS, SECTORS
from passerelle.volunteers.models import AvailabilitySlot, SpokenLanguage, VolunteerProfile

FIRST_NAMES = (
    "Lucas", "Emma", "Noah", "Olivia", "Louis", "Louise", "Arthur", "Mila", "Jules", "Elena",
    "Victor", "Alice", "Adam", "Lina", "Mohamed", "Nour", "Amir", "Sara", "Yusuf", "Aya",
    "Lars", "Marie", "Wout", "Fien", "Jef", "Lotte", "Bram", "Hanne", "Senne", "Ines",
    "Thomas", "Camille", "Hugo", "Chloé", "Maxime", "Manon", "Nathan", "Juliette", "Ali", "Fatima",
    "Dawit", "Helen", "Ahmad", "Zahra", "Arben", "Elira", "Emre", "Elif", "Olena", "Taras",
)
LAST_NAMES = (
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent",
    "Leclercq", "Lejeune", "Renard", "Lemaire", "Van Damme", "Vermeulen", "De Backer",
    "El Amrani", "Benali", "Haddad", "Rahimi", "Ahmadi", "Tesfaye", "Gebremariam", "Krasniqi",
    "Hoxha", "Yilmaz", "Demir", "Kovalenko", "Shevchenko", "Diallo", "Mbeki", "Kabila", "Nguyen",
)
BIG_CITIES = {  # REFNIS code: weight; the rest of Belgium weighs 1 per municipality
    "21004": 40, "11002": 40, "44021": 25, "62063": 25, "52011": 20, "92094": 12,
    "24062": 12, "31005": 10, "53053": 8, "21001": 10, "21012": 10, "21015": 8, "21009": 8,
}
HOME_LANGUAGE = {"brussels": ("fr", "nl"), "flanders": ("nl",), "wallonia": ("fr",)}
OTHER_LANGUAGES = ("ar", "prs", "fa", "ps", "ti", "so", "sq", "tr", "ru", "uk", "es", "pt",
                   "ln", "ku", "am", "de", "it", "ro", "pl")
SKILL_KEYS, SECTOR_KEYS, INTEREST_KEYS = tuple(SKILLS), tuple(SECTORS), tuple(INTERESTS)
# Each kind's demo need, in the three languages: title and description.
NEED_TEXTS = {
    "detention_visits": (
        ("Visiteur ou visiteuse pour le tour hebdomadaire", "Bezoeker voor de wekelijkse beurtrol",
         "Visitor for the weekly rota"),
        ("Rendre visite, à deux, aux personnes détenues en centre fermé, une fois par semaine.",
         "Met twee mensen in een gesloten centrum bezoeken, één keer per week.",
         "Visit people held in a closed centre, in pairs, once a week.")),
    "sponsorship": (
        ("Parrain ou marraine pour une famille", "Peter of meter voor een gezin",
         "Sponsor for a family"),
        ("Accompagner une famille qui attend dans votre commune : une rencontre par semaine.",
         "Een gezin dat in je gemeente wacht gezelschap houden: één ontmoeting per week.",
         "Keep company with a family waiting in your town: one meeting a week.")),
    "housing_hosting": (
        ("Hébergeur ou hébergeuse pour un séjour", "Gastgezin voor een verblijf",
         "Host for a stay"),
        ("Une chambre libre pour quelques semaines, aux dates convenues.",
         "Een vrije kamer voor enkele weken, op afgesproken data.",
         "A free room for a few weeks, on agreed dates.")),
    "housing_search_support": (
        ("Bénévole pour une permanence logement", "Vrijwilliger voor een woonpermanentie",
         "Volunteer for a housing-café session"),
        ("Aider des personnes reconnues réfugiées à chercher un logement, aux côtés de l'équipe.",
         "Erkende vluchtelingen helpen een woning te zoeken, samen met het team.",
         "Help recognised refugees look for a home, beside the staff.")),
    "mentoring": (
        ("Mentor pour un jeune en recherche d'emploi", "Mentor voor een jonge werkzoekende",
         "Mentor for a young job seeker"),
        ("Former un duo avec un jeune du même secteur, pendant six mois.",
         "Een duo vormen met een jongere uit dezelfde sector, zes maanden lang.",
         "Form a duo with a young person from the same sector, for six months.")),
    "language_exchange": (
        ("Partenaire pour un duo de langues", "Partner voor een taalduo",
         "Language duo partner"),
        ("Échanger vos langues d'égal à égal, autour d'une passion commune.",
         "Jullie talen uitwisselen als gelijken, rond een gedeelde passie.",
         "Exchange your languages as equals, around a shared passion.")),
    "activities": (
        ("Des bras pour une activité", "Helpende handen voor een activiteit",
         "Helping hands for an activity"),
        ("Préparer, accueillir et ranger lors d'un repas ou d'un atelier.",
         "Klaarzetten, onthalen en opruimen bij een maaltijd of een workshop.",
         "Set up, welcome people and tidy away at a meal or a workshop.")),
    "material_offers": (
        ("Meubles et équipement de maison", "Meubels en huisraad",
         "Furniture and household goods"),
        ("Pour une famille qui s'installe : lit, table, chaises, vaisselle.",
         "Voor een gezin dat zich installeert: bed, tafel, stoelen, servies.",
         "For a family moving in: a bed, a table, chairs, dishes.")),
    "training": (
        ("Participant ou participante à une formation", "Deelnemer aan een opleiding",
         "Participant for a training"),
        ("Une journée de formation avant de rejoindre le programme.",
         "Een opleidingsdag voor je bij het programma komt.",
         "A day of training before joining the programme.")),
}
DEMO_PASSWORD_HASH_COST = "pbkdf2:sha256:1000"  # demo people only: cheap to make 100,000 of
CHUNK = 5000


@dataclass
class DemoReport:
    volunteers: int
    needs: int
    skipped: bool = False
    applications: int = 0


DEMO_DOMAIN = "demo.passerelle.example"  # every demo account, people and roles, uses it


def demo_email(seed: int, index: int) -> str:
    return f"volunteer-{seed}-{index}@{DEMO_DOMAIN}"


def account_counts() -> tuple[int, int]:
    """(accounts in the database, of which not made by the demo)."""
    total = db.session.scalar(select(func.count()).select_from(User))
    demo = db.session.scalar(select(func.count()).select_from(User).where(
        User.email.endswith(f"@{DEMO_DOMAIN}", autoescape=True)))
    return total, total - demo


def load_demo(volunteers: int, needs: int, seed: int, now: datetime) -> DemoReport:
    """Add the demo people and needs of this seed, unless they are there already; their
    dates are around `now`."""
    if db.session.scalar(select(User.id).where(User.email == demo_email(seed, 0))):
        return DemoReport(0, 0, skipped=True)
    rng = random.Random(seed)
    municipalities = places.load_places()
    # Cumulated once: random.choices would add the weights up again at every draw.
    weights = list(accumulate(BIG_CITIES.get(place.refnis, 1) for place in municipalities))
    password_hash = generate_password_hash(f"demo-{seed}", method=DEMO_PASSWORD_HASH_COST)
    people = _insert_volunteers(rng, seed, volunteers, municipalities, weights,
                                password_hash, now)
    needs_made = _insert_needs(rng, needs, people, municipalities, weights, now)
    book = Applications(rng, now)
    if people:
        _random_applications(book, range(people[0].user_id, people[-1].user_id + 1))
    standing = demo_matching.Recruitment(rng, book, people, municipalities, day_in_brussels(now))
    standing.recruit(needs_made)
    rhythm = random.Random(f"{seed}-rhythm")  # its own, so the draws above stay as they were
    teams = scheduling_demo.recruit(book, people, rhythm)
    applications = book.insert()
    standing.insert()
    _advance_sequences()
    hosting_demo.add_guests(rng, day_in_brussels(now))
    duos_demo.add_practice(rng, now)
    scheduling_demo.add_rhythm(now, rhythm, teams)
    db.session.commit()
    return DemoReport(volunteers, len(needs_made), applications=applications)


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


@dataclass(frozen=True)
class DemoVolunteer:
    """What the recruitment below reads of a demo volunteer, kept from their insertion."""

    user_id: int
    profile_id: int
    place: places.Place
    travel_km: int
    languages: dict[str, int]
    availability: int
    skills: frozenset[str]
    birth_date: date


def _insert_volunteers(rng, seed, count, municipalities, weights, password_hash,
                       now) -> list[DemoVolunteer]:
    """The volunteers, in the order of their user ids."""
    user_id, profile_id = _next_id(User), _next_id(VolunteerProfile)
    people = []
    language_id, slot_id = _next_id(SpokenLanguage), _next_id(AvailabilitySlot)
    for start in range(0, count, CHUNK):
        users, profiles, languages, slots = [], [], [], []
        for index in range(start, min(start + CHUNK, count)):
            place = rng.choices(municipalities, cum_weights=weights)[0]
            users.append({
                "id": user_id, "email": demo_email(seed, index),
                "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "password_hash": password_hash, "locale": _locale_for(place, rng),
                "is_admin": False, "email_confirmed_at": now,
                "created_at": now})
            spoken = _spoken_languages(place, rng)
            weekly = _weekly_slots(rng)
            profile = {
                "id": profile_id, "user_id": user_id, "place_refnis": place.refnis,
                "region": place.region, "lat": place.lat, "lon": place.lon,
                "travel_km": rng.choice((5, 10, 15, 25, 40)),
                "language_mask": mask_of(code for code, _level in spoken),
                "availability_mask": _weekly_mask(weekly),
                "birth_date": date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55)),
                "max_matches": rng.choice((1, 1, 1, 2, 3)),
                "sector": rng.choice(SECTOR_KEYS),
                "skills": rng.sample(SKILL_KEYS, rng.choice((0, 0, 1, 1, 2))),
                "interests": rng.sample(INTEREST_KEYS, rng.randint(1, 3)),
                "created_at": now}
            profiles.append(profile)
            people.append(DemoVolunteer(user_id, profile_id, place, profile["travel_km"],
                                 dict(spoken), profile["availability_mask"],
                                 frozenset(profile["skills"]), profile["birth_date"]))
            for code, level in spoken:
                languages.append({"id": language_id, "profile_id": profile_id,
                                  "code": code, "level": level})
                language_id += 1
            for day, begin, end in weekly:
                slots.append({"id": slot_id, "profile_id": profile_id, "weekday": day,
                              "start_minute": begin, "end_minute": end})
                slot_id += 1
            user_id += 1
            profile_id += 1
        for model, rows in ((User, users), (VolunteerProfile, profiles),
                            (SpokenLanguage, languages), (AvailabilitySlot, slots)):
            if rows:
                # Core inserts: the ORM's bulk path costs more than the database here.
                db.session.execute(model.__table__.insert(), rows)
    return people


def _locale_for(place, rng) -> str:
    if place.region == "flanders":
        return "nl"
    if place.region == "wallonia":
        return "fr"
    return rng.choice(("fr", "fr", "nl", "en"))


def _spoken_languages(place, rng) -> list[tuple[str, int]]:
    spoken = {code: 4 for code in HOME_LANGUAGE[place.region][:1]}
    if place.region == "brussels" or rng.random() < 0.3:
        second = "nl" if "fr" in spoken else "fr"
        spoken.setdefault(second, rng.choice((2, 3)))
    if rng.random() < 0.7:
        spoken.setdefault("en", rng.choice((2, 3)))
    if rng.random() < 0.2:
        spoken.setdefault(rng.choice(OTHER_LANGUAGES), rng.choice((3, 4)))
    return [(code, level) for code, level in spoken.items() if code in BIT]


def _weekly_slots(rng) -> list[tuple[int, int, int]]:
    slots = []
    for day in rng.sample(range(7), rng.randint(1, 4)):
        begin = rng.choice((9, 10, 13, 14, 17, 18)) * 60
        slots.append((day, begin, begin + rng.choice((2, 3, 4)) * 60))
    return sorted(slots)


def _weekly_mask(slots) -> int:
    mask = 0
    for day, begin, end in slots:
        mask |= mask_of_range(day, begin, end)
    return mask


def _insert_needs(rng, count, people, municipalities, weights, now) -> list[dict]:
    """The rows inserted, each with its programme's kind and its place.

    A need is where a volunteer lives, at a time that volunteer is free among others: the
    places follow the same weights as the volunteers', and even a small demo has someone
    nearby who could help."""
    programmes = db.session.execute(
        select(Programme.id, Programme.organisation_id, Programme.kind)
        .join(Organisation).where(Programme.is_listed, Programme.kind.in_(list(NEED_TEXTS)))
        .order_by(Programme.id)).all()
    if not programmes or not count:
        return []
    need_id, today, rows, made = _next_id(Need), day_in_brussels(now), [], []
    for _index in range(count):
        programme_id, organisation_id, kind = rng.choice(programmes)
        neighbour = rng.choice(people) if people else None
        place = (neighbour.place if neighbour
                 else rng.choices(municipalities, cum_weights=weights)[0])
        languages = sorted({HOME_LANGUAGE[place.region][0]} | (
            {rng.choice(OTHER_LANGUAGES)} if rng.random() < 0.5 else set()))
        starts = today + timedelta(days=rng.randrange(60))
        # A stay in a host's home is weeks long, within what hosting programmes allow.
        days = rng.choice((7, 30, 56) if kind == ProgrammeKind.housing_hosting
                          else (7, 30, 56, 180))
        rows.append({
            "id": need_id, "organisation_id": organisation_id, "programme_id": programme_id,
            **_need_texts(kind), "people_needed": rng.randint(1, 4),
            "languages": languages, "language_mask": mask_of(languages),
            "skills": rng.sample(SKILL_KEYS, rng.choice((0, 0, 1))),
            "place_refnis": place.refnis, "region": place.region,
            "lat": place.lat, "lon": place.lon,
            # A volunteer free for one of its day parts can take it.
            "weekly_mask": _weekly_mask(_weekly_slots(rng)) | _one_of(rng, neighbour),
            "day_parts": 1,
            "starts_on": starts, "ends_on": starts + timedelta(days=days),
            "urgency": rng.choice(("low", "normal", "normal", "high")), "status": "open",
            "created_at": now})
        made.append({"kind": str(kind), "place": place})
        need_id += 1
    db.session.execute(Need.__table__.insert(), rows)
    return [{**row, **more} for row, more in zip(rows, made, strict=True)]


def _one_of(rng, neighbour) -> int:
    """One day part the volunteer is free for, or none."""
    if neighbour is None:
        return 0
    parts = [1 << bit for bit in range(neighbour.availability.bit_length())
             if neighbour.availability >> bit & 1]
    return rng.choice(parts) if parts else 0


def _need_texts(kind: str) -> dict[str, str]:
    titles, descriptions = NEED_TEXTS[kind]
    return {f"{name}_{code}": text for name, texts in (("title", titles),
                                                       ("description", descriptions))
            for code, text in zip(("fr", "nl", "en"), texts, strict=True)}


# The steps an application went through to reach each status (see programmes.services).
PATHS = {
    ApplicationStatus.submitted: ("submitted",),
    ApplicationStatus.interview_planned: ("submitted", "interview_planned"),
    ApplicationStatus.screened: ("submitted", "interview_planned", "screened"),
    ApplicationStatus.refused: ("submitted", "interview_planned", "refused"),
    ApplicationStatus.charter_signed: ("submitted", "interview_planned", "screened",
                                       "charter_signed"),
    ApplicationStatus.trained: ("submitted", "screened", "charter_signed", "trained"),
    ApplicationStatus.accredited: ("submitted", "screened", "trained", "accredited"),
    ApplicationStatus.conduct_seen: ("submitted", "screened", "conduct_seen"),
    ApplicationStatus.active: ("submitted", "interview_planned", "screened", "active"),
    ApplicationStatus.withdrawn: ("submitted", "withdrawn"),
    ApplicationStatus.suspended: ("submitted", "screened", "active", "suspended"),
}
APPLICATIONS_PER_VOLUNTEER = 0.05  # 5,000 applications for 100,000 volunteers
DEMO_QUEUE_SHARE = 0.5  # half of them to the programmes the demo coordinators screen


class Applications:
    """Applications with their history, kept in memory and inserted in bulk at the end; at
    most one per volunteer and programme."""

    def __init__(self, rng, now: datetime):
        self.rng, self.now = rng, now
        self.next_id, self.next_step = _next_id(Application), _next_id(ApplicationStep)
        self.rows, self.steps, self.taken = [], [], set()

    def has(self, user_id: int, programme_id: int) -> bool:
        return (user_id, programme_id) in self.taken

    def add(self, user_id: int, programme_id: int, status: ApplicationStatus) -> datetime:
        """Returns when its last step was taken."""
        rng, path = self.rng, PATHS[status]
        applied = self.now - timedelta(days=rng.randrange(5, 200), minutes=rng.randrange(1440))
        at = [applied + timedelta(days=3 * n, minutes=rng.randrange(600))
              for n in range(len(path))]
        interview = (applied + timedelta(days=rng.randrange(2, 20)) if status in (
            ApplicationStatus.interview_planned, ApplicationStatus.screened) else None)
        self.rows.append({
            "id": self.next_id, "user_id": user_id, "programme_id": programme_id,
            "status": status.value, "motivation": "", "screening_note": "",
            "interview_at": interview, "created_at": applied, "updated_at": at[-1]})
        for step, when in zip(path, at, strict=True):
            self.steps.append({"id": self.next_step, "application_id": self.next_id,
                               "status": step, "actor_id": None, "at": when, "reason": ""})
            self.next_step += 1
        self.next_id += 1
        self.taken.add((user_id, programme_id))
        return at[-1]

    def insert(self) -> int:
        _insert_rows(Application, self.rows)
        _insert_rows(ApplicationStep, self.steps)
        return len(self.rows)


def _insert_rows(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(model.__table__.insert(), rows[start:start + CHUNK])


def _random_applications(book: Applications, user_ids: range) -> None:
    """Applications at every step, with their history, so that coordinators' queues fill:
    half to the programmes with example requirements, the rest anywhere."""
    from passerelle.organisations.demo import DEMO_REQUIREMENTS

    rng = book.rng
    programmes = db.session.execute(
        select(Programme.id, Programme.slug).join(Organisation)
        .where(Programme.is_listed, Programme.kind != ProgrammeKind.information)
        .order_by(Programme.id)).all()
    screened = [pid for pid, slug in programmes if slug in DEMO_REQUIREMENTS]
    count = round(len(user_ids) * APPLICATIONS_PER_VOLUNTEER)
    if not programmes or not count:
        return
    # One application per volunteer, so no volunteer applies twice to a programme.
    for user_id in rng.sample(user_ids, count):
        programme_id = (rng.choice(screened) if screened and rng.random() < DEMO_QUEUE_SHARE
                        else rng.choice(programmes)[0])
        status = rng.choice(list(PATHS))
        book.add(user_id, programme_id, status)


def _advance_sequences() -> None:
    """On PostgreSQL, ids were given by hand: move each table's sequence past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (User, VolunteerProfile, SpokenLanguage, AvailabilitySlot, Need, Application,
                  ApplicationStep, *demo_matching.TABLES):
        table = model.__table__
        db.session.execute(select(func.setval(
            func.pg_get_serial_sequence(table.name, "id"),
            select(func.coalesce(func.max(table.c.id), 1)).scalar_subquery())))
