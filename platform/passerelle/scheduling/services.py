"""Staff's events: create a series, keep its occurrence rows made 12 months ahead, edit or
cancel one occurrence, the following ones or all, and see which upcoming occurrences lack
people.

Occurrence rows are keyed by their original start (`original_at`), so sign-ups stay on
them when they are moved; a change of the series re-times its rows in place. Edits and
cancellations lock the event's row (PostgreSQL) and write their messages to the people
holding a place before the one commit.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select, update

from passerelle.accounts.models import User
from passerelle.core import access
from passerelle.core.errors import NOT_FOUND, DomainError, NotFound
from passerelle.extensions import db
from passerelle.organisations.models import Programme
from passerelle.scheduling import messages, recurrence, signup_messages
from passerelle.scheduling.models import (
    HOLDING,
    Event,
    EventKind,
    EventRole,
    Occurrence,
    Signup,
)

HORIZON_MONTHS = 12
SCOPES = ("this", "following", "all")


@dataclass
class EventData:
    """What the event form gives, already parsed (local Brussels date and time)."""

    kind: EventKind
    day: date
    start: time
    minutes: int | None = None
    end: time | None = None
    title_fr: str = ""
    title_nl: str = ""
    title_en: str = ""
    description: str = ""
    address: str = ""
    city: str = ""
    centre: str | None = None
    roles: list[tuple[int, str | None, str | None]] = field(default_factory=lambda: [(1, None,
                                                                                     None)])
    rule: str | None = None
    duo_id: int | None = None  # a duo's follow-up meeting

    @property
    def local_start(self) -> datetime:
        return datetime.combine(self.day, self.start)


def duration_of(data: EventData) -> int:
    """The length in minutes, from `minutes` or from the end time (same day)."""
    if data.end is not None:
        minutes = (datetime.combine(data.day, data.end) - data.local_start).total_seconds() // 60
    else:
        minutes = data.minutes or 0
    if minutes <= 0:
        raise DomainError(_l("The event must end after it starts."), field="end")
    return int(minutes)


def series_of(event: Event) -> recurrence.Series:
    return recurrence.Series(
        start=event.starts_local, duration=timedelta(minutes=event.minutes), rule=event.rule,
        exdates=frozenset(datetime.fromisoformat(d) for d in event.exdates or ()))


def _exdates(series: recurrence.Series) -> list[str]:
    return sorted(d.isoformat() for d in series.exdates)


def _check(series: recurrence.Series, now: datetime) -> None:
    try:
        recurrence.validate(series)
    except recurrence.RecurrenceError as error:
        if error.code == "end-before-start":
            raise DomainError(_l("The event must end after it starts."), field="end") from None
        if error.code == "no-occurrence":
            raise DomainError(_l("This repetition gives no date at all: change the days "
                                 "or the end."), field="freq") from None
        raise DomainError(_l("This repetition cannot be used."), field="freq") from None
    if recurrence.resolve(series.start).at <= now:
        raise DomainError(_l("Choose a moment in the future."), field="day")


def _check_roles(roles) -> None:
    if not roles or any(places < 1 for places, _, _ in roles):
        raise DomainError(_l("Give at least one place."), field="roles")


def _texts(event: Event, data: EventData) -> None:
    title = data.title_fr or data.title_nl or data.title_en
    if not title.strip():
        raise DomainError(_l("This field is required."), field="title_fr")
    # One title is enough: it is copied into the languages left empty.
    event.title_fr = (data.title_fr or title).strip()
    event.title_nl = (data.title_nl or title).strip()
    event.title_en = (data.title_en or title).strip()
    event.description_fr = event.description_nl = event.description_en = data.description
    event.address, event.city = data.address, data.city
    event.centre = data.centre if data.kind == EventKind.visit else None


def _manage(actor: User, programme: Programme) -> None:
    if not access.can_manage_events(actor, programme):
        raise NotFound(NOT_FOUND)


def create_event(actor: User, programme: Programme, data: EventData, now: datetime) -> Event:
    """A new event and its occurrence rows. Raises DomainError with the field at fault."""
    event = new_event(actor, programme, data, now)
    db.session.commit()
    return event


def new_event(actor: User, programme: Programme, data: EventData, now: datetime) -> Event:
    """create_event without the commit, for a service adding more before its own (a duo's
    meetings sign both participants up)."""
    _manage(actor, programme)
    minutes = duration_of(data)
    _check_roles(data.roles)
    series = recurrence.Series(data.local_start, timedelta(minutes=minutes), data.rule)
    _check(series, now)
    event = Event(programme_id=programme.id, kind=data.kind,
                  starts_local=recurrence.resolve(data.local_start).wall, minutes=minutes,
                  rule=data.rule, exdates=[], duo_id=data.duo_id, created_by_id=actor.id,
                  created_at=now, updated_at=now)
    _texts(event, data)
    for places, skill, language in data.roles:
        event.roles.append(EventRole(places=places, skill=skill or None,
                                     language=language or None))
    db.session.add(event)
    db.session.flush()
    _materialise(event, now)
    return event


def _horizon(now: datetime) -> datetime:
    return now + relativedelta(months=HORIZON_MONTHS)


def _materialise(event: Event, now: datetime) -> list[Occurrence]:
    """The missing rows from now to the horizon; existing rows are left as they are."""
    until = _horizon(now)
    wanted = recurrence.expand(series_of(event), now, until)
    have = set(db.session.scalars(select(Occurrence.original_at).where(
        Occurrence.event_id == event.id, Occurrence.original_at >= now - timedelta(hours=3))))
    made = []
    for found in wanted:
        if found.start in have:
            continue
        row = Occurrence(event_id=event.id, original_at=found.start, starts_at=found.start,
                         ends_at=found.end)
        db.session.add(row)
        made.append(row)
    event.materialised_until = until
    db.session.flush()
    return made


def materialise(event: Event, now: datetime) -> list[Occurrence]:
    """Rows for the occurrences from now up to HORIZON_MONTHS ahead (a job calls it
    monthly): idempotent, overridden and cancelled rows untouched, EXDATEs skipped.
    Returns the rows it made."""
    made = _materialise(event, now)
    db.session.commit()
    return made


def _lock(event: Event) -> None:
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    db.session.refresh(event)


def _holders(occurrence_ids: list[int]) -> dict[int, list[Signup]]:
    by: dict[int, list[Signup]] = {}
    if not occurrence_ids:
        return by
    for signup in db.session.scalars(select(Signup).where(
            Signup.occurrence_id.in_(occurrence_ids), Signup.status.in_(HOLDING))):
        by.setdefault(signup.occurrence_id, []).append(signup)
    return by


def _tell(moved: list[Occurrence], cancelled: list[Occurrence], now: datetime) -> None:
    """Pending reminders of changed occurrences cancelled; their people told."""
    holders = _holders([o.id for o in moved + cancelled])
    for occurrence in moved + cancelled:
        messages.cancel_reminders(occurrence)
    for occurrence in moved:
        for signup in holders.get(occurrence.id, []):
            messages.moved(occurrence, signup.user, now)
            signup_messages.remind(signup, now)  # due at the new time
    for occurrence in cancelled:
        for signup in holders.get(occurrence.id, []):
            messages.cancelled(occurrence, signup.user, now)


def _check_capacity(event: Event, roles, rows: list[Occurrence]) -> None:
    """No role's places lowered below the number already holding one at these rows."""
    ids = [row.id for row in rows]
    if not ids:
        return
    most: dict[int, int] = {}
    for role_id, count in db.session.execute(
            select(Signup.role_id, func.count()).where(
                Signup.occurrence_id.in_(ids), Signup.status.in_(HOLDING))
            .group_by(Signup.role_id, Signup.occurrence_id)).all():
        most[role_id] = max(most.get(role_id, 0), count)
    for role, (places, _, _) in zip(event.roles, roles, strict=False):
        if places < most.get(role.id, 0):
            raise DomainError(_l("%(count)s people already hold a place in this role: give "
                                 "at least %(count)s places, or cancel sign-ups first.",
                                 count=most[role.id]), field="roles")


