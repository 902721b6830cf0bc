"""What a match's page shows to whom. The volunteer sees of the person helped only what the
match needs (first name, languages, municipality, the schedule), and a way to reach them
only once the match is active and the programme's current charter is signed; staff see
the person only in the organisation that registered them. Each such read is logged."""

from dataclasses import dataclass
from datetime import datetime

from passerelle.accounts.models import User
from passerelle.core import access, audit
from passerelle.core.languages import language_name
from passerelle.core.time import day_in_brussels
from passerelle.core.week import bit, day_part
from passerelle.data.places import label_of
from passerelle.extensions import db
from passerelle.matching import loading
from passerelle.matching.models import Match, MatchStatus
from passerelle.programmes.services import CHARTER_GAPS


@dataclass(frozen=True)
class MatchView:
    first_name: str | None  # None: the person is not shown to this reader
    languages: list[str]
    municipality: str
    schedule: list[str]
    contact: list[str]  # how to reach them: empty until allowed
    contact_waits_for_charter: bool


def schedule_of(mask: int) -> list[str]:
    return [day_part(day, part) for day in range(7) for part in range(3) if mask & bit(day, part)]


def match_view(reader: User, match: Match, now: datetime, locale: str) -> MatchView:
    need = match.need
    person = need.person if need.person_id else None
    shown = person is not None and (access.owns_match(reader, match)
                                    or access.sees_person_of(reader, need))
    contact, waits = [], False
    if access.owns_match(reader, match) and match.status == MatchStatus.active:
        if _charter_current(match, now):
            organisation = need.organisation
            contact = [value for value in (organisation.email, organisation.phone) if value]
        else:
            waits = True
    if shown:
        audit.record_read(reader, person, now, page="match")
        db.session.commit()
    place = person.place_refnis if shown else need.place_refnis
    languages = person.languages if shown else need.languages
    return MatchView(first_name=person.first_name if shown else None,
                     languages=[language_name(code, locale) for code in languages or ()],
                     municipality=label_of(place, locale),
                     schedule=schedule_of(need.weekly_mask or 0), contact=contact,
                     contact_waits_for_charter=waits)


def _charter_current(match: Match, now: datetime) -> bool:
    volunteer = loading.volunteers(match.programme, day_in_brussels(now), [match.user_id])
    found = volunteer.get(match.user_id)
    return found is not None and not any(f.gap in CHARTER_GAPS for f in found.gaps)
