"""The demo's guests: people referred to each hosting programme that has hosts, waiting
for a trajectory, so that its hosting page has someone to plan. Deterministic for a seed."""

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from passerelle.data.places import load_places
from passerelle.extensions import db
from passerelle.needs.models import Person
from passerelle.needs.people import retention_limit
from passerelle.needs.services import set_place
from passerelle.organisations.models import Organisation, Programme, ProgrammeKind
from passerelle.programmes.models import Application
from passerelle.volunteers.models import HostingOffer, VolunteerProfile

FIRST_NAMES = ("Amina", "Yonas", "Farida", "Samir", "Hawa", "Dawit", "Leyla", "Omid")
GUESTS_PER_PROGRAMME = 3
CITIES = ("21004", "44021", "11002", "62063")  # Brussels, Ghent, Antwerp, Liège


def add_guests(rng: random.Random, today: date) -> int:
    """Three guests for each hosting programme with hosts; returns how many were added."""
    places = {place.refnis: place for place in load_places()}
    added = 0
    for programme in db.session.scalars(select(Programme).where(
            Programme.kind == ProgrammeKind.housing_hosting).order_by(Programme.id)):
        hosts = db.session.scalar(
            select(func.count()).select_from(HostingOffer)
            .join(VolunteerProfile, VolunteerProfile.id == HostingOffer.profile_id)
            .join(Application, Application.user_id == VolunteerProfile.user_id)
            .where(Application.programme_id == programme.id, HostingOffer.rooms > 0))
        if not hosts:
            continue
        partner = _partner(programme)
        for n in range(GUESTS_PER_PROGRAMME):
            first = today + timedelta(days=rng.randint(7, 30))
            person = Person(
                organisation=partner, first_name=FIRST_NAMES[(added + n) % len(FIRST_NAMES)],
                languages=[rng.choice(("fr", "nl", "en")), rng.choice(("ar", "ti", "fa"))],
                household_size=rng.choice((1, 1, 2, 3)), waiting_since=today - timedelta(
                    days=rng.randint(5, 120)), isolated=rng.random() < 0.3,
                referred_by_id=partner.id, referred_to_id=programme.id, housing_from=first,
                housing_until=first + timedelta(days=rng.choice((55, 181, 364))),
                delete_after=retention_limit(partner, today))
            set_place(person, places.get(rng.choice(CITIES)))
            db.session.add(person)
        added += GUESTS_PER_PROGRAMME
    return added


def _partner(programme: Programme) -> Organisation:
    """Guests come from a partner association: another organisation of the directory."""
    other = db.session.scalar(select(Organisation).where(
        Organisation.id != programme.organisation_id, Organisation.kind == "ngo")
        .order_by(Organisation.id))
    return other or programme.organisation