def _future_rows(event: Event, now: datetime, from_original: datetime | None = None):
    query = select(Occurrence).where(Occurrence.event_id == event.id,
                                     Occurrence.starts_at >= now)
    if from_original is not None:
        query = query.where(Occurrence.original_at >= from_original)
    return list(db.session.scalars(query.order_by(Occurrence.original_at)))


def _set_roles(event: Event, roles) -> None:
    for role, (places, skill, language) in zip(event.roles, roles, strict=False):
        role.places, role.skill, role.language = places, skill or None, language or None
    for places, skill, language in roles[len(event.roles):]:
        event.roles.append(EventRole(places=places, skill=skill or None,
                                     language=language or None))


def _retime(event: Event, rows: list[Occurrence], old: recurrence.Series,
            new: recurrence.Series, now: datetime) -> tuple[list, list]:
    """The rows re-keyed to the new series (each original shifted by the move): kept when
    the new rule still has it (non-overridden ones re-timed), cancelled when not."""
    delta = new.start - old.start
    wanted = {o.original: o for o in recurrence.expand(new, now - timedelta(days=1),
                                                       _horizon(now))}
    moved, cancelled, targets = [], [], {}
    for row in rows:
        local = recurrence.local_wall(row.original_at) + delta
        if local in wanted and not row.cancelled:
            targets[row.id] = wanted[local]
        elif not row.cancelled:
            row.cancelled, row.sequence = True, row.sequence + 1
            cancelled.append(row)
    # Two steps, so that no new key meets an old one still in place (unique constraint).
    for row in rows:
        if row.id in targets:
            row.original_at = row.original_at + timedelta(microseconds=1)
    db.session.flush()
    for row in rows:
        target = targets.get(row.id)
        if target is None:
            continue
        row.original_at = target.start
        if not row.overridden and (row.starts_at, row.ends_at) != (target.start, target.end):
            changed = row.starts_at != target.start
            row.starts_at, row.ends_at = target.start, target.end
            row.sequence += 1
            if changed:
                moved.append(row)
    db.session.flush()
    return moved, cancelled


