"""Deterministic, realistic demo data for the demo and for benchmarks.

The same seed always gives the same people, places, languages and needs. Rows are
inserted in bulk (executemany) with ids chosen here, so 100,000 volunteers take seconds.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from passerelle.accounts.models import User
from passerelle.core.languages import BIT, mask_of
from passerelle.core.skills import SKILLS
from passerelle.core.time import day_in_brussels
from passerelle.core.week import mask_of_range
from passerelle.data import places
from passerelle.extensions import db
from passerelle.needs.models import Need
from passerelle.organisations.models import Organisation, Programme, ProgrammeKind
from passerelle.programmes.models import Application, ApplicationStatus, ApplicationStep
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
    weights = [BIG_CITIES.get(place.refnis, 1) for place in municipalities]
    password_hash = generate_password_hash(f"demo-{seed}", method=DEMO_PASSWORD_HASH_COST)
    first_user = _insert_volunteers(rng, seed, volunteers, municipalities, weights,
                                    password_hash, now)
    needs_made = _insert_needs(rng, needs, municipalities, weights, now)
    applications = _insert_applications(rng, range(first_user, first_user + volunteers), now)
    _advance_sequences()
    db.session.commit()
    return DemoReport(volunteers, needs_made, applications=applications)


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _insert_volunteers(rng, seed, count, municipalities, weights, password_hash, now) -> int:
    """Returns the first user id: the volunteers are that id and the next `count - 1`."""
    user_id, profile_id = _next_id(User), _next_id(VolunteerProfile)
    first = user_id
    language_id, slot_id = _next_id(SpokenLanguage), _next_id(AvailabilitySlot)
    for start in range(0, count, CHUNK):
        users, profiles, languages, slots = [], [], [], []
        for index in range(start, min(start + CHUNK, count)):
            place = rng.choices(municipalities, weights)[0]
            users.append({
                "id": user_id, "email": demo_email(seed, index),
                "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "password_hash": password_hash, "locale": _locale_for(place, rng),
                "is_admin": False, "email_confirmed_at": now,
                "created_at": now})
            spoken = _spoken_languages(place, rng)
            weekly = _weekly_slots(rng)
            profiles.append({
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
                "created_at": now})
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
                db.session.execute(insert(model), rows)
    return first


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


def _insert_needs(rng, count, municipalities, weights, now) -> int:
    programmes = db.session.execute(
        select(Programme.id, Programme.organisation_id, Programme.kind)
        .join(Organisation).where(Programme.is_listed, Programme.kind.in_(list(NEED_TEXTS)))
        .order_by(Programme.id)).all()
    if not programmes or not count:
        return 0
    need_id, today, rows = _next_id(Need), day_in_brussels(now), []
    for _index in range(count):
        programme_id, organisation_id, kind = rng.choice(programmes)
        place = rng.choices(municipalities, weights)[0]
        languages = sorted({HOME_LANGUAGE[place.region][0]} | (
            {rng.choice(OTHER_LANGUAGES)} if rng.random() < 0.5 else set()))
        starts = today + timedelta(days=rng.randrange(60))
        rows.append({
            "id": need_id, "organisation_id": organisation_id, "programme_id": programme_id,
            **_need_texts(kind), "people_needed": rng.randint(1, 4),
            "languages": languages, "language_mask": mask_of(languages),
            "skills": rng.sample(SKILL_KEYS, rng.choice((0, 0, 1))),
            "place_refnis": place.refnis, "region": place.region,
            "lat": place.lat, "lon": place.lon,
            "weekly_mask": _weekly_mask(_weekly_slots(rng)),
            "starts_on": starts, "ends_on": starts + timedelta(days=rng.choice((7, 30, 56, 180))),
            "urgency": rng.choice(("low", "normal", "normal", "high")), "status": "open",
            "created_at": now})
        need_id += 1
    db.session.execute(insert(Need), rows)
    return count


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
    ApplicationStatus.active: ("submitted", "interview_planned", "screened", "active"),
    ApplicationStatus.withdrawn: ("submitted", "withdrawn"),
    ApplicationStatus.suspended: ("submitted", "screened", "active", "suspended"),
}
APPLICATIONS_PER_VOLUNTEER = 0.05  # 5,000 applications for 100,000 volunteers
DEMO_QUEUE_SHARE = 0.5  # half of them to the programmes the demo coordinators screen


def _insert_applications(rng, user_ids: range, now: datetime) -> int:
    """Applications at every step, with their history, so that coordinators' queues fill:
    half to the programmes with example requirements, the rest anywhere."""
    from passerelle.organisations.demo import DEMO_REQUIREMENTS

    programmes = db.session.execute(
        select(Programme.id, Programme.slug).join(Organisation)
        .where(Programme.is_listed, Programme.kind != ProgrammeKind.information)
        .order_by(Programme.id)).all()
    screened = [pid for pid, slug in programmes if slug in DEMO_REQUIREMENTS]
    count = round(len(user_ids) * APPLICATIONS_PER_VOLUNTEER)
    if not programmes or not count:
        return 0
    application_id, step_id = _next_id(Application), _next_id(ApplicationStep)
    applications, steps = [], []
    # One application per volunteer, so no volunteer applies twice to a programme.
    for user_id in rng.sample(user_ids, count):
        programme_id = (rng.choice(screened) if screened and rng.random() < DEMO_QUEUE_SHARE
                        else rng.choice(programmes)[0])
        status = rng.choice(list(PATHS))
        path = PATHS[status]
        applied = now - timedelta(days=rng.randrange(5, 200), minutes=rng.randrange(1440))
        at = [applied + timedelta(days=3 * n, minutes=rng.randrange(600))
              for n in range(len(path))]
        interview = (applied + timedelta(days=rng.randrange(2, 20)) if status in (
            ApplicationStatus.interview_planned, ApplicationStatus.screened) else None)
        applications.append({
            "id": application_id, "user_id": user_id, "programme_id": programme_id,
            "status": status.value, "motivation": "", "screening_note": "",
            "interview_at": interview, "created_at": applied, "updated_at": at[-1]})
        for step, when in zip(path, at, strict=True):
            steps.append({"id": step_id, "application_id": application_id, "status": step,
                          "actor_id": None, "at": when, "reason": ""})
            step_id += 1
        application_id += 1
    for start in range(0, len(applications), CHUNK):
        db.session.execute(insert(Application), applications[start:start + CHUNK])
    for start in range(0, len(steps), CHUNK):
        db.session.execute(insert(ApplicationStep), steps[start:start + CHUNK])
    return count


def _advance_sequences() -> None:
    """On PostgreSQL, ids were given by hand: move each table's sequence past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (User, VolunteerProfile, SpokenLanguage, AvailabilitySlot, Need, Application,
                  ApplicationStep):
        table = model.__table__
        db.session.execute(select(func.setval(
            func.pg_get_serial_sequence(table.name, "id"),
            select(func.coalesce(func.max(table.c.id), 1)).scalar_subquery())))
