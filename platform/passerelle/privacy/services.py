"""A person's own data: download it, or erase the account. The same for the record of a
person supported, by the staff of the organisation that registered it.

Every feature keeps its own tables: this module reads them through their read functions
and erases through their `forget...` functions, then commits once.
"""

from datetime import datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from passerelle.accounts import services as accounts
from passerelle.accounts.models import User
from passerelle.core import access, audit
from passerelle.core.audit import AuditEntry, entries_by
from passerelle.core.dates import format_day
from passerelle.core.errors import DomainError
from passerelle.core.time import day_in_brussels, to_brussels
from passerelle.data import places
from passerelle.duos import loading as duo_names
from passerelle.duos import services as duos
from passerelle.extensions import db
from passerelle.hosting import services as hosting
from passerelle.matching import queries as matching_queries
from passerelle.matching import services as matching
from passerelle.matching.models import MatchStatus
from passerelle.needs import material, people
from passerelle.organisations import queries
from passerelle.organisations import services as organisations
from passerelle.privacy import archive
from passerelle.programmes import services as programmes
from passerelle.programmes.models import DETENTION_CENTRES
from passerelle.reminders import services as reminders
from passerelle.scheduling import roles, signups, visits
from passerelle.volunteers import services as volunteers

ACCOUNT = "account"


def account_archive(user: User, now: datetime, locale: str) -> bytes:
    """The zip of everything the platform holds about this person; the download is logged,
    and so is each guest's first name it shows them (a read of that guest's record), once
    per guest."""
    accompanied = hosting.accompaniments_of(user)
    hosted = hosting.hostings_of(user)
    sections = account_data(user, locale, accompanied, hosted)
    guests = [a.trajectory.person for a in accompanied if a.named] + [
        h.stay.person for h in hosted if h.named]
    audit.record_reads(user, list({guest.id: guest for guest in guests}.values()), now,
                       "my_data")
    _log_account(user, "exported", now)
    db.session.commit()
    return archive.build(sections, now)


def erase_account(user: User, password: str, now: datetime) -> None:
    """Erase the person's data: name, address, password, profile, hosting offer, what they
    wrote. Applications, sign-ups and offers stay as anonymous rows, so counts hold; the
    concerns they reported and the visit reports they wrote stay with the organisation.
    What brings them together with others ends as their own no would: matches, language
    duos, stays still to come in their home, the trajectories they accompany. Refused while
    a guest is in their home."""
    accounts.check_password(user, password, now)  # throttled like every password check
    sole = queries.sole_coordinator_of(user)
    if sole:
        raise DomainError(_l(
            "You are the last coordinator of %(names)s. Make another member coordinator "
            "first; then you can erase your account.",
            names=", ".join(organisation.name for organisation in sole)))
    until = hosting.hosting_until(user, day_in_brussels(now))
    if until is not None:
        raise DomainError(_l(
            "You are hosting a guest until %(date)s: ask the programme's coordinators to "
            "end the stay first; then you can erase your account.",
            date=format_day(until, str(get_locale() or "fr"), "long")), field="password")
    programmes.forget_applicant(user, now)
    material.forget_owner(user)
    volunteers.forget(user)
    organisations.forget_member(user)  # needs the e-mail address: before anonymise
    # After the profile and memberships went (no home to plan in, no coordinator to tell),
    # before the name goes (the others' messages name them as they knew them) and before
    # their own messages are cancelled (the ends write some to them).
    matching.forget_volunteer(user, now)
    duos.forget_participant(user, now)
    hosting.forget_host(user, now)
    hosting.forget_companion(user, now)
    reminders.forget_recipient(user)
    accounts.anonymise(user)
    _log_account(user, "erased", now)
    db.session.commit()


def person_archive(user: User, person_id: int, now: datetime, locale: str) -> bytes:
    """The zip of a person supported's record, for the registering organisation's staff."""
    person, needs, log = people.export_record(user, person_id, now)
    return archive.build(person_data(person, needs, log, locale), now)


def _log_account(user: User, action: str, now: datetime) -> None:
    db.session.add(AuditEntry(user_id=user.id, action=action, record_type=ACCOUNT,
                              record_id=user.id, at=now))


# What goes into the download, as plain rows

def account_data(user: User, locale: str, accompanied: list[hosting.Accompaniment],
                 hosted: list[hosting.Hosting]) -> dict[str, list[dict]]:
    """Of other people, first names at most: a guest's only where the person's own pages
    show it (the caller logs those reads), a duo partner's once the duo was approved."""
    sections = {"account": [{
        "id": user.id, "name": user.name, "email": user.email, "language": user.locale,
        "email_confirmed_at": user.email_confirmed_at, "created_at": user.created_at,
        "administrator": user.is_admin}]}
    sections |= _profile(user, locale)
    sections |= _applications(user, locale)
    sections["memberships"] = [{
        "organisation": m.organisation.name, "role": m.role.value, "since": m.created_at}
        for m in access.memberships_of(user)]
    sections |= _offers(user, locale)
    sections["matches"] = _matches(user, locale)
    sections["language_duos"] = _duos(user, locale)
    sections["hosted_stays"] = _hosted(user, hosted, locale)
    sections["stay_concerns"] = _concerns(user, locale)
    sections["accompanied_trajectories"] = _accompanied(accompanied, locale)
    sections["signups"] = _signups(user, locale)
    sections["visit_reports"] = _visit_reports(user)
    sections["your_actions_on_records"] = [{
        "at": e.at, "action": e.action, "record_type": e.record_type,
        "record_id": e.record_id, "page": e.page} for e in entries_by(user.id)]
    return sections