def edit(actor: User, occurrence: Occurrence, scope: str, data: EventData,
         now: datetime) -> Occurrence:
    """Changes one occurrence ("this"), this and the following ones (a new series split
    from this one), or the whole series ("all"): time, length, texts, places. Sign-ups stay
    on their rows. Returns the occurrence, possibly now of a new event."""
    event = occurrence.event
    _manage(actor, event.programme)
    if scope not in SCOPES:
        raise DomainError(_l("Choose which occurrences to change."), field="scope")
    _lock(event)
    db.session.refresh(occurrence)
    minutes = duration_of(data)
    new_local = recurrence.resolve(data.local_start).wall
    if recurrence.resolve(new_local).at <= now:
        raise DomainError(_l("Choose a moment in the future."), field="day")
    if occurrence.cancelled:
        raise DomainError(_l("This occurrence is cancelled."))
    if scope == "this" or event.rule is None and scope != "all":
        scope = "this" if event.rule is not None else "all"
    if scope == "this":
        start = recurrence.resolve(new_local).at
        moved = start != occurrence.starts_at
        occurrence.starts_at = start
        occurrence.ends_at = recurrence.resolve(new_local + timedelta(minutes=minutes)).at
        occurrence.overridden, occurrence.sequence = True, occurrence.sequence + 1
        _tell([occurrence] if moved else [], [], now)
        db.session.commit()
        return occurrence
    old = series_of(event)
    at = recurrence.local_wall(occurrence.original_at)
    before = None
    if scope == "following" and event.rule is not None:
        before, after = recurrence.split(old, at)
    if before is None:  # the whole series (or this is its first occurrence)
        return _edit_all(event, occurrence, data, minutes, new_local, now)
    target = recurrence.move(after, new_local, timedelta(minutes=minutes))
    rows = _future_rows(event, now, occurrence.original_at)
    _check_capacity(event, data.roles, rows)
    _check(target, now)
    fresh = Event(programme_id=event.programme_id, kind=event.kind, starts_local=target.start,
                  minutes=minutes, rule=target.rule, exdates=_exdates(target),
                  training_id=event.training_id, match_id=event.match_id, duo_id=event.duo_id,
                  split_from_id=event.id, created_by_id=actor.id, created_at=now,
                  updated_at=now)
    _texts(fresh, data)
    for places, skill, language in data.roles:
        fresh.roles.append(EventRole(places=places, skill=skill or None,
                                     language=language or None))
    for role in event.roles[len(data.roles):]:
        fresh.roles.append(EventRole(places=role.places, skill=role.skill,
                                     language=role.language))
    db.session.add(fresh)
    event.rule, event.exdates, event.updated_at = before.rule, _exdates(before), now
    db.session.flush()
    # The rows (and therefore their sign-ups) move onto the new series, role by role.
    for old_role, new_role in zip(event.roles, fresh.roles, strict=False):
        db.session.execute(update(Signup).where(
            Signup.occurrence_id.in_([r.id for r in rows]), Signup.role_id == old_role.id)
            .values(role_id=new_role.id))
    for row in rows:
        row.event_id = fresh.id
    db.session.flush()
    moved, cancelled = _retime(fresh, rows, after, target, now)
    _materialise(fresh, now)
    _tell(moved, cancelled, now)
    db.session.commit()
    db.session.refresh(occurrence)
    return occurrence


