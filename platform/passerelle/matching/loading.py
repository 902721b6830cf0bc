"""From the database to the rules' plain data: the volunteers who applied to a programme,
and the needs, in a fixed number of queries however many there are.

Read-only: nothing here writes or commits. The candidates of a need are the volunteers
with an open application to its programme (not refused, not withdrawn): a suspended one
stays, to be counted under the rule it fails.
"""

from collections import defaultdict
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from passerelle.core.time import day_in_brussels
from passerelle.extensions import db
from passerelle.matching import rules
from passerelle.matching.models import LIVE, Exclusion, Match
from passerelle.needs.models import Need, Person
from passerelle.organisations.models import Programme, ProgrammeKind
from passerelle.programmes import services as programmes
from passerelle.programmes.eligibility import gaps
from passerelle.programmes.models import Accreditation, Application, ApplicationStatus
from passerelle.programmes.standings import standings_of
from passerelle.volunteers.models import FreePeriod, HostingOffer, SpokenLanguage, VolunteerProfile

NOT_CANDIDATES = (ApplicationStatus.refused, ApplicationStatus.withdrawn)


def max_stay_days(programme: Programme) -> int | None:
    weeks = (programme.facts or {}).get("max_stay_weeks")
    return int(weeks) * 7 if isinstance(weeks, int) and weeks > 0 else None


def need_facts(need: Need, today: date) -> rules.Need:
    """`need.person` and `need.programme` are read: load them with the need."""
    person: Person | None = need.person if need.person_id else None
    programme = need.programme
    since = person.waiting_since if person else day_in_brussels(need.created_at)
    return rules.Need(
        id=need.id, organisation_id=need.organisation_id, centre=need.centre or None,
        languages=tuple(need.languages or ()),
        person_languages=tuple(person.languages or ()) if person else (),
        language_level=need.language_level or rules.CONVERSATIONAL,
        point=(need.lat, need.lon) if need.lat is not None else None,
        weekly_mask=need.weekly_mask or 0, day_parts=need.day_parts,
        hosting=programme is not None and programme.kind == ProgrammeKind.housing_hosting,
        starts_on=need.starts_on, ends_on=need.ends_on,
        max_stay_days=max_stay_days(programme) if programme else None,
        skills=frozenset(need.skills or ()), person_id=need.person_id,
        sector=need.sector or None, interests=frozenset(need.interests or ()),
        urgency=str(need.urgency), waiting_days=(today - since).days,
        isolated=bool(person and person.isolated),
        no_outside_contact=bool(person and person.no_outside_contact))


def needs_with_facts(statement):
    """Adds what need_facts reads to a select of Need."""
    return statement.options(selectinload(Need.person), selectinload(Need.programme),
                             selectinload(Need.organisation))


def volunteers(programme: Programme, today: date, user_ids: list[int] | None = None,
               ignore_match: int | None = None) -> dict[int, rules.Volunteer]:
    """By user id: the programme's open applicants; or the people of `user_ids`, whatever
    their application's status ("none" for no application). `ignore_match`
    leaves one match out of the counts: the one being approved or accepted."""
    query = (select(Application).where(Application.programme_id == programme.id)
             .options(selectinload(Application.steps)).order_by(Application.user_id))
    if user_ids is None:
        query = query.where(Application.status.not_in(NOT_CANDIDATES))
    else:  # named people: a withdrawn or refused application is told as such
        query = query.where(Application.user_id.in_(user_ids))
    applications = list(db.session.scalars(query))
    for application in applications:
        set_committed_value(application, "programme", programme)  # no query per row
    ids = sorted({a.user_id for a in applications} | set(user_ids or ()))
    found = _assemble(applications, ids, [programme], today, ignore_match)
    return {user_id: volunteer for (_pid, user_id), volunteer in found.items()}


def in_each_programme(user_id: int, applications: list[Application],
                      today: date) -> dict[int, rules.Volunteer]:
    """By programme id: one volunteer as the rules see them in each programme they applied
    to (`applications`, with their programmes loaded), in a fixed number of queries."""
    programmes_of = {a.programme_id: a.programme for a in applications}
    found = _assemble(applications, [user_id], list(programmes_of.values()), today, None)
    return {pid: volunteer for (pid, _uid), volunteer in found.items()}


