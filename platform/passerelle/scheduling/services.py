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

ENDS_BEFORE = _l("The repetition ends before this occurrence: change its end.")
NOT_ON_ITS_DAYS = _l("This occurrence's date is not one of the repetition's days: choose "
                     "its day too, or change the date.")
NO_DATE = _l("This repetition gives no date at all: change the days or the end.")


ROLE_REMOVED_WITH_PEOPLE = _l("People have signed up for this role: it cannot be removed. "
                              "Cancel their sign-ups, or keep the role.")


class _Same:
    def __repr__(self) -> str:
        return "SAME"


# An edit's rule when the form's repetition was left as it was (a creation reads it as none).
SAME = _Same()


@dataclass
class EventData:
    """What the event form gives, already parsed (local Brussels date and time).

    `roles` are the form's rows, (places, skill, language), row i being the event's i-th
    role on an edit; a row without places is blank (on an edit: that role removed)."""

    kind: EventKind
    day: date
    start: time
    minutes: int | None = None
    end: time | None = None
    title_fr: str = ""
    title_nl: str = ""
    title_en: str = ""
    description_fr: str = ""
    description_nl: str = ""
    description_en: str = ""
    address: str = ""
    city: str = ""
    centre: str | None = None
    roles: list[tuple[int | None, str | None, str | None]] = field(
        default_factory=lambda: [(1, None, None)])
    rule: "str | None | _Same" = SAME
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
            raise DomainError(NO_DATE, field="freq") from None
        raise DomainError(_l("This repetition cannot be used."), field="freq") from None
    if recurrence.resolve(series.start).at <= now:
        raise DomainError(_l("Choose a moment in the future."), field="day")


@dataclass(frozen=True)
class RolePlan:
    """The form's role rows against the event's roles: those kept or added, as (row,
    existing role or None, (places, skill, language)), and those removed, as (row, role)."""

    kept: list[tuple[int, EventRole | None, tuple[int, str | None, str | None]]]
    removed: list[tuple[int, EventRole]]

    def unchanged(self, event: Event) -> bool:
        return not self.removed and [role for _, role, _ in self.kept] == list(event.roles) \
            and all((role.places, role.skill, role.language) == values
                    for _, role, values in self.kept)


def _plan_roles(existing: list[EventRole], roles) -> RolePlan:
    kept, removed = [], []
    for row, (places, skill, language) in enumerate(roles):
        role = existing[row] if row < len(existing) else None
        if places:
            kept.append((row, role, (places, skill or None, language or None)))
        elif role is not None:
            removed.append((row, role))
    for row, role in enumerate(existing[len(roles):], start=len(roles)):
        removed.append((row, role))
    if not kept or any(values[0] < 1 for _, _, values in kept):
        raise DomainError(_l("Give at least one place."), field="roles")
    return RolePlan(kept, removed)


def _check_removed(plan: RolePlan, occurrence_ids: list[int] | None) -> None:
    """No role removed while someone signed up for it (at these rows; None: at any)."""
    for row, role in plan.removed:
        query = select(Signup.id).where(Signup.role_id == role.id)
        if occurrence_ids is not None:
            query = query.where(Signup.occurrence_id.in_(occurrence_ids or [0]))
        if db.session.scalar(query.limit(1)) is not None:
            raise DomainError(ROLE_REMOVED_WITH_PEOPLE, field=f"roles.{row}.places")


def _texts_of(kind: EventKind, data: EventData) -> dict:
    title = data.title_fr or data.title_nl or data.title_en
    if not title.strip():
        raise DomainError(_l("This field is required."), field="title_fr")
    # One title is enough: it is copied into the languages left empty. A description left
    # empty is read in another language (Event.text).
    return {"title_fr": (data.title_fr or title).strip(),
            "title_nl": (data.title_nl or title).strip(),
            "title_en": (data.title_en or title).strip(),
            "description_fr": data.description_fr.strip(),
            "description_nl": data.description_nl.strip(),
            "description_en": data.description_en.strip(),
            "address": data.address, "city": data.city,
            "centre": data.centre if kind == EventKind.visit else None}


def _texts(event: Event, texts: dict) -> None:
    for name, value in texts.items():
        setattr(event, name, value)


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
    plan = _plan_roles([], data.roles)
    rule = None if data.rule is SAME else data.rule
    series = recurrence.Series(data.local_start, timedelta(minutes=minutes), rule)
    _check(series, now)
    event = Event(programme_id=programme.id, kind=data.kind,
                  starts_local=recurrence.resolve(data.local_start).wall, minutes=minutes,
                  rule=rule, exdates=[], duo_id=data.duo_id, created_by_id=actor.id,
                  created_at=now, updated_at=now)
    _texts(event, _texts_of(data.kind, data))
    for _, _, (places, skill, language) in plan.kept:
        event.roles.append(EventRole(places=places, skill=skill, language=language))
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


