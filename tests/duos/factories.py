"""A language exchange programme and its participants: real rows, committed."""

from passerelle.extensions import db
from passerelle.volunteers.models import VolunteerProfile
from tests.matching.factories import open_programme, volunteer


def exchange_programme(organisation=None, slug="langue-culture", **facts):
    programme = open_programme(organisation, kind="language_exchange", slug=slug)
    programme.facts = {"based_on_shared_interests": True, **facts}
    db.session.commit()
    return programme


def participant(programme, name, speaks=None, practises=(), interests=(), newcomer=False,
                place="1060", **fields):
    """An active applicant with the languages they speak ({code: level}), practise, and
    their interests."""
    user = volunteer(programme, name=name, languages=speaks or {"fr": 4}, place=place,
                     interests=interests, **fields)
    profile = db.session.query(VolunteerProfile).filter_by(user_id=user.id).one()
    profile.practises, profile.newcomer = list(practises), newcomer
    db.session.commit()
    return user
