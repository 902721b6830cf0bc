"""The demo's language exchange: each applicant of a language exchange programme says which
languages they want to practise and whether they are a newcomer, so that a coordinator's
batch has duos to propose. Deterministic for a seed."""

import random
from datetime import datetime

from sqlalchemy import select

from passerelle.core.languages import mask_of
from passerelle.extensions import db
from passerelle.organisations.models import Programme, ProgrammeKind
from passerelle.programmes.models import Application, ApplicationStatus, ApplicationStep
from passerelle.volunteers.models import SpokenLanguage, VolunteerProfile

NEWCOMER_LANGUAGES = ("ar", "uk", "es", "fa")
# Duos meet in person: the demo gathers participants around Brussels, so that a batch
# has possible duos (duos.services.MAX_KM).
BRUSSELS = (50.85, 4.35)
NEAR_DEGREES = 0.12  # about 13 km north-south, 8 km east-west
PARTICIPANTS = 16
NEWCOMER_SHARE = 0.4


def add_practice(rng: random.Random, now: datetime) -> int:
    """Returns how many profiles were given languages to practise."""
    exchange = select(Programme.id).where(Programme.kind == ProgrammeKind.language_exchange)
    for programme_id in db.session.scalars(exchange):
        _enrol_near_brussels(programme_id, now)
    profiles = list(db.session.scalars(
        select(VolunteerProfile).join(Application, Application.user_id == VolunteerProfile.user_id)
        .where(Application.programme_id.in_(exchange)).order_by(VolunteerProfile.id)))
    spoken: dict[int, set[str]] = {}
    for profile_id, code in db.session.execute(
            select(SpokenLanguage.profile_id, SpokenLanguage.code)
            .where(SpokenLanguage.profile_id.in_([p.id for p in profiles]))):
        spoken.setdefault(profile_id, set()).add(code)
    for profile in profiles:
        mine = spoken.get(profile.id, set())
        profile.newcomer = rng.random() < NEWCOMER_SHARE
        if profile.newcomer:
            # A newcomer speaks a language of the exile and practises French or Dutch.
            own = rng.choice(NEWCOMER_LANGUAGES)
            if own not in mine:
                db.session.add(SpokenLanguage(profile_id=profile.id, code=own, level=4))
                mine = mine | {own}
                profile.language_mask = mask_of(sorted(mine))
            profile.practises = [code for code in ("fr", "nl") if code not in mine][:1] or ["en"]
        else:
            profile.practises = [rng.choice([c for c in NEWCOMER_LANGUAGES if c not in mine]
                                            or ["en"])]
    return len(profiles)


def _enrol_near_brussels(programme_id: int, now: datetime) -> None:
    """Demo volunteers living near Brussels become active participants."""
    applied = select(Application.user_id).where(Application.programme_id == programme_id)
    lat, lon = BRUSSELS
    user_ids = list(db.session.scalars(
        select(VolunteerProfile.user_id).where(
            VolunteerProfile.lat.between(lat - NEAR_DEGREES, lat + NEAR_DEGREES),
            VolunteerProfile.lon.between(lon - NEAR_DEGREES, lon + NEAR_DEGREES),
            VolunteerProfile.user_id.not_in(applied))
        .order_by(VolunteerProfile.user_id).limit(PARTICIPANTS)))
    for user_id in user_ids:
        application = Application(user_id=user_id, programme_id=programme_id,
                                  status=ApplicationStatus.active, created_at=now,
                                  updated_at=now)
        application.steps = [ApplicationStep(status=ApplicationStatus.submitted, at=now),
                             ApplicationStep(status=ApplicationStatus.active, at=now)]
        db.session.add(application)
    db.session.flush()