def _edit_all(event: Event, occurrence: Occurrence, data: EventData, minutes: int,
              new_local: datetime, now: datetime) -> Occurrence:
    old = series_of(event)
    # The occurrence chosen moves to the new time; the whole series shifts with it.
    shift = new_local - recurrence.local_wall(occurrence.original_at)
    target = recurrence.move(old, old.start + shift, timedelta(minutes=minutes))
    rows = _future_rows(event, now)
    _check_capacity(event, data.roles, rows)
    if recurrence.expand(target, now, _horizon(now), limit=5000) == [] and target.rule:
        raise DomainError(_l("This repetition gives no date at all: change the days "
                             "or the end."), field="freq")
    _texts(event, data)
    _set_roles(event, data.roles)
    event.starts_local, event.minutes, event.rule = target.start, minutes, target.rule
    event.exdates, event.updated_at = _exdates(target), now
    moved, cancelled = _retime(event, rows, old, target, now)
    _materialise(event, now)
    _tell(moved, cancelled, now)
    db.session.commit()
    return occurrence


def cancel(actor: User, occurrence: Occurrence, scope: str, now: datetime) -> None:
    """Cancels one occurrence (kept as an EXDATE), the following ones (the series' rule
    ends before), or all those to come. Their people are told; reminders cancelled."""
    event = occurrence.event
    _manage(actor, event.programme)
    if scope not in SCOPES:
        raise DomainError(_l("Choose which occurrences to cancel."), field="scope")
    _lock(event)
    db.session.refresh(occurrence)
    if event.rule is None:
        scope = "this"
    if scope == "this":
        rows = [] if occurrence.cancelled else [occurrence]
        event.exdates = sorted({*event.exdates,
                                recurrence.local_wall(occurrence.original_at).isoformat()})
    else:
        start = occurrence if scope == "following" else (
            _future_rows(event, now) or [occurrence])[0]
        before, _ = recurrence.split(series_of(event), recurrence.local_wall(start.original_at))
        if before is None:
            # Nothing left of the series: a single event whose one occurrence is cancelled.
            event.rule, event.exdates = None, []
        else:
            event.rule, event.exdates = before.rule, _exdates(before)
        rows = [r for r in _future_rows(event, now, start.original_at) if not r.cancelled]
    for row in rows:
        row.cancelled, row.sequence = True, row.sequence + 1
    event.updated_at = now
    db.session.flush()
    _tell([], rows, now)
    db.session.commit()


@dataclass(frozen=True)
class Row:
    """An upcoming occurrence's role that lacks people."""

    occurrence: Occurrence
    event: Event
    role: EventRole
    holding: int

    @property
    def missing(self) -> int:
        return self.role.places - self.holding


def coverage(programme: Programme, now: datetime, days: int) -> list[Row]:
    """The programme's occurrences in the next `days` days whose roles lack people, by
    time: one query however many occurrences."""
    holding = func.count(Signup.id)
    query = (select(Occurrence, Event, EventRole, holding)
             .join(Event, Event.id == Occurrence.event_id)
             .join(EventRole, EventRole.event_id == Event.id)
             .outerjoin(Signup, and_(Signup.occurrence_id == Occurrence.id,
                                     Signup.role_id == EventRole.id,
                                     Signup.status.in_(HOLDING)))
             .where(Event.programme_id == programme.id, Occurrence.cancelled.is_(False),
                    Occurrence.starts_at >= now,
                    Occurrence.starts_at < now + timedelta(days=days))
             .group_by(Occurrence.id, Event.id, EventRole.id)
             .having(holding < EventRole.places)
             .order_by(Occurrence.starts_at, EventRole.id))
    return [Row(*found) for found in db.session.execute(query).all()]


def upcoming(programme: Programme, now: datetime, limit: int = 100):
    """The programme's next occurrences with their events, and places taken by
    occurrence: two queries."""
    found = db.session.execute(
        select(Occurrence, Event).join(Event, Event.id == Occurrence.event_id)
        .where(Event.programme_id == programme.id, Occurrence.starts_at >= now)
        .order_by(Occurrence.starts_at).limit(limit)).all()
    return list(found), taken([o.id for o, _ in found])


def taken(occurrence_ids: list[int]) -> dict[tuple[int, int], int]:
    """(occurrence id, role id) -> how many hold a place."""
    if not occurrence_ids:
        return {}
    return {(o, r): n for o, r, n in db.session.execute(
        select(Signup.occurrence_id, Signup.role_id, func.count()).where(
            Signup.occurrence_id.in_(occurrence_ids), Signup.status.in_(HOLDING))
        .group_by(Signup.occurrence_id, Signup.role_id)).all()}


def occurrences_of(event: Event) -> list[Occurrence]:
    return list(db.session.scalars(select(Occurrence).where(Occurrence.event_id == event.id)
                                   .order_by(Occurrence.starts_at)))