def _profile(user: User, locale: str) -> dict[str, list[dict]]:
    profile = volunteers.profile_of(user)
    if profile is None:
        return {"volunteer_profile": [], "spoken_languages": [], "availability": [],
                "hosting_offer": [], "free_periods": []}
    offer = profile.hosting
    return {
        "volunteer_profile": [{
            "place": places.label_of(profile.place_refnis, locale), "travel_km":
            profile.travel_km, "birth_date": profile.birth_date, "max_matches":
            profile.max_matches, "sector": profile.sector, "skills": profile.skills,
            "interests": profile.interests, "created_at": profile.created_at}],
        "spoken_languages": [{"code": s.code, "level": s.level} for s in profile.languages],
        "availability": [{"weekday": s.weekday, "from": _clock(s.start_minute),
                          "until": _clock(s.end_minute)} for s in profile.availability],
        "hosting_offer": [] if offer is None else [{
            "accompaniment_only": offer.accompaniment_only, "rooms": offer.rooms,
            "beds": offer.beds, "guest_kinds": offer.guest_kinds, "notes": offer.notes}],
        "free_periods": [] if offer is None else [
            {"starts_on": p.starts_on, "ends_on": p.ends_on} for p in offer.free_periods],
    }


def _applications(user: User, locale: str) -> dict[str, list[dict]]:
    """Applications as the person sees them: the coordinators' screening notes, and the
    reasons they gave for a step, stay with the organisation (ask it for them)."""
    applications = programmes.applications_of(user)
    records = programmes.records_of(user)
    return {
        "applications": [{
            "id": a.id, "programme": a.programme.text("name", locale),
            "organisation": a.programme.organisation.name, "status": a.status.value,
            "motivation": a.motivation, "interview_at": a.interview_at,
            # The certificate of good conduct: only its dates were ever kept.
            "conduct_issued_on": a.conduct_issued_on,
            "conduct_expires_on": a.conduct_expires_on,
            "created_at": a.created_at, "updated_at": a.updated_at} for a in applications],
        "application_steps": [{
            "application_id": a.id, "status": s.status.value, "at": s.at,
            "by_you": s.actor_id == user.id,
            "reason": s.reason if s.actor_id == user.id else ""}
            for a in applications for s in a.steps],
        "charter_signatures": [{
            "programme_id": s.charter.programme_id, "charter_version": s.charter.version,
            "signed_at": s.signed_at, "expires_on": s.expires_on}
            for s in records["charter_signatures"]],
        "training_records": [{
            "training": r.training.text("name", locale), "completed_on": r.completed_on,
            "expires_on": r.expires_on} for r in records["training_records"]],
        "accreditations": [{
            "programme_id": r.programme_id, "place": r.place, "granted_on": r.granted_on,
            "expires_on": r.expires_on} for r in records["accreditations"]],
    }


def _offers(user: User, locale: str) -> dict[str, list[dict]]:
    return {
        "material_offers": [{
            "id": o.id, "category": o.category.value, "description": o.description,
            "place": places.label_of(o.place_refnis, locale),
            "available_from": o.available_from, "available_until": o.available_until,
            "status": o.status.value, "created_at": o.created_at}
            for o in material.offers_of(user)],
        "material_pairings": [{
            "offer_id": p.offer_id, "organisation": p.need.organisation.name,
            "status": p.status.value, "proposed_at": p.created_at,
            "you_confirmed_at": p.owner_confirmed_at,
            "organisation_confirmed_at": p.organisation_confirmed_at}
            for p in material.pairings_for_owner(user)],
    }


def _accompanied(accompanied: list[hosting.Accompaniment], locale: str) -> list[dict]:
    """The trajectories the person accompanies (or said no to): of the guest, only the
    first name the companion's page shows, and only while they are its companion."""
    return [{
        "trajectory_id": t.id, "programme": t.programme.text("name", locale),
        "organisation": t.programme.organisation.name,
        "guest_first_name": t.person.first_name if a.named else "",
        "first_night": t.first_night, "last_night": t.last_night,
        "trajectory_status": t.status.value, "your_answer": t.companion_answer.value,
        "answered_at": t.companion_answered_at, "your_reason": t.companion_reason}
        for a in accompanied for t in (a.trajectory,)]


