"""A hosting programme, its hosts with rooms and free periods, guests referred to it."""

from datetime import date

from passerelle.data import places
from passerelle.extensions import db
from passerelle.needs.services import set_place
from passerelle.volunteers.models import FreePeriod, HostingOffer, VolunteerProfile
from tests.factories import make_membership, make_organisation, make_user
from tests.matching.factories import open_programme, volunteer
from tests.needs.factories import make_person

FIRST = date(2026, 12, 2)  # the night after TODAY in tests.matching.factories
YEAR_LAST = date(2027, 12, 1)  # 365 nights from FIRST


def hosting_programme(organisation=None, weeks=8, slug="up-together"):
    programme = open_programme(organisation, kind="housing_hosting", slug=slug)
    programme.facts = {"max_stay_weeks": weeks, "trajectory_weeks": 52}
    db.session.commit()
    return programme


def host(programme, name="Hanne Host", place="1060", free=((FIRST, YEAR_LAST),), rooms=1,
         guest_kinds=(), languages=None, accompaniment_only=False):
    user = volunteer(programme, name=name, place=place, languages=languages)
    profile = db.session.query(VolunteerProfile).filter_by(user_id=user.id).one()
    profile.hosting = HostingOffer(
        rooms=0 if accompaniment_only else rooms, beds=0, guest_kinds=list(guest_kinds),
        accompaniment_only=accompaniment_only,
        free_periods=[FreePeriod(starts_on=a, ends_on=b) for a, b in free])
    db.session.commit()
    return user


def guest(programme, first_name="Zainab", first=FIRST, last=YEAR_LAST, partner=None,
          languages=("fr",), place="1000", **fields):
    """A person registered by a partner and referred to the programme."""
    partner = partner or make_organisation(name="Partner association")
    person = make_person(partner, first_name=first_name, languages=list(languages),
                         referred_to_id=programme.id, housing_from=first, housing_until=last,
                         **fields)
    set_place(person, places.resolve(place))
    db.session.commit()
    return person


def partner_staff(person):
    user = make_user(name="Paula Partner")
    make_membership(user, person.organisation, "staff")
    return user