def _check_capacity(plan: RolePlan, rows: list[Occurrence]) -> None:
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
    for row, role, (places, _, _) in plan.kept:
        if role is not None and places < most.get(role.id, 0):
            raise DomainError(_l("%(count)s people already hold a place in this role: give "
                                 "at least %(count)s places, or cancel sign-ups first.",
                                 count=most[role.id]), field=f"roles.{row}.places")


def _future_rows(event: Event, now: datetime, from_original: datetime | None = None):
    query = select(Occurrence).where(Occurrence.event_id == event.id,
                                     Occurrence.starts_at >= now)
    if from_original is not None:
        query = query.where(Occurrence.original_at >= from_original)
    return list(db.session.scalars(query.order_by(Occurrence.original_at)))


def _set_roles(event: Event, plan: RolePlan) -> None:
    for _, role, (places, skill, language) in plan.kept:
        if role is None:
            event.roles.append(EventRole(places=places, skill=skill, language=language))
        else:
            role.places, role.skill, role.language = places, skill, language
    for _, role in plan.removed:
        event.roles.remove(role)  # nobody signed up for it (_check_removed)


def _retime(rows: list[Occurrence], shift: timedelta, new: recurrence.Series,
            now: datetime) -> tuple[list, list]:
    """The rows re-keyed to the new series (each original shifted by the edit's shift):
    kept when the new rule still has it (non-overridden ones re-timed), cancelled when
    not."""
    wanted = {o.original: o for o in recurrence.expand(new, now - timedelta(days=1),
                                                       _horizon(now))}
    moved, cancelled, targets = [], [], {}
    for row in rows:
        local = recurrence.local_wall(row.original_at) + shift
        if local in wanted and not row.cancelled:
            targets[row.id] = wanted[local]
        elif not row.cancelled:
            row.cancelled, row.sequence = True, row.sequence + 1
            cancelled.append(row)
    # Two steps, so that no new key meets an old one still in place (unique constraint).
    for row in rows:
        if row.id in targets and row.original_at != targets[row.id].start:
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


def _end_field(rule: str | None) -> str:
    return "count" if rule and "COUNT=" in rule else "until"


def _changed_series(old: recurrence.Series, at: datetime, new_local: datetime,
                    minutes: int, rule: str | None, following: bool):
    """recurrence.change, its refusals said beside the field at fault."""
    try:
        before, target = recurrence.change(old, at, new_local, timedelta(minutes=minutes),
                                           rule, following=following)
    except recurrence.RecurrenceError as error:
        if error.code == "end":
            raise DomainError(ENDS_BEFORE, field=_end_field(rule)) from None
        if error.code == "end-before-start":
            raise DomainError(_l("The event must end after it starts."), field="end") from None
        if error.code == "no-occurrence" and rule != old.rule:
            raise DomainError(NO_DATE, field="freq") from None
        raise DomainError(_l("This repetition cannot be used."), field="freq") from None
    # The occurrence edited must stay one of the series (its own rule is shifted with it).
    why = recurrence.fits(target, new_local) if target.rule is not None else None
    if why == "end":
        raise DomainError(ENDS_BEFORE, field=_end_field(target.rule))
    if why == "days" and rule != old.rule:
        raise DomainError(NOT_ON_ITS_DAYS, field=_days_field(rule))
    return before, target


def _days_field(rule: str) -> str:
    try:
        return "nth" if recurrence.parts(rule).nth is not None else "weekdays"
    except recurrence.RecurrenceError:
        return "freq"