def _matches(user: User, locale: str) -> list[dict]:
    """Each match whatever became of it. The reason kept on a match is the volunteer's
    only when they declined; a coordinator's, for a refusal or an end, stays with the
    organisation."""
    rows = []
    for m in matching_queries.matches_of(user):
        declined = m.status == MatchStatus.declined
        accepted = m.answered_at is not None and m.status in (MatchStatus.active,
                                                             MatchStatus.ended)
        rows.append({
            "match_id": m.id, "need": m.need.text("title", locale),
            "programme": m.programme.text("name", locale),
            "organisation": m.programme.organisation.name, "status": m.status.value,
            "proposed_at": m.proposed_at, "decided_at": m.decided_at,
            "answer_by": m.answer_by,
            "your_answer": "declined" if declined else "accepted" if accepted else "",
            "answered_at": m.answered_at, "your_reason": m.reason if declined else "",
            "ended_on": m.ended_on, "due_end_on": m.due_end_on})
    return rows


def _duos(user: User, locale: str) -> list[dict]:
    """Each language duo: the other participant's first name once approved, as on the
    duo's page; the reason only when the no was theirs."""
    return [{
        "duo_id": d.id, "programme": d.programme.text("name", locale),
        "organisation": d.programme.organisation.name, "status": d.status.value,
        "other_first_name": duo_names.first_name(d.other(user.id)) if p.named else "",
        "proposed_at": d.proposed_at, "decided_at": d.decided_at,
        "your_answer": p.answer, "answered_at": p.answered_at,
        "your_reason": d.reason if p.answer == "declined" else "",
        "started_on": d.started_on, "ends_on": d.ends_on}
        for p in duos.participations_of(user) for d in (p.duo,)]


def _hosted(user: User, hosted: list[hosting.Hosting], locale: str) -> list[dict]:
    """The stays planned in the person's home: of the guest, only the first name their
    stay's page shows, and only while it shows it; the reason kept on a stay only when the
    last answer was theirs (not the guest's organisation's refusal)."""
    return [{
        "stay_id": s.id, "programme": s.programme.text("name", locale),
        "organisation": s.programme.organisation.name,
        "guest_first_name": s.person.first_name if h.named else "",
        "first_night": s.first_night, "last_night": s.last_night, "nights": s.nights,
        "status": s.status.value, "first_meeting": s.first_meeting,
        "your_answer": h.answer, "answered_at": h.answered_at,
        "your_reason": s.reason if s.answered_by_id == user.id else ""}
        for h in hosted for s in (h.stay,)]


def _concerns(user: User, locale: str) -> list[dict]:
    return [{
        "concern_id": c.id, "stay_id": c.stay_id,
        "programme": c.stay.programme.text("name", locale),
        "first_night": c.stay.first_night, "last_night": c.stay.last_night,
        "written_at": c.created_at, "text": c.body} for c in hosting.concerns_by(user)]


def _signups(user: User, locale: str) -> list[dict]:
    """Sign-ups to events, each occurrence's start in Brussels time."""
    return [{
        "occurrence_id": s.occurrence_id, "event": e.text("title", locale),
        "event_kind": e.kind.value, "programme": e.programme.text("name", locale),
        "organisation": e.programme.organisation.name,
        "starts_at": to_brussels(s.occurrence.starts_at),
        "occurrence_cancelled": s.occurrence.cancelled,
        "role": roles.label(s.role.skill, s.role.language, locale),
        "status": s.status.value, "since": s.since, "whole_series": s.whole_series,
        "checked_in_at": s.checked_in_at, "no_show": s.no_show, "minutes": s.minutes}
        for s in signups.signups_of(user) for e in (s.occurrence.event,)]


def _visit_reports(user: User) -> list[dict]:
    """The detention visit reports the person wrote, with what they wrote."""
    return [{
        "occurrence_id": r.occurrence_id, "visited_on": r.visited_on,
        "centre": DETENTION_CENTRES.get(r.centre, r.centre), "people_met": r.people_met,
        "themes": r.themes, "text": r.text, "written_at": r.written_at}
        for r in visits.reports_by(user)]


def person_data(person, needs, log, locale: str) -> dict[str, list[dict]]:
    referred_to = person.referred_to
    return {
        "record": [{
            "id": person.id, "organisation": person.organisation.name,
            "first_name": person.first_name, "languages": person.languages,
            "household_size": person.household_size,
            "place": places.label_of(person.place_refnis, locale), "needs": person.needs,
            "waiting_since": person.waiting_since, "isolated": person.isolated,
            "no_outside_contact": person.no_outside_contact,
            "referred_by": person.referred_by.name if person.referred_by else "",
            "referred_to": (f"{referred_to.organisation.name}: "
                            f"{referred_to.text('name', locale)}") if referred_to else "",
            "delete_after": person.delete_after, "created_at": person.created_at}],
        "needs": [{
            "id": n.id, "title": n.text("title", locale),
            "programme": n.programme.text("name", locale) if n.programme else "",
            "status": n.status.value, "starts_on": n.starts_on, "ends_on": n.ends_on}
            for n in needs],
        # Who read or changed the record: the organisation's staff, named by the organisation.
        "log": [{"at": e.at, "action": e.action, "page": e.page} for e in log],
    }


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
