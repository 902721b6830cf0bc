"""Detention visit rotas: pairs proposed by matching/visits.py for a programme's coming
visiting slots, approved by a coordinator, confirmed by each visitor; and after a visit,
the pair's short report, summarised per centre and month with no personal data."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from passerelle.accounts.models import User
from passerelle.core.errors import DomainError
from passerelle.core.time import day_in_brussels, to_brussels
from passerelle.core.week import mask_of_range
from passerelle.extensions import db
from passerelle.matching import visits as planner
from passerelle.organisations.models import Programme
from passerelle.programmes.models import Accreditation, Application, ApplicationStatus
from passerelle.scheduling import visit_messages as messages
from passerelle.scheduling.models import (
    HOLDING,
    Event,
    EventKind,
    Occurrence,
    Signup,
    SignupStatus,
    VisitReport,
)
from passerelle.volunteers.models import VolunteerProfile

WEEKS_AHEAD = 4
EXPERIENCED_FROM = 5  # past visits, unless the programme sets `experienced_visits` (a fact)
MAX_VISITS = 2  # per visitor over the weeks planned
THEMES = {
    "health": _l("Health"),
    "legal_aid": _l("Legal aid"),
    "conditions": _l("Conditions of detention"),
    "family_contact": _l("Family contact"),
    "asylum_procedure": _l("Asylum procedure"),
    "removal": _l("Removal or deportation"),
    "psychological": _l("Psychological distress"),
    "other": _l("Other"),
}
UNFILLED = {
    "no-accredited": _l("Fewer than two visitors are accredited for this centre."),
    "no-experienced": _l("No experienced visitor is free for this slot."),
    "not-free": _l("Fewer than two accredited visitors are free for this slot."),
    "taken-elsewhere": _l("The free visitors are already proposed for other slots."),
}


def experienced_from(programme: Programme) -> int:
    return int((programme.facts or {}).get("experienced_visits") or EXPERIENCED_FROM)


def slots_ahead(programme: Programme, now: datetime, weeks: int = WEEKS_AHEAD
                ) -> list[Occurrence]:
    return list(db.session.scalars(
        select(Occurrence).join(Event).where(
            Event.programme_id == programme.id, Event.kind == EventKind.visit,
            Occurrence.cancelled.is_(False), Occurrence.starts_at > now,
            Occurrence.starts_at <= now + timedelta(weeks=weeks))
        .options(selectinload(Occurrence.event).selectinload(Event.roles))
        .order_by(Occurrence.starts_at)))


def _past_visits(programme: Programme, now: datetime) -> Counter:
    return Counter(dict(db.session.execute(
        select(Signup.user_id, func.count()).join(Occurrence).join(Event).where(
            Event.programme_id == programme.id, Event.kind == EventKind.visit,
            Signup.status == SignupStatus.confirmed, Signup.no_show.is_(False),
            Occurrence.starts_at < now).group_by(Signup.user_id)).all()))


def _slot_mask(occurrence: Occurrence) -> int:
    start, end = to_brussels(occurrence.starts_at), to_brussels(occurrence.ends_at)
    return mask_of_range(start.weekday(), start.hour * 60 + start.minute,
                         end.hour * 60 + end.minute if end.date() == start.date() else 24 * 60)


def instance(programme: Programme, now: datetime) -> tuple[list, list, dict]:
    """The planner's slots and visitors, and the holding sign-ups by slot (pairs kept)."""
    occurrences = slots_ahead(programme, now)
    ids = [occurrence.id for occurrence in occurrences]
    held = list(db.session.scalars(select(Signup).where(
        Signup.occurrence_id.in_(ids), Signup.status.in_(HOLDING)).order_by(Signup.id)))
    by_slot: dict[int, list[Signup]] = {}
    for signup in held:
        by_slot.setdefault(signup.occurrence_id, []).append(signup)
    today = day_in_brussels(now)
    accredited: dict[int, set[str]] = {}
    for user_id, place in db.session.execute(
            select(Accreditation.user_id, Accreditation.place).join(
                Application, (Application.user_id == Accreditation.user_id)
                & (Application.programme_id == Accreditation.programme_id)).where(
                Accreditation.programme_id == programme.id,
                Application.status == ApplicationStatus.active,
                (Accreditation.expires_on.is_(None)) | (Accreditation.expires_on >= today))):
        accredited.setdefault(user_id, set()).add(place)
    availability = dict(db.session.execute(select(
        VolunteerProfile.user_id, VolunteerProfile.availability_mask).where(
        VolunteerProfile.user_id.in_(accredited))).all())
    # Their other commitments in the weeks planned: a slot overlapping one is not free.
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    for user_id, starts, ends, occurrence_id in db.session.execute(
            select(Signup.user_id, Occurrence.starts_at, Occurrence.ends_at, Occurrence.id)
            .join(Occurrence).where(
                Signup.user_id.in_(accredited), Signup.status.in_(HOLDING),
                Occurrence.starts_at > now,
                Occurrence.starts_at <= now + timedelta(weeks=WEEKS_AHEAD + 1))):
        busy.setdefault(user_id, []).append((starts, ends, occurrence_id))
    past = _past_visits(programme, now)
    slots = [planner.Slot(o.id, o.event.centre or "", o.starts_at,
                          pairs=max(sum(r.places for r in o.event.roles) // 2, 1),
                          taken=tuple(s.user_id for s in by_slot.get(o.id, [])
                                      if s.status == SignupStatus.confirmed))
             for o in occurrences]
    visitors = []
    for user_id, centres in sorted(accredited.items()):
        grid = availability.get(user_id) or 0
        free = frozenset(
            o.id for o in occurrences
            if (not grid or _slot_mask(o) & grid == _slot_mask(o))
            and not any(s < o.ends_at and o.starts_at < e and other != o.id
                        for s, e, other in busy.get(user_id, [])))
        visitors.append(planner.Visitor(user_id, frozenset(centres), past[user_id], free,
                                        max_visits=MAX_VISITS))
    return slots, visitors, by_slot


def propose(actor: User, programme: Programme, now: datetime) -> planner.Plan:
    """Pairs for the coming weeks' slots, written as proposed sign-ups for the coordinator;
    the proposals not yet approved are replaced, the approved and confirmed kept."""
    db.session.scalar(select(Programme.id).where(Programme.id == programme.id)
                      .with_for_update())
    occurrences = [o.id for o in slots_ahead(programme, now)]
    for signup in db.session.scalars(select(Signup).where(
            Signup.occurrence_id.in_(occurrences), Signup.status == SignupStatus.proposed)):
        db.session.delete(signup)
    db.session.flush()
    slots, visitors, by_slot = instance(programme, now)
    plan = planner.propose(slots, visitors, experienced_from=experienced_from(programme))
    roles = {o.id: o.event.roles[0].id for o in slots_ahead(programme, now)}
    numbers = {slot: max((s.pair or 0 for s in held), default=0)
               for slot, held in by_slot.items()}
    for pair in plan.pairs:
        lone = next((s for s in by_slot.get(pair.slot, [])
                     if s.user_id in (pair.first, pair.second)), None)
        number = lone.pair if lone is not None and lone.pair else numbers.get(pair.slot, 0) + 1
        numbers[pair.slot] = max(numbers.get(pair.slot, 0), number)
        if lone is not None:  # the lone confirmed visitor keeps their row
            lone.pair = number
        for user_id in (pair.first, pair.second):
            if lone is not None and user_id == lone.user_id:
                continue
            signup = _row(pair.slot, user_id)
            signup.role_id, signup.status, signup.since = (roles[pair.slot],
                                                           SignupStatus.proposed, now)
            signup.pair, signup.assigned_by_id = number, actor.id
    db.session.commit()
    return plan


def _row(occurrence_id: int, user_id: int) -> Signup:
    signup = db.session.scalar(select(Signup).where(Signup.occurrence_id == occurrence_id,
                                                    Signup.user_id == user_id))
    if signup is None:
        signup = Signup(occurrence_id=occurrence_id, user_id=user_id)
        db.session.add(signup)
    return signup


def _pair(occurrence: Occurrence, number: int) -> list[Signup]:
    return list(db.session.scalars(select(Signup).where(
        Signup.occurrence_id == occurrence.id, Signup.pair == number,
        Signup.status.in_(HOLDING)).options(selectinload(Signup.user)).order_by(Signup.id)))


def approve(actor: User, occurrence: Occurrence, number: int, now: datetime) -> None:
    """The coordinator approves a proposed pair: each visitor is asked to confirm."""
    pair = [s for s in _pair(occurrence, number) if s.status == SignupStatus.proposed]
    if not pair:
        raise DomainError(_l("This pair is no longer proposed."))
    for signup in pair:
        signup.status, signup.since = SignupStatus.asked, now
        messages.asked(signup, occurrence, now)
    db.session.commit()


def refuse(actor: User, occurrence: Occurrence, number: int, now: datetime) -> None:
    pair = [s for s in _pair(occurrence, number) if s.status == SignupStatus.proposed]
    if not pair:
        raise DomainError(_l("This pair is no longer proposed."))
    for signup in pair:
        signup.status, signup.since = SignupStatus.cancelled, now
    db.session.commit()


def confirm(visitor: User, signup: Signup, now: datetime) -> None:
    """The visitor confirms; once both have, both are told the visit is on."""
    if signup.status != SignupStatus.asked:
        raise DomainError(_l("This visit no longer waits for your answer."))
    occurrence = db.session.get(Occurrence, signup.occurrence_id)
    if occurrence.starts_at <= now or occurrence.cancelled:
        raise DomainError(_l("This visit has already taken place or was cancelled."))
    signup.status, signup.since = SignupStatus.confirmed, now
    pair = _pair(occurrence, signup.pair)
    if all(s.status == SignupStatus.confirmed for s in pair) and len(pair) >= 2:
        for member in pair:
            messages.confirmed(member, occurrence, pair, now)
    db.session.commit()


def decline(visitor: User, signup: Signup, now: datetime) -> None:
    """The visitor cannot come: the place is free again for the next proposal."""
    if signup.status not in (SignupStatus.asked, SignupStatus.confirmed):
        raise DomainError(_l("This visit no longer waits for your answer."))
    signup.status, signup.since = SignupStatus.cancelled, now
    db.session.commit()


@dataclass(frozen=True)
class Report:
    people_met: int
    themes: list[str]
    text: str


def report_of(occurrence: Occurrence, number: int) -> VisitReport | None:
    return db.session.scalar(select(VisitReport).where(
        VisitReport.occurrence_id == occurrence.id, VisitReport.pair == number))


def write_report(visitor: User, occurrence: Occurrence, report: Report,
                 now: datetime) -> VisitReport:
    """By one of the pair, after the visit; the other may complete it later."""
    mine = db.session.scalar(select(Signup).where(
        Signup.occurrence_id == occurrence.id, Signup.user_id == visitor.id,
        Signup.status == SignupStatus.confirmed))
    if mine is None or mine.no_show:
        raise DomainError(_l("You did not make this visit: only its visitors report on it."))
    if occurrence.starts_at > now:
        raise DomainError(_l("A visit is reported once it has taken place."))
    if not 0 <= report.people_met <= 200:
        raise DomainError(_l("Between 0 and 200."), field="people_met")
    unknown = set(report.themes) - set(THEMES)
    if unknown:
        raise DomainError(_l("Choose the themes from the list."), field="themes")
    event = db.session.get(Event, occurrence.event_id)
    row = report_of(occurrence, mine.pair or 1)
    if row is None:
        row = VisitReport(occurrence_id=occurrence.id, pair=mine.pair or 1,
                          centre=event.centre or "",
                          visited_on=day_in_brussels(occurrence.starts_at))
        db.session.add(row)
    row.people_met, row.themes, row.text = report.people_met, sorted(report.themes), \
        report.text.strip()
    row.written_by_id, row.written_at = visitor.id, now
    db.session.commit()
    return row


def summary(programme: Programme) -> dict[tuple[str, str], Counter]:
    """(centre, "YYYY-MM") -> themes counted, visits and people met: no names, no text."""
    counts: dict[tuple[str, str], Counter] = {}
    for centre, day, people, themes in db.session.execute(
            select(VisitReport.centre, VisitReport.visited_on, VisitReport.people_met,
                   VisitReport.themes).join(Occurrence).join(Event).where(
                Event.programme_id == programme.id).order_by(VisitReport.visited_on)):
        row = counts.setdefault((centre, f"{day:%Y-%m}"), Counter())
        row["visits"] += 1
        row["people"] += people
        row.update(themes)
    return counts


def reports_by(user: User) -> list[VisitReport]:
    """The visit reports this person wrote (the last to write one is its writer), by the
    visit's day."""
    return list(db.session.scalars(select(VisitReport).where(VisitReport.written_by_id == user.id)
                                   .order_by(VisitReport.visited_on, VisitReport.id)))
