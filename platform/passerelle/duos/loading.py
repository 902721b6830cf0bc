"""From the database to the duo matcher's plain data: who of a programme waits for a duo.

Read-only. A participant waits when their application is open and passes the same rule
as for any match (`rules.application`: active, nothing missing today) and they are in no
live duo (proposed, approved or active) of the programme. Their facts come from their
profile: the languages they speak at a conversational level or better, those they want
to practise, their interests, whether they are a newcomer, and where they live.
"""

from datetime import date

from sqlalchemy import or_, select

from passerelle.duos.models import LIVE, Duo
from passerelle.extensions import db
from passerelle.matching import loading, rules
from passerelle.matching.duos import Participant
from passerelle.organisations.models import Programme
from passerelle.volunteers.models import VolunteerProfile

SPEAKS_FROM_LEVEL = rules.CONVERSATIONAL  # 2 of 1 basic ... 4 mother tongue


def in_live_duos(programme: Programme, user_ids=None) -> set[int]:
    """Those of `user_ids` (everybody when None) who are in a live duo of the programme."""
    query = select(Duo.first_id, Duo.second_id).where(
        Duo.programme_id == programme.id, Duo.status.in_(LIVE))
    if user_ids is not None:
        ids = list(user_ids)
        query = query.where(or_(Duo.first_id.in_(ids), Duo.second_id.in_(ids)))
    return {user_id for pair in db.session.execute(query) for user_id in pair}


def may_take_part(volunteer: rules.Volunteer, programme: Programme) -> bool:
    """The application rule of matching, which reads nothing of the need."""
    return rules.application(volunteer, rules.Need(
        id=0, organisation_id=programme.organisation_id)) is None


def participants(programme: Programme, today: date,
                 user_ids: list[int] | None = None) -> dict[int, Participant]:
    """By user id: the programme's applicants who may take part (only those of `user_ids`
    when given), as the matcher sees them, in a fixed number of queries."""
    found = loading.volunteers(programme, today, user_ids)
    allowed = [v for v in found.values() if may_take_part(v, programme)]
    extra = {row.user_id: row for row in db.session.execute(
        select(VolunteerProfile.user_id, VolunteerProfile.practises, VolunteerProfile.newcomer)
        .where(VolunteerProfile.user_id.in_([v.id for v in allowed])))}
    people = {}
    for volunteer in allowed:
        row = extra.get(volunteer.id)
        point = volunteer.point or (None, None)
        people[volunteer.id] = Participant(
            id=volunteer.id,
            speaks=frozenset(code for code, level in volunteer.languages.items()
                             if level >= SPEAKS_FROM_LEVEL),
            practises=frozenset(row.practises or ()) if row else frozenset(),
            interests=volunteer.interests, newcomer=bool(row and row.newcomer),
            lat=point[0], lon=point[1])
    return people


def waiting(programme: Programme, today: date) -> dict[int, Participant]:
    """The participants who may take part and are in no live duo of the programme."""
    people = participants(programme, today)
    busy = in_live_duos(programme, people)
    return {user_id: person for user_id, person in people.items() if user_id not in busy}


def first_name(user) -> str:
    """What one participant reads of the other: the first word of their name."""
    return (user.name or "").split(" ", 1)[0]