def edit(actor: User, occurrence: Occurrence, scope: str, data: EventData,
         now: datetime) -> Occurrence | None:
    """Changes one occurrence ("this": its time and length only), this and the following
    ones (a new series split from this one), or the whole series ("all"): time, length,
    texts, places per role, the repetition (`data.rule`, SAME to keep it). Sign-ups stay
    on their rows; rows the new rule no longer has are cancelled and their people told.
    Returns the occurrence, possibly now of a new event; None when the form changed
    nothing (then nothing is written and nobody told)."""
    event = occurrence.event
    _manage(actor, event.programme)
    if scope not in SCOPES:
        raise DomainError(_l("Choose which occurrences to change."), field="scope")
    _lock(event)
    db.session.refresh(occurrence)
    if occurrence.cancelled:
        raise DomainError(_l("This occurrence is cancelled."))
    minutes = duration_of(data)
    new_local = recurrence.resolve(data.local_start).wall
    length = int((occurrence.ends_at - occurrence.starts_at).total_seconds() // 60)
    same_time = (new_local, minutes) == (recurrence.local_wall(occurrence.starts_at), length)
    if not same_time and recurrence.resolve(new_local).at <= now:
        raise DomainError(_l("Choose a moment in the future."), field="day")
    if scope == "this" or event.rule is None and scope != "all":
        scope = "this" if event.rule is not None else "all"
    if scope == "this":
        if same_time:
            return None
        start = recurrence.resolve(new_local).at
        moved = start != occurrence.starts_at
        occurrence.starts_at = start
        occurrence.ends_at = recurrence.resolve(new_local + timedelta(minutes=minutes)).at
        occurrence.overridden, occurrence.sequence = True, occurrence.sequence + 1
        _tell([occurrence] if moved else [], [], now)
        db.session.commit()
        return occurrence
    rule = event.rule if data.rule is SAME else data.rule
    texts = _texts_of(event.kind, data)
    plan = _plan_roles(list(event.roles), data.roles)
    if (same_time and rule == event.rule and plan.unchanged(event)
            and all(getattr(event, name) == value for name, value in texts.items())):
        return None
    at = recurrence.local_wall(occurrence.original_at)
    if same_time:  # the series keeps its own time and length
        new_local, minutes = at, event.minutes
    following = scope == "following" and event.rule is not None
    before, target = _changed_series(series_of(event), at, new_local, minutes, rule,
                                     following)
    shift = new_local - at
    rows = _future_rows(event, now, occurrence.original_at if before else None)
    _check_capacity(plan, rows)
    _check_removed(plan, [row.id for row in rows] if before else None)
    if before is None:  # the whole series (or this is its first occurrence)
        _texts(event, texts)
        _set_roles(event, plan)
        event.starts_local, event.minutes, event.rule = target.start, minutes, target.rule
        event.exdates, event.updated_at = _exdates(target), now
        moved, cancelled = _retime(rows, shift, target, now)
        _materialise(event, now)
        _tell(moved, cancelled, now)
        db.session.commit()
        return occurrence
    _check(target, now)
    fresh = Event(programme_id=event.programme_id, kind=event.kind, starts_local=target.start,
                  minutes=minutes, rule=target.rule, exdates=_exdates(target),
                  training_id=event.training_id, match_id=event.match_id, duo_id=event.duo_id,
                  split_from_id=event.id, created_by_id=actor.id, created_at=now,
                  updated_at=now)
    _texts(fresh, texts)
    successors = {}
    for _, role, (places, skill, language) in plan.kept:
        fresh.roles.append(EventRole(places=places, skill=skill, language=language))
        if role is not None:
            successors[role.id] = fresh.roles[-1]
    db.session.add(fresh)
    event.rule, event.exdates, event.updated_at = before.rule, _exdates(before), now
    db.session.flush()
    # The rows (and therefore their sign-ups) move onto the new series, role by role.
    ids = [row.id for row in rows]
    for old_id, new_role in successors.items():
        db.session.execute(update(Signup).where(
            Signup.occurrence_id.in_(ids), Signup.role_id == old_id)
            .values(role_id=new_role.id))
    for row in rows:
        row.event_id = fresh.id
    db.session.flush()
    moved, cancelled = _retime(rows, shift, target, now)
    _materialise(fresh, now)
    _tell(moved, cancelled, now)
    db.session.commit()
    db.session.refresh(occurrence)
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
    _tell([], _cancel_rows(event, occurrence, scope, now), now)
    db.session.commit()


def _cancel_rows(event: Event, occurrence: Occurrence, scope: str,
                 now: datetime) -> list[Occurrence]:
    """The cancelling itself (the event locked by the caller): the rows cancelled, with a
    higher SEQUENCE for the feeds. Tells nobody, does not commit."""
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
    return rows


def end_quietly(event: Event, now: datetime) -> None:
    """Everything of the event still to come cancelled and its reminders with it, but
    nobody told of each occurrence: the caller says why once (a duo that ends). Does not
    commit."""
    _lock(event)
    upcoming = [row for row in _future_rows(event, now) if not row.cancelled]
    if not upcoming:
        return
    for row in _cancel_rows(event, upcoming[0], "all", now):
        messages.cancel_reminders(row)


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


def upcoming(programme: Programme, now: datetime, limit: int = 100, days: int | None = None):
    """The programme's next occurrences (in the next `days` days) with their events, and
    places taken by occurrence: two queries."""
    query = (select(Occurrence, Event).join(Event, Event.id == Occurrence.event_id)
             .where(Event.programme_id == programme.id, Occurrence.starts_at >= now))
    if days is not None:
        query = query.where(Occurrence.starts_at < now + timedelta(days=days))
    found = db.session.execute(query.order_by(Occurrence.starts_at).limit(limit)).all()
    return list(found), taken([o.id for o, _ in found])


def series(programme: Programme, now: datetime) -> list[tuple[Event, datetime]]:
    """The programme's events still to come, each with its next start (not cancelled), by
    that start: one query however many events."""
    next_start = func.min(Occurrence.starts_at)
    return [tuple(row) for row in db.session.execute(
        select(Event, next_start).join(Occurrence, Occurrence.event_id == Event.id)
        .where(Event.programme_id == programme.id, Occurrence.cancelled.is_(False),
               Occurrence.starts_at >= now)
        .group_by(Event.id).order_by(next_start, Event.id)).all()]


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