def _assemble(applications: list[Application], ids: list[int], programmes_in: list[Programme],
              today: date, ignore_match: int | None) -> dict[tuple[int, int], rules.Volunteer]:
    """By (programme id, user id), for each user of `ids` in each programme."""
    if not ids or not programmes_in:
        return {}
    pids = [programme.id for programme in programmes_in]
    standing = standings_of(applications, programmes.trainings_by_programme(pids), today)
    profiles = {row.user_id: row for row in db.session.execute(
        select(VolunteerProfile.id, VolunteerProfile.user_id, VolunteerProfile.lat,
               VolunteerProfile.lon, VolunteerProfile.travel_km,
               VolunteerProfile.availability_mask, VolunteerProfile.max_matches,
               VolunteerProfile.sector, VolunteerProfile.skills, VolunteerProfile.interests)
        .where(VolunteerProfile.user_id.in_(ids)))}
    spoken = _languages([row.id for row in profiles.values()])
    hosting = any(p.kind == ProgrammeKind.housing_hosting for p in programmes_in)
    free = _free_periods([row.id for row in profiles.values()]) if hosting else {}
    accredited = _accredited(pids, ids, today)
    live = _live(ids, ignore_match)
    excluded = _exclusions(ids)
    status = {(a.programme_id, a.user_id): (a, standing[a.id]) for a in applications}
    found = {}
    for pid in pids:
        for user_id in ids:
            application, standing_of = status.get((pid, user_id), (None, None))
            profile = profiles.get(user_id)
            current, needs, people = live.get(user_id, (0, frozenset(), frozenset()))
            found[pid, user_id] = rules.Volunteer(
                id=user_id, application=str(application.status) if application else "none",
                gaps=tuple(gaps(standing_of)) if standing_of else (),
                accredited=accredited.get((pid, user_id), frozenset()),
                languages=spoken.get(profile.id, {}) if profile else {},
                point=((profile.lat, profile.lon) if profile and profile.lat is not None
                       else None),
                travel_km=profile.travel_km if profile else 0,
                availability=profile.availability_mask if profile else 0,
                free_periods=free.get(profile.id, ()) if profile else (),
                skills=frozenset(profile.skills or ()) if profile else frozenset(),
                sector=profile.sector if profile else None,
                interests=frozenset(profile.interests or ()) if profile else frozenset(),
                max_matches=profile.max_matches if profile else 1, current=current,
                matched_needs=needs, matched_people=people,
                exclusions=excluded.get(user_id, {}))
    return found


def _languages(profile_ids: list[int]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for profile_id, code, level in db.session.execute(
            select(SpokenLanguage.profile_id, SpokenLanguage.code, SpokenLanguage.level)
            .where(SpokenLanguage.profile_id.in_(profile_ids))):
        found[profile_id][code] = max(level, found[profile_id].get(code, 0))
    return found


def _free_periods(profile_ids: list[int]) -> dict[int, tuple[tuple[date, date], ...]]:
    found: dict[int, list] = defaultdict(list)
    for profile_id, first, last in db.session.execute(
            select(HostingOffer.profile_id, FreePeriod.starts_on, FreePeriod.ends_on)
            .join(FreePeriod, FreePeriod.offer_id == HostingOffer.id)
            .where(HostingOffer.profile_id.in_(profile_ids), HostingOffer.rooms > 0,
                   HostingOffer.accompaniment_only.is_(False))
            .order_by(FreePeriod.starts_on)):
        found[profile_id].append((first, last))
    return {key: tuple(value) for key, value in found.items()}


def _accredited(programme_ids: list[int], user_ids: list[int],
                today: date) -> dict[tuple[int, int], frozenset]:
    found: dict[tuple[int, int], set] = defaultdict(set)
    for programme_id, user_id, place in db.session.execute(
            select(Accreditation.programme_id, Accreditation.user_id, Accreditation.place)
            .where(Accreditation.programme_id.in_(programme_ids),
                   Accreditation.user_id.in_(user_ids),
                   or_(Accreditation.expires_on.is_(None), Accreditation.expires_on >= today))):
        found[programme_id, user_id].add(place)
    return {key: frozenset(value) for key, value in found.items()}


def _live(user_ids: list[int], ignore_match: int | None) -> dict[int, tuple]:
    """By user: how many live matches, for which needs and which people helped."""
    rows: dict[int, list] = defaultdict(list)
    query = (select(Match.user_id, Match.need_id, Need.person_id).join(Need)
             .where(Match.user_id.in_(user_ids), Match.status.in_(LIVE)))
    if ignore_match is not None:
        query = query.where(Match.id != ignore_match)
    for user_id, need_id, person_id in db.session.execute(query):
        rows[user_id].append((need_id, person_id))
    return {user_id: (len(found), frozenset(n for n, _p in found),
                      frozenset(p for _n, p in found if p is not None))
            for user_id, found in rows.items()}


def _exclusions(user_ids: list[int]) -> dict[int, dict[int, str]]:
    found: dict[int, dict[int, str]] = defaultdict(dict)
    for user_id, organisation_id, reason in db.session.execute(
            select(Exclusion.user_id, Exclusion.organisation_id, Exclusion.reason)
            .where(Exclusion.user_id.in_(user_ids))):
        found[user_id][organisation_id] = reason
    return found


def places_taken(need_ids: list[int]) -> dict[int, int]:
    """By need: its live matches (proposed, approved, active), which hold its places."""
    found: dict[int, int] = defaultdict(int)
    for (need_id,) in db.session.execute(
            select(Match.need_id).where(Match.need_id.in_(need_ids), Match.status.in_(LIVE))):
        found[need_id] += 1
    return found

