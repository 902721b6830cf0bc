"""Volunteers ready to be matched, their programme and needs: real rows, committed."""

from datetime import date, datetime, timedelta

from passerelle.core.languages import mask_of
from passerelle.core.time import BRUSSELS
from passerelle.data import places
from passerelle.extensions import db
from passerelle.programmes.models import Application, ApplicationStatus, ApplicationStep
from passerelle.volunteers.models import SpokenLanguage, VolunteerProfile
from tests.factories import make_membership, make_organisation, make_programme, make_user
from tests.needs.factories import make_need

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS)  # in the past: mail is due
# Day parts (core.week): Monday evening, Tuesday evening, Saturday morning.
MON_EVENING, TUE_EVENING, SAT_MORNING = 1 << 2, 1 << 5, 1 << 15


def open_programme(organisation=None, kind="sponsorship", slug="sponsors", **fields):
    """A programme that asks nothing before matching: no interview, no charter."""
    organisation = organisation or make_organisation()
    return make_programme(organisation, slug=slug, kind=kind, interview=False, charter=False,
                          **fields)


def volunteer(programme, name="Ada Peeters", place="1060", languages=None, availability=None,
              travel_km=15, max_matches=1, status=ApplicationStatus.active, locale="en",
              sector=None, skills=(), interests=(), birth_date=date(1980, 1, 1)):
    """A user with a profile and an application to `programme` at `status`."""
    languages = {"fr": 3} if languages is None else languages
    user = make_user(name=name, locale=locale)
    place_found = places.resolve(place) if place else None
    profile = VolunteerProfile(
        user_id=user.id, place_refnis=place_found.refnis if place_found else None,
        region=place_found.region if place_found else None,
        lat=place_found.lat if place_found else None, lon=place_found.lon if place_found else None,
        travel_km=travel_km, language_mask=mask_of(languages),
        availability_mask=MON_EVENING | TUE_EVENING if availability is None else availability,
        max_matches=max_matches, sector=sector, skills=list(skills), interests=list(interests),
        birth_date=birth_date)
    profile.languages = [SpokenLanguage(code=code, level=level)
                         for code, level in languages.items()]
    db.session.add(profile)
    apply(user, programme, status)
    return user


def apply(user, programme, status=ApplicationStatus.active):
    """An application of `user` to `programme`, already at `status`."""
    applied = NOW - timedelta(days=30)
    application = Application(user_id=user.id, programme_id=programme.id, status=status,
                              created_at=applied, updated_at=applied)
    application.steps = [ApplicationStep(status=ApplicationStatus.submitted, at=applied),
                         ApplicationStep(status=status, at=applied)]
    db.session.add(application)
    db.session.commit()
    return application


def need(programme, places_needed=1, languages=("fr",), weekly_mask=MON_EVENING, **fields):
    return make_need(programme, people_needed=places_needed, languages=list(languages),
                     language_mask=mask_of(languages), weekly_mask=weekly_mask, **fields)


def coordinator_of(organisation):
    user = make_user(name="Colette Coordinator")
    make_membership(user, organisation, "coordinator")
    return user
