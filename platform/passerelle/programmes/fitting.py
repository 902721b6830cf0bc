"""The programmes a volunteer's profile or hosting offer fits: a thin query around the pure
rule in programmes/fit.py. A fixed number of queries, however many programmes."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from passerelle.accounts.models import User
from passerelle.data import places
from passerelle.extensions import db
from passerelle.needs.models import Need, NeedStatus
from passerelle.organisations.models import Organisation, Programme
from passerelle.programmes import fit
from passerelle.programmes.models import Application
from passerelle.volunteers.models import VolunteerProfile


def programmes_that_fit(user: User, hosting: bool) -> list[Programme]:
    """Listed programmes the volunteer has not applied to yet and that fit what they saved:
    their hosting offer (`hosting`) or their profile."""
    profile = db.session.scalar(select(VolunteerProfile).where(
        VolunteerProfile.user_id == user.id).options(selectinload(VolunteerProfile.languages),
                                                     selectinload(VolunteerProfile.hosting)))
    volunteer = fit.Volunteer(
        hosting=hosting,
        point=(profile.lat, profile.lon) if profile and profile.lat is not None else None,
        travel_km=profile.travel_km if profile else 0,
        languages=frozenset(spoken.code for spoken in profile.languages) if profile
        else frozenset(),
        hosts=bool(profile and profile.hosting))
    kinds = fit.HOSTING_KINDS if hosting else fit.VOLUNTEER_KINDS
    applied = select(Application.programme_id).where(Application.user_id == user.id)
    programmes = list(db.session.scalars(
        select(Programme).join(Organisation)
        .where(Programme.is_listed, Organisation.is_listed, Programme.kind.in_(sorted(kinds)),
               Programme.id.not_in(applied))
        .options(joinedload(Programme.organisation)).order_by(Programme.kind, Programme.id)))
    stated = _need_languages([programme.id for programme in programmes])
    candidates = [_candidate(programme, stated.get(programme.id, set()))
                  for programme in programmes]
    fitting = set(fit.fitting(volunteer, candidates))
    return [programme for programme in programmes if programme.id in fitting]


def _need_languages(programme_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for programme_id, languages in db.session.execute(
            select(Need.programme_id, Need.languages).where(
                Need.status == NeedStatus.open, Need.programme_id.in_(programme_ids))):
        found.setdefault(programme_id, set()).update(languages or [])
    return found


def _candidate(programme: Programme, need_languages: set[str]) -> fit.Candidate:
    found = [places.by_refnis(key) for key in programme.cities]
    return fit.Candidate(
        id=programme.id, kind=str(programme.kind),
        points=tuple((place.lat, place.lon) for place in found if place is not None),
        placed=bool(programme.cities),
        languages=frozenset(programme.facts.get("family_languages") or []) | need_languages)
